"""On-disk cache of frozen-backbone features, so a relaunch skips the extraction.

A feature vector depends on the photo's bytes and on the network that computed it:
backbone, image size and weights (and, for random weights, the seed). The cache key
holds all of them, so changing any one of them computes afresh, while a relaunch with
other head settings (epochs, learning rate, dropout...) reuses every vector.

A photo may be cached as two views: itself and its horizontal mirror. The mirror is a free
augmentation (a cat facing left is as much a cat facing right): one extra forward pass of a
photo already decoded, then the head trains on both for nothing more.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import warnings
from pathlib import Path

import numpy as np

from catdog.config import TrainConfig
from catdog.data import folders, pipeline
from catdog.network import backbones, weights
from catdog.settings import feature_cache_folder, usable_cores
from catdog.storage import replacing, write_atomic
from catdog.training.timing import Stopwatch

# Photos per forward pass of TensorFlow Lite's extractor on a CPU; the features do not depend on
# it. Small batches keep a layer's activations in the CPU's caches: 2992 photos with mirrors at
# 320 px took 8.9-9.3 s in passes of 16 and 11.1-11.5 s in passes of 32 here.
LITE_BATCH = 16
FORMAT_VERSION = 2  # bump when decoding or preprocessing changes what a photo becomes (2: TF resize)


def network_key(config: TrainConfig) -> str:
    """Everything about the network that changes the features, as a short hash."""
    if config.weights == "imagenet":
        file = weights.weights_folder() / backbones.get(config.backbone).weights_file(config.image_size)
        weights_used = f"{file.name}:{file.stat().st_size if file.exists() else 0}"
    else:
        weights_used = f"random:{config.seed}"
    described = [FORMAT_VERSION, config.backbone, config.image_size, weights_used, config.pooling]
    if config.preprocessing != "backbone":  # only then: the caches of every earlier network keep their keys
        described.append(config.preprocessing)
    described = json.dumps(described)
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def file_hash(path: str) -> str:
    """The hash of a photo's bytes, remembered by (path, size, modification time) in this process:
    the warm trainer's relaunch then reads no photo (hashing 2992 photos took 0.23 s of it)."""
    status = os.stat(path)
    stamp = (path, status.st_size, status.st_mtime_ns)
    known = _hashes.get(stamp)
    if known is None:
        with open(path, "rb") as handle:
            known = _hashes[stamp] = hashlib.sha256(handle.read()).hexdigest()[:32]
    return known


_hashes: dict[tuple, str] = {}  # ~150 bytes a photo: 15 MB for 100k photos


class FeatureCache:
    """Feature vectors by file-content hash, for one network; stored as .npz shards."""

    def __init__(self, config: TrainConfig, root: Path):
        self.folder = Path(root) / network_key(config)
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            for shard in sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []:
                with np.load(shard) as stored:
                    self._vectors.update(zip(stored["hashes"].tolist(), stored["features"]))
        return self._vectors

    def get(self, hashes: list[str]) -> dict[str, np.ndarray]:
        known = self._load()
        return {h: known[h] for h in hashes if h in known}

    def add(self, hashes: list[str], features: np.ndarray) -> None:
        """Write one new shard atomically (temp file + rename); readers never see half of it."""
        if not len(hashes):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]
        with replacing(self.folder / f"{name}.npz") as partial:  # two processes adding it never collide
            np.savez(partial, hashes=np.array(hashes), features=features.astype(np.float32))
        self._load().update(zip(hashes, features))


def cache_for(config: TrainConfig, models_dir: Path) -> FeatureCache:
    """The cache a models folder's runs share: beside the run folders (or in CATDOG_CACHE_DIR)."""
    return FeatureCache(config, feature_cache_folder(models_dir))


def view_key(photo_hash: str, view: int) -> str:
    """View 0 is the photo as it is, view 1 its mirror."""
    return photo_hash if view == 0 else f"{photo_hash}:mirror"


def extract(forward, batches, total: int, on_batch, views: int = 1, stopwatch: Stopwatch | None = None):
    """Run a frozen backbone once over `batches`: (features (N, views, D), labels) as numpy arrays.

    `forward` is `forward_function(extractor, views, ...)`. The output array is allocated once
    and filled in place: collecting batches and concatenating them would hold two copies of every
    feature at the peak. `on_batch(seen)` reports progress (and raises `Cancelled` when the job
    was asked to stop). `stopwatch` gets the time spent waiting for decoded photos and in the
    forward pass."""
    stopwatch = stopwatch or Stopwatch()
    features, labels, seen = None, np.empty((total,), np.int32), 0
    batches = iter(batches)
    while True:
        with stopwatch.part("decoding"):  # what the forward pass waits for: decoding not hidden behind it
            images, batch_labels = next(batches, (None, None))
        if images is None:
            break
        count = len(batch_labels)
        with stopwatch.part("extraction"):
            computed = np.asarray(forward(images)).reshape(count, views, -1)  # pooled features are flat
        if features is None:
            features = np.empty((total, views, computed.shape[-1]), np.float32)
        features[seen:seen + count] = computed
        labels[seen:seen + count] = np.asarray(batch_labels)
        seen += count
        on_batch(seen)
    if features is None:
        return None, labels[:0]
    return features[:seen], labels[:seen]  # fewer than `total` when files were skipped


class LiteForward:
    """The frozen extractor through TensorFlow Lite (XNNPACK), for photos on a CPU: 1.2 ms a photo
    at 320 px instead of 3.3 ms through TensorFlow (MobileNet 0.25, 2 cores; bench/extract_bench.py).
    Converted once per network (see `extractor_paths`); the same numbers within 1e-4."""

    def __init__(self, extractor, views: int, paths: list[Path]):
        import tensorflow as tf

        path = next((path for path in paths if path.is_file()), None)
        if path is None:
            with contextlib.redirect_stdout(io.StringIO()):  # "Saved artifact at ...": not for a CLI's --json
                blob = tf.lite.TFLiteConverter.from_keras_model(extractor).convert()
            path = _write_first(paths, blob)
        self.views, self.size = views, extractor.inputs[0].shape[1]
        with warnings.catch_warnings():  # "deprecated, use ai_edge_litert": still TF 2.21's own, and it works
            warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated")
            self.interpreter = tf.lite.Interpreter(model_path=str(path), num_threads=usable_cores())
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]
        self.batch = 0

    def __call__(self, images):
        images = np.asarray(images)
        count = len(images)
        if count * self.views != self.batch:
            self.interpreter.resize_tensor_input(self.input, (count * self.views, *images.shape[1:]))
            self.interpreter.allocate_tensors()
            self.batch = count * self.views
        # The photos (and their mirrors) are written straight into the interpreter's input: a
        # concatenated copy handed to set_tensor cost 0.5 ms a view at 320 px, a third of the pass.
        buffer = self.interpreter.tensor(self.input)()
        buffer[:count] = images
        if self.views == 2:
            buffer[count:] = images[:, :, ::-1]
        del buffer  # the interpreter refuses to run while a view of its memory is held
        self.interpreter.invoke()
        computed = self.interpreter.get_tensor(self.output)
        if self.views == 2:
            computed = np.stack([computed[:count], computed[count:]], axis=1)
        return computed


def _write_first(paths: list[Path], blob: bytes) -> Path:
    """Write `blob` atomically to the first of `paths` whose folder is writable; its path."""
    for path in paths:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, blob)
            return path
        except OSError:  # a read-only KERAS_HOME (a shared install): the next place
            continue
    raise OSError(f"could not write the converted extractor to any of {[str(p) for p in paths]}")


def extractor_paths(config: TrainConfig, cache_folder: Path) -> list[Path]:
    """Where the extractor converted for TensorFlow Lite is kept, best first. With ImageNet weights:
    beside the weights, as `catdog/<network key>.tflite`, so it is converted once per machine, as the
    weights are downloaded once (2.9 s of a cold run otherwise); else (or where that folder is
    read-only) beside the network's cached features."""
    local = cache_folder / "extractor.tflite"
    if config.weights != "imagenet":
        return [local]
    return [weights.weights_folder() / "catdog" / f"{network_key(config)}.tflite", local]


def forward_function(extractor, views: int, paths: list[Path]):
    """The fastest way here to run the frozen extractor: TensorFlow Lite on a CPU-only machine
    outside tf.distribute (kept in the first of `paths` there is), else a TensorFlow graph
    (`model.graph_function`). Calls return numpy."""
    import tensorflow as tf

    from catdog.network.model import graph_function

    if not tf.config.list_logical_devices("GPU") and not tf.distribute.has_strategy():
        return LiteForward(extractor, views, paths)
    graph = graph_function(extractor, views)
    return lambda images: graph(tf.cast(images, tf.float32)).numpy()


def features_of(config, models_dir, extractor, split: folders.Split, skipped: list, report=None, views: int = 1,
                stopwatch: Stopwatch | None = None):
    """(features (N, views, D), labels, how many photos came from the cache) of the readable photos
    of `split` through a frozen backbone, computing only those not in the models folder's feature
    cache; features is None when no photo is readable. `report(seen, total)` follows the extraction.
    The leaderboard scores frozen-backbone runs with it too."""
    stopwatch = stopwatch or Stopwatch()
    cache = cache_for(config, models_dir)
    with stopwatch.part("hashing photos"):
        hashes = [file_hash(path) for path in split.paths]
    keys = [[view_key(h, view) for view in range(views)] for h in hashes]
    with stopwatch.part("reading the feature cache"):
        found = cache.get([key for photo in keys for key in photo])
    missing = [i for i, photo in enumerate(keys) if any(key not in found for key in photo)]
    if missing:
        todo = folders.Split([split.paths[i] for i in missing], [split.labels[i] for i in missing])
        with stopwatch.part("converting the network for a CPU"):
            forward = forward_function(extractor, views, extractor_paths(config, cache.folder))
        photos_per_pass, on_cpu = pipeline.step_split(config.batch_size)[0], isinstance(forward, LiteForward)
        if on_cpu:
            photos_per_pass = min(LITE_BATCH, photos_per_pass)
        batches = pipeline.decoded_batches(todo, config.image_size, photos_per_pass, skipped, shares_cores=on_cpu)
        on_batch = (lambda seen: report(seen, len(missing))) if report else (lambda seen: None)
        vectors, _ = extract(forward, batches, len(missing), on_batch, views, stopwatch)
        failed = {path for path, _ in skipped}
        decoded = [i for i in missing if split.paths[i] not in failed]  # the pipeline keeps order
        if decoded:
            with stopwatch.part("writing the feature cache"):
                new_keys = [keys[i][view] for i in decoded for view in range(views)]
                flat = vectors.reshape(len(decoded) * views, vectors.shape[-1])
                cache.add(new_keys, flat)
                found.update(zip(new_keys, flat))
    keep = [i for i, photo in enumerate(keys) if all(key in found for key in photo)]
    features = np.stack([[found[key] for key in keys[i]] for i in keep]) if keep else None
    return features, np.array([split.labels[i] for i in keep], np.int32), len(hashes) - len(missing)
