"""A student's data, deleted in one step; a class's, at the end of a term (Brazil's LGPD: many
students are minors, and their webcam photos are personal data).

What catdog keeps of a student on a class server: their name (a profile), the runs they trained
(settings, curves, model), the datasets they imported or published, and their collections'
photos. `forget` deletes all of it; `wipe_class` deletes every student's, keeping the teacher's
and the datasets that belong to no student (the sample). A run still training is asked to stop
and is deleted by the next call, once it has stopped.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from catdog import jobs, runs
from catdog.access import Identity
from catdog.classroom import collect, datasets, leaderboard, people
from catdog.errors import CatdogError
from catdog.settings import data_root, models_root


@dataclass
class Forgotten:
    """What was deleted, and the runs that were still stopping (deleted next time)."""

    runs: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    profiles: int = 0
    stopping: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # datasets a queued or running run uses: deleted next time


def _forget_owner(owner: str, forgotten: Forgotten, models_dir: Path, data_dir: Path) -> None:
    for run in runs.list_runs(models_dir):
        if run.owner != owner:
            continue
        if run.state.waiting:
            jobs.cancel(run.path, models_dir)
            run = runs.load_run(run.path)
        if run.state.waiting:  # training: it stops at its next batch
            forgotten.stopping.append(run.id)
            continue
        shutil.rmtree(run.path, ignore_errors=True)
        forgotten.runs.append(run.id)
    for draft in collect.list_collections(None, data_dir):
        if draft.owner == owner:
            collect.delete(draft)
            forgotten.collections.append(draft.name)
    for dataset in datasets.all_datasets(data_dir):
        if dataset.owner != owner:
            continue
        if any(run.state.waiting and Path(run.config.data_dir).resolve() == dataset.path.resolve()
               for run in runs.list_runs(models_dir)):
            forgotten.kept.append(dataset.name)  # another's run trains on it now
            continue
        datasets.delete_dataset(dataset.name, None, data_dir)
        leaderboard.forget_deleted_test_set(dataset.name, models_dir)
        forgotten.datasets.append(dataset.name)
    runs.forget_deletions_of(owner, models_dir)


def forget(who: Identity, models_dir=None, data_dir=None) -> Forgotten:
    """Delete everything of `who`'s: runs, datasets, collections and their profile."""
    models, data = Path(models_dir or models_root()), Path(data_dir or data_root())
    forgotten = Forgotten()
    _forget_owner(who.id, forgotten, models, data)
    if not forgotten.stopping and not forgotten.kept:  # else the name still says whose those are
        forgotten.profiles = int(people.forget_profile(who.id, models))
    return forgotten


def wipe_class(who: Identity | None, models_dir=None, data_dir=None) -> Forgotten:
    """The teacher's end of term: every student's runs, datasets, collections and profile."""
    if who is not None and not who.teacher:
        raise CatdogError("teacher_only_wipe")
    models, data = Path(models_dir or models_root()), Path(data_dir or data_root())
    owners = {run.owner for run in runs.list_runs(models)} | {d.owner for d in datasets.all_datasets(data)} \
        | {c.owner for c in collect.list_collections(None, data)}
    forgotten = Forgotten()
    for owner in sorted(owner for owner in owners if owner and not (who is not None and owner == who.id)
                        and not people.was_teacher(owner, models)):  # the teacher's, from any of their browsers
        _forget_owner(owner, forgotten, models, data)
    if not forgotten.stopping and not forgotten.kept:
        forgotten.profiles = people.forget_profiles(models)
    return forgotten
