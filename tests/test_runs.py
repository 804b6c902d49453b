"""Run folders: atomic writes, listing, `latest`, dead jobs shown as failed, deletion."""

import os
import subprocess
import sys
import time

import pytest

from catdog import runs
from catdog.config import TrainConfig
from catdog.errors import CatdogError


def test_atomic_write_leaves_no_temp_files_and_replaces_whole(tmp_path):
    target = tmp_path / "f.json"
    runs.write_json(target, {"a": 1})
    runs.write_json(target, {"a": 2})
    assert target.read_text().count('"a": 2') == 1
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_created_runs_are_listed_newest_first_and_found_by_id_or_path(models_dir):
    first = runs.create_run(TrainConfig(data_dir="x"), models_dir)
    second = runs.create_run(TrainConfig(data_dir="y"), models_dir)
    assert first != second  # same second, same backbone: still two folders
    listed = runs.list_runs(models_dir)
    assert {r.id for r in listed} == {first.name, second.name}
    assert runs.load_run(first.name, models_dir).config.data_dir == "x"
    assert runs.load_run(str(second)).config.data_dir == "y"
    assert listed[0].state == "queued"


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
