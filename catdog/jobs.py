"""Training jobs: each in its own process, one at a time per models folder, the rest queued.

A crash or an out-of-memory kill takes down the job, not the web server, and the memory
of a finished job goes back to the system. `start` writes a queued run and spawns a
worker; a worker holds an exclusive lock while it trains the oldest queued run, then
releases it and spawns the next worker if more runs are waiting. The lock is released
by the kernel when a process dies, so a SIGKILLed job never blocks the queue.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

from catdog import runs
from catdog.config import TrainConfig, check_limits, models_root
from catdog.errors import CatdogError

LOCK_NAME = ".train.lock"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger(__name__)


@contextmanager
def train_lock(models_dir, blocking: bool):
    """Yields True while holding the models folder's training lock, False if it is taken."""
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def execute(run_dir, listener=None) -> runs.Run:
    """Train the queued run in `run_dir` in this process, recording how it ended.

    The run's own log (train.log, beside its other files) gets what catdog logs meanwhile."""
    from catdog.progress import Cancelled, Reporter
    from catdog.train import train

    run_dir = Path(run_dir)
    reporter = Reporter(run_dir, listener)
    if (run_dir / "cancel").exists():
        reporter.finish("cancelled", **_reason(CatdogError("job_cancelled_before_start")))
        return runs.load_run(run_dir)
    previous = signal.signal(signal.SIGTERM, lambda *_: reporter.request_stop())
    catdog_log = logging.getLogger("catdog")
    level, run_log = catdog_log.level, _log_to(run_dir / "train.log")
    reporter.start()
    try:
        metrics = train(runs.load_run(run_dir).config, run_dir, reporter)
        reporter.finish("done", metrics=metrics)
    except Cancelled:
        log.info("%s: cancelled", run_dir.name)
        reporter.finish("cancelled", **_reason(CatdogError("job_cancelled")))
    except CatdogError as error:
        log.error("%s: failed: %s", run_dir.name, error)
        reporter.finish("failed", traceback=None, **_reason(error))
    except BaseException as error:  # record every crash in the run folder, then let it propagate
        text = traceback.format_exc()
        log.error("%s: crashed\n%s", run_dir.name, text)
        runs.write_atomic(run_dir / "traceback.txt", text)
        reporter.finish("failed", error=f"{type(error).__name__}: {error}", traceback=text)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        catdog_log.removeHandler(run_log)
        catdog_log.setLevel(level)
        run_log.close()
    return runs.load_run(run_dir)


def _reason(error: CatdogError) -> dict:
    """status.json's account of why a run ended: English for the CLI, a key for the pages."""
    return {"error": str(error), "error_key": error.key, "error_params": error.params}


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(logging.INFO)
    catdog_log = logging.getLogger("catdog")
    catdog_log.addHandler(handler)
    if catdog_log.getEffectiveLevel() > logging.INFO:
        catdog_log.setLevel(logging.INFO)
    return handler


def queued(models_dir=None, listed: list | None = None) -> list[runs.Run]:
    """Queued runs, oldest first (the order they will train in); `listed` saves a re-read."""
    waiting = [run for run in (listed if listed is not None else runs.list_runs(models_dir)) if run.state == "queued"]
    return sorted(waiting, key=lambda run: (run.status.get("created", 0), run.id))


def active(models_dir=None, listed: list | None = None) -> runs.Run | None:
    return next((run for run in (listed if listed is not None else runs.list_runs(models_dir))
                 if run.state == "running"), None)


def _mark_dead_runs(models_dir) -> None:
    """Persist as failed the runs whose process died (the reader already shows them so)."""
    for run in runs.list_runs(models_dir):
        if run.status.get("stale"):
            runs.update_status(run.path, state="failed", stale=True,
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
    """Train the oldest queued run if nobody else is training; then hand on to the next worker."""
    with train_lock(models_dir, blocking=False) as got_it:
        if not got_it:
            return  # the holder starts the next worker after its run
        _mark_dead_runs(models_dir)
        waiting = queued(models_dir)
        if waiting:
            try:
                execute(waiting[0].path)
            except Exception:  # execute recorded it in the run folder and logged it: keep the queue moving
                log.info("moving on to the next queued run")
    if queued(models_dir):  # checked after releasing, so a run queued meanwhile is never stranded
        spawn_worker(models_dir)


def start(config: TrainConfig, models_dir=None) -> runs.Run:
    """Queue a run for `config` and make sure a worker will train it; returns at once."""
    check_limits(config)
    root = Path(models_dir or models_root())
    run_dir = runs.create_run(config, root)
    log.info("%s: queued", run_dir.name)
    spawn_worker(root)
    return runs.load_run(run_dir)


def kick(models_dir=None) -> None:
    """Start a worker if runs are queued but nobody holds the lock (e.g. after a server restart)."""
    root = Path(models_dir or models_root())
    if queued(root):
        with train_lock(root, blocking=False) as free:
            pass
        if free:
            spawn_worker(root)


def cancel(ref, models_dir=None) -> runs.Run:
    run = runs.load_run(ref, models_dir)
    if run.state in runs.FINISHED:
        raise CatdogError("run_already_finished", run=run.id, state=run.state)
    runs.write_atomic(run.path / "cancel", "requested\n")
    if run.state == "queued":
        runs.update_status(run.path, state="cancelled", **_reason(CatdogError("job_cancelled_before_start")))
    return runs.load_run(run.path)


def run_in_foreground(config: TrainConfig, models_dir=None, listener=None) -> runs.Run:
    """Create and train a run in this process (the CLI), waiting for any background job first."""
    root = Path(models_dir or models_root())
    # Create the run only once the lock is ours, so a background worker cannot take it.
    with train_lock(root, blocking=True):
        return execute(runs.create_run(config, root), listener)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "worker":
        sys.exit("usage: python -m catdog.jobs worker MODELS_DIR")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)  # into .worker.log
    worker(sys.argv[2])
