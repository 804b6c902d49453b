"""The feature space: why transfer learning works, as a picture and as two numbers.

A frozen backbone turns each photo into one pooled vector (1280 numbers for MobileNetV2). With
ImageNet weights, photos of one class land near each other, so a straight line (the head) can
part the classes; with random weights they are mixed. This module projects those vectors to 2-D
(PCA, or t-SNE from scikit-learn) and measures how well the classes separate: a linear probe
(logistic regression, cross-validated: what a head with no hidden layer could reach) and the
silhouette score (-1..1: how much nearer a photo is to its own class than to the other).

The vectors come from the feature cache that training fills (`catdog.training.features`): nothing is
computed again for photos already seen by the same network. Each map is kept as an .npz in a folder
beside that network's cached features, by method and by the set of photos.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catdog.config import TrainConfig
from catdog.data import folders
from catdog.errors import CatdogError
from catdog.storage import replacing
from catdog.training import features

METHODS = ("pca", "tsne")
MAP_VERSION = 3  # bump when what a stored map holds changes
PROBE_FOLDS = 5
# Regularised: 0.960 on the shared photos in 4 s, where C=1 took 11 s for 0.954 (2 busy cores).
PROBE_C = 0.1
# 500, not sklearn's 1000: on 2992 photos 13 s instead of 31 s on 2 busy cores, the same picture.
TSNE_ITERATIONS = 500


@dataclass(frozen=True)
class Separation:
    """How well the classes separate in one space (the full vectors, or the 2-D map)."""

    probe_accuracy: float  # logistic regression, cross-validated; 0.5 is a coin toss for two classes
    silhouette: float  # -1..1; near 0: the classes overlap


@dataclass(frozen=True)
class FeatureMap:
    """One point per photo: where its features land in 2-D, and how well the classes separate."""

    points: np.ndarray  # (N, 2)
    labels: np.ndarray  # (N,) class indices
    paths: list[str]
    class_names: list[str]
    method: str
    weights: str  # "imagenet" or "none"
    dimensions: int  # numbers in one photo's features
    full: Separation  # in the backbone's full feature space
    flat: Separation  # in the 2-D map
    seconds: float  # to project and measure the 2-D map, from cached features


def network_config(backbone: str, weights: str, image_size: int = 0, seed: int = 1337) -> TrainConfig:
    """The frozen network whose features are mapped; average pooling, as the cache stores them."""
    return TrainConfig(backbone=backbone, weights=weights, image_size=image_size, seed=seed, pooling="avg")


def dataset_photos(data_dir) -> tuple[folders.Split, list[str]]:
    """Every training and validation photo of a dataset, with its class names."""
    dataset = folders.load_dataset(data_dir)
    split = folders.Split(dataset.train.paths + dataset.validation.paths,
                       dataset.train.labels + dataset.validation.labels)
    return split, dataset.class_names


def pooled_features(config: TrainConfig, split: folders.Split, models_dir, report=None):
    """(features (N, D), labels, paths) of the readable photos of `split`: from the cache where
    there, else computed once (and cached) by the frozen backbone. The network is built only when
    some photo is missing, so a map of cached photos needs no TensorFlow model."""
    cache = features.cache_for(config, models_dir)
    hashes = [features.file_hash(path) for path in split.paths]
    extractor = None
    if len(cache.get(hashes)) < len(set(hashes)):
        from catdog.network.model import build_model, split_at_features

        extractor, _ = split_at_features(build_model(config, num_classes=2))
    skipped: list = []
    vectors, labels, _ = features.features_of(config, models_dir, extractor, split, skipped, report)
    if vectors is None:
        raise CatdogError("no_photos_to_map", count=len(split.paths))
    failed = {path for path, _ in skipped}
    paths = [path for path in split.paths if path not in failed]
    return vectors[:, 0], labels, paths  # view 0: the photo itself, not its mirror


def project(vectors: np.ndarray, method: str, seed: int = 0) -> np.ndarray:
    """(N, 2) points. PCA keeps the two directions of largest spread; t-SNE keeps neighbours near
    (after PCA to 50 dimensions, the usual first step, which also makes it several times faster)."""
    from sklearn.decomposition import PCA

    if method not in METHODS:
        raise CatdogError("unknown_map_method", method=method, allowed=", ".join(METHODS))
    if method == "pca":
        return PCA(n_components=2, random_state=seed).fit_transform(vectors).astype(np.float32)
    from sklearn.manifold import TSNE

    reduced = PCA(n_components=min(50, *vectors.shape), random_state=seed).fit_transform(vectors)
    perplexity = min(30.0, (len(vectors) - 1) / 3)  # t-SNE needs more points than 3x the perplexity
    return TSNE(n_components=2, perplexity=perplexity, init="pca", max_iter=TSNE_ITERATIONS,
                random_state=seed).fit_transform(reduced).astype(np.float32)


def separation(vectors: np.ndarray, labels: np.ndarray, seed: int = 0) -> Separation:
    """The linear probe's cross-validated accuracy and the silhouette score of `vectors`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import silhouette_score
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    counts = np.bincount(labels)
    if len(counts[counts > 0]) < 2 or counts[counts > 0].min() < 2:
        raise CatdogError("too_few_photos_to_map", count=int(counts[counts > 0].min()), minimum=2)
    folds = StratifiedKFold(n_splits=int(min(PROBE_FOLDS, counts[counts > 0].min())), shuffle=True,
                            random_state=seed)
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=PROBE_C, max_iter=1000))
    accuracy = cross_val_score(probe, vectors, labels, cv=folds).mean()
    return Separation(float(accuracy), float(silhouette_score(vectors, labels, random_state=seed)))


def map_path(config: TrainConfig, models_dir, method: str, paths: list[str]) -> Path:
    """Where the map of these photos through this network is kept: beside its cached features,
    named by the method and by the photos' contents (another dataset or one more photo: another map)."""
    photos = hashlib.sha256("".join(sorted(features.file_hash(p) for p in paths)).encode()).hexdigest()[:16]
    network = features.cache_for(config, models_dir).folder
    # A folder of its own beside the network's shards: the cache reads every .npz in its folder as one.
    return network.with_name(f"{network.name}.maps") / f"v{MAP_VERSION}-{method}-{photos}.npz"


def _stored(path: Path, paths: list[str], class_names: list[str], method: str, weights: str):
    if not path.is_file():
        return None
    with np.load(path) as stored:
        if stored["paths"].tolist() != paths:  # the same photos under other names: map again
            return None
        measures = stored["measures"].tolist()
        return FeatureMap(stored["points"], stored["labels"], paths, class_names, method, weights,
                          int(measures[5]), Separation(*measures[:2]), Separation(*measures[2:4]), measures[4])


def _save(path: Path, **arrays) -> None:
    """Temp file + rename: a reader never sees half a map."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as partial:
        np.savez(partial, **arrays)


def _store(path: Path, mapped: FeatureMap) -> None:
    measures = [*dataclasses.astuple(mapped.full), *dataclasses.astuple(mapped.flat), mapped.seconds,
                mapped.dimensions]
    _save(path, points=mapped.points, labels=mapped.labels, paths=np.array(mapped.paths), measures=np.array(measures))


def full_separation(config: TrainConfig, models_dir, vectors: np.ndarray, labels: np.ndarray,
                    paths: list[str]) -> Separation:
    """The separation in the full feature space: measured once per network and photos (the probe is
    the slow part, ~4 s for 3000 photos), whichever map is drawn."""
    path = map_path(config, models_dir, "full", paths)
    if path.is_file():
        with np.load(path) as stored:
            if stored["paths"].tolist() == paths:
                return Separation(*stored["measures"].tolist())
    measured = separation(vectors, labels, config.seed)
    _save(path, paths=np.array(paths), measures=np.array(dataclasses.astuple(measured)))
    return measured


def feature_map(config: TrainConfig, data_dir, models_dir, method: str = "pca", report=None) -> FeatureMap:
    """The 2-D map of a dataset's photos through `config`'s frozen backbone, and its separation
    measures: read from the map cache, else projected from the (cached) features and stored."""
    split, class_names = dataset_photos(data_dir)
    vectors, labels, paths = pooled_features(config, split, models_dir, report)
    path = map_path(config, models_dir, method, paths)
    known = _stored(path, paths, class_names, method, config.weights)
    if known is not None:
        return known
    full = full_separation(config, models_dir, vectors, labels, paths)
    started = time.perf_counter()
    points = project(vectors, method, seed=config.seed)
    flat = separation(points, labels, config.seed)
    mapped = FeatureMap(points, labels, paths, class_names, method, config.weights, vectors.shape[1], full, flat,
                        time.perf_counter() - started)
    _store(path, mapped)
    return mapped
