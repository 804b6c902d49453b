"""Live progress of a training job: status.json heartbeats, per-batch progress, history, cancel.

The Train page and the CLI both watch the same `Reporter`: the page by reading
status.json through `runs`, the CLI through a listener that draws a progress bar.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import threading
import time
from pathlib import Path

from catdog import runs
from catdog.data.pipeline import step_split
from catdog.run_state import Phase, Progress, State
from catdog.settings import limits
from catdog.training.turns import Waiting

HEARTBEAT_SECONDS = 5.0
WRITE_EVERY_SECONDS = 0.5
log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised where a job notices that it was asked to stop; `jobs.execute` records it."""


class Reporter:
    def __init__(self, run_dir, listener=None, others_waiting=None, job_minutes: float | None = None):
        self.run_dir = Path(run_dir)
        self.listener = listener  # called with the Progress on every update
        # Called at a slice's end: who waits for the trainer, a `turns.Waiting` (training/turns.py).
        # None (the CLI's foreground runs): the job keeps the process to its end, in one piece.
        self.others_waiting = others_waiting
        self.yielded = False  # gave up the trainer at a slice's end: a save point is to be written
        # A job's minutes on the trainer (the class's rule, classroom/rules.py); None: the server's default.
        self.job_minutes = limits().max_job_minutes if job_minutes is None else job_minutes
        self.slices_done = 0  # Keras epochs (slices, where jobs take turns) done, counted across phases
        self.epoch_sums: dict = {}  # the real epoch under way, sliced: loss and accuracy sums, steps, seconds
        self._resumed_fraction: float | None = None  # a resumed job's progress, until its first batch
        self.history: list[dict] = []
        self.progress = Progress()
        self.total_epochs = self._phase1_epochs = 1
        self._after_phase1 = 0.0
        self._phase_started, self._phase_first_step = time.time(), None
        self.batches_per_epoch = self.streamed_batches = 1
        self._lock = threading.Lock()
        self._last_write = 0.0
        self._started = self._turn_started = time.time()
        self._stopped = threading.Event()
        self._cancel = False
        self.cut_short = False  # stopped at the server's time limit for a job, with its best weights

    # lifecycle
    def start(self) -> None:
        self._started = self._turn_started = time.time()
        runs.update_status(self.run_dir, state=State.RUNNING, pid=os.getpid(), started=self._started,
                           heartbeat=self._started, progress=self.progress.to_dict())
        threading.Thread(target=self._beat, daemon=True, name="catdog-heartbeat").start()

    def _beat(self) -> None:
        # Feature extraction or a long epoch can go minutes without an update: keep
        # proving that the process is alive, so a killed job is told apart from a slow one.
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            self._write(force=True, notify=False)  # the listener (a terminal bar) is the main thread's

    def finish(self, state: str, **fields) -> None:
        self._stopped.set()
        with self._lock:
            runs.update_status(self.run_dir, state=state, ended=time.time(), heartbeat=time.time(),
                               progress=self.progress.to_dict(), **fields)

    # turns (training/turns.py)
    def resumed(self, trainer_seconds: float, history: list, epoch_sums: dict, fraction: float) -> None:
        """Going on from a save point: the time already spent on the trainer counts (the cap, the
        time left; this turn's from its start), and so do the epochs already run and the progress."""
        self._started -= trainer_seconds
        self.history, self.epoch_sums = list(history), dict(epoch_sums)
        self._resumed_fraction = fraction

    def trainer_seconds(self) -> float:
        return time.time() - self._started

    def turn_over(self) -> bool:
        """Another owner's run is next: a light one (it takes seconds) at once, a heavy one once
        this turn has lasted `Limits.turn_seconds` (training/turns.py)."""
        turn = limits().turn_seconds
        if not (self.others_waiting and turn):
            return False
        waiting = self.others_waiting()
        return waiting == Waiting.LIGHT or (waiting == Waiting.HEAVY and time.time() - self._turn_started >= turn)

    def pause(self, **fields) -> None:
        """Back to the queue, with the progress so far, to resume at the next turn."""
        self._stopped.set()
        with self._lock:
            runs.update_status(self.run_dir, state=State.QUEUED, paused=time.time(), heartbeat=time.time(),
                               pid=None, progress=self.progress.to_dict(), **fields)

    # cancellation: a `cancel` file in the run folder (written by jobs.cancel) or SIGTERM
    def request_stop(self) -> None:
        self._cancel = True

    def stop_requested(self) -> bool:
        if not self._cancel and (self.run_dir / "cancel").exists():
            self._cancel = True
        return self._cancel

    def over_time(self) -> bool:
        """Past the class's time for one job (`job_minutes`): the job ends at this epoch's (or
        slice's) end, done, with its best weights, and says it was cut short."""
        return bool(self.job_minutes) and time.time() - self._started > self.job_minutes * 60

    def raise_if_cancelled(self) -> None:
        if self.stop_requested():
            raise Cancelled()

    # progress
    def plan(self, config, train_images: int, validation_images: int = 0) -> None:
        """Epochs in all, and the passes an epoch streams (Keras cannot count a filtered tf.data
        pipeline's batches; on a shared server a batch takes several passes: pipeline.step_split).
        After phase 1, fine-tuning's estimated time (training/estimate.py) counts in the time left."""
        from catdog.training import estimate

        self.total_epochs, self._phase1_epochs = config.total_epochs, config.epochs
        self.streamed_batches = max(1, math.ceil(train_images / step_split(config.batch_size)[0]))
        self._after_phase1 = estimate.fine_tuning_seconds(config, train_images, validation_images)

    def set_phase(self, phase: Phase) -> None:
        log.info("%s: %s", self.run_dir.name, phase.value)
        # A resumed job's bar stays where it was while the model loads and traces (never back to 0).
        self.progress = Progress(phase=phase, total_epochs=self.total_epochs, fraction=self._resumed_fraction or 0.0)
        self._phase_started, self._phase_first_step = time.time(), None
        self._write(force=True)

    def extraction(self, split: str, seen: int, total: int, view: int | None = None,
                   views: int | None = None) -> None:
        self.progress = dataclasses.replace(
            self.progress, phase=Phase.EXTRACTING, split=split, view=view, views=views, images_done=seen,
            images_total=total, fraction=seen / max(total, 1))
        self._write()

    def batch(self, epoch: int, batch: int, logs: dict, batches: int | None = None) -> None:
        """Batch `batch` of `batches` (Keras's steps per epoch; a split batch counts its passes) done."""
        # A counter never passes its total: where Keras could not count the batches (photos that
        # could not be read are dropped), the total is revised to what the epoch turned out to hold.
        self.batches_per_epoch = max(batches or self.streamed_batches, batch)
        self._resumed_fraction = None
        done = (epoch + min(batch / self.batches_per_epoch, 1.0)) / self.total_epochs
        elapsed = time.time() - self._started
        self.progress = dataclasses.replace(
            self.progress, epoch=epoch + 1, total_epochs=self.total_epochs, batch=batch,
            batches=self.batches_per_epoch, fraction=max(min(done, 1.0), self.progress.fraction),
            elapsed=round(elapsed, 1), eta_seconds=self._time_left(epoch, batch),
            loss=_float_or_none(logs.get("loss")), accuracy=_float_or_none(logs.get("accuracy")))
        self._write()

    def _time_left(self, epoch: int, batch: int) -> float | None:
        """This phase's steps left at this phase's own pace (a fine-tuning step is slower than a
        head step), then the phases after it as estimated; None until a few steps tell the pace."""
        step = epoch * self.batches_per_epoch + batch
        if self._phase_first_step is None:
            self._phase_first_step, self._phase_started = step, time.time()  # past loading and tracing
            return None
        done = step - self._phase_first_step
        if done < 3:
            return None
        in_phase_1 = self.progress.phase is not Phase.FINE_TUNING
        phase_end = (self._phase1_epochs if in_phase_1 else self.total_epochs) * self.batches_per_epoch
        pace = (time.time() - self._phase_started) / done
        return round(max(phase_end - step, 0) * pace + (self._after_phase1 if in_phase_1 else 0.0), 1)

    def epoch_end(self, row: dict) -> None:
        self.history.append(row)
        runs.write_history(self.run_dir, self.history)
        log.info("%s: epoch %d %s", self.run_dir.name, row["epoch"],
                 " ".join(f"{k}={v:.4f}" for k, v in row.items() if k not in ("epoch", "phase", "seconds")))
        self._write(force=True)

    def _write(self, force: bool = False, notify: bool = True) -> None:
        now = time.time()
        if self.listener and notify:
            self.listener(self.progress)
        if not force and now - self._last_write < WRITE_EVERY_SECONDS:
            return
        with self._lock:
            self._last_write = now
            if not self._stopped.is_set():
                runs.update_status(self.run_dir, heartbeat=now, progress=self.progress.to_dict())


def _float_or_none(value) -> float | None:
    return None if value is None else float(value)


def progress_callback(reporter: Reporter, phase: int, slicing=None):
    """A Keras callback that reports every batch, records every epoch and stops when cancelled.
    With `slicing` (turns.Slicing), Keras's epochs are slices: it reports and records real epochs,
    and at a slice's end gives up the trainer when the turn is over (`Reporter.turn_over`).

    Built by a function so that importing this module (and `runs`) never imports Keras."""
    import keras

    class ProgressCallback(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self._epoch, self._epoch_started, self._slice = 0, time.time(), 0

        def on_epoch_begin(self, epoch, logs=None):  # `epoch` counts on across phases (initial_epoch)
            self._slice = epoch
            if slicing is None or epoch % slicing.slices_per_epoch == 0:  # (a resumed epoch: from the turn's start)
                self._epoch_started = time.time()
            self._epoch = slicing.real_epoch(epoch) if slicing else epoch

        def on_train_batch_end(self, batch, logs=None):
            batches = (self.params or {}).get("steps")
            if slicing is not None:
                batch = slicing.step_in_epoch(self._slice, batch)
                batches = slicing.steps_per_slice * slicing.slices_per_epoch
            reporter.batch(self._epoch, batch + 1, logs or {}, batches)
            if reporter.stop_requested():
                self.model.stop_training = True  # Keras 3 checks this after every batch

        def on_epoch_end(self, epoch, logs=None):
            reporter.slices_done, logs = epoch + 1, logs or {}
            if slicing is not None:
                self._add_slice(logs)
            if slicing is None or slicing.ends_epoch(epoch):
                row = {"epoch": self._epoch + 1, "phase": phase}
                row.update({key: float(value) for key, value in logs.items() if key != "learning_rate"})
                row["seconds"] = round(time.time() - self._epoch_started, 3)
                if slicing is not None:  # Keras averaged the last slice only: the whole epoch's, every turn's
                    sums, reporter.epoch_sums = reporter.epoch_sums, {}
                    row.update({key: sums[key] / sums["steps"] for key in ("loss", "accuracy") if key in sums})
                    row["seconds"] = round(row["seconds"] + sums.get("seconds", 0.0), 3)
                reporter.epoch_end(row)
            if reporter.over_time():  # EarlyStopping restores the best epoch's weights at the end
                reporter.cut_short = self.model.stop_training = True
            elif (slicing is not None and not self.model.stop_training and epoch + 1 < self.params.get("epochs", 0)
                  and reporter.turn_over()):
                reporter.yielded = self.model.stop_training = True
                if not slicing.ends_epoch(epoch):  # the epoch goes on at the next turn: its seconds so far
                    sums = reporter.epoch_sums
                    sums["seconds"] = sums.get("seconds", 0.0) + time.time() - self._epoch_started

        def _add_slice(self, logs: dict) -> None:
            """The slice's share of its real epoch's training loss and accuracy (step-weighted)."""
            sums, steps = reporter.epoch_sums, (self.params or {}).get("steps") or 1
            for key in ("loss", "accuracy"):
                if key in logs:
                    sums[key] = sums.get(key, 0.0) + float(logs[key]) * steps
            sums["steps"] = sums.get("steps", 0) + steps

    return ProgressCallback()
