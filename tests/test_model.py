"""Every registry backbone builds, trains a step, saves and loads; weights load offline or fail clearly."""

import numpy as np
import pytest

from catdog import backbones
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from helpers import KERAS_HOME


@pytest.mark.parametrize("name", list(backbones.REGISTRY))
def test_backbone_builds_trains_one_step_and_round_trips(name, tmp_path):
    import keras

    from catdog.model import build_model, feature_map, load_model

    config = TrainConfig(backbone=name, weights="none", image_size=64, batch_size=4)
    model = build_model(config, num_classes=3)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    images = np.random.default_rng(0).uniform(0, 255, (4, 64, 64, 3)).astype("float32")
    loss = model.train_on_batch(images, np.array([0, 1, 2, 0]))
    assert np.isfinite(loss)
    probabilities = np.asarray(model(images))
    assert probabilities.shape == (4, 3) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert len(feature_map(model).shape) == 4  # the conv output Grad-CAM needs
    model.save(tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    assert np.allclose(np.asarray(again(images)), probabilities, atol=1e-5)
    assert isinstance(again, keras.Model)


def test_phase_one_freezes_the_base_and_phase_two_unfreezes_only_the_top_but_not_batchnorm():
    from keras import layers

    from catdog.model import backbone_layers, build_model, set_trainable

    config = TrainConfig(backbone="mobilenet_v2", weights="none", image_size=64, fine_tune_at=30)
    model = build_model(config, 2)
    base = backbone_layers(model)
    assert not any(layer.trainable for layer in base)
    set_trainable(model, config, phase=2)
    top = base[-30:]
    assert all(layer.trainable for layer in top if not isinstance(layer, layers.BatchNormalization))
    assert not any(layer.trainable for layer in base if isinstance(layer, layers.BatchNormalization))
    assert not any(layer.trainable for layer in base[:-30])


def test_split_at_features_shares_the_heads_weights():
    from catdog.model import build_model, split_at_features

    model = build_model(TrainConfig(backbone="simple_cnn", image_size=32, dense_units=8), 2)
    extractor, head = split_at_features(model)
    images = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert np.allclose(np.asarray(head(extractor(images))), np.asarray(model(images)), atol=1e-5)
    assert {id(w) for w in head.weights} <= {id(w) for w in model.weights}


def test_imagenet_weights_load_offline_from_keras_home(keras_home):
    from catdog.model import backbone_layers, build_model

    model = build_model(TrainConfig(backbone="mobilenet_v1_025"), 2)
    first_conv = next(layer for layer in backbone_layers(model) if layer.weights)
    # Random init would give kernels near zero mean with a tiny spread; ImageNet's are not.
    assert float(np.abs(first_conv.weights[0].numpy()).max()) > 0.5


def test_missing_weights_offline_name_the_file_and_where_to_put_it(monkeypatch):
    import urllib.error

    import keras.src.utils.file_utils as file_utils

    from catdog.model import build_model

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    with pytest.raises(CatdogError) as error:
        build_model(TrainConfig(backbone="mobilenet_v2"), 2)
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5" in str(error.value)
    assert str(KERAS_HOME / "models") in str(error.value)


def test_a_model_file_with_a_lambda_layer_is_refused(tmp_path):
    import keras

    from catdog.model import load_model

    inputs = keras.Input((4,))
    evil = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    evil.save(tmp_path / "evil.keras")
    with pytest.raises(CatdogError, match="Lambda layer"):
        load_model(tmp_path / "evil.keras")
