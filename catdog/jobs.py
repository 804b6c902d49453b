"""Training jobs: outside the web server, one at a time per models folder, the rest queued.

`start` writes a queued run and makes sure a trainer runs. The trainer is one process,
separate from the server, that holds an exclusive lock and trains queued runs one after
another, round-robin between owners, keeping TensorFlow loaded between them; it exits
when idle and hands over to a fresh process when its memory grows. A crash or an
out-of-memory kill takes down the trainer, not the web server; the kernel releases the
lock when a process dies, the dead run shows as failed, and the next `start` or `kick`
starts a new trainer.
"""

from __future__ import annotations

import errno
import logging
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from catdog import runs, settings, storage
from catdog.access import Identity, check_may_change
from catdog.classroom import leaderboard, rules
from catdog.config import TrainConfig, check_limits
from catdog.errors import CatdogError
from catdog.network import weights
from catdog.run_state import State
from catdog.settings import limits, models_root
from catdog.training import turns
from catdog.training.reporter import Cancelled, Reporter
from catdog.training.turns import Waiting, Yielded
from catdog.use.predict import CACHE

LOCK_NAME = ".train.lock"
STARTING = ".trainer-starting"  # a trainer was started and has not yet taken the lock
STARTING_SECONDS = 30.0  # after this, a trainer that never took the lock is taken for dead
FOREGROUND_WAITING = ".foreground-waiting"
POLL_SECONDS = 0.1  # how soon an idle trainer sees a new run
WATCH_SECONDS = 10.0  # how soon the web server replaces a trainer that died with runs waiting
log = logging.getLogger(__name__)


def train_lock(models_dir, blocking: bool):
    """Yields True while holding the models folder's training lock, False if it is taken."""
    return storage.locked(Path(models_dir) / LOCK_NAME, blocking)


def execute(run_dir, listener=None, others_waiting=None) -> runs.Run:
    """Train the queued run in `run_dir` in this process, recording how it ended.

    With `others_waiting` (the trainer's: who waits, a `turns.Waiting`), a job that streams
    photos takes turns: it may end this call back in the queue, with a save point (training/turns.py).
    The run's own log (train.log, beside its other files) gets what catdog logs meanwhile."""
    run_dir = Path(run_dir)
    reporter = Reporter(run_dir, listener, others_waiting, rules.job_minutes(run_dir.parent))
    if (run_dir / "cancel").exists():
        paused = runs.load_run(run_dir).status.get("paused")  # it had turns: it did start
        runs.drop_save_point(run_dir)
        reporter.finish(State.CANCELLED, **_reason(_cancel_reason(run_dir) if paused else
                                                   CatdogError("job_cancelled_before_start")))
        return runs.load_run(run_dir)
    previous = signal.signal(signal.SIGTERM, lambda *_: reporter.request_stop())
    catdog_log = logging.getLogger("catdog")
    level, run_log = catdog_log.level, _log_to(run_dir / "train.log")
    # Running ("starting") before TensorFlow is imported: a fresh trainer spends seconds on that,
    # and meanwhile the run would look queued behind nothing.
    reporter.start()
    yielded = False
    try:
        from catdog.training.train import train

        metrics = train(runs.load_run(run_dir).config, run_dir, reporter)
        reporter.finish(State.DONE, metrics=metrics)
    except Yielded:
        if reporter.stop_requested():  # cancelled while its save point was being written
            reporter.finish(State.CANCELLED, **_reason(_cancel_reason(run_dir)))
        else:
            log.info("%s: its turn is over; back in the queue", run_dir.name)
            reporter.pause()
            yielded = True
    except Cancelled:
        log.info("%s: cancelled", run_dir.name)
        reporter.finish(State.CANCELLED, **_reason(_cancel_reason(run_dir)))
    except CatdogError as error:
        log.error("%s: failed: %s", run_dir.name, error)
        reporter.finish(State.FAILED, traceback=None, **_reason(error))
    except BaseException as error:  # record every crash in the run folder, then let it propagate
        text = traceback.format_exc()
        log.error("%s: crashed\n%s", run_dir.name, text)
        if _disk_full(error):  # said as such (it read "the training process is no longer running")
            reporter.finish(State.FAILED, traceback=None, **_reason(CatdogError("disk_full", what="model")))
            return runs.load_run(run_dir)
        storage.write_atomic(run_dir / "traceback.txt", text)
        reporter.finish(State.FAILED, error=f"{type(error).__name__}: {error}", traceback=text)
        raise
    finally:
        if not yielded:  # ended one way or another: nothing to resume
            runs.drop_save_point(run_dir)
        signal.signal(signal.SIGTERM, previous)
        catdog_log.removeHandler(run_log)
        catdog_log.setLevel(level)
        run_log.close()
    return runs.load_run(run_dir)


def _cancel_reason(run_dir: Path) -> CatdogError:
    """Why the run stopped: at its owner's request, or the teacher's (named, so the student knows)."""
    asked = storage.read_json(run_dir / "cancel")
    by = asked.get("by") if isinstance(asked, dict) else None
    return CatdogError("job_cancelled_by_teacher", by=by) if by else CatdogError("job_cancelled")


def _disk_full(error: BaseException | None) -> bool:
    """Whether `error`, or what caused it (Keras and h5py wrap it), is a full disk or quota."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        error = error.__cause__ or error.__context__
    return False


def _reason(error: CatdogError) -> dict:
    """status.json's account of why a run ended: English for the CLI, a key for the pages."""
    return {"error": str(error), "error_key": error.key, "error_params": error.params}


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(settings.LOG_FORMAT))
    handler.setLevel(logging.INFO)
    catdog_log = logging.getLogger("catdog")
    catdog_log.addHandler(handler)
    if catdog_log.getEffectiveLevel() > logging.INFO:
        catdog_log.setLevel(logging.INFO)
    return handler


def queued(models_dir=None, listed: list | None = None) -> list[runs.Run]:
    """Queued runs in the order they will train: round-robin between owners, so one student's
    ten launches do not hold up the class. The owner served longest ago goes first; each
    owner's runs in launch order. `listed` saves a re-read."""
    listed = listed if listed is not None else runs.list_runs(models_dir)
    waiting = sorted((run for run in listed if run.state == State.QUEUED),
                     key=lambda run: (run.status.get("created", 0), run.id))
    last_served: dict = {}
    for run in listed:  # a run back in the queue after its turn (`paused`) was served then
        served = run.status.get("paused") if run.state == State.QUEUED else run.status.get("started")
        if isinstance(served, (int, float)):
            last_served[run.owner] = max(last_served.get(run.owner, 0), served)
    by_owner: dict = {}
    for run in waiting:
        by_owner.setdefault(run.owner, []).append(run)
    owners = sorted(by_owner, key=lambda owner: (last_served.get(owner, 0),
                                                 by_owner[owner][0].status.get("created", 0)))
    rounds = max((len(mine) for mine in by_owner.values()), default=0)
    return [by_owner[owner][turn] for turn in range(rounds) for owner in owners if turn < len(by_owner[owner])]


def active(models_dir=None, listed: list | None = None) -> runs.Run | None:
    return next((run for run in (listed if listed is not None else runs.list_runs(models_dir))
                 if run.state == State.RUNNING), None)


def _mark_dead_runs(listed: list[runs.Run]) -> None:
    """Persist as failed the runs whose process died (the reader already shows them so)."""
    for run in listed:
        if run.status.get("stale"):
            runs.drop_save_point(run.path)
            runs.update_status(run.path, state=State.FAILED, stale=True,
                               **{key: run.status[key] for key in ("error", "error_key", "error_params")})


def spawn_worker(models_dir) -> subprocess.Popen:
    root = Path(models_dir).resolve()
    # The worker inherits the log file; closing our copy keeps no handle open in this process.
    with open(root / ".worker.log", "ab") as worker_log:
        # A new session: the job outlives the page (or the CLI) that started it.
        return subprocess.Popen([sys.executable, "-m", "catdog.jobs", "worker", str(root)],
                                stdout=worker_log, stderr=worker_log, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def worker(models_dir) -> None:
    """The trainer: trains queued runs one after another in this one process, so TensorFlow and
    the backbones stay loaded between jobs (a class's head-only jobs then cost about a second
    each, not a process start). With no job waiting it scores finished runs on the leaderboard's
    test set. It waits `settings.trainer_idle_seconds()` for more work, then exits; it
    hands over to a fresh process once its memory has grown past `settings.trainer_max_mb()`."""
    root = Path(models_dir)
    with train_lock(root, blocking=False) as got_it:
        if not got_it:  # a trainer is running: it will see the new run (and this one loaded no TensorFlow)
            # ... or the lock was only probed by `ensure_trainer` at that instant: then no trainer
            # runs, and one more look keeps the queue from waiting out the starting marker.
            (root / STARTING).unlink(missing_ok=True)
            if queued(root):
                ensure_trainer(root)
            return
        (root / STARTING).unlink(missing_ok=True)
        import catdog

        catdog.import_tensorflow()  # the trainer's start-up: without the collector (see there)
        idle_since = time.time()
        while not _should_stop(root, idle_since):
            listed = runs.list_runs(root)  # one read of the run folders per turn
            try:
                _mark_dead_runs(listed)
            except OSError as error:  # a full disk: the runs read as failed all the same; keep training
                log.warning("could not record a dead run: %s", error)
            waiting = queued(listed=listed)
            if not waiting:
                # Only when no job waits (a job queued meanwhile waits for at most one scoring).
                if _score_one(root, listed):
                    CACHE.clear()
                    _forget_models()
                    idle_since = time.time()
                else:
                    time.sleep(POLL_SECONDS)
                continue
            try:
                execute(waiting[0].path, others_waiting=_others_waiting(root, waiting[0]))
            except Exception:  # execute recorded it in the run folder and logged it: keep the queue moving
                log.info("moving on to the next queued run")
            _forget_models()
            idle_since = time.time()
            if _memory_mb() > settings.trainer_max_mb():
                log.info("trainer at %.0f MB: handing over to a fresh process", _memory_mb())
                break
    if queued(root):  # checked after releasing, so a run queued meanwhile is never stranded
        ensure_trainer(root)


def _others_waiting(root: Path, run: runs.Run):
    """For `run`'s turns: who is next of another owner, light or heavy (one owner's second run
    does not interrupt the first; the round-robin serves owners, not runs)."""

    def waiting() -> Waiting:
        others = [other for other in queued(root) if other.owner != run.owner and other.id != run.id]
        if not others:
            return Waiting.NOBODY
        return Waiting.LIGHT if turns.light(others[0].config) else Waiting.HEAVY

    return waiting


def _score_one(root: Path, listed: list[runs.Run]) -> bool:
    """Score one finished run on the leaderboard's test set; True if one was scored. A run deleted
    meanwhile is skipped; the trainer never dies of a score."""
    try:
        return leaderboard.score_next(root, listed) is not None
    except (FileNotFoundError, CatdogError) as error:  # e.g. the run or the test set deleted while scoring
        log.warning("scoring skipped: %s", error)
        return False


def _should_stop(root: Path, idle_since: float) -> bool:
    """Idle for long enough, or a foreground run (the CLI) is waiting for the lock."""
    return time.time() - idle_since > settings.trainer_idle_seconds() or (root / FOREGROUND_WAITING).exists()


def _forget_models() -> None:
    """Free the last job's graphs and layers; TensorFlow itself stays loaded."""
    import gc

    import keras

    keras.backend.clear_session()
    keras.mixed_precision.set_global_policy("float32")  # a mixed-precision job must not leak into the next
    gc.collect()


def _memory_mb() -> float:
    """This process's resident memory (Linux), or 0 where /proc cannot tell."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start(config: TrainConfig, models_dir=None, owner: Identity | None = None) -> runs.Run:
    """Queue a run for `config` (owned by `owner` in hosted mode) and make sure the trainer
    will train it; returns at once."""
    check_limits(config)
    if config.weights == "imagenet" and not weights.weights_status(config.backbone, config.image_size).usable:
        raise weights.weights_unavailable(config.backbone, config.image_size)  # now, not after a failed job
    root = Path(models_dir or models_root())
    test = leaderboard.test_set(root)
    if owner is not None and not owner.teacher and test and Path(config.data_dir).resolve() == test.path:
        raise CatdogError("test_set_hidden")  # training on the test photos would make the challenge moot
    with storage.locked_folder(root):  # a quota and the run it admits: six tabs' Starts one by one
        check_quota(owner, runs.list_runs(root))
        run_dir = runs.create_run(config, root, owner)
    log.info("%s: queued", run_dir.name)
    ensure_trainer(root)
    return runs.load_run(run_dir)


def check_quota(owner: Identity | None, listed: list[runs.Run]) -> None:
    """A student may have a few runs waiting and keep a few dozen (hosted mode; not the teacher)."""
    allowed = limits()
    if owner is None or owner.teacher:
        return
    everyone_waiting = sum(run.state.waiting for run in listed)
    if everyone_waiting >= allowed.max_class_waiting_runs:  # whatever the identities (a cleared cookie)
        raise CatdogError("quota_class_queue", count=everyone_waiting, limit=allowed.max_class_waiting_runs)
    mine = [run for run in listed if run.owner == owner.id]
    waiting = [run for run in mine if run.state.waiting]
    if len(waiting) >= allowed.max_waiting_runs:
        raise CatdogError("quota_waiting_runs", count=len(waiting), limit=allowed.max_waiting_runs)
    if len(mine) >= allowed.max_kept_runs:
        raise CatdogError("quota_kept_runs", count=len(mine), limit=allowed.max_kept_runs)


def kick(models_dir=None, listed: list | None = None) -> None:
    """Start a worker if runs are queued, or wait for a leaderboard score, but nobody holds the
    lock (e.g. after a server restart, or when the teacher has just chosen a test set)."""
    root = Path(models_dir or models_root())
    listed = listed if listed is not None else runs.list_runs(root)
    if queued(listed=listed) or leaderboard.unscored(listed, leaderboard.test_set(root)):
        ensure_trainer(root)


def keep_queue_moving(models_dir=None, every: float = WATCH_SECONDS, stop=None) -> None:
    """Kick the trainer every `every` seconds while runs wait (until `stop`, a threading.Event, is
    set): a trainer killed (out of memory, a crash) is replaced with no page open. The web server
    runs this in a thread of its own."""
    stop = stop or threading.Event()
    while not stop.wait(every):
        try:
            kick(models_dir)
        except Exception:  # logged with its traceback: the watch must outlive any one bad moment
            log.exception("queue watch: kicking the trainer failed; trying again in %.0f s", every)


def ensure_trainer(models_dir) -> bool:
    """Start a trainer unless one holds the lock or one was started moments ago and is still
    starting: a burst of Starts (a class clicking at once) starts one process, not one each, and
    each of those would load TensorFlow. True if one was started."""
    root = Path(models_dir)
    with storage.locked(root / ".spawn.lock"):
        with train_lock(root, blocking=False) as free:
            pass
        if not free:
            return False
        starting = root / STARTING
        try:
            if time.time() - starting.stat().st_mtime < STARTING_SECONDS:
                return False
        except FileNotFoundError:
            pass
        starting.touch()
        spawn_worker(root)
        return True


def cancel(ref, models_dir=None, who: Identity | None = None) -> runs.Run:
    """Ask a queued or running run to stop; in hosted mode only its owner or the teacher may."""
    run = runs.load_run(ref, models_dir)
    check_may_change(who, run.owner, run.owner_name, run.id)
    if run.state.finished:
        raise CatdogError("run_already_finished", run=run.id, state=run.state)
    by_teacher = who is not None and who.teacher and who.id != run.owner
    storage.write_json(run.path / "cancel", {"by": who.name if by_teacher else None})
    if run.state == State.QUEUED:
        if by_teacher:
            reason = CatdogError("job_cancelled_by_teacher", by=who.name)
        elif run.status.get("paused"):  # it had turns on the trainer: it did start
            reason = CatdogError("job_cancelled")
        else:
            reason = CatdogError("job_cancelled_before_start")
        runs.update_status(run.path, state=State.CANCELLED, **_reason(reason))
        runs.drop_save_point(run.path)
    return runs.load_run(run.path)


@contextmanager
def foreground(models_dir=None):
    """Hold the training lock in this process (the CLI), after any background job: an idle
    trainer sees the marker and hands the lock over at once."""
    root = Path(models_dir or models_root())
    root.mkdir(parents=True, exist_ok=True)
    waiting = root / FOREGROUND_WAITING
    waiting.touch()
    try:
        with train_lock(root, blocking=True):
            waiting.unlink(missing_ok=True)
            yield root
    finally:
        waiting.unlink(missing_ok=True)


def run_in_foreground(config: TrainConfig, models_dir=None, listener=None) -> runs.Run:
    """Create and train a run in this process (the CLI), waiting for any background job first."""
    with foreground(models_dir) as root:  # the run is created once the lock is ours: no worker takes it
        return execute(runs.create_run(config, root), listener)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "worker":
        sys.exit("usage: python -m catdog.jobs worker MODELS_DIR")
    settings.quiet_tensorflow()
    logging.basicConfig(level=logging.INFO, format=settings.LOG_FORMAT)  # into .worker.log
    worker(sys.argv[2])  # imports TensorFlow once it holds the lock
