"""Whether a backbone's ImageNet weights are here, can be fetched, or neither; and what then."""

import pytest

from catdog import jobs
from catdog.config import TrainConfig
from catdog.errors import NO_INTERNET, CatdogError, short_reason
from catdog.network import backbones, weights


def test_each_backbone_reports_its_weights_offline(keras_home):
    states = {name: weights.weights_status(name).state for name in backbones.REGISTRY}
    assert states == {"mobilenet_v2": "offline", "mobilenet_v1_025": "ready", "resnet50": "offline",
                      "vgg16": "offline", "simple_cnn": "none"}
    assert weights.weights_folder() == keras_home / "models"


def test_online_a_missing_file_is_a_download_of_a_stated_size(keras_home, monkeypatch):
    monkeypatch.setattr(weights, "weights_reachable", lambda timeout=1.5: True)
    status = weights.weights_status("mobilenet_v2")
    assert (status.state, status.download_mb, status.usable) == ("download", 9.4, True)
    assert weights.default_for_here() == "mobilenet_v2"  # online, the default stays the default


def test_offline_the_default_is_a_backbone_whose_weights_are_here(keras_home, tmp_path, monkeypatch):
    assert weights.default_for_here() == "mobilenet_v1_025"
    assert weights.default_for_here(("mobilenet_v2", "simple_cnn")) == "simple_cnn"
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # a machine with no weights at all (Keras not imported)
    monkeypatch.delitem(__import__("sys").modules, "keras", raising=False)
    assert weights.weights_folder() == tmp_path / "models"
    assert weights.ready_instead() == "simple_cnn"


def test_starting_a_job_whose_weights_cannot_be_had_fails_at_once_naming_one_that_trains(
        keras_home, tiny_dataset, models_dir):
    with pytest.raises(CatdogError) as error:
        jobs.start(TrainConfig(data_dir=str(tiny_dataset), backbone="mobilenet_v2"), models_dir)
    assert error.value.key == "weights_unavailable"
    assert (error.value.params["instead"], error.value.params["reason"]) == ("mobilenet_v1_025", NO_INTERNET)
    assert not list(models_dir.glob("*/config.json"))  # no run folder left behind


def test_a_size_without_its_weights_offers_the_backbones_own_size_not_another_backbone(
        keras_home, tiny_dataset, models_dir):
    with pytest.raises(CatdogError) as error:  # Keras keeps 192 px weights in a file of their own
        jobs.start(TrainConfig(data_dir=str(tiny_dataset), backbone="mobilenet_v1_025", image_size=192), models_dir)
    assert error.value.key == "weights_unavailable_at_size"
    assert (error.value.params["image_size"], error.value.params["ready_size"]) == (192, 320)
    assert "--image-size 320" in error.value.fix
    assert weights.weights_unavailable("mobilenet_v2", 192).key == "weights_unavailable"  # none of its sizes


@pytest.mark.parametrize("text,expected", [
    ("<urlopen error [Errno -2] Name or service not known>", NO_INTERNET),
    ("[Errno -3] Temporary failure in name resolution", NO_INTERNET),
    ("HTTP Error 403: Forbidden", "HTTP Error 403: Forbidden"),
])
def test_a_download_failure_is_said_in_plain_words(text, expected):
    assert short_reason(OSError(text)) == expected


def test_behind_a_proxy_the_weights_count_as_downloadable(keras_home, monkeypatch):
    monkeypatch.delenv("CATDOG_OFFLINE")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.school:3128")
    assert weights.weights_status("mobilenet_v2").state == "download"


def test_the_backbone_offered_instead_is_another_one_this_server_allows(keras_home, monkeypatch):
    assert weights.ready_instead(other_than="mobilenet_v1_025") == "simple_cnn"
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    error = weights.weights_unavailable("mobilenet_v2", 160)
    assert error.params["instead"] in ("mobilenet_v1_025", "simple_cnn")  # hosted: no ResNet50 nor VGG16
