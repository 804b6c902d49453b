"""TrainConfig: defaults, validation, and the JSON round trip through a run folder."""

import json

import pytest

from catdog.config import TrainConfig
from catdog.data import augment
from catdog.errors import CatdogError
from catdog.network import backbones


@pytest.mark.parametrize("name", list(backbones.REGISTRY))
def test_image_size_defaults_to_the_backbones_own(name):
    assert TrainConfig(backbone=name).image_size == backbones.REGISTRY[name].default_size


def test_round_trips_through_json_with_its_augmentation():
    config = TrainConfig(data_dir="d", backbone="vgg16", augmentation=augment.preset("seed recipe"),
                         fine_tune_epochs=2)
    again = TrainConfig(**json.loads(json.dumps(config.to_dict())))
    assert again == config
    assert again.augmentation.rotation == 20


def test_from_scratch_backbone_never_claims_imagenet_weights():
    assert TrainConfig(backbone="simple_cnn").weights == "none"


@pytest.mark.parametrize("field, value", [
    ("epochs", 0), ("epochs", 10_000), ("batch_size", 0), ("image_size", 8), ("learning_rate", 0.0),
    ("dropout", 0.95), ("pooling", "max"), ("weights", "random"), ("epochs", "ten"), ("epochs", True),
])
def test_out_of_range_values_are_refused_with_what_to_do(field, value):
    with pytest.raises(CatdogError) as error:
        TrainConfig(**{field: value})
    assert field in str(error.value) or str(value) in str(error.value)


def test_unknown_backbone_lists_the_valid_names():
    with pytest.raises(CatdogError, match="mobilenet_v1_025"):
        TrainConfig(backbone="inception")


def test_unknown_key_in_a_stored_config_is_a_clear_error():
    with pytest.raises(CatdogError, match="colour"):
        TrainConfig.from_dict({"colour": "blue"})


def test_hosted_mode_limits_backbones_epochs_and_batch_size(monkeypatch):
    from catdog.config import check_limits
    from catdog.settings import limits

    monkeypatch.delenv("CATDOG_HOSTED", raising=False)
    assert not limits().hosted
    check_limits(TrainConfig(backbone="resnet50", epochs=100))  # fine on your own machine
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    assert limits().hosted
    with pytest.raises(CatdogError, match="not available on this shared server"):
        check_limits(TrainConfig(backbone="resnet50"))
    with pytest.raises(CatdogError, match="epochs = 100 is more than this shared server allows"):
        check_limits(TrainConfig(epochs=100))
    with pytest.raises(CatdogError, match="batch_size"):
        check_limits(TrainConfig(batch_size=512))
    with pytest.raises(CatdogError, match="image_size"):
        check_limits(TrainConfig(image_size=320))
    check_limits(TrainConfig())  # the defaults fit


def test_hosted_mode_refuses_oversized_launches_from_the_app(monkeypatch, models_dir):
    from catdog import jobs, runs

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    with pytest.raises(CatdogError):
        jobs.start(TrainConfig(data_dir="x", backbone="vgg16"), models_dir)
    assert runs.list_runs(models_dir) == []


@pytest.mark.parametrize("files, expected", [
    ({}, None),  # no cgroup files: the affinity
    ({"cpu.max": "max 100000\n"}, None),  # cgroup v2 without a quota
    ({"cpu.max": "200000 100000\n"}, 2),  # a hosted instance of 2 CPUs
    ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: two threads, not one
    ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # cgroup v1
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1 without a quota
])
def test_usable_cores_follow_a_containers_cpu_quota_not_the_hosts_count(tmp_path, monkeypatch, files, expected):
    import os

    from catdog.settings import usable_cores

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)  # the host's 16
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert usable_cores(tmp_path) == (16 if expected is None else expected)


def test_under_a_cpu_quota_tensorflow_is_told_the_cores_before_it_starts(tmp_path, monkeypatch):
    import os

    from catdog.settings import threads_for_quota

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    (tmp_path / "cpu.max").write_text("200000 100000\n")
    environ = {"OMP_NUM_THREADS": "3"}  # set by hand: kept
    threads_for_quota(environ, tmp_path)
    assert environ == {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2", "OMP_NUM_THREADS": "3"}
    (tmp_path / "cpu.max").write_text("max 100000\n")  # the whole machine: nothing set
    environ = {}
    threads_for_quota(environ, tmp_path)
    assert environ == {}
