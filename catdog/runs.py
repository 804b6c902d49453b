"""Run folders: the one record of a training run, and the only module that reads them.

    models/<run_id>/ config.json  status.json  history.csv  metrics.json  model.keras  class_names
                     train.log (what the job did)  logs/ (TensorBoard)  traceback.txt (on a crash)
                     cancel (written to ask a running job to stop)
                     test_score.json (the leaderboard's score on the teacher's test set)
                     resume/ (a job's save point while it waits for its next turn: training/turns.py)

Every file is written through `storage`: under a temporary name in the same folder, then renamed
into place, so a reader sees either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from catdog import storage
from catdog.access import Identity, check_may_change
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.run_state import Progress, State, effective_status
from catdog.settings import models_root
from catdog.storage import read_json, replacing


def save_model(model, run_dir: Path) -> None:
    """Save `model.keras` atomically: Keras writes a temp file, then one rename publishes it."""
    with replacing(Path(run_dir) / "model.keras") as partial:
        model.save(partial)


SAVE_POINT = "resume"


def write_save_point(run_dir: Path, state, model, best_weights) -> None:
    """A job's save point: the model (compiled: the optimizer's state too), early stopping's best
    weights, and `state()` (turns.SavePoint's dict, asked for once they are saved) written last,
    so a save point cut short reads as none."""
    import numpy as np

    folder = save_point_folder(run_dir)
    folder.mkdir(exist_ok=True)
    (folder / "state.json").unlink(missing_ok=True)
    with replacing(folder / "model.keras") as partial:
        model.save(partial)
    with replacing(folder / "best.npz") as partial:
        np.savez(partial, *(best_weights or []))
    storage.write_json(folder / "state.json", state())


def read_save_point(run_dir: Path) -> dict | None:
    """The save point's state, or None where the job has none (or it was cut short). The model
    is `model.keras` in `save_point_folder`, the best weights `best.npz`."""
    state = read_json(save_point_folder(run_dir) / "state.json")
    return state if isinstance(state, dict) else None


def save_point_folder(run_dir: Path) -> Path:
    return Path(run_dir) / SAVE_POINT


def drop_save_point(run_dir: Path) -> None:
    shutil.rmtree(save_point_folder(run_dir), ignore_errors=True)


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
    status = read_json(Path(run_dir) / "status.json")
    status = status if isinstance(status, dict) else {}
    status.update(fields)
    storage.write_json(Path(run_dir) / "status.json", status)
    return status


DELETED = ".deleted"  # who deleted a student's run, when it was not the student: the student is told


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


@dataclass(frozen=True)
class DamagedRun:
    """A run folder whose record cannot be read: listed apart, never trained, never in the way."""

    id: str
    path: Path
    error: CatdogError  # which file, and what is wrong with it


def _record(run_dir: Path, name: str) -> dict:
    """A record file that must hold a JSON object; any other content makes the run damaged."""
    path = run_dir / name
    if not path.is_file():
        raise CatdogError("run_damaged_missing", run=run_dir.name, file=name)
    value = read_json(path)
    if not isinstance(value, dict):
        if value is None:
            raise CatdogError("run_damaged_not_json", run=run_dir.name, file=name)
        raise CatdogError("run_damaged_not_a_record", run=run_dir.name, file=name)
    return value


def _checked_status(run_dir: Path) -> dict:
    status = _record(run_dir, "status.json")
    problems = [("state", status.get("state"))] if status.get("state") not in State._value2member_map_ else []
    problems += [(key, status[key]) for key in ("pid", "heartbeat", "created", "started")
                 if status.get(key) is not None and (isinstance(status[key], bool)
                                                     or not isinstance(status[key], (int, float)))]
    if not isinstance(status.get("progress", {}), dict):
        problems.append(("progress", status["progress"]))
    if problems:
        key, value = problems[0]
        raise CatdogError("run_damaged_value", run=run_dir.name, file="status.json", name=key, value=repr(value)[:40])
    return status


def _checked_config(run_dir: Path) -> TrainConfig:
    raw = _record(run_dir, "config.json")
    try:
        return TrainConfig.from_dict(raw)
    except CatdogError as error:
        name = error.params.get("name") or error.params.get("names") or next(iter(error.params), "?")
        raise CatdogError("run_damaged_value", run=run_dir.name, file="config.json", name=name,
                          value=repr(error.params.get("value", raw.get(name, "?")))[:40]) from error
    except (TypeError, ValueError) as error:  # e.g. an augmentation setting no catdog has
        raise CatdogError("run_damaged_value", run=run_dir.name, file="config.json", name="augmentation",
                          value=repr(raw.get("augmentation"))[:40]) from error


def _read_run(run_dir: Path) -> Run:
    """The run in `run_dir`; CatdogError (run_damaged_*) where its config or status cannot be read."""
    config, status = _checked_config(run_dir), _checked_status(run_dir)
    names_file = run_dir / "class_names"
    try:
        history = _read_history(run_dir / "history.csv")
        class_names = names_file.read_text().split("\n")[:-1] if names_file.exists() else []
    except ValueError as error:  # not UTF-8 text (a byte written by hand): damaged, never a crash
        raise CatdogError("run_damaged_not_text", run=run_dir.name, file="history.csv or class_names") from error
    metrics, score = read_json(run_dir / "metrics.json"), read_json(run_dir / "test_score.json")
    return Run(id=run_dir.name, path=run_dir, config=config, status=effective_status(status), history=history,
               metrics=metrics if isinstance(metrics, dict) else {}, class_names=class_names,
               test_score=score if isinstance(score, dict) else {})


def _scan(models_dir) -> tuple[list[Run], list[DamagedRun]]:
    root = Path(models_dir or models_root())
    if not root.is_dir():
        return [], []
    found, damaged = [], []
    for run_dir in sorted(root.iterdir(), reverse=True):
        if run_dir.is_dir() and (run_dir / "config.json").exists():
            try:
                found.append(_read_run(run_dir))
            except CatdogError as error:
                if (run_dir / "config.json").exists():  # else deleted while listing
                    damaged.append(DamagedRun(run_dir.name, run_dir, error))
            except FileNotFoundError:
                continue  # deleted while listing
    return found, damaged


def list_runs(models_dir=None) -> list[Run]:
    """Every readable run, newest first. Folders that are not runs are skipped; damaged runs are
    left out (see `list_damaged`), so one bad record never hides the others."""
    return _scan(models_dir)[0]


def list_damaged(models_dir=None) -> list[DamagedRun]:
    """The run folders whose config.json or status.json cannot be read, with what is wrong."""
    return _scan(models_dir)[1]


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
    """Delete a finished run's folder; in hosted mode only its owner or the teacher may (a damaged
    run, whose owner cannot be read, only the teacher)."""
    damaged = next((run for run in list_damaged(models_dir) if str(ref) in (run.id, str(run.path))), None)
    if damaged is not None:
        check_may_change(who, None, "?", damaged.id)
        shutil.rmtree(damaged.path, ignore_errors=True)
        return
    run = load_run(ref, models_dir)
    check_may_change(who, run.owner, run.owner_name, run.id)
    if run.state.waiting:
        raise CatdogError("run_busy", run=run.id, state=run.state)
    if who is not None and who.id != run.owner:  # the teacher: the student will be told who
        storage.write_json(_deleted_record(run.path.parent, run.id), {"by": who.name, "owner": run.owner})
    shutil.rmtree(run.path, ignore_errors=True)


def _deleted_record(root: Path, run_id: str) -> Path:
    folder = root / DELETED
    folder.mkdir(exist_ok=True)
    return folder / f"{run_id}.json"


def forget_deletions_of(owner: str, models_dir=None) -> None:
    """Remove the records of `owner`'s runs that the teacher deleted (privacy: nothing of theirs kept)."""
    for record in (Path(models_dir or models_root()) / DELETED).glob("*.json"):
        found = read_json(record)
        if isinstance(found, dict) and found.get("owner") == owner:
            record.unlink(missing_ok=True)


def deleted_by(run_id: str, models_dir=None) -> str | None:
    """Who deleted `run_id`, where it was not its owner (the teacher); else None."""
    record = read_json(Path(models_dir or models_root()) / DELETED / f"{run_id}.json")
    return record.get("by") if isinstance(record, dict) else None
