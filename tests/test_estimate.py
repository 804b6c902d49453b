"""The time a job will take, said before Start (training/estimate.py)."""

from __future__ import annotations

import pytest

from catdog import runs, storage
from catdog.config import TrainConfig
from catdog.data import augment
from catdog.network import backbones
from catdog.training import estimate

STREAMING = dict(data_dir="x", backbone="mobilenet_v2", augmentation=augment.preset("light"))


@pytest.mark.parametrize("name", sorted(backbones.REGISTRY))
def test_every_backbone_has_costs_that_grow_with_its_work(name):
    forward, stream, fine_tune = backbones.get(name).cost_ms
    assert 0 < forward <= stream <= fine_tune


def test_a_job_takes_longer_with_more_epochs_photos_and_pixels():
    config = TrainConfig(**STREAMING, epochs=5)
    base = estimate.job_seconds(config, 1000, 200)
    epoch = estimate.job_seconds(TrainConfig(**STREAMING, epochs=6), 1000, 200) - base
    assert epoch > 0
    assert estimate.job_seconds(TrainConfig(**STREAMING, epochs=10), 1000, 200) == pytest.approx(base + 5 * epoch)
    assert estimate.job_seconds(config, 2000, 400) == pytest.approx(2 * base)
    assert estimate.job_seconds(TrainConfig(**STREAMING, epochs=5, image_size=224), 1000, 200) > 1.5 * base


def test_streaming_augmentation_is_offered_cached_views_and_they_are_faster():
    guess = estimate.estimate(TrainConfig(**STREAMING, epochs=20), 2000, 400)
    assert guess.faster == {"augmented_views": estimate.FASTER_VIEWS}
    assert guess.faster_seconds < guess.seconds / 3
    assert estimate.estimate(TrainConfig(data_dir="x"), 2000, 400).faster is None  # cached already


def test_fine_tuning_adds_its_streamed_epochs():
    plain = estimate.job_seconds(TrainConfig(data_dir="x"), 2000, 400)
    tuned = estimate.job_seconds(TrainConfig(data_dir="x", fine_tune_epochs=2), 2000, 400)
    one_epoch = 2000 * estimate.seconds_per_photo(TrainConfig(data_dir="x"), "fine_tune")
    assert tuned - plain > 2 * one_epoch


def _finished_run(models_dir, config, epoch_seconds, train=100, validation=20):
    run_dir = runs.create_run(config, models_dir)
    runs.write_history(run_dir, [{"epoch": n + 1, "phase": 1, "loss": 0.5, "seconds": epoch_seconds}
                                 for n in range(3)])
    storage.write_json(run_dir / "metrics.json", {"train_images": train, "validation_images": validation})
    runs.update_status(run_dir, state="done", ended=1.0)
    return run_dir


def test_this_servers_finished_jobs_calibrate_the_estimate(models_dir):
    config = TrainConfig(**STREAMING, epochs=3)
    predicted = estimate.streamed_epoch_seconds(config, 100, 20, "stream")  # one epoch, uncalibrated
    _finished_run(models_dir, config, epoch_seconds=2 * predicted)  # this server is twice as slow
    factor, calibrated = estimate.calibration(runs.list_runs(models_dir))
    assert calibrated and factor == pytest.approx(2.0, rel=0.01)
    guess = estimate.estimate(config, 100, 20, runs.list_runs(models_dir))
    assert guess.calibrated and guess.seconds == pytest.approx(2 * estimate.job_seconds(config, 100, 20), rel=0.01)


def test_no_finished_job_leaves_the_measured_costs_alone(models_dir):
    assert estimate.calibration([]) == (1.0, False)
    cached = TrainConfig(data_dir="x")  # phase 1 on cached features: its epochs say nothing of streaming
    _finished_run(models_dir, cached, epoch_seconds=50.0)
    assert estimate.calibration(runs.list_runs(models_dir)) == (1.0, False)


def test_augmentation_costs_by_its_transforms_and_pixels():
    light, strong = augment.preset("light"), augment.preset("strong")
    assert estimate.augmentation_ms(augment.preset("none"), 320) == 0
    assert estimate.augmentation_ms(strong, 320) > 3 * estimate.augmentation_ms(light, 320)
    assert estimate.augmentation_ms(light, 320) == pytest.approx(4 * estimate.augmentation_ms(light, 160))
    slow = TrainConfig(data_dir="x", backbone="mobilenet_v1_025", augmentation=strong)
    quick = TrainConfig(data_dir="x", backbone="mobilenet_v1_025", augmentation=light)
    assert estimate.seconds_per_photo(slow, "stream") > estimate.seconds_per_photo(quick, "stream")
    assert estimate.seconds_per_photo(slow, "fine_tune") > estimate.seconds_per_photo(quick, "fine_tune")
    assert estimate.seconds_per_photo(slow, "forward") == estimate.seconds_per_photo(quick, "forward")
