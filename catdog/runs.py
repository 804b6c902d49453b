"""Run folders: the one record of a training run, and the only module that reads them.

    models/<run_id>/ config.json  status.json  history.csv  metrics.json  model.keras  class_names
                     train.log (what the job did)  logs/ (TensorBoard)  traceback.txt (on a crash)
                     cancel (written to ask a running job to stop)
                     test_score.json (the leaderboard's score on the teacher's test set)

Every file is written through `storage`: under a temporary name in the same folder, then renamed
into place, so a reader sees either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path

from catdog import storage
from catdog.access import Identity, check_may_change
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.settings import models_root
from catdog.storage import read_json, replacing

STALE_SECONDS = 90  # a running job writes a heartbeat every few seconds


def save_model(model, run_dir: Path) -> None:
    """Save `model.keras` atomically: Keras writes a temp file, then one rename publishes it."""
    with replacing(Path(run_dir) / "model.keras") as partial:
        model.save(partial)


def write_history(run_dir: Path, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    storage.write_atomic(Path(run_dir) / "history.csv", buffer.getvalue())


def create_run(config: TrainConfig, models_dir=None, owner: Identity | None = None) -> Path:
    """A new run folder holding config.json and a `queued` status (with its owner, if any)."""
    root = Path(models_dir or models_root())
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 1000):
        run_id = f"{stamp}-{config.backbone}" + (f"-{attempt}" if attempt > 1 else "")
        try:
            (root / run_id).mkdir()  # fails if taken: two launches never share a folder
            break
        except FileExistsError:
            continue
    run_dir = root / run_id
    # status.json first: readers (a trainer polling the queue) see a run once config.json exists,
    # and must never find it without its status, take it, and have their "running" overwritten.
    storage.write_json(run_dir / "status.json", {"state": State.QUEUED, "created": time.time(), "progress": {},
                                                 "owner": owner and owner.id, "owner_name": owner and owner.name})
    storage.write_json(run_dir / "config.json", config.to_dict())
    return run_dir


def write_test_score(run_dir: Path, score: dict) -> None:
    storage.write_json(Path(run_dir) / "test_score.json", score)


def update_status(run_dir: Path, **fields) -> dict:
    """Merge `fields` into status.json (only the job that owns the run calls this)."""
    status = read_json(Path(run_dir) / "status.json") or {}
    status.update(fields)
    storage.write_json(Path(run_dir) / "status.json", status)
    return status


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


@dataclass
class Run:
    id: str
    path: Path
    config: TrainConfig
    status: dict
    history: list[dict]
    metrics: dict
    class_names: list[str]
    test_score: dict = field(default_factory=dict)  # see catdog.classroom.leaderboard

    @property
    def state(self) -> State:
        state = self.status.get("state", State.QUEUED)
        # A state no catdog wrote is never queued: the trainer would take the run and train it again.
        return State(state) if state in State._value2member_map_ else State.FAILED

    @property
    def owner(self) -> str | None:
        """The identity that launched the run (hosted mode), else None."""
        return self.status.get("owner")

    @property
    def owner_name(self) -> str:
        return self.status.get("owner_name") or ""

    @property
    def progress(self) -> Progress:
        return Progress.from_dict(self.status.get("progress"))

    @property
    def error(self) -> str | None:
        """Why the run failed or was cancelled, in English (the CLI's words)."""
        return self.status.get("error")

    @property
    def error_key(self) -> tuple[str, dict] | None:
        """The same reason as a message key and its parameters, for a page to translate."""
        key = self.status.get("error_key")
        return (key, self.status.get("error_params") or {}) if key else None

    @property
    def model_path(self) -> Path:
        return self.path / "model.keras"

    @property
    def has_model(self) -> bool:
        return self.model_path.exists()


def _effective_status(status: dict) -> dict:
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


def _read_history(path: Path) -> list[dict]:
    try:
        with open(path, newline="") as handle:
            return [{key: _cell_value(text) for key, text in row.items()} for row in csv.DictReader(handle)]
    except FileNotFoundError:
        return []


def _cell_value(text: str):
    """A history.csv cell as the number it holds (an int where it is whole), else the text."""
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:
        return text


def _read_run(run_dir: Path) -> Run:
    raw = read_json(run_dir / "config.json")
    if raw is None:
        raise CatdogError("run_unreadable", path=str(run_dir))
    names_file = run_dir / "class_names"
    return Run(
        id=run_dir.name, path=run_dir, config=TrainConfig.from_dict(raw),
        status=_effective_status(read_json(run_dir / "status.json") or {"state": State.QUEUED}),
        history=_read_history(run_dir / "history.csv"),
        metrics=read_json(run_dir / "metrics.json") or {},
        class_names=names_file.read_text().split("\n")[:-1] if names_file.exists() else [],
        test_score=read_json(run_dir / "test_score.json") or {},
    )


def list_runs(models_dir=None) -> list[Run]:
    """Every readable run, newest first. Folders that are not runs are skipped."""
    root = Path(models_dir or models_root())
    if not root.is_dir():
        return []
    found = []
    for run_dir in sorted(root.iterdir(), reverse=True):
        if run_dir.is_dir() and (run_dir / "config.json").exists():
            try:
                found.append(_read_run(run_dir))
            except (CatdogError, FileNotFoundError):
                continue  # deleted while listing, or not ours
    return found


def load_run(ref, models_dir=None) -> Run:
    """A run by id, by folder path, or `latest` (the newest finished run with a model)."""
    root = Path(models_dir or models_root())
    ref = str(ref)
    if ref == "latest":
        done = [run for run in list_runs(root) if run.state == State.DONE and run.has_model]
        if not done:
            raise CatdogError("no_finished_run", root=str(root))
        return done[0]
    for candidate in (Path(ref), root / ref):
        if (candidate / "config.json").exists():
            return _read_run(candidate)
    known = [run.id for run in list_runs(root)][:5]
    if known:
        raise CatdogError("run_not_found_example", ref=ref, root=str(root), example=known[0])
    raise CatdogError("run_not_found", ref=ref, root=str(root))


def delete_run(ref, models_dir=None, who: Identity | None = None) -> None:
    """Delete a finished run's folder; in hosted mode only its owner or the teacher may."""
    run = load_run(ref, models_dir)
    check_may_change(who, run.owner, run.owner_name, run.id)
    if run.state.waiting:
        raise CatdogError("run_busy", run=run.id, state=run.state)
    shutil.rmtree(run.path, ignore_errors=True)
