"""Prediction with a trained run: one warm model per run per process, called on batches.

The saved model takes raw 0-255 RGB (its preprocessing is a layer inside it), and images
are decoded by the same `images.load_for_model` as in training, so a photo is prepared
for prediction exactly as the training photos were.
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
        from catdog.model import graph_function, load_model

        if not run.has_model:
            raise CatdogError(f"Run {run.id} has no model file (its state is {run.state}).",
                              fix="pick a finished run, or wait for this one to finish.")
        self.run = run
        self.class_names = run.class_names
        self.image_size = run.config.image_size
        self.model = load_model(run.model_path)
        self._forward = graph_function(self.model)
        self.forward(np.zeros((1, self.image_size, self.image_size, 3), np.uint8))  # warm-up

    def forward(self, batch: np.ndarray) -> np.ndarray:
        """Class probabilities for a (N, size, size, 3) uint8 batch: a direct model call."""
        return self._forward(batch.astype(np.float32)).numpy()

    def predict(self, sources, batch_size: int = 32) -> list[dict]:
        """One result per source, in order; unreadable ones carry `error` instead of probabilities."""
        sources = list(sources)
        if len(sources) == 1:  # the common case on the Predict page: no thread pool to start
            decoded = [self._decode(sources[0])]
        else:
            with ThreadPoolExecutor(max_workers=2) as pool:
                decoded = list(pool.map(self._decode, sources))
        good = [i for i, item in enumerate(decoded) if isinstance(item, np.ndarray)]
        probabilities = np.zeros((len(sources), len(self.class_names)), np.float32)
        for start in range(0, len(good), batch_size):
            chunk = good[start:start + batch_size]
            probabilities[chunk] = self.forward(np.stack([decoded[i] for i in chunk]))
        return [self._result(sources[i], decoded[i], probabilities[i]) for i in range(len(sources))]

    def _decode(self, source):
        try:
            return images.load_for_model(source, self.image_size)
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
