"""The head on cached features: views, mirror averaging, the optimiser, and the mirror's features."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

from catdog import jobs, runs
from catdog.config import TrainConfig
from catdog.training import head
from helpers import make_image


def test_mirror_views_double_the_training_photos_and_keep_their_labels():
    features = np.arange(3 * 2 * 4, dtype=np.float32).reshape(3, 2, 4)  # 3 photos, 2 views, 4 numbers
    labels = np.array([0, 1, 0])
    x, y = head.training_views(TrainConfig(mirror_views=True), features, labels)
    assert x.shape == (6, 4) and y.tolist() == [0, 0, 1, 1, 0, 0]
    np.testing.assert_array_equal(x[1], features[0, 1])  # the first photo's mirror, beside it
    x, y = head.training_views(TrainConfig(mirror_views=False), features, labels)
    assert x.shape == (3, 4) and np.array_equal(x, features[:, 0]) and y.tolist() == [0, 1, 0]


def test_test_time_mirror_averages_the_two_views_probabilities():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    features = np.random.default_rng(0).normal(size=(5, 2, 4)).astype(np.float32)
    alone = model.predict(features[:, 0], verbose=0)
    mirror = model.predict(features[:, 1], verbose=0)
    np.testing.assert_allclose(head.head_probabilities(model, features, mirror=True), (alone + mirror) / 2, atol=1e-6)
    np.testing.assert_allclose(head.head_probabilities(model, features, mirror=False), alone, atol=1e-6)


def test_scores_are_cross_entropy_and_accuracy():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    scores = head.scores(probabilities, np.array([0, 1, 1]))
    assert scores["accuracy"] == pytest.approx(2 / 3)
    assert scores["loss"] == pytest.approx(-(np.log(0.9) + np.log(0.8) + np.log(0.4)) / 3)


@pytest.mark.parametrize("changes, kind", [({}, "Adam"), ({"weight_decay": 1e-4}, "AdamW")])
def test_the_optimiser_follows_the_config(changes, kind):
    import keras

    config = dataclasses.replace(TrainConfig(), cosine_decay=True, **changes)
    optimizer = head.optimizer(config, 1e-3, steps=100)
    assert type(optimizer).__name__ == kind
    assert isinstance(optimizer.learning_rate, keras.Variable) or hasattr(optimizer, "_learning_rate")
    assert isinstance(optimizer._learning_rate, keras.optimizers.schedules.CosineDecay)
    assert not isinstance(head.optimizer(TrainConfig(), 1e-3)._learning_rate,
                          keras.optimizers.schedules.LearningRateSchedule)


def test_the_cached_mirror_is_the_features_of_the_mirrored_photo(tmp_path, keras_home):
    """View 1 of a photo in the feature cache = view 0 of the same photo flipped left to right."""
    from catdog.data import folders
    from catdog.network.model import build_model, split_at_features
    from catdog.training.features import cache_for, features_of, view_key

    photo = make_image(tmp_path / "a" / "cats" / "1.jpg", 0, size=(64, 64))
    flipped = tmp_path / "b" / "cats" / "1.png"
    flipped.parent.mkdir(parents=True)
    Image.open(photo).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(flipped)
    Image.open(photo).save(photo.with_suffix(".png"))
    photo.unlink()
    config = TrainConfig(backbone="mobilenet_v1_025", image_size=64)
    extractor, _ = split_at_features(build_model(config, 2))
    both, _, _ = features_of(config, tmp_path / "m", extractor, folders.Split([str(photo.with_suffix(".png"))], [0]),
                             [], views=2)
    mirrored, _, _ = features_of(config, tmp_path / "m", extractor, folders.Split([str(flipped)], [0]), [])
    assert both.shape[:2] == (1, 2) and not np.allclose(both[0, 0], both[0, 1])
    np.testing.assert_allclose(both[0, 1], mirrored[0, 0], atol=1e-4)
    cached = cache_for(config, tmp_path / "m")
    from catdog.training.features import file_hash

    assert view_key(file_hash(str(photo.with_suffix(".png"))), 1) in cached._load()


def test_the_converted_extractor_is_kept_beside_the_weights_for_every_models_folder(tmp_path, keras_home,
                                                                                    monkeypatch):
    import tensorflow as tf

    from catdog.data import folders
    from catdog.network import weights
    from catdog.network.model import build_model, split_at_features
    from catdog.training.features import features_of, network_key

    photo = make_image(tmp_path / "data" / "cats" / "1.jpg", 0, size=(64, 64))
    config = TrainConfig(backbone="mobilenet_v1_025", image_size=72)
    extractor, _ = split_at_features(build_model(config, 2))
    first, _, _ = features_of(config, tmp_path / "m1", extractor, folders.Split([str(photo)], [0]), [])
    kept = weights.weights_folder() / "catdog" / f"{network_key(config)}.tflite"
    assert kept.is_file() and not list((tmp_path / "m1").rglob("*.tflite"))

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(tf.lite.TFLiteConverter, "from_keras_model", no_conversion)
    again, _, _ = features_of(config, tmp_path / "m2", extractor, folders.Split([str(photo)], [0]), [])
    np.testing.assert_allclose(first, again)


def test_an_unwritable_place_for_the_extractor_falls_back_to_the_next(tmp_path):
    from catdog.training.features import _write_first

    (tmp_path / "a_file").write_text("not a folder")
    written = _write_first([tmp_path / "a_file" / "x.tflite", tmp_path / "cache" / "x.tflite"], b"blob")
    assert written == tmp_path / "cache" / "x.tflite" and written.read_bytes() == b"blob"


def test_a_cli_relaunch_is_trained_by_the_warm_trainer_and_records_where_its_time_went(tiny_dataset, tmp_path,
                                                                                         monkeypatch):
    monkeypatch.setenv("CATDOG_TRAINER_IDLE_SECONDS", "5")
    config = TrainConfig(data_dir=str(tiny_dataset), backbone="simple_cnn", epochs=1, batch_size=4, image_size=32)
    first = _wait(jobs.start(config, tmp_path / "m"))
    second = _wait(jobs.start(dataclasses.replace(config, dropout=0.5), tmp_path / "m"))
    assert first.state == second.state == "done"
    assert first.status["pid"] == second.status["pid"]  # one trainer, TensorFlow loaded once
    parts = second.metrics["time_breakdown"]
    assert {"building and loading weights", "head training", "evaluation", "saving"} <= set(parts)
    assert sum(parts.values()) <= second.metrics["seconds"] + 0.5


def _wait(run, timeout: float = 180):
    import time

    deadline = time.time() + timeout
    while run.state.waiting and time.time() < deadline:
        time.sleep(0.1)
        run = runs.load_run(run.path)
    return run
