"""Grad-CAM: right shape and range for every backbone, and it points at what decides the class."""

import numpy as np
import pytest
from PIL import Image

from catdog.config import TrainConfig
from catdog.network import backbones
from catdog.network.model import build_model
from catdog.use import explain


@pytest.mark.parametrize("name", list(backbones.REGISTRY))
def test_heatmap_shape_and_range_for_every_backbone(name):
    from catdog.network.model import build_model, feature_map

    model = build_model(TrainConfig(backbone=name, weights="none", image_size=64), 2)
    cam = explain.GradCam(model)
    pixels = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    for class_index in (0, 1):
        heatmap = cam.heatmap(pixels, class_index)
        assert heatmap.shape == tuple(feature_map(model).shape[1:3])
        assert heatmap.min() >= 0.0 and heatmap.max() <= 1.0
        assert np.isfinite(heatmap).all()


def _square_image(rng, with_square: bool, corner=None, size=64):
    pixels = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
    if with_square:
        y, x = corner if corner is not None else rng.integers(0, size - 16, 2)
        pixels[y:y + 16, x:x + 16] = (255, 255, 40)
    return pixels


@pytest.mark.slow
def test_heatmap_peaks_on_the_region_that_decides_the_class(tmp_path):
    """Class 'square' has a yellow square somewhere; 'plain' has none. A model that learned
    that must look at the square: the heatmap's peak falls inside it."""
    from catdog import jobs
    from catdog.use.predict import predictor_for

    rng = np.random.default_rng(0)
    for split, count in (("train", 60), ("validation", 16)):
        for name in ("plain", "square"):
            folder = tmp_path / "data" / split / name
            folder.mkdir(parents=True)
            for i in range(count):
                Image.fromarray(_square_image(rng, name == "square")).save(folder / f"{i}.png")
    config = TrainConfig(data_dir=str(tmp_path / "data"), backbone="simple_cnn", image_size=64,
                         epochs=12, batch_size=16, learning_rate=3e-3, early_stopping_patience=0)
    run = jobs.run_in_foreground(config, tmp_path / "models")
    assert run.metrics["val_accuracy"] >= 0.9, "the model must first learn the task"
    predictor = predictor_for(run.path)
    hits = 0
    for corner in [(4, 4), (40, 8), (8, 40), (44, 44), (24, 24)]:
        photo = tmp_path / f"probe_{corner[0]}_{corner[1]}.png"
        Image.fromarray(_square_image(rng, True, corner)).save(photo)
        result = explain.explain(predictor, photo, "square")
        heat = explain.upsample(result.heatmap, (64, 64))
        y, x = np.unravel_index(np.argmax(heat), heat.shape)
        hits += corner[0] - 6 <= y < corner[0] + 22 and corner[1] - 6 <= x < corner[1] + 22
    assert hits >= 4, f"the heatmap peaked on the square in only {hits} of 5 probes"


def test_overlay_keeps_the_photo_size_and_honours_opacity():
    photo = Image.new("RGB", (50, 30), (10, 200, 30))
    heatmap = np.linspace(0, 1, 16).reshape(4, 4)
    assert explain.overlay(photo, heatmap, 0.0).tobytes() == photo.tobytes()
    mixed = explain.overlay(photo, heatmap, 0.6)
    assert mixed.size == photo.size and mixed.tobytes() != photo.tobytes()


def test_colour_scale_runs_from_blue_to_red():
    blue, red = explain.colorize(np.array([0.0, 1.0]))
    assert blue[2] > 100 and blue[0] == 0
    assert red[0] > 100 and red[2] == 0


def test_a_prediction_the_caller_has_is_not_computed_again(tmp_path):
    from catdog.use.predict import Prediction

    class Predictor:  # what explain uses of a real one; predicting again would fail
        class_names, image_size, gradcam = ["cat", "dog"], 32, None
        model = build_model(TrainConfig(backbone="simple_cnn", image_size=32, weights="none"), 2)

        def predict(self, sources):
            raise AssertionError("predicted again")

    photo = tmp_path / "photo.png"
    Image.fromarray(_square_image(np.random.default_rng(1), True, size=32)).save(photo)
    given = Prediction(str(photo), {"cat": 0.3, "dog": 0.7})
    result = explain.explain(Predictor(), photo, prediction=given)
    assert result.prediction is given and result.class_name == "dog"
    assert result.heatmap.ndim == 2 and 0.0 <= result.heatmap.min() <= result.heatmap.max() <= 1.0
