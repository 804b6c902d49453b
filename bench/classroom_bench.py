"""A class of 30 launching the hosted default job at once, through the core (no browsers yet).

After one warm-up run (which fills the feature cache), 30 students each queue the hosted
default job with the tiny backbone on the shared photos; the warm trainer trains them one
after another. Prints JSON: runs finished, each owned by its student, seconds from the first
launch to the last model, seconds per job, and the trainer's peak RSS.

    python bench/classroom_bench.py [--students 30]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import PHOTOS, PeakRss, report, use_shared_weights

use_shared_weights()
os.environ["CATDOG_HOSTED"] = "1"

from catdog import jobs, runs  # noqa: E402
from catdog.access import Identity  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.runs import State  # noqa: E402


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def trainer_pid(models: Path) -> int | None:
    running = [r for r in runs.list_runs(models) if r.status.get("pid")]
    return running[0].status["pid"] if running else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=30)
    students = parser.parse_args().students
    models = Path(tempfile.mkdtemp(prefix="catdog-classroom-")) / "models"
    config = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025")
    warm_up = jobs.start(config, models, Identity("teacher", "Teacher", teacher=True))
    started = time.time()
    assert wait_until(lambda: runs.load_run(warm_up.path).state.finished, 600), "warm-up did not finish"
    report("classroom_warm_up", seconds=round(time.time() - started, 1), state=runs.load_run(warm_up.path).state)
    class_list = [Identity(f"student-token-{i:02d}", f"Student {i:02d}") for i in range(students)]
    first_launch = time.time()
    launched = [jobs.start(config, models, who) for who in class_list]
    pid = trainer_pid(models) or runs.load_run(warm_up.path).status["pid"]
    with PeakRss(pid) as memory:
        finished = wait_until(lambda: all(runs.load_run(r.path).state.finished for r in launched), 1800)
    done = [runs.load_run(r.path) for r in launched]
    last_model = max(r.status.get("ended", 0) for r in done)
    report("classroom", students=students, all_finished=finished,
           runs_done=sum(r.state == State.DONE for r in done),
           owned_by_their_student=sum(r.owner == who.id for r, who in zip(done, class_list)),
           first_launch_to_last_model_seconds=round(last_model - first_launch, 1),
           seconds_per_job=round((last_model - first_launch) / students, 2),
           trainer_processes=len({r.status.get("pid") for r in done}),
           trainer_peak_rss_mb=round(memory.peak), mean_val_accuracy=round(
               sum(r.metrics.get("val_accuracy", 0) for r in done) / max(len(done), 1), 4))


if __name__ == "__main__":
    main()
