"""Every registry backbone builds, trains a step, saves and loads; weights load offline or fail clearly;
the preprocessing matches Keras's own, and a saved model opens in a Python without catdog."""

import numpy as np
import pytest

from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.network import backbones
from helpers import KERAS_HOME


@pytest.mark.parametrize("name", list(backbones.REGISTRY))
def test_backbone_builds_trains_one_step_and_round_trips(name, tmp_path):
    import keras

    from catdog.network.model import build_model, feature_map, load_model

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

    from catdog.network.model import backbone_layers, build_model, set_trainable

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
    from catdog.network.model import build_model, split_at_features

    model = build_model(TrainConfig(backbone="simple_cnn", image_size=32, dense_units=8), 2)
    extractor, head = split_at_features(model)
    images = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert np.allclose(np.asarray(head(extractor(images))), np.asarray(model(images)), atol=1e-5)
    assert {id(w) for w in head.weights} <= {id(w) for w in model.weights}


def test_imagenet_weights_load_offline_from_keras_home(keras_home):
    from catdog.network.model import backbone_layers, build_model

    model = build_model(TrainConfig(backbone="mobilenet_v1_025"), 2)
    first_conv = next(layer for layer in backbone_layers(model) if layer.weights)
    # Random init would give kernels near zero mean with a tiny spread; ImageNet's are not.
    assert float(np.abs(first_conv.weights[0].numpy()).max()) > 0.5


def test_missing_weights_offline_name_the_file_and_where_to_put_it(monkeypatch):
    import urllib.error

    from keras.src.utils import file_utils

    from catdog.network.model import build_model

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    with pytest.raises(CatdogError) as error:
        build_model(TrainConfig(backbone="mobilenet_v2"), 2)
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5" in str(error.value)
    assert str(KERAS_HOME / "models") in str(error.value)
    # What a page needs to say it simply: the cause in plain words, and a backbone that trains here.
    assert error.value.params["reason"] == "no internet connection"
    assert error.value.params["instead"] == "mobilenet_v1_025"


def test_a_model_file_with_a_lambda_layer_is_refused(tmp_path):
    import keras

    from catdog.network.model import load_model

    inputs = keras.Input((4,))
    evil = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    evil.save(tmp_path / "evil.keras")
    with pytest.raises(CatdogError, match="Lambda layer"):
        load_model(tmp_path / "evil.keras")



def keras_preprocess_input(mode: str, pixels: np.ndarray) -> np.ndarray:
    """What Keras's own applications do to raw RGB, for each preprocessing mode of the registry."""
    import keras

    if mode == "unit":
        return pixels / 255.0
    application = {"tf": keras.applications.mobilenet_v2, "caffe": keras.applications.vgg16}[mode]
    return application.preprocess_input(pixels.copy())


PREPROCESS_MODES = sorted({entry.preprocess for entry in backbones.REGISTRY.values()})


@pytest.mark.parametrize("mode", PREPROCESS_MODES)
@pytest.mark.parametrize("policy", ["float32", "mixed_float16"])
def test_preprocess_layer_matches_keras_preprocess_input_in_float32(mode, policy):
    import keras

    from catdog.network.model import preprocess_layer

    pixels = np.random.default_rng(2).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    keras.mixed_precision.set_global_policy(policy)
    try:
        out = preprocess_layer(mode)(pixels)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert out.dtype == "float32"
    assert np.abs(np.asarray(out) - keras_preprocess_input(mode, pixels)).max() < 1e-4


def test_caffe_preprocessing_stays_frozen_when_fine_tuning_and_after_saving(tmp_path):
    from catdog.network.model import build_model, load_model, set_trainable

    config = TrainConfig(backbone="vgg16", weights="none", image_size=32, fine_tune_at=1000)
    model = build_model(config, 2)
    set_trainable(model, config, phase=2)  # unfreezes every backbone layer
    preprocess = model.get_layer("preprocess")
    assert not preprocess.trainable
    assert not {id(w) for w in preprocess.weights} & {id(w) for w in model.trainable_weights}
    model.save(tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras").get_layer("preprocess")
    assert not again.trainable
    for saved, loaded in zip(preprocess.get_weights(), again.get_weights()):
        assert np.array_equal(saved, loaded)


def test_a_saved_model_predicts_the_same_in_a_fresh_python_without_catdog(tmp_path):
    """Test that model.keras opens with only Keras and TensorFlow, in safe mode, and agrees with catdog."""
    import subprocess
    import sys

    from catdog.network.model import build_model, load_model

    # One backbone per preprocessing mode: each mode is a different preprocess layer.
    names = [next(name for name, entry in backbones.REGISTRY.items() if entry.preprocess == mode)
             for mode in PREPROCESS_MODES]
    batch = np.random.default_rng(3).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    np.save(tmp_path / "batch.npy", batch)
    expected = {}
    for name in names:
        config = TrainConfig(backbone=name, weights="none", image_size=32)
        build_model(config, num_classes=3).save(tmp_path / f"{name}.keras")
        loaded = load_model(tmp_path / f"{name}.keras")
        expected[name] = loaded.predict(batch.astype("float32"), verbose=0)
    code = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('catdog') is None, 'catdog is importable'\n"
        "import keras, numpy as np\n"
        "batch = np.load('batch.npy').astype('float32')\n"
        "for name in sys.argv[1:]:\n"
        "    model = keras.saving.load_model(name + '.keras', safe_mode=True)\n"
        "    np.save(name + '.out.npy', model.predict(batch, verbose=0))\n"
    )
    # -I: no PYTHONPATH, no user site, no current folder on sys.path; KERAS_HOME is inherited.
    done = subprocess.run([sys.executable, "-I", "-c", code, *names], check=False, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in names:
        assert np.abs(np.load(tmp_path / f"{name}.out.npy") - expected[name]).max() < 1e-5, name


def test_a_model_saved_with_the_earlier_preprocess_layer_still_loads_through_catdog(tmp_path):
    import keras

    from catdog.network.model import BackbonePreprocess, load_model

    inputs = keras.Input((4, 4, 3), name="image")
    old = keras.Model(inputs, BackbonePreprocess("caffe", name="preprocess")(inputs))
    old.save(tmp_path / "old.keras")
    pixels = np.random.default_rng(4).uniform(0, 255, (1, 4, 4, 3)).astype("float32")
    assert np.allclose(np.asarray(load_model(tmp_path / "old.keras")(pixels)),
                       keras_preprocess_input("caffe", pixels), atol=1e-4)
