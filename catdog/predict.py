"""Prediction with a trained run: one warm model per run per process, called on batches.

The saved model takes raw 0-255 RGB (its preprocessing is a layer inside it), and photos
are decoded (`images.decode_for_model`) and resized (`images.resize_pixels`) by the same
functions as in training, so a photo is prepared for prediction exactly as the training
photos were. One photo goes through one graph call: resize and forward pass together.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from catdog import images, runs
from catdog.errors import CatdogError

_CACHE: dict[tuple, "Predictor"] = {}
_CACHE_LOCK = threading.Lock()


class Predictor:
    def __init__(self, run: runs.Run):
        from catdog.model import load_model

        if not run.has_model:
            raise CatdogError(f"Run {run.id} has no model file (its state is {run.state}).",
                              fix="pick a finished run, or wait for this one to finish.")
        self.run = run
        self.class_names = run.class_names
        self.image_size = run.config.image_size
        self.model = load_model(run.model_path)
        self._forward = self._photos_function()
        self.forward(np.zeros((1, self.image_size, self.image_size, 3), np.uint8))  # warm-up

    def _photos_function(self):
        """The one graph every call goes through: (N, H, W, 3) uint8 photos of any one size,
        resized inside the graph, then the model. A single photo is sent at its decoded size
        (resize and forward pass in one call from Python); a batch arrives already resized,
        where resizing to the same size changes nothing. One traced graph, not two, keeps the
        app server's memory down."""
        import tensorflow as tf

        def forward(photos):
            resized = tf.cast(images.resize_pixels(photos, self.image_size), tf.float32)
            return self.model(resized, training=False)

        return tf.function(forward, input_signature=[tf.TensorSpec([None, None, None, 3], tf.uint8)])

    def forward(self, photos: np.ndarray) -> np.ndarray:
        """Class probabilities for a (N, H, W, 3) uint8 batch: one direct graph call."""
        return self._forward(np.asarray(photos, np.uint8)).numpy()

    def predict(self, sources, batch_size: int = 32) -> list[dict]:
        """One result per source, in order; unreadable ones carry `error` instead of probabilities."""
        sources = list(sources)
        if len(sources) == 1:  # the common case on the Predict page: one graph call, no thread pool
            decoded = self._decode(sources[0], images.decode_for_model)
            probabilities = None if isinstance(decoded, CatdogError) else self.forward(decoded[None])[0]
            return [self._result(sources[0], decoded, probabilities)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            decoded = list(pool.map(lambda source: self._decode(source, images.load_for_model), sources))
        good = [i for i, item in enumerate(decoded) if isinstance(item, np.ndarray)]
        probabilities = np.zeros((len(sources), len(self.class_names)), np.float32)
        for start in range(0, len(good), batch_size):
            chunk = good[start:start + batch_size]
            probabilities[chunk] = self.forward(np.stack([decoded[i] for i in chunk]))
        return [self._result(sources[i], decoded[i], probabilities[i]) for i in range(len(sources))]

    def _decode(self, source, decode):
        try:
            return decode(source, self.image_size)
        except CatdogError as error:
            return error

    def _result(self, source, decoded, probabilities) -> dict:
        result = {"source": images.describe(source)}
        if isinstance(decoded, CatdogError):
            return {**result, "error": str(decoded)}
        top = int(np.argmax(probabilities))
        return {**result, "error": None, "top_class": self.class_names[top],
                "confidence": float(probabilities[top]),
                "probabilities": {name: float(p) for name, p in zip(self.class_names, probabilities)}}


def predictor_for(ref, models_dir=None) -> Predictor:
    """The process-wide warm Predictor for a run (reloaded only if its model file changed)."""
    run = runs.load_run(ref, models_dir)
    key = (str(Path(run.path).resolve()), run.model_path.stat().st_mtime if run.has_model else 0)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = Predictor(run)
        return _CACHE[key]


def predict(ref, sources, models_dir=None) -> list[dict]:
    return predictor_for(ref, models_dir).predict(sources)
