"""The class's challenge: every finished run scored on photos nobody trained on, then ranked.

The teacher picks a test set: a dataset that students cannot browse, train on or evaluate
with (`datasets.list_datasets` hides it from them). The trainer scores each finished run on
it when no job is waiting (`score_next`), so scoring never delays a class's jobs. A score is
kept in its run's folder with the test set's fingerprint; choosing another test set, or the
same one again after changing its photos, scores every run again. A run trained on the test
set's photos is never scored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catdog import runs, storage
from catdog.access import Identity
from catdog.classroom import datasets
from catdog.data import folders
from catdog.errors import CatdogError
from catdog.run_state import State
from catdog.settings import models_root
from catdog.training.features import features_of
from catdog.training.head import head_probabilities
from catdog.training.plan import plan_training
from catdog.use.evaluate import evaluate, evaluation_split

SETTINGS = ".leaderboard.json"  # in the models folder: the trainer and every server process read it
# What the table shows of each run's settings (all of them are compared in "settings that differ").
KEY_SETTINGS = ("backbone", "epochs", "fine_tune_epochs", "batch_size", "learning_rate", "augmentation")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TestSet:
    name: str
    path: Path
    fingerprint: str  # changes when a photo is added, removed or replaced


@dataclass(frozen=True)
class Row:
    rank: int
    run_id: str
    student: str
    settings: dict  # KEY_SETTINGS -> value, augmentation as on/off
    test_accuracy: float
    validation_accuracy: float | None
    training_seconds: float | None


def _fingerprint(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    described = "\n".join(f"{p.relative_to(folder)}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files)
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def chosen_name(models_dir=None) -> str | None:
    """The name of the test set chosen, even if its folder is gone."""
    try:
        return json.loads((Path(models_dir or models_root()) / SETTINGS).read_text()).get("name")
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def test_set(models_dir=None) -> TestSet | None:
    """The test set the teacher chose, or None (none chosen, or its folder is gone)."""
    try:
        record = json.loads((Path(models_dir or models_root()) / SETTINGS).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    path = Path(record.get("path", ""))
    return TestSet(record["name"], path, record["fingerprint"]) if path.is_dir() else None


def choose_test_set(name: str | None, who: Identity | None = None, models_dir=None, data_dir=None) -> TestSet | None:
    """The teacher's choice of test set (None: no leaderboard). Refused to anyone else."""
    if who is not None and not who.teacher:
        raise CatdogError("teacher_only_test_set")
    settings = Path(models_dir or models_root()) / SETTINGS
    if name is None:
        settings.unlink(missing_ok=True)
        return None
    found = next((d for d in datasets.all_datasets(data_dir) if d.name == name), None)
    if found is None:
        raise CatdogError("dataset_not_found", name=name)
    folders.find_splits(found.path)  # a folder that is no dataset is refused now, not at scoring time
    chosen = TestSet(name, found.path.resolve(), _fingerprint(found.path))
    settings.parent.mkdir(parents=True, exist_ok=True)
    storage.write_json(settings, {"name": name, "path": str(chosen.path), "fingerprint": chosen.fingerprint,
                                  "chosen": time.time()})
    return chosen


def forget_deleted_test_set(name: str, models_dir=None) -> None:
    """After the dataset `name` was deleted: if it was the test set, no test set is chosen any more,
    so that a later dataset of that name is not taken for it (and hidden from students). Whoever
    deletes a dataset calls this, so that `datasets` need not know of the leaderboard."""
    if test_set(models_dir) is None and chosen_name(models_dir) == name:
        choose_test_set(None, models_dir=models_dir)


def uses_test_set(run: runs.Run, test: TestSet) -> bool:
    """Whether `run` trained on the test set's photos (before it was chosen, or the teacher's own)."""
    return Path(run.config.data_dir).resolve() == test.path


def _scored(run: runs.Run, test: TestSet) -> bool:
    return run.test_score.get("fingerprint") == test.fingerprint


def unscored(listed: list[runs.Run], test: TestSet | None) -> list[runs.Run]:
    """Finished runs with a model and no score on `test` yet, oldest first."""
    if test is None:
        return []
    return [run for run in reversed(listed) if run.state == State.DONE and run.has_model and not _scored(run, test)
            and not uses_test_set(run, test)]  # a score on photos it trained on would mean nothing


def score(run: runs.Run, test: TestSet) -> dict:
    """Evaluate `run` on the test set and keep the result in its folder (an error too, so that a
    run whose classes do not match is not tried again and again)."""
    started = time.time()
    result = {"test_set": test.name, "fingerprint": test.fingerprint}
    try:
        cached = cached_probabilities(run, test)
        if cached is None:
            evaluation = evaluate(run.path, test.path)
            result.update(accuracy=evaluation.accuracy, photos=len(evaluation.photos))
        else:
            probabilities, labels = cached
            result.update(accuracy=float((probabilities.argmax(axis=1) == labels).mean()), photos=len(labels))
    except CatdogError as error:
        log.warning("%s: not scored on %s: %s", run.id, test.name, error)
        result.update(error_key=error.key, error_params=error.params)
    except Exception as error:  # a broken model file: recorded in the run (and logged), never retried in a loop
        log.exception("%s: scoring on %s crashed", run.id, test.name)
        result.update(error=f"{type(error).__name__}: {error}")
    result["seconds"] = round(time.time() - started, 2)
    runs.write_test_score(run.path, result)
    return result


def cached_probabilities(run: runs.Run, test: TestSet) -> tuple[np.ndarray, np.ndarray] | None:
    """(probabilities, labels) of the readable test photos for a run whose backbone stayed frozen,
    from the photos' features.

    Those features are the same for every such run of one network (backbone, size, weights),
    so they are extracted once into the training feature cache and each run then scores in
    milliseconds: a class's thirty runs do not each push the test photos through the backbone.
    None for a run whose backbone changed (fine-tuned, or trained from scratch)."""
    from catdog.network.model import load_model, split_at_features

    plan = plan_training(run.config)
    if not plan.features_cached or plan.fine_tune:
        return None
    split, _ = evaluation_split(test.path, run.class_names)
    extractor, head = split_at_features(load_model(run.model_path))
    mirror = run.config.test_time_mirror
    features, labels, _ = features_of(run.config, run.path.parent, extractor, split, [], views=2 if mirror else 1)
    if features is None:
        return None  # nothing readable: the full evaluation says why
    return head_probabilities(head, features, mirror), labels


def score_next(models_dir=None, listed: list[runs.Run] | None = None) -> runs.Run | None:
    """Score the oldest unscored run (the trainer calls this when no job waits); the run, or None."""
    test = test_set(models_dir)
    waiting = unscored(listed if listed is not None else runs.list_runs(models_dir), test)
    if not waiting:
        return None
    result = score(waiting[0], test)
    log.info("%s: test accuracy on %s: %s", waiting[0].id, test.name, result.get("accuracy", "not scored"))
    return waiting[0]


def ranking(listed: list[runs.Run], test: TestSet | None) -> list[Row]:
    """Scored runs, the best test accuracy first. Equal accuracies share a rank (1, 1, 3: the same
    photos right); among them the faster training is listed first (`TIE_BREAK`)."""
    if test is None:
        return []
    scored = [run for run in listed if _scored(run, test) and "accuracy" in run.test_score
              and not uses_test_set(run, test)]
    scored.sort(key=lambda run: (-run.test_score["accuracy"], run.metrics.get("seconds", float("inf"))))
    accuracies = [run.test_score["accuracy"] for run in scored]
    return [Row(accuracies.index(run.test_score["accuracy"]) + 1, run.id, run.owner_name or "-", _key_settings(run),
                run.test_score["accuracy"], run.metrics.get("val_accuracy"), run.metrics.get("seconds"))
            for run in scored]


def has_ties(rows: list[Row]) -> bool:
    return len({row.rank for row in rows}) < len(rows)


def _key_settings(run: runs.Run) -> dict:
    values = {name: getattr(run.config, name) for name in KEY_SETTINGS}
    values["augmentation"] = run.config.augmentation.enabled
    return values


def settings_that_differ(listed: list[runs.Run]) -> dict[str, list]:
    """Setting -> each run's value, for the settings where the runs do not all agree
    (nested augmentation settings are spelled `augmentation.rotation`). The dataset is named by its
    folder, never its path: a server path is not for a student's screen."""
    flat = [_flatten(run.config.to_dict()) for run in listed]
    for values in flat:
        values["dataset"] = Path(values.pop("data_dir", "") or "").name
    names = list(dict.fromkeys(name for values in flat for name in values))
    return {name: [values.get(name) for values in flat] for name in names
            if len({json.dumps(values.get(name)) for values in flat}) > 1}


def _flatten(values: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
