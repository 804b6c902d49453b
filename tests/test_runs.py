"""Run folders: atomic writes, listing, `latest`, dead jobs shown as failed, deletion."""

import os
import subprocess
import sys
import time

import pytest

from catdog import run_state, runs
from catdog.config import TrainConfig
from catdog.errors import CatdogError


def test_created_runs_are_listed_newest_first_and_found_by_id_or_path(models_dir):
    first = runs.create_run(TrainConfig(data_dir="x"), models_dir)
    second = runs.create_run(TrainConfig(data_dir="y"), models_dir)
    assert first != second  # same second, same backbone: still two folders
    listed = runs.list_runs(models_dir)
    assert {r.id for r in listed} == {first.name, second.name}
    assert runs.load_run(first.name, models_dir).config.data_dir == "x"
    assert runs.load_run(str(second)).config.data_dir == "y"
    assert listed[0].state == "queued"


def test_a_run_folder_written_before_the_move_into_subpackages_still_opens(models_dir):
    """The files exactly as the flat-layout catdog wrote them (session 10): nothing on disk names a module."""
    folder = models_dir / "20261201-101010-mobilenet_v1_025"
    folder.mkdir(parents=True)
    (folder / "status.json").write_text('{"state": "done", "created": 1796000000.0, "progress": {"phase": '
                                        '"evaluating", "fraction": 1.0}, "owner": null, "owner_name": null}')
    (folder / "config.json").write_text('{"data_dir": "data/pets", "backbone": "mobilenet_v1_025", "image_size": 320, '
                                        '"epochs": 3, "augmentation": {"rotation": 15.0, "horizontal_flip": true}, '
                                        '"fine_tune_epochs": 1}')
    (folder / "history.csv").write_text("epoch,loss,val_accuracy\n1,0.5,0.9\n")
    (folder / "class_names").write_text("cats\ndogs\n")
    (folder / "model.keras").write_bytes(b"zip")
    run = runs.load_run("latest", models_dir)
    assert (run.id, run.state, run.config.epochs) == (folder.name, "done", 3)
    assert run.config.augmentation.rotation == 15 and run.config.augmentation.horizontal_flip
    assert run.state is run_state.State.DONE and run.progress.phase is run_state.Phase.EVALUATING
    assert run.history == [{"epoch": 1, "loss": 0.5, "val_accuracy": 0.9}] and run.class_names == ["cats", "dogs"]


DAMAGED_STATUS = [("", "run_damaged_not_json"), ('{"state": "do', "run_damaged_not_json"),
                  ("[]", "run_damaged_not_a_record"), ('{"state": "paused"}', "run_damaged_value"),
                  ('{"state": "running", "pid": "abc", "heartbeat": 1}', "run_damaged_value"),
                  ('{"state": "running", "pid": 1, "heartbeat": "soon"}', "run_damaged_value"),
                  ('{"state": "done", "progress": []}', "run_damaged_value"), (None, "run_damaged_missing"),
                  ("\udcff", "run_damaged_not_json")]
DAMAGED_CONFIG = [("[]", "run_damaged_not_a_record"), ('{"epochs": 0}', "run_damaged_value"),
                  ('{"epochs": "ten"}', "run_damaged_value"), ('{"augmentation": {"spin": 3}}', "run_damaged_value"),
                  ('{"backbone": "alexnet"}', "run_damaged_value"), ("{", "run_damaged_not_json")]


def _two_runs_one_damaged(models_dir, file: str, content: str | None):
    good = runs.create_run(TrainConfig(data_dir="x"), models_dir)
    bad = runs.create_run(TrainConfig(data_dir="y"), models_dir)
    runs.update_status(bad, state="done")
    (bad / "model.keras").write_bytes(b"zip")
    if content is None:
        (bad / file).unlink()
    else:
        (bad / file).write_bytes(content.encode("utf-8", "surrogateescape"))  # "\udcff": the byte 0xff
    return good, bad


@pytest.mark.parametrize("content, key", DAMAGED_STATUS)
def test_a_damaged_status_is_listed_apart_never_queued_and_hides_no_other_run(models_dir, content, key):
    """A finished run's truncated status.json once read as queued: the trainer trained it again."""
    from catdog import jobs

    good, bad = _two_runs_one_damaged(models_dir, "status.json", content)
    assert [run.id for run in runs.list_runs(models_dir)] == [good.name]
    assert [(d.id, d.error.key) for d in runs.list_damaged(models_dir)] == [(bad.name, key)]
    assert [run.id for run in jobs.queued(models_dir)] == [good.name]
    with pytest.raises(CatdogError) as caught:
        runs.load_run(bad.name, models_dir)
    assert caught.value.key == key and bad.name in str(caught.value)


@pytest.mark.parametrize("content, key", DAMAGED_CONFIG)
def test_a_damaged_config_is_listed_apart_with_what_is_wrong(models_dir, content, key):
    """`[]` made every listing raise; an out-of-range value made the run vanish without a word."""
    good, bad = _two_runs_one_damaged(models_dir, "config.json", content)
    assert [run.id for run in runs.list_runs(models_dir)] == [good.name]
    [damaged] = runs.list_damaged(models_dir)
    assert damaged.error.key == key and damaged.id == bad.name


def test_only_the_teacher_deletes_a_damaged_run_whose_owner_cannot_be_read(models_dir):
    from catdog.access import Identity

    _, bad = _two_runs_one_damaged(models_dir, "status.json", "[]")
    with pytest.raises(CatdogError) as refused:
        runs.delete_run(bad.name, models_dir, Identity("ana-token", "Ana"))
    assert refused.value.key == "not_your_run" and bad.exists()
    runs.delete_run(bad.name, models_dir, Identity("teacher-token", "Teacher", teacher=True))
    assert not bad.exists() and runs.list_damaged(models_dir) == []


def test_latest_means_newest_finished_run_with_a_model(models_dir):
    with pytest.raises(CatdogError, match="no finished run"):
        runs.load_run("latest", models_dir)
    done = runs.create_run(TrainConfig(), models_dir)
    runs.update_status(done, state="done")
    (done / "model.keras").write_bytes(b"zip")
    runs.create_run(TrainConfig(), models_dir)  # newer, but queued
    assert runs.load_run("latest", models_dir).path == done


def test_unknown_run_is_a_clear_error(models_dir):
    with pytest.raises(CatdogError, match="No run called 'nope'"):
        runs.load_run("nope", models_dir)


def test_running_run_whose_process_died_is_shown_as_failed(models_dir):
    run_dir = runs.create_run(TrainConfig(), models_dir)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    runs.update_status(run_dir, state="running", pid=dead.pid, heartbeat=time.time())
    run = runs.load_run(run_dir)
    assert run.state == "failed" and "no longer running" in run.status["error"]


def test_running_run_with_a_stale_heartbeat_is_shown_as_failed(models_dir):
    run_dir = runs.create_run(TrainConfig(), models_dir)
    runs.update_status(run_dir, state="running", pid=os.getpid(), heartbeat=time.time() - 3600)
    assert runs.load_run(run_dir).state == "failed"
    runs.update_status(run_dir, heartbeat=time.time())
    assert runs.load_run(run_dir).state == "running"


def test_delete_refuses_a_running_run_and_removes_a_finished_one(models_dir):
    run_dir = runs.create_run(TrainConfig(), models_dir)
    runs.update_status(run_dir, state="running", pid=os.getpid(), heartbeat=time.time())
    with pytest.raises(CatdogError, match="cancel it"):
        runs.delete_run(run_dir.name, models_dir)
    runs.update_status(run_dir, state="done")
    runs.delete_run(run_dir.name, models_dir)
    assert not run_dir.exists()


def test_history_round_trips_as_numbers(tmp_path):
    runs.write_history(tmp_path, [{"epoch": 1, "phase": 1, "loss": 0.5}, {"epoch": 2, "phase": 2, "loss": 0.25}])
    assert runs._read_history(tmp_path / "history.csv")[1] == {"epoch": 2, "phase": 2, "loss": 0.25}


def test_a_student_whose_run_the_teacher_deleted_is_told_by_whom(models_dir):
    from catdog.access import Identity

    ana, teacher = Identity("ana", "Ana"), Identity("prof", "Prof. Lima", teacher=True)
    mine, hers = (runs.create_run(TrainConfig(data_dir="x"), models_dir, ana) for _ in range(2))
    for run_dir in (mine, hers):
        runs.update_status(run_dir, state="done")
    runs.delete_run(mine.name, models_dir, ana)
    runs.delete_run(hers.name, models_dir, teacher)
    assert runs.deleted_by(mine.name, models_dir) is None  # her own deletion: nothing to tell
    assert runs.deleted_by(hers.name, models_dir) == "Prof. Lima"
    assert runs.list_runs(models_dir) == [] and runs.list_damaged(models_dir) == []


def test_a_history_or_class_names_file_that_is_not_text_makes_the_run_damaged_not_the_listing_crash(models_dir):
    good, bad = _two_runs_one_damaged(models_dir, "class_names", "\udcff")
    assert [run.id for run in runs.list_runs(models_dir)] == [good.name]
    assert [d.error.key for d in runs.list_damaged(models_dir)] == ["run_damaged_not_text"]
