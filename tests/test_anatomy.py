"""The anatomy: layer table and trainable counts, head costs, feature maps, preprocessing."""

import numpy as np
import pytest

from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.inside import anatomy


@pytest.fixture(scope="module")
def tiny_config():
    return TrainConfig(backbone="mobilenet_v1_025", weights="none", image_size=64, fine_tune_at=20)


@pytest.fixture(scope="module")
def tiny_model(tiny_config):
    from catdog.network.model import build_model

    return build_model(tiny_config, num_classes=3)


def test_the_table_collapses_the_backbone_into_blocks_and_keeps_the_head(tiny_config, tiny_model):
    rows = anatomy.layer_table(tiny_config, 3)
    backbone = [r for r in rows if r.part == "backbone"]
    assert [r.name for r in backbone] == [str(n) for n in range(1, 14)]
    assert [r.name for r in rows if r.part == "head"] == ["head_pool", "head_dropout", "predictions"]
    assert sum(r.parameters for r in rows) == tiny_model.count_params()
    assert sum(r.layers for r in rows) == len(tiny_model.layers)


def test_phase_1_trains_the_head_only_and_phase_2_the_top_of_the_backbone_too(tiny_config):
    rows = anatomy.layer_table(tiny_config, 3)
    head = 256 * 3 + 3
    assert sum(r.trainable_phase1 for r in rows) == head
    tuned = [r.name for r in rows if r.part == "backbone" and r.trainable_phase2]
    assert tuned == ["11", "12", "13"]  # the top 20 layers, batch normalisation left frozen
    assert sum(r.trainable_phase2 for r in rows) > head


@pytest.mark.parametrize("pooling,dense_units", [("avg", 0), ("avg", 512), ("flatten", 0), ("flatten", 512)])
def test_head_costs_match_the_heads_keras_builds(tiny_config, pooling, dense_units):
    import dataclasses

    from catdog.network.model import build_model, head_layers

    config = dataclasses.replace(tiny_config, pooling=pooling, dense_units=dense_units)
    built = sum(layer.count_params() for layer in head_layers(build_model(config, 3)))
    costs = {(c.pooling, c.dense_units): c.parameters for c in anatomy.head_costs((2, 2, 256), 3)}
    assert costs[(pooling, dense_units)] == built


def test_feature_maps_go_from_early_large_layers_to_late_small_ones(tiny_model):
    names = anatomy.activation_layers(tiny_model, count=4)
    assert names == ["conv1_relu", "conv_dw_5_relu", "conv_dw_9_relu", "conv_pw_13_relu"]
    pixels = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    shown = anatomy.feature_maps(tiny_model, pixels, names)
    assert [a.shape for a in shown] == [(32, 32, 8), (8, 8, 64), (4, 4, 128), (2, 2, 256)]
    assert shown[0].grid.shape == (2 * 33 - 1, 4 * 33 - 1)  # 8 channels: 2 rows of 4, 1 px gaps
    assert shown[0].grid.dtype == np.uint8


def test_asking_for_a_layer_the_model_lacks_is_a_clear_error(tiny_model):
    with pytest.raises(CatdogError) as raised:
        anatomy.feature_maps(tiny_model, np.zeros((64, 64, 3), np.uint8), ["no_such_layer"])
    assert raised.value.key == "unknown_layer"


def test_grid_stretches_each_channel_to_the_full_range():
    activation = np.stack([np.arange(4.0).reshape(2, 2), 100 + np.arange(4.0).reshape(2, 2)], axis=-1)
    shown = anatomy.grid(activation)
    assert shown.shape == (2, 5)
    np.testing.assert_array_equal(shown[:, :2], shown[:, 3:])  # both channels 0..255 despite their offsets
    assert shown.min() == 0 and shown[:, :2].max() == 255


def test_preprocessing_matches_keras_applications():
    import keras

    pixels = np.random.default_rng(1).integers(0, 256, (8, 8, 3)).astype(np.uint8)
    np.testing.assert_allclose(anatomy.preprocess_pixels(pixels, "tf"),
                               keras.applications.mobilenet.preprocess_input(pixels.astype(np.float32)), atol=1e-5)
    np.testing.assert_allclose(anatomy.preprocess_pixels(pixels, "caffe"),
                               keras.applications.vgg16.preprocess_input(pixels.astype(np.float32)), atol=1e-4)
    assert anatomy.preprocess_pixels(pixels, "unit").max() <= 1.0


def test_histograms_count_every_pixel_of_each_channel_on_shared_bins():
    values = np.random.default_rng(2).normal(size=(10, 12, 3))
    counted = anatomy.histograms(values, anatomy.channel_names("caffe"))
    assert [h.channel for h in counted] == ["B", "G", "R"]
    assert [int(h.counts.sum()) for h in counted] == [120, 120, 120]
    np.testing.assert_array_equal(counted[0].edges, counted[2].edges)
