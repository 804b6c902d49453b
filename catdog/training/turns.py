"""Turns: how jobs share one trainer, and the save point a job resumes from.

The model, defined once here (a pool of trainers builds on it):

- A **job** is a queued run. A trainer takes the first job of the queue (round-robin between
  owners, `jobs.queued`) and trains it for one **turn**.
- A job that streams photos through the network (a streamed phase 1, a network from scratch,
  fine-tuning) trains in **slices** of about half `Limits.turn_seconds`: Keras epochs of
  `steps_per_slice` steps over an endless stream of batches, `slices_per_epoch` of them making
  one real epoch (validation, history, early stopping and the curves at real epochs only).
- At a slice's end, when another owner's run is next in the queue, the job gives up the
  trainer if that run is light (cached features, no fine-tuning: seconds on the trainer) or
  its own turn has lasted `turn_seconds`: a light job waits about one slice, two heavy jobs
  alternate in turns of about `turn_seconds`. Giving up, the job writes a **save point** (its
  model with the optimizer's state, where it stood, the best weights so far: `SavePoint`
  below) and goes back to the queue; it resumes from there with `initial_epoch` (with a new
  shuffle order: fine for stochastic gradient descent).
- Jobs on cached features are not sliced: their phase 1 takes seconds.

A laptop (`turn_seconds` 0) and the CLI's foreground runs train without slices, as before.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum

from catdog.config import TrainConfig
from catdog.data.pipeline import step_split
from catdog.training.plan import Route, plan_training


class Yielded(Exception):
    """Raised by `train` once a job has written its save point and given up the trainer."""


class Waiting(StrEnum):
    """Who waits for the trainer, as a running job sees it at a slice's end."""

    NOBODY = "nobody"  # or only the same owner's runs: the round-robin serves owners, not runs
    LIGHT = "light"  # another owner's run that streams nothing: seconds on the trainer
    HEAVY = "heavy"  # another owner's run that streams photos too: it gets turns


@dataclass(frozen=True)
class Slicing:
    steps_per_slice: int  # passes through the network per Keras epoch (a multiple of the passes per update)
    slices_per_epoch: int

    def real_epoch(self, keras_epoch: int) -> int:
        """The 0-based real epoch of Keras's `keras_epoch` (a slice)."""
        return keras_epoch // self.slices_per_epoch

    def ends_epoch(self, keras_epoch: int) -> bool:
        return (keras_epoch + 1) % self.slices_per_epoch == 0

    def step_in_epoch(self, keras_epoch: int, step: int) -> int:
        """Passes done in the real epoch after `step` passes of slice `keras_epoch`."""
        return (keras_epoch % self.slices_per_epoch) * self.steps_per_slice + step


def slicing(train_images: int, batch_size: int, seconds_per_photo: float, slice_seconds: float) -> Slicing:
    """Slices of about `slice_seconds` for an epoch over `train_images` photos, each photo costing
    `seconds_per_photo` (`estimate.seconds_per_photo`). A slice holds whole updates (a split
    batch's passes, `pipeline.step_split`), and a real epoch a whole number of slices."""
    photos_per_pass, passes = step_split(batch_size)
    # Counted in updates (a split batch's passes together), so rounding never stretches an epoch.
    updates_per_epoch = max(1, math.ceil(train_images / (photos_per_pass * passes)))
    update_seconds = max(seconds_per_photo * photos_per_pass * passes, 1e-6)
    wanted = max(1, round(slice_seconds / update_seconds))
    slices = max(1, math.ceil(updates_per_epoch / wanted))
    return Slicing(passes * math.ceil(updates_per_epoch / slices), slices)


@dataclass(frozen=True)
class SavePoint:
    """Where a job stood when it gave up the trainer: what `train` needs to go on exactly there.

    Stored as `resume/state.json` beside `resume/model.keras` (the model, compiled, with its
    optimizer's state) and `resume/best.npz` (early stopping's best weights so far), by `runs`."""

    phase: int  # the streamed phase to go on with: 1 or 2
    next_slice: int  # Keras's `initial_epoch`, counted in slices
    steps_per_slice: int
    slices_per_epoch: int
    end_slice: int  # the phase's last slice + 1: Keras's `epochs`
    trainer_seconds: float  # time this job has had on the trainer (the hosted cap counts it)
    phase1_seconds: float
    history: list = field(default_factory=list)  # the rows of real epochs so far
    skipped: list = field(default_factory=list)  # (path, reason) of photos that could not be read
    early_stopping: dict = field(default_factory=dict)  # wait, best, best_epoch (in slices)
    features_reused: int = 0
    time_breakdown: dict = field(default_factory=dict)  # the earlier turns' `Stopwatch`
    epoch_sums: dict = field(default_factory=dict)  # the real epoch under way: its slices' loss sums, steps, seconds
    fraction: float = 0.0  # the job's progress, which its bar keeps while it resumes
    turns: int = 1  # turns taken so far

    @property
    def slicing(self) -> Slicing:
        return Slicing(self.steps_per_slice, self.slices_per_epoch)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> SavePoint:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


def turn_seed(seed: int, save_point: SavePoint | None) -> int:
    """The shuffle's and the augmentation's seed for this turn: a resumed job's stream starts
    anew, so each turn draws another order (the same seed would replay the first photos)."""
    return seed if save_point is None else seed + 7919 * save_point.turns


def light(config: TrainConfig) -> bool:
    """A job that streams no photos and extracts features once (seconds, or a minute the first
    time on a dataset): phase 1 on cached features, no augmented views, no fine-tuning."""
    plan = plan_training(config)
    return plan.route is Route.CACHED and not plan.fine_tune


def early_stopping(patience: int, saved: dict | None, best_weights, yielding):
    """Keras's EarlyStopping (val_loss, the best weights restored at the end), which carries its
    state across turns: `saved` and `best_weights` from the save point; at a turn's end
    (`yielding()`) it leaves the weights as they are, to be saved and trained on."""
    import keras

    class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
        def on_train_begin(self, logs=None):
            super().on_train_begin(logs)
            for name, value in (saved or {}).items():
                setattr(self, name, value)
            if best_weights is not None:
                self.best_weights = best_weights

        def get_monitor_value(self, logs):  # validation runs at real epochs' ends only: no warning between
            return (logs or {}).get(self.monitor)

        def on_train_end(self, logs=None):
            if not yielding():
                super().on_train_end(logs)

        def state(self) -> dict:
            return {"wait": self.wait, "best": None if self.best is None else float(self.best),
                    "best_epoch": self.best_epoch}

    return ResumableEarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
