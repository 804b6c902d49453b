"""Streaming photos through the whole network, each epoch: a streamed phase 1 (augmented
photos, a network from scratch) and fine-tuning. Where jobs take turns (training/turns.py),
in slices, with a save point at the end of a turn and a resume from it."""

from __future__ import annotations

import logging
import warnings

from catdog import runs
from catdog.data import augment
from catdog.settings import limits
from catdog.training import estimate, multiworker, turns
from catdog.training.context import Training
from catdog.training.plan import Route
from catdog.training.reporter import progress_callback
from catdog.training.timing import timed_tensorboard
from catdog.training.turns import SavePoint, Slicing, Yielded

log = logging.getLogger(__name__)


def phase_callbacks(training: Training, phase: int, early_stopping: bool = True,
                    slicing: Slicing | None = None) -> list:
    import keras

    # Sliced, TensorBoard logs the real epochs, at the slice that ends each (validation is there).
    epoch_of = (lambda epoch: slicing.real_epoch(epoch) if slicing.ends_epoch(epoch) else None) if slicing else None
    tensorboard = timed_tensorboard(str(training.run_dir / "logs"), lambda seconds: training.stopwatch.moved(
        _PHASE_PARTS[phase], "tensorboard logs", seconds), epoch_of, histogram_freq=1, write_graph=True)
    callbacks = [progress_callback(training.reporter, phase, slicing), tensorboard]
    if early_stopping and training.config.early_stopping_patience:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=training.config.early_stopping_patience, restore_best_weights=True))
    return callbacks


_PHASE_PARTS = {1: "head training", 2: "fine-tuning"}


def stream(training: Training, phase: int, first_epoch: int, epochs: int) -> None:
    """Fit on the images themselves (augmented if asked), each epoch through the whole network."""
    slicing = _slicing(training, phase)
    if training.plan.route is Route.MULTIWORKER:  # Keras's fit fails there (keras-team/keras#20585)

        multiworker.fit(training, phase_callbacks(training, phase), phase, first_epoch, epochs)
    elif slicing is not None:
        _stream_in_turns(training, phase, first_epoch, epochs, slicing)
    else:
        # `shuffle=False`: the tf.data pipeline shuffles itself, with the run's seed.
        training.model.fit(_augmented_batches(training, phase), validation_data=training.validation_batches,
                           initial_epoch=first_epoch, epochs=first_epoch + epochs, verbose=0, shuffle=False,
                           callbacks=phase_callbacks(training, phase))
    training.reporter.raise_if_cancelled()
    training.final = None  # the weights changed: evaluate again at the end


def _augmented_batches(training: Training, phase: int):
    config, batches = training.config, training.train_batches
    # Phase 2 streams photos, so a mirror is a random flip (as phase 1 learned from both views).
    flips = augment.AugmentConfig(horizontal_flip=True) if config.mirror_views and phase == 2 else None
    augmentation = config.augmentation if config.augmentation.enabled else flips
    if augmentation:  # a different seed per phase (phase 2 sees new draws), and per turn (turns.turn_seed)
        seed = turns.turn_seed(config.seed + 100 * (phase - 1), training.resume)
        batches = batches.map(augment.make_augmenter(augmentation, seed))
    return batches


def _slicing(training: Training, phase: int) -> Slicing | None:
    """Slices of about `Limits.turn_seconds` for this phase, where jobs take turns (a trainer
    on a hosted server); None where a job keeps the process to its end."""
    resume = training.resume
    if resume is not None and resume.phase == phase:
        return resume.slicing
    turn = limits().turn_seconds
    if not turn or training.reporter.others_waiting is None or training.plan.route is Route.MULTIWORKER:
        return None
    factor = estimate.calibration(runs.list_runs(training.run_dir.parent))[0]
    per_photo = estimate.seconds_per_photo(training.config, "stream" if phase == 1 else "fine_tune", factor)
    # Half a turn: a light job that arrives waits for the rest of one slice (turns.py).
    return turns.slicing(len(training.dataset.train.paths), training.config.batch_size, per_photo, turn / 2)


def _stream_in_turns(training: Training, phase: int, first_epoch: int, epochs: int, slicing: Slicing) -> None:
    """Keras epochs of one slice each over an endless stream; validation at real epochs' ends.
    When the turn is over, a save point, then `Yielded` (turns.py)."""
    config, reporter = training.config, training.reporter
    resume = training.resume if training.resume is not None and training.resume.phase == phase else None
    first_slice = resume.next_slice if resume else first_epoch * slicing.slices_per_epoch
    end_slice = resume.end_slice if resume else (first_epoch + epochs) * slicing.slices_per_epoch
    callbacks = phase_callbacks(training, phase, early_stopping=False, slicing=slicing)
    stopper = None
    if config.early_stopping_patience:
        stopper = turns.early_stopping(config.early_stopping_patience, resume.early_stopping if resume else None,
                                       training.best_weights if resume else None, lambda: reporter.yielded)
        callbacks.insert(0, stopper)  # first: a job that early stopping ends does not also take a turn
    reporter.slices_done = first_slice
    with warnings.catch_warnings():
        # Keras 3 warns "Your input ran out of data" at the end of each validation here: with
        # `steps_per_epoch` set, it takes the validation photos' end (a length tf.data cannot know,
        # as unreadable photos are dropped) for a short stream. The training stream is endless.
        warnings.filterwarnings("ignore", message="Your input ran out of data")
        training.model.fit(_augmented_batches(training, phase).repeat(), steps_per_epoch=slicing.steps_per_slice,
                           validation_data=training.validation_batches, validation_freq=slicing.slices_per_epoch,
                           initial_epoch=first_slice, epochs=end_slice, verbose=0, shuffle=False,
                           callbacks=callbacks)
    if reporter.yielded and not reporter.stop_requested():
        _write_save_point(training, phase, slicing, end_slice, stopper)
        raise Yielded()


def _write_save_point(training: Training, phase: int, slicing: Slicing, end_slice: int, stopper) -> None:
    reporter = training.reporter

    def state() -> dict:  # asked once the model is saved: the trainer's time includes the saving
        return SavePoint(phase, reporter.slices_done, slicing.steps_per_slice, slicing.slices_per_epoch, end_slice,
                         reporter.trainer_seconds(), training.phase1_seconds, reporter.history, training.skipped,
                         stopper.state() if stopper else {}, training.features_reused, training.stopwatch.so_far(),
                         dict(reporter.epoch_sums), reporter.progress.fraction,
                         (training.resume.turns + 1) if training.resume else 1).to_dict()

    with training.stopwatch.part("turn save points"):
        runs.write_save_point(training.run_dir, state, training.model, stopper.best_weights if stopper else None)


def shuffle_seed(training: Training) -> int:
    """The training photos' shuffle seed for this turn (turns.turn_seed)."""
    return turns.turn_seed(training.config.seed, training.resume)


def save_point_of(run_dir) -> SavePoint | None:
    """The save point an earlier turn of the run wrote, if any (turns.py)."""
    saved = runs.read_save_point(run_dir)
    return SavePoint.from_dict(saved) if saved else None


def resume_from_save_point(training: Training) -> None:
    """Go on from the save point an earlier turn wrote: its model (with the optimizer's state),
    the best weights so far, the epochs run, the time spent."""
    import keras
    import numpy as np

    resume, folder = training.resume, runs.save_point_folder(training.run_dir)
    with training.stopwatch.part("turn save points"):
        training.model = keras.saving.load_model(folder / "model.keras", safe_mode=True, compile=True)
        with np.load(folder / "best.npz") as saved:
            training.best_weights = [saved[f"arr_{index}"] for index in range(len(saved.files))] or None
    training.reporter.resumed(resume.trainer_seconds, resume.history, resume.epoch_sums, resume.fraction)
    training.started -= resume.trainer_seconds  # (`started`: this turn's start)
    training.phase1_seconds, training.features_reused = resume.phase1_seconds, resume.features_reused
    training.skipped[:] = [tuple(pair) for pair in resume.skipped]
    for part, seconds in resume.time_breakdown.items():
        training.stopwatch.add(part, seconds)
    log.info("%s: resumed at turn %d, slice %d of %d", training.run_dir.name, resume.turns + 1,
             resume.next_slice, resume.end_slice)
