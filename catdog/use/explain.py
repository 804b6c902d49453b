"""Grad-CAM: which part of the photo made the model say "dog"?

Gradients of the class score are taken at the backbone's last convolutional output
(`model.feature_map`), which is a tensor of the flat model itself; that is why the model
is built without a nested backbone (a nested one raises "Graph disconnected" here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from catdog.data import images
from catdog.errors import CatdogError
from catdog.use.predict import Prediction


class GradCam:
    """Heatmaps for one model; the gradient model is built once and reused."""

    def __init__(self, model):
        import keras

        from catdog.network.model import feature_map

        logits_input = model.get_layer("predictions").input
        self.predictions = model.get_layer("predictions")
        self.gradient_model = keras.Model(model.inputs, [feature_map(model), logits_input])
        self.image_size = int(model.inputs[0].shape[1])

    def heatmap(self, pixels: np.ndarray, class_index: int) -> np.ndarray:
        """A (h, w) map in [0, 1] at the feature map's resolution, for one (s, s, 3) uint8 image."""
        import tensorflow as tf

        batch = tf.convert_to_tensor(pixels[None].astype(np.float32))
        with tf.GradientTape() as tape:
            features, before_softmax = self.gradient_model(batch, training=False)
            # The class's logit, not its probability: a softmax output near 1 has
            # vanishing gradients, which would blank the map for confident predictions.
            logits = tf.matmul(before_softmax, self.predictions.kernel) + self.predictions.bias
            score = logits[:, class_index]
        gradients = tape.gradient(score, features)
        weights = tf.reduce_mean(gradients, axis=(1, 2))  # one weight per channel
        cam = tf.nn.relu(tf.reduce_sum(features * weights[:, None, None, :], axis=-1))[0].numpy()
        peak = cam.max()
        return cam / peak if peak > 0 else np.zeros_like(cam)


def upsample(heatmap: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a [0, 1] map to (width, height)."""
    resized = Image.fromarray(heatmap.astype(np.float32), mode="F").resize(size, Image.BILINEAR)
    return np.clip(np.asarray(resized), 0.0, 1.0)


def colorize(heatmap: np.ndarray) -> np.ndarray:
    """A blue-green-yellow-red colour scale (like 'jet'), as uint8 RGB."""
    x = heatmap[..., None]
    red = np.clip(1.5 - np.abs(4 * x - 3), 0, 1)
    green = np.clip(1.5 - np.abs(4 * x - 2), 0, 1)
    blue = np.clip(1.5 - np.abs(4 * x - 1), 0, 1)
    return (np.concatenate([red, green, blue], axis=-1) * 255).astype(np.uint8)


def overlay(photo: Image.Image, heatmap: np.ndarray, opacity: float = 0.45) -> Image.Image:
    """The heatmap over the photo at its own size; opacity 0 shows the photo, 1 the map.

    Cold regions are blended less than hot ones, so the photo stays visible where the
    model did not look and the eye goes to where it did."""
    if not 0.0 <= opacity <= 1.0:
        raise CatdogError("opacity_out_of_range", opacity=opacity)
    heat = upsample(heatmap, photo.size)
    colours = colorize(heat).astype(np.float32)
    alpha = opacity * np.sqrt(heat)[..., None]
    mixed = (1 - alpha) * np.asarray(photo, np.float32) + alpha * colours
    return Image.fromarray(mixed.round().astype(np.uint8))


# The photo under the heatmap: a screen's worth. At a phone photo's own 12 megapixels, the overlay's
# float arrays alone took ~0.6 GB of a shared server's memory.
PHOTO_SIDE = 1024


@dataclass(frozen=True)
class Explanation:
    """Where the model looked: a heatmap in [0, 1] at the feature map's resolution, for one class."""

    prediction: Prediction
    class_name: str
    heatmap: np.ndarray
    photo: Image.Image  # upright RGB, at most PHOTO_SIDE pixels a side


def explain(predictor, source, class_name: str | None = None, prediction: Prediction | None = None) -> Explanation:
    """Heatmap and overlay for `source`, for `class_name` (default: the predicted class).
    `prediction`: the photo's prediction when the caller has it (the Predict page does), so the
    photo is not predicted again before its gradients are taken."""
    if prediction is None:
        [prediction] = predictor.predict([source])
    if prediction.error is not None:
        raise prediction.error
    class_name = class_name or prediction.top_class
    if class_name not in predictor.class_names:
        raise CatdogError("unknown_class", name=class_name, allowed=", ".join(predictor.class_names))
    if predictor.gradcam is None:
        predictor.gradcam = GradCam(predictor.model)
    pixels = images.load_for_model(source, predictor.image_size)
    heatmap = predictor.gradcam.heatmap(pixels, predictor.class_names.index(class_name))
    return Explanation(prediction, class_name, heatmap, images.thumbnail(source, PHOTO_SIDE))
