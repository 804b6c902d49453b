"""Fair under heavy jobs (issue 26): with a long streaming job training on a class server, how
soon does another student's default job finish after its Start?

Hosted mode, the shared photos, the tiny backbone with its ImageNet weights, through the core
(`jobs.start`, the real trainer process). First the teacher's default job fills the feature
cache (as the first job on a class's dataset does); then student A starts the long job of the
class walk (the "strong" augmentation preset, streamed every epoch) and, once it streams, other
students each start the default job, one after another. Jobs take turns (training/turns.py):
A gives up the trainer at its next slice's end, saved, and resumes after. Prints JSON: each
default job's seconds from Start to done, A's time left when they started (what they would
have waited without turns), A's turns, and A's end: done, as one run, with every epoch.

    .venv/bin/python bench/fairness_bench.py [--students 3] [--epochs 3]   (about 6 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from common import PHOTOS, ROOT, report, use_shared_weights

use_shared_weights()
os.environ.update({"CATDOG_HOSTED": "1", "CATDOG_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"})

from catdog import jobs, runs  # noqa: E402
from catdog.access import Identity  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.data import augment  # noqa: E402
from catdog.run_state import State  # noqa: E402
from catdog.settings import limits  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from helpers import wait_until  # noqa: E402


def streaming(run) -> bool:
    """A's job is in its streamed epochs (past loading, on the trainer now)."""
    now = runs.load_run(run.path)
    return now.state == State.RUNNING and (now.progress.batch or 0) >= 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the long streaming job")
    args = parser.parse_args()
    models = Path(tempfile.mkdtemp(prefix="catdog-fairness-")) / "models"
    default = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025")  # the hosted form's default
    started = time.time()
    warm_up = jobs.start(default, models, Identity("teacher", "Teacher", teacher=True))
    assert wait_until(lambda: runs.load_run(warm_up.path).state.finished, 900), "the warm-up did not finish"
    report("fairness_warm_up", default_job_with_features_to_compute_seconds=round(time.time() - started, 1),
           state=runs.load_run(warm_up.path).state)

    heavy = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025", augmentation=augment.preset("strong"),
                        epochs=args.epochs)
    long_job = jobs.start(heavy, models, Identity("student-a", "Student A"))
    waits = []
    for number in range(args.students):
        assert wait_until(lambda: streaming(long_job), 600, every=0.2), "the long job never streamed"
        time.sleep(3)  # well inside a slice
        ahead = runs.load_run(long_job.path).progress
        launched = time.time()
        run = jobs.start(default, models, Identity(f"student-{number}", f"Student {number}"))
        finished = wait_until(lambda run=run: runs.load_run(run.path).state.finished, 600, every=0.2)
        assert finished, "a default job did not finish"
        done = runs.load_run(run.path)
        waits.append(done.status["ended"] - launched)
        report("fairness_default_job", student=number, state=done.state,
               start_to_done_seconds=round(waits[-1], 1), its_own_training_seconds=done.metrics.get("seconds"),
               long_job_epoch=ahead.epoch, long_job_time_left_seconds=ahead.eta_seconds)
    assert wait_until(lambda: runs.load_run(long_job.path).state.finished, 3600), "the long job did not finish"
    final = runs.load_run(long_job.path)
    breakdown = final.metrics.get("time_breakdown", {})
    report("fairness", turn_seconds=limits().turn_seconds, default_jobs=len(waits),
           worst_start_to_done_seconds=round(max(waits), 1),
           median_start_to_done_seconds=round(sorted(waits)[len(waits) // 2], 1),
           long_job_state=final.state, long_job_epochs_run=final.metrics.get("epochs_run"),
           long_job_epochs_asked=heavy.total_epochs, long_job_history_rows=len(final.history),
           long_job_trainer_seconds=final.metrics.get("seconds"),
           long_job_save_point_seconds=breakdown.get("turn save points"),
           long_job_val_accuracy=final.metrics.get("val_accuracy"),
           save_point_left_behind=runs.save_point_folder(final.path).exists())


if __name__ == "__main__":
    main()
