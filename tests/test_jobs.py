"""Background jobs: own process, one at a time, queued in order, cancellable, crash-visible."""

import os
import signal
import threading

import pytest

from catdog import jobs, runs
from catdog.config import TrainConfig
from helpers import at_once, wait_until

FAST = dict(backbone="simple_cnn", image_size=32, batch_size=4, epochs=1)


def test_starting_a_job_returns_a_queued_run_without_importing_tensorflow(tiny_dataset, models_dir):
    """The web server launches jobs: that must not load TensorFlow into it."""
    import subprocess
    import sys

    from helpers import ROOT

    code = ("import sys; from catdog import jobs; from catdog.config import TrainConfig; "
            f"run = jobs.start(TrainConfig(data_dir={str(tiny_dataset)!r}, backbone='simple_cnn', epochs=1), "
            f"{str(models_dir)!r}); print(run.state, 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["queued", "False", "False"]
    [run] = runs.list_runs(models_dir)
    assert wait_until(lambda: runs.load_run(run.path).state.finished)


def test_background_job_trains_in_another_process(tiny_dataset, models_dir):
    run = jobs.start(TrainConfig(data_dir=str(tiny_dataset), **FAST), models_dir)
    assert wait_until(lambda: runs.load_run(run.path).state.finished)
    finished = runs.load_run(run.path)
    assert finished.state == "done", finished.status
    assert finished.status["pid"] != os.getpid()


def test_queued_jobs_run_one_at_a_time_in_launch_order(tiny_dataset, models_dir):
    config = TrainConfig(data_dir=str(tiny_dataset), **{**FAST, "epochs": 2})
    launched = []
    threads = [threading.Thread(target=lambda: launched.append(jobs.start(config, models_dir))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wait_until(lambda: all(r.state.finished for r in runs.list_runs(models_dir)), 300)
    done = sorted(runs.list_runs(models_dir), key=lambda r: r.status["started"])
    assert [r.state for r in done] == ["done"] * 3
    for earlier, later in zip(done, done[1:]):
        assert earlier.status["ended"] <= later.status["started"]  # never two at once


def test_cancel_of_a_queued_run_means_it_never_starts(models_dir):
    run_dir = runs.create_run(TrainConfig(data_dir="unused"), models_dir)
    assert jobs.cancel(run_dir.name, models_dir).state == "cancelled"
    jobs.worker(models_dir)  # nothing left to train
    assert runs.load_run(run_dir).state == "cancelled"
    assert "started" not in runs.load_run(run_dir).status


def test_sigkilled_job_is_shown_failed_and_the_queue_goes_on(tiny_dataset, models_dir):
    slow = TrainConfig(data_dir=str(tiny_dataset), **{**FAST, "epochs": 400, "early_stopping_patience": 0})
    victim = jobs.start(slow, models_dir)
    assert wait_until(lambda: runs.load_run(victim.path).state == "running" and
                 runs.load_run(victim.path).history)
    waiting = jobs.start(TrainConfig(data_dir=str(tiny_dataset), **FAST), models_dir)
    os.kill(runs.load_run(victim.path).status["pid"], signal.SIGKILL)
    assert wait_until(lambda: runs.load_run(victim.path).state == "failed", 30)
    # What the server's queue watch does every few seconds (any page too): a kill's lock outlives the
    # process's zombie by a moment, so one kick at that instant may find it still held.
    assert wait_until(lambda: jobs.kick(models_dir) or runs.load_run(waiting.path).state == "done")
    assert "killed" in runs.load_run(victim.path).status["error"]


def test_cancel_of_a_running_job_stops_it(tiny_dataset, models_dir):
    run = jobs.start(TrainConfig(data_dir=str(tiny_dataset), **{**FAST, "epochs": 400,
                                                              "early_stopping_patience": 0}), models_dir)
    assert wait_until(lambda: runs.load_run(run.path).state == "running")
    jobs.cancel(run.id, models_dir)
    assert wait_until(lambda: runs.load_run(run.path).state == "cancelled", 60)


def test_cancelling_a_finished_run_is_refused(models_dir):
    from catdog.errors import CatdogError

    run_dir = runs.create_run(TrainConfig(), models_dir)
    runs.update_status(run_dir, state="done")
    with pytest.raises(CatdogError, match="already finished"):
        jobs.cancel(run_dir.name, models_dir)


def _queued_run(models_dir, owner, created, name=""):
    from catdog.access import Identity

    run_dir = runs.create_run(TrainConfig(data_dir="unused"), models_dir, Identity(owner, name or owner))
    runs.update_status(run_dir, created=created)
    return run_dir.name


def test_the_queue_takes_turns_between_owners(models_dir):
    """Ana's ten launches do not hold up Bia: they alternate, Ana first (she launched first)."""
    ana = [_queued_run(models_dir, "ana", created=100 + i) for i in range(3)]
    bia = [_queued_run(models_dir, "bia", created=200 + i) for i in range(2)]
    assert [r.id for r in jobs.queued(models_dir)] == [ana[0], bia[0], ana[1], bia[1], ana[2]]


def test_whoever_was_served_longest_ago_goes_first(models_dir):
    ana = [_queued_run(models_dir, "ana", created=100 + i) for i in range(2)]
    bia = _queued_run(models_dir, "bia", created=300)
    runs.update_status(models_dir / ana[0], state="done", started=400)  # Ana just had her turn
    assert [r.id for r in jobs.queued(models_dir)] == [bia, ana[1]]


def test_a_student_cannot_cancel_or_delete_anothers_run_but_the_teacher_can(models_dir):
    from catdog.access import Identity
    from catdog.errors import CatdogError

    ana, bia, teacher = Identity("ana-token", "Ana"), Identity("bia-token", "Bia"), Identity("t", "Prof", True)
    queued_run = runs.create_run(TrainConfig(data_dir="unused"), models_dir, ana)
    with pytest.raises(CatdogError, match="belongs to Ana") as refused:
        jobs.cancel(queued_run.name, models_dir, who=bia)
    assert refused.value.key == "not_your_run" and runs.load_run(queued_run).state == "queued"
    assert jobs.cancel(queued_run.name, models_dir, who=ana).state == "cancelled"
    with pytest.raises(CatdogError, match="belongs to Ana"):
        runs.delete_run(queued_run.name, models_dir, who=bia)
    assert queued_run.exists()
    runs.delete_run(queued_run.name, models_dir, who=teacher)
    assert not queued_run.exists()


def test_one_trainer_process_trains_queued_runs_one_after_another(tiny_dataset, models_dir):
    """The warm trainer: TensorFlow is loaded once for several jobs, not once per job."""
    config = TrainConfig(data_dir=str(tiny_dataset), **FAST)
    first = jobs.start(config, models_dir)
    second = jobs.start(config, models_dir)
    assert wait_until(lambda: all(runs.load_run(r.path).state == "done" for r in (first, second)))
    assert runs.load_run(first.path).status["pid"] == runs.load_run(second.path).status["pid"]


def test_a_student_gets_a_few_waiting_runs_and_is_told_what_to_do_past_them(models_dir, monkeypatch):
    from catdog.access import Identity
    from catdog.errors import CatdogError

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_WAITING_RUNS", "2")
    monkeypatch.setenv("CATDOG_MAX_KEPT_RUNS", "3")
    monkeypatch.setattr(jobs, "spawn_worker", lambda models_dir: None)  # nothing trains here
    ana, bia = Identity("ana", "Ana"), Identity("bia", "Bia")
    config = TrainConfig(data_dir="unused", backbone="mobilenet_v1_025")
    first, _second = jobs.start(config, models_dir, ana), jobs.start(config, models_dir, ana)
    with pytest.raises(CatdogError, match="cancel one on the Train page") as refused:
        jobs.start(config, models_dir, ana)
    assert refused.value.key == "quota_waiting_runs"
    jobs.start(config, models_dir, bia)  # the quota is Ana's, not the class's
    jobs.start(config, models_dir, Identity("t", "Prof", teacher=True))  # the teacher has none
    runs.update_status(first.path, state="done")
    jobs.start(config, models_dir, ana)  # one finished: room again, now 3 kept
    runs.update_status(_second.path, state="done")
    with pytest.raises(CatdogError, match="delete runs you no longer need") as refused:
        jobs.start(config, models_dir, ana)
    assert refused.value.key == "quota_kept_runs"


def test_the_trainer_scores_a_finished_run_on_the_test_set_by_itself(tiny_dataset, models_dir, monkeypatch):
    from catdog.classroom import leaderboard
    from helpers import make_dataset

    make_dataset(tiny_dataset.parent / "exam", per_class=2, splits=("",))  # photos the run never trained on
    monkeypatch.setenv("CATDOG_DATA_DIR", str(tiny_dataset.parent))
    test = leaderboard.choose_test_set("exam", None, models_dir)
    run = jobs.start(TrainConfig(data_dir=str(tiny_dataset), **FAST), models_dir)
    assert wait_until(lambda: runs.load_run(run.path).test_score.get("fingerprint") == test.fingerprint)
    scored = runs.load_run(run.path)
    assert scored.state == "done" and scored.test_score["photos"] > 0
    assert leaderboard.ranking(runs.list_runs(models_dir), test)[0].run_id == run.id


def test_a_burst_of_starts_keeps_to_the_quota_and_starts_one_trainer(models_dir, monkeypatch):
    """8 threads starting runs for one student all got in (limit 3), and each started a trainer."""
    from catdog.access import Identity

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_WAITING_RUNS", "3")
    spawned = []
    monkeypatch.setattr(jobs, "spawn_worker", lambda root: spawned.append(root))
    ana, config = Identity("ana", "Ana"), TrainConfig(data_dir="unused", backbone="mobilenet_v1_025")
    outcomes = at_once(lambda number: jobs.start(config, models_dir, ana), 8)
    assert outcomes == ["ok"] * 3 + ["quota_waiting_runs"] * 5
    assert len(runs.list_runs(models_dir)) == 3 and len(spawned) == 1


def test_the_class_queue_has_a_cap_that_new_identities_do_not_escape(models_dir, monkeypatch):
    """A student who clears the cookie is a new student: the server's cap holds all the same."""
    from catdog.access import Identity
    from catdog.errors import CatdogError

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_CLASS_WAITING_RUNS", "4")
    monkeypatch.setattr(jobs, "spawn_worker", lambda root: None)
    config = TrainConfig(data_dir="unused", backbone="mobilenet_v1_025")
    for cookie in range(4):
        jobs.start(config, models_dir, Identity(f"cookie-{cookie}", "Ana"))
    with pytest.raises(CatdogError) as refused:
        jobs.start(config, models_dir, Identity("cookie-5", "Ana"))
    assert refused.value.key == "quota_class_queue" and refused.value.params == {"count": 4, "limit": 4}


def test_a_trainer_that_finds_the_lock_taken_leaves_without_loading_tensorflow(models_dir):
    import subprocess
    import sys

    from helpers import ROOT

    code = f"import sys; from catdog import jobs; jobs.worker({str(models_dir)!r}); print('tensorflow' in sys.modules)"
    with jobs.train_lock(models_dir, blocking=True):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_the_server_replaces_a_dead_trainer_with_no_page_open(models_dir, monkeypatch):
    kicked, stop = [], threading.Event()
    monkeypatch.setattr(jobs, "kick", lambda root=None: kicked.append(root) or (len(kicked) == 3 and stop.set()))
    jobs.keep_queue_moving(models_dir, every=0.01, stop=stop)
    assert kicked == [models_dir] * 3


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB file system of its own (root only: skipped elsewhere), unmounted after the test."""
    import subprocess

    folder = tmp_path / "small"
    folder.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_said_as_such_and_leaves_no_partial_file(tiny_dataset, small_disk):
    """It said "the training process is no longer running" and left .model.partial.keras and *.tmp."""
    run = jobs.run_in_foreground(TrainConfig(data_dir=str(tiny_dataset), **FAST), small_disk / "models")
    assert run.state == "failed" and run.status["error_key"] == "disk_full"
    left = [p.name for p in run.path.rglob("*") if ".tmp" in p.name or "partial" in p.name or p.suffix == ".keras"]
    assert left == []


def test_a_run_the_teacher_cancels_says_the_teacher_did(models_dir, monkeypatch):
    """The student read only "Cancelado a pedido", not that the teacher did it."""
    from catdog.access import Identity

    monkeypatch.setattr(jobs, "spawn_worker", lambda root: None)
    ana, teacher = Identity("ana", "Ana"), Identity("prof", "Prof. Lima", teacher=True)
    queued_one = runs.create_run(TrainConfig(data_dir="x"), models_dir, ana)
    cancelled = jobs.cancel(queued_one.name, models_dir, teacher)
    assert cancelled.error_key == ("job_cancelled_by_teacher", {"by": "Prof. Lima"})
    own = runs.create_run(TrainConfig(data_dir="x"), models_dir, ana)
    assert jobs.cancel(own.name, models_dir, ana).error_key[0] == "job_cancelled_before_start"
    assert jobs._cancel_reason(queued_one).key == "job_cancelled_by_teacher"  # what a running job reads
    assert jobs._cancel_reason(own).key == "job_cancelled"
