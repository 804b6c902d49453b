"""A student's data deleted in one step, a class's at the end of a term; nobody else's touched."""

import pytest

from catdog import jobs, privacy, runs
from catdog.access import Identity
from catdog.classroom import collect, datasets, people
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from helpers import make_dataset

ANA, BIA, TEACHER = Identity("ana-token", "Ana"), Identity("bia-token", "Bia"), Identity("prof", "Prof", teacher=True)
TEACHERS_PHONE = Identity("prof-phone", "Prof", teacher=True)


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setattr(jobs, "spawn_worker", lambda root: None)  # nothing trains here
    data, models = tmp_path / "data", tmp_path / "models"
    make_dataset(data / "sample", per_class=3)  # nobody's: stays
    for who in (ANA, BIA, TEACHER, TEACHERS_PHONE):
        people.set_name(who.id, who.name, models)
        done = runs.create_run(TrainConfig(data_dir=str(data / "sample")), models, who)
        runs.update_status(done, state="done")
    for browser in (TEACHER, TEACHERS_PHONE):  # the teacher unlocked on both, over the term
        people.unlock_teacher(browser.id, "owl-42", "owl-42", models)
    runs.create_run(TrainConfig(data_dir=str(data / "sample")), models, ANA)  # queued
    for who in (ANA, BIA):
        make_dataset(data / f"{who.name} pets", per_class=3)
        datasets.record_owner(data / f"{who.name} pets", who)
        collect.create(f"{who.name} draft", ["rock", "paper"], who, data)
    return data, models


def _owners(data, models):
    return ({run.owner for run in runs.list_runs(models)}, {d.owner for d in datasets.all_datasets(data)},
            {c.owner for c in collect.list_collections(None, data)})


def test_a_student_deletes_all_their_data_in_one_step_and_only_theirs(classroom):
    data, models = classroom
    forgotten = privacy.forget(ANA, models, data)
    assert len(forgotten.runs) == 2 and forgotten.datasets == ["Ana pets"] and forgotten.collections == ["Ana draft"]
    assert forgotten.profiles == 1 and forgotten.stopping == []
    run_owners, dataset_owners, draft_owners = _owners(data, models)
    assert ANA.id not in run_owners | dataset_owners | draft_owners
    assert {BIA.id, TEACHER.id} <= run_owners and BIA.id in dataset_owners and BIA.id in draft_owners
    assert people.identity(ANA.id, models).name == "" and people.identity(BIA.id, models).name == "Bia"


def test_the_teacher_wipes_every_students_data_and_keeps_their_own_and_the_sample(classroom):
    data, models = classroom
    with pytest.raises(CatdogError) as refused:
        privacy.wipe_class(BIA, models, data)
    assert refused.value.key == "teacher_only_wipe"
    forgotten = privacy.wipe_class(TEACHER, models, data)
    assert forgotten.stopping == [] and forgotten.profiles == 2
    run_owners, dataset_owners, draft_owners = _owners(data, models)
    assert run_owners == {TEACHER.id, TEACHERS_PHONE.id}  # the teacher's runs from another browser stay too
    assert dataset_owners == {None} and draft_owners == set()
    assert people.identity(TEACHER.id, models).name == "Prof"
