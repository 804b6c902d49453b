"""Turns: a streaming job gives up the trainer at a slice's end when another owner waits, with a
save point, and later goes on from there to the same end (training/turns.py)."""

from __future__ import annotations

import pytest

from catdog import jobs, runs
from catdog.access import Identity
from catdog.config import TrainConfig
from catdog.training import turns


@pytest.mark.parametrize("photos, batch, per_photo, turn, expected", [
    (2000, 32, 0.02, 30, turns.Slicing(32, 2)),  # 63 passes of 0.64 s: 47 a turn, so two slices of ~20 s
    (2000, 32, 0.001, 30, turns.Slicing(63, 1)),  # a fast epoch is one slice
    (100, 8, 10.0, 30, turns.Slicing(1, 13)),  # a slow step: a slice per step, never none
])
def test_slices_last_about_a_turn_and_make_whole_epochs(photos, batch, per_photo, turn, expected):
    sliced = turns.slicing(photos, batch, per_photo, turn)
    assert sliced == expected
    assert sliced.steps_per_slice * sliced.slices_per_epoch >= -(-photos // batch)


def test_a_slice_holds_whole_updates_when_the_server_splits_batches(monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")  # 4 photos a pass: a batch of 32 is 8 passes, one update
    sliced = turns.slicing(2000, 32, 0.05, 30)
    assert sliced.steps_per_slice % 8 == 0


def test_a_slice_maps_to_its_real_epoch_and_step():
    sliced = turns.Slicing(steps_per_slice=5, slices_per_epoch=3)
    assert [sliced.real_epoch(e) for e in range(7)] == [0, 0, 0, 1, 1, 1, 2]
    assert [sliced.ends_epoch(e) for e in range(4)] == [False, False, True, False]
    assert sliced.step_in_epoch(4, 2) == 7


def test_a_save_point_reads_back_as_written():
    point = turns.SavePoint(phase=2, next_slice=7, steps_per_slice=5, slices_per_epoch=3, end_slice=12,
                            trainer_seconds=41.5, phase1_seconds=3.0, history=[{"epoch": 1, "loss": 0.5}],
                            skipped=[["a.jpg", "broken"]], early_stopping={"wait": 1, "best": 0.4, "best_epoch": 2})
    assert turns.SavePoint.from_dict({**point.to_dict(), "added_by_a_later_catdog": 1}) == point


def test_a_paused_run_waits_behind_another_owners_run(models_dir):
    ana = runs.create_run(TrainConfig(data_dir="unused"), models_dir, Identity("ana", "Ana"))
    bia = runs.create_run(TrainConfig(data_dir="unused"), models_dir, Identity("bia", "Bia"))
    runs.update_status(ana, created=100, started=500, paused=530)  # Ana's job had a turn
    runs.update_status(bia, created=510)
    assert [run.id for run in jobs.queued(models_dir)] == [bia.name, ana.name]


@pytest.mark.slow
def test_a_streaming_job_takes_turns_and_ends_as_one_run(tiny_dataset, models_dir, monkeypatch):
    """Every slice's end is the end of a turn here (another owner always waits): the job goes back
    to the queue each time with a save point, resumes from it, and ends with the same epochs,
    one history row each, and an optimizer that went on counting its updates."""
    import keras

    monkeypatch.setenv("CATDOG_TURN_SECONDS", "0.001")
    config = TrainConfig(data_dir=str(tiny_dataset), backbone="simple_cnn", image_size=32, epochs=2,
                         batch_size=4, early_stopping_patience=3)
    run_dir = runs.create_run(config, models_dir, Identity("ana", "Ana"))
    first = jobs.execute(run_dir, others_waiting=lambda: turns.Waiting.LIGHT)
    assert first.state == "queued" and first.status.get("paused")
    point = turns.SavePoint.from_dict(runs.read_save_point(run_dir))
    assert (point.next_slice, point.turns) == (1, 1)
    turns_taken = 1
    while runs.load_run(run_dir).state == "queued":
        jobs.execute(run_dir, others_waiting=lambda: turns.Waiting.LIGHT)
        turns_taken += 1
        assert turns_taken < 20
    run = runs.load_run(run_dir)
    assert run.state == "done", run.status
    assert turns_taken == point.slices_per_epoch * 2 > 2
    assert [row["epoch"] for row in run.history] == [1, 2]
    assert all("val_loss" in row and row["seconds"] > 0 and 0 < row["loss"] < 10 for row in run.history)
    assert run.metrics["time_breakdown"]["head training"] > 0  # every turn's, not the last one's
    assert run.metrics["seconds"] >= sum(row["seconds"] for row in run.history)
    assert run.metrics["epochs_run"] == 2
    assert runs.read_save_point(run_dir) is None and not runs.save_point_folder(run_dir).exists()
    model = keras.saving.load_model(run.model_path)
    assert int(model.optimizer.iterations) == 2 * point.slices_per_epoch * point.steps_per_slice


@pytest.mark.slow
def test_a_job_alone_on_the_trainer_keeps_its_turn(tiny_dataset, models_dir, monkeypatch):
    monkeypatch.setenv("CATDOG_TURN_SECONDS", "0.001")
    config = TrainConfig(data_dir=str(tiny_dataset), backbone="simple_cnn", image_size=32, epochs=2, batch_size=4)
    run_dir = runs.create_run(config, models_dir, Identity("ana", "Ana"))
    run = jobs.execute(run_dir, others_waiting=lambda: turns.Waiting.NOBODY)
    assert run.state == "done" and len(run.history) == 2
    assert not run.status.get("paused")


def test_cancelling_a_paused_run_drops_its_save_point(models_dir):
    run_dir = runs.create_run(TrainConfig(data_dir="unused"), models_dir)
    runs.update_status(run_dir, paused=123.0)
    runs.save_point_folder(run_dir).mkdir()
    (runs.save_point_folder(run_dir) / "state.json").write_text("{}")
    run = jobs.cancel(run_dir.name, models_dir)
    assert run.state == "cancelled" and run.error_key[0] == "job_cancelled"
    assert not runs.save_point_folder(run_dir).exists()


def test_a_light_job_gets_the_next_slice_end_and_a_heavy_one_waits_out_the_turn(tmp_path, monkeypatch):
    from catdog.training.reporter import Reporter

    monkeypatch.setenv("CATDOG_TURN_SECONDS", "30")
    waiting = {"now": turns.Waiting.NOBODY}
    reporter = Reporter(tmp_path, others_waiting=lambda: waiting["now"])
    assert not reporter.turn_over()
    waiting["now"] = turns.Waiting.HEAVY
    assert not reporter.turn_over()  # the turn has just begun
    reporter._turn_started -= 31
    assert reporter.turn_over()
    reporter._turn_started += 31
    waiting["now"] = turns.Waiting.LIGHT
    assert reporter.turn_over()
    monkeypatch.setenv("CATDOG_TURN_SECONDS", "0")  # a laptop: no turns
    assert not reporter.turn_over()


def test_the_trainer_asks_who_is_next_of_another_owner(models_dir):
    from catdog.data import augment

    heavy = TrainConfig(data_dir="unused", augmentation=augment.preset("light"))
    running = runs.create_run(heavy, models_dir, Identity("ana", "Ana"))
    runs.update_status(running, state="running", started=100)
    ask = jobs._others_waiting(models_dir, runs.load_run(running))
    assert ask() == turns.Waiting.NOBODY
    runs.update_status(runs.create_run(heavy, models_dir, Identity("ana", "Ana")), created=150)
    assert ask() == turns.Waiting.NOBODY  # Ana's second run does not interrupt her first
    runs.update_status(runs.create_run(heavy, models_dir, Identity("bia", "Bia")), created=200)
    runs.update_status(runs.create_run(TrainConfig(data_dir="unused"), models_dir, Identity("caio", "Caio")),
                       created=300)
    assert ask() == turns.Waiting.HEAVY  # Bia is next, and her job streams too


def test_each_turn_draws_another_order_and_other_augmentations():
    point = turns.SavePoint(phase=1, next_slice=1, steps_per_slice=1, slices_per_epoch=3, end_slice=6,
                            trainer_seconds=1.0, phase1_seconds=0.0)
    seeds = {turns.turn_seed(1337, None), turns.turn_seed(1337, point),
             turns.turn_seed(1337, turns.SavePoint.from_dict({**point.to_dict(), "turns": 2}))}
    assert len(seeds) == 3 and turns.turn_seed(1337, None) == 1337


def test_slices_never_stretch_an_epoch_when_the_server_splits_batches(monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")  # 4 photos a pass: a batch of 32 is 8 passes
    for per_photo in (0.001, 0.05, 0.4, 3.0):
        sliced = turns.slicing(2000, 32, per_photo, 15)
        assert 500 <= sliced.steps_per_slice * sliced.slices_per_epoch < 500 + 8 * sliced.slices_per_epoch


def test_a_run_whose_trainer_died_loses_its_save_point_with_its_turn(models_dir):
    run_dir = runs.create_run(TrainConfig(data_dir="unused"), models_dir)
    runs.update_status(run_dir, state="running", pid=2**22 + 12345, heartbeat=0, paused=1.0)
    runs.save_point_folder(run_dir).mkdir()
    jobs._mark_dead_runs(runs.list_runs(models_dir))
    assert runs.load_run(run_dir).state == "failed" and not runs.save_point_folder(run_dir).exists()


def test_a_paused_run_cancelled_as_the_trainer_takes_it_ends_cancelled_without_its_save_point(models_dir):
    run_dir = runs.create_run(TrainConfig(data_dir="unused"), models_dir)
    runs.update_status(run_dir, paused=1.0)
    runs.save_point_folder(run_dir).mkdir()
    (run_dir / "cancel").write_text('{"by": null}')
    run = jobs.execute(run_dir)
    assert run.state == "cancelled" and run.error_key[0] == "job_cancelled"
    assert not runs.save_point_folder(run_dir).exists()
