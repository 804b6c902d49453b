"""The progress a running job reports (training/reporter.py): counters, bar and time left that
a student can trust (issue 27)."""

from __future__ import annotations

import time

from catdog import runs
from catdog.config import TrainConfig
from catdog.run_state import Phase
from catdog.training.reporter import Reporter


def _reporter(models_dir, **settings) -> Reporter:
    config = TrainConfig(data_dir="unused", **settings)
    reporter = Reporter(runs.create_run(config, models_dir))
    reporter.plan(config, train_images=320, validation_images=80)  # 10 batches of 32 an epoch
    return reporter


def test_a_batch_counter_never_passes_its_total(models_dir):
    reporter = _reporter(models_dir, epochs=2)
    reporter.set_phase(Phase.TRAINING_HEAD)
    for batch in range(1, 14):  # the epoch held more batches than counted
        reporter.batch(0, batch, {})
        assert reporter.progress.batch <= reporter.progress.batches


def test_the_bar_never_goes_back_within_a_phase(models_dir):
    reporter = _reporter(models_dir, epochs=2)
    reporter.set_phase(Phase.TRAINING_HEAD)
    seen = []
    for batch in (1, 5, 10, 12, 13):  # the total revised upwards from 10 to 12, then 13
        reporter.batch(0, batch, {})
        seen.append(reporter.progress.fraction)
    assert seen == sorted(seen)


def test_time_left_counts_this_phases_pace_and_fine_tuning_still_to_come(models_dir):
    plain, tuned = _reporter(models_dir, epochs=2), _reporter(models_dir, epochs=2, fine_tune_epochs=3)
    for reporter in (plain, tuned):
        reporter.set_phase(Phase.TRAINING_HEAD)
        for batch in range(1, 6):
            reporter.batch(0, batch, {})
            time.sleep(0.01)
    assert plain.progress.eta_seconds is not None and plain.progress.eta_seconds < 1
    assert tuned.progress.eta_seconds > plain.progress.eta_seconds + 3  # three fine-tuning epochs to come
