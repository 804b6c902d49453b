"""A server upgraded to this catdog keeps what the previous one made: every student's runs,
datasets, collections and name (tests/previous_class/, written by catdog 1fa2043 through its
own code; see make_fixture.py there)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from catdog import jobs, runs
from catdog.classroom import collect, datasets, people
from catdog.errors import CatdogError
from helpers import make_image

PREVIOUS = Path(__file__).parent / "previous_class"


@pytest.fixture
def previous(tmp_path, monkeypatch):
    """The previous catdog's class folders in a working copy, photos made again; cwd at its root
    (its runs name their datasets as data/<name>)."""
    shutil.copytree(PREVIOUS, tmp_path / "class", ignore=shutil.ignore_patterns("make_fixture.py"))
    root = tmp_path / "class"
    manifest = json.loads((root / "manifest.json").read_text())
    for number, photo in enumerate(manifest["photos"]):
        make_image(root / photo, int("/dogs/" in photo or "/ball/" in photo), seed=number)
    monkeypatch.chdir(root)
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(root / "models"))
    people_seen = {name: people.identity(entry["token"], root / "models") for name, entry in manifest["people"].items()}
    return root, manifest, people_seen


def test_every_run_is_listed_with_its_owner_and_none_is_damaged(previous):
    root, manifest, who = previous
    listed = {run.id: run for run in runs.list_runs(root / "models")}
    assert set(listed) == set(manifest["runs"].values())
    assert runs.list_damaged(root / "models") == []
    done, cancelled, queued = (listed[manifest["runs"][key]] for key in ("done", "cancelled", "queued"))
    assert (done.state, done.owner_name, done.metrics["val_accuracy"]) == ("done", "Ana", 0.67)
    assert [row["epoch"] for row in done.history] == [1, 2]
    assert (cancelled.state, queued.state, queued.owner) == ("cancelled", "queued", who["Bia"].id)
    assert [run.id for run in jobs.queued(root / "models")] == [queued.id]  # nothing done is trained again


def test_a_students_browser_keeps_their_name_and_their_runs(previous):
    root, manifest, who = previous
    token = manifest["people"]["Ana"]["token"]
    assert people.browser_token(token) == token  # the cookie the previous catdog set is still good
    assert who["Ana"].name == "Ana" and not who["Ana"].teacher
    with pytest.raises(CatdogError):  # Ana still cannot cancel Bia's run
        jobs.cancel(manifest["runs"]["queued"], root / "models", who["Ana"])


def test_the_teacher_unlocks_again_and_still_has_the_teachers_rights(previous, monkeypatch):
    root, manifest, who = previous
    assert not who["Prof. Rui"].teacher  # teacher status now ends; the code unlocks it again
    token = manifest["people"]["Prof. Rui"]["token"]
    assert people.unlock_teacher(token, "the code", "the code", root / "models")
    teacher = people.identity(token, root / "models")
    assert teacher.teacher and teacher.name == "Prof. Rui"
    jobs.cancel(manifest["runs"]["queued"], root / "models", teacher)


def test_imported_datasets_and_collections_keep_their_owners_and_quotas(previous):
    root, manifest, who = previous
    mine = {dataset.name: dataset for dataset in datasets.list_datasets(who["Ana"], root / "data")}
    assert {"pets", "ana pets"} <= set(mine)
    assert mine["ana pets"].owner == who["Ana"].id and mine["pets"].owner is None
    assert datasets.misnamed(root / "data") == []
    with pytest.raises(CatdogError):
        datasets.delete_dataset("ana pets", who["Bia"], root / "data")
    toys = collect.get("toys", who["Bia"], root / "data")
    assert toys.owner == who["Bia"].id and [len(c.photos) for c in toys.classes] == [4, 4]
    datasets.delete_dataset("ana pets", who["Ana"], root / "data")
    assert "ana pets" not in {dataset.name for dataset in datasets.list_datasets(who["Ana"], root / "data")}


@pytest.mark.slow
def test_a_run_the_previous_catdog_queued_trains_to_the_end(previous):
    root, manifest, _ = previous
    run = jobs.execute(root / "models" / manifest["runs"]["queued"])
    assert run.state == "done", run.status
    assert run.owner_name == "Bia" and len(run.history) == 1
