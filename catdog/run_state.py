"""What a run's status.json says: its state, the phase of a running job, its progress, and
whether the process training it is still alive.

The values of `State` and `Phase` are what status.json stores, so a run folder written by any
catdog reads the same. A running run whose process is gone or silent reads as failed
(`effective_status`), never running forever.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path

from catdog.errors import CatdogError

STALE_SECONDS = 90  # a running job writes a heartbeat every few seconds


def pid_alive(pid) -> bool:
    """True while process `pid` runs. A killed child that its parent (the web server that
    spawned it) has not yet reaped is a zombie: it still has a pid but is dead."""
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{int(pid)}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True  # no /proc (macOS): trust kill(0)


class State(StrEnum):
    """Where a run is in its life; the values are what status.json stores."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def waiting(self) -> bool:
        """Queued or running: the run holds a place in the queue (and its dataset is in use)."""
        return self in (State.QUEUED, State.RUNNING)

    @property
    def finished(self) -> bool:
        return not self.waiting


class Phase(StrEnum):
    """What a running job is doing now; the values are what status.json stores."""

    STARTING = "starting"
    EXTRACTING = "extracting features"
    TRAINING_HEAD = "training head"  # phase 1 of a pretrained backbone: the base is frozen
    TRAINING = "training"  # a network trained from scratch: every layer learns
    FINE_TUNING = "fine-tuning"  # phase 2: the top of the base learns too, at a lower rate
    EVALUATING = "evaluating"


@dataclass(frozen=True)
class Progress:
    """A running job's progress, as status.json records it and the pages and CLI show it.

    While extracting, `split` is "train" or "validation" and `view` counts the augmented
    views (1..views) when there are several; while fitting, epoch and batch count up."""

    phase: Phase = Phase.STARTING
    fraction: float = 0.0
    total_epochs: int | None = None
    epoch: int | None = None
    batch: int | None = None
    batches: int | None = None
    split: str | None = None
    view: int | None = None
    views: int | None = None
    images_done: int | None = None
    images_total: int | None = None
    elapsed: float | None = None
    eta_seconds: float | None = None
    loss: float | None = None
    accuracy: float | None = None

    def to_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, values: dict | None) -> Progress:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in (values or {}).items() if key in known}
        phase = values.pop("phase", Phase.STARTING)
        return cls(phase=Phase(phase) if phase in Phase._value2member_map_ else Phase.STARTING, **values)


def effective_status(status: dict) -> dict:
    """A `running` run whose process is gone or silent is reported as failed, never running forever."""
    if status.get("state") != State.RUNNING:
        return status
    silent = time.time() - status.get("heartbeat", 0) > STALE_SECONDS
    if not pid_alive(status.get("pid")) or silent:
        pid = status.get("pid")
        error = CatdogError("job_silent", pid=pid) if pid_alive(pid) else CatdogError("job_gone", pid=pid)
        return {**status, "state": State.FAILED, "stale": True, "error": str(error), "error_key": error.key,
                "error_params": error.params}
    return status
