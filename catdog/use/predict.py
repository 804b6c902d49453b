"""Prediction with a trained run: warm models in one bounded cache, called on batches.

The saved model takes raw 0-255 RGB (its preprocessing is a layer inside it), and photos
are decoded (`images.decode_for_model`) and resized (`images.resize_pixels`) by the same
functions as in training, so a photo is prepared for prediction exactly as the training
photos were. One photo goes through one graph call: resize and forward pass together.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from catdog import runs
from catdog.data import images
from catdog.errors import CatdogError
from catdog.settings import model_cache_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """One photo's result: the probability of every class, or why it could not be read."""

    source: str
    probabilities: dict[str, float] = field(default_factory=dict)  # in the model's class order
    error: CatdogError | None = None

    @property
    def top_class(self) -> str | None:
        return max(self.probabilities, key=self.probabilities.get) if self.probabilities else None

    @property
    def confidence(self) -> float | None:
        return self.probabilities[self.top_class] if self.probabilities else None

    def to_dict(self) -> dict:
        return {"source": self.source, "top_class": self.top_class, "confidence": self.confidence,
                "probabilities": self.probabilities, "error": None if self.error is None else str(self.error)}


class Predictor:
    def __init__(self, run: runs.Run):
        from catdog.network.model import load_model

        if not run.has_model:
            raise CatdogError("run_has_no_model", run=run.id, state=run.state)
        self.run = run
        self.class_names = run.class_names
        self.image_size = run.config.image_size
        self.model = load_model(run.model_path)
        self.gradcam = None  # built by explain on first use, and evicted with the model
        self.mirror = run.config.test_time_mirror  # the run's own choice, unless a call says otherwise
        self._forwards = {}  # one traced graph per switch position, made on first use
        self.forward(np.zeros((1, self.image_size, self.image_size, 3), np.uint8), self.mirror)  # warm-up
        self.weight_bytes = sum(int(np.prod(w.shape)) * 4 for w in self.model.weights)

    def _photos_function(self, mirror: bool):
        """The one graph a call goes through: (N, H, W, 3) uint8 photos of any one size, resized
        inside the graph, then the model; with `mirror`, the model sees each photo and its mirror
        in one batch and their probabilities are averaged (test-time mirror averaging). A single
        photo is sent at its decoded size (resize and forward pass in one call from Python); a batch
        arrives already resized, where resizing to the same size changes nothing."""
        import tensorflow as tf

        from catdog.network.model import mirrored

        def forward(photos):
            resized = tf.cast(images.resize_pixels(photos, self.image_size), tf.float32)
            if mirror:
                return tf.reduce_mean(mirrored(self.model, resized), axis=1)
            return self.model(resized, training=False)

        return tf.function(forward, input_signature=[tf.TensorSpec([None, None, None, 3], tf.uint8)])

    def forward(self, photos: np.ndarray, mirror: bool | None = None) -> np.ndarray:
        """Class probabilities for a (N, H, W, 3) uint8 batch: one direct graph call. `mirror`:
        average with each photo's mirror (default: what the run was trained and evaluated with)."""
        mirror = self.mirror if mirror is None else mirror
        if mirror not in self._forwards:
            self._forwards[mirror] = self._photos_function(mirror)
        return self._forwards[mirror](np.asarray(photos, np.uint8)).numpy()

    def predict(self, sources, batch_size: int = 32, mirror: bool | None = None) -> list[Prediction]:
        """One result per source, in order; unreadable ones carry `error` instead of probabilities.
        `mirror`: test-time mirror averaging (default: the run's `test_time_mirror`)."""
        sources = list(sources)
        if len(sources) == 1:  # the common case on the Predict page: one graph call, no thread pool
            decoded = self._decode(sources[0], images.load_for_model)
            probabilities = None if isinstance(decoded, CatdogError) else self.forward(decoded[None], mirror)[0]
            return [self._result(sources[0], decoded, probabilities)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            decoded = list(pool.map(lambda source: self._decode(source, images.load_for_model), sources))
        good = [i for i, item in enumerate(decoded) if isinstance(item, np.ndarray)]
        probabilities = np.zeros((len(sources), len(self.class_names)), np.float32)
        for start in range(0, len(good), batch_size):
            chunk = good[start:start + batch_size]
            probabilities[chunk] = self.forward(np.stack([decoded[i] for i in chunk]), mirror)
        return [self._result(sources[i], decoded[i], probabilities[i]) for i in range(len(sources))]

    def _decode(self, source, decode):
        try:
            return decode(source, self.image_size)
        except CatdogError as error:
            return error

    def _result(self, source, decoded, probabilities) -> Prediction:
        if isinstance(decoded, CatdogError):
            return Prediction(images.describe(source), error=decoded)
        return Prediction(images.describe(source),
                          {name: float(p) for name, p in zip(self.class_names, probabilities)})


class ModelCache:
    """The process's warm models, least recently used first out.

    Bounded by count and by the bytes of the models' weights (what it can tell: each model
    also holds its traced graph, about as large again). A hosted server with a class of
    students each predicting with their own run would otherwise keep every model forever."""

    def __init__(self, max_models: int, max_bytes: int):
        self.max_models, self.max_bytes = max_models, max_bytes
        self._models: OrderedDict[tuple, Predictor] = OrderedDict()
        self._loading: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, run: runs.Run) -> Predictor:
        key = self._key(run)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:  # one load per model; other sessions' cache hits do not wait for it
            with self._lock:
                if key in self._models:
                    return self._models[key]
            predictor = Predictor(run)
            with self._lock:
                self._models[key] = predictor
                self._loading.pop(key, None)
                self._evict()
            return predictor

    def holds(self, run: runs.Run) -> bool:
        """Whether `run`'s model is loaded already (a page shows a spinner only when it is not)."""
        try:
            return self._key(run) in self._models
        except CatdogError:
            return False

    @staticmethod
    def _key(run: runs.Run) -> tuple:
        try:  # the model file's mtime is in the key: a run trained again loads afresh
            return str(run.path.resolve()), run.model_path.stat().st_mtime
        except FileNotFoundError:  # not trained yet, or deleted by another session meanwhile
            raise CatdogError("run_has_no_model", run=run.id, state=run.state) from None

    def _evict(self) -> None:
        evicted = False
        while len(self._models) > 1 and (len(self._models) > self.max_models or self.used_bytes > self.max_bytes):
            (path, _), _ = self._models.popitem(last=False)
            log.info("model cache: evicted %s", path)
            evicted = True
        if evicted:
            gc.collect()  # the graphs refer to their models in cycles: free them now, not later

    def clear(self) -> None:
        """Forget every model (the trainer, before its next job)."""
        with self._lock:
            self._models.clear()
        gc.collect()

    @property
    def used_bytes(self) -> int:
        return sum(predictor.weight_bytes for predictor in self._models.values())

    def __len__(self) -> int:
        return len(self._models)


CACHE = ModelCache(*model_cache_size())


def predictor_for(ref, models_dir=None) -> Predictor:
    """The warm Predictor for a run, from the process-wide bounded cache."""
    return CACHE.get(runs.load_run(ref, models_dir))


def predict(ref, sources, models_dir=None, mirror: bool | None = None) -> list[Prediction]:
    return predictor_for(ref, models_dir).predict(sources, mirror=mirror)
