"""Augmentation on the fast path: K augmented views of each photo, computed once.

Streaming augmented photos through the frozen backbone costs a forward pass per photo per
epoch. With `augmented_views = K`, each training photo is augmented K times up front and
the backbone's features of those K versions are kept in memory; epoch e then trains the
head on view e mod K. A fixed budget of K forward passes per photo instead of one per
epoch, at the price of repeating views when epochs > K.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from catdog.data import augment, pipeline


def extract_views(config, split, skipped: list, extract) -> tuple[np.ndarray, np.ndarray]:
    """(views of shape (K, N, D), labels): K augmented passes over the training photos.

    The photos are decoded once and kept decoded for the K passes (if they fit the job's budget); each pass draws its
    own augmentation with its own seed. `extract(batches, total, view)` runs the frozen
    backbone over one pass (features.extract with its progress report): features (N, 1, D)."""
    photos_per_pass = pipeline.step_split(config.batch_size)[0]
    decoded = pipeline.make_dataset(split, config.image_size, photos_per_pass, skipped=skipped,
                                    cache_bytes=pipeline.cache_budget())
    views, labels = [], None
    for view in range(config.augmented_views):
        augmented = decoded.map(augment.make_augmenter(config.augmentation, config.seed + 1000 * view))
        features, labels = extract(augmented, len(split.paths), view + 1)
        views.append(features)
    return np.stack(views), labels


class ViewBatches(keras.utils.PyDataset):
    """Batches of one view per epoch (view = epoch mod K), reshuffled every epoch."""

    def __init__(self, views: np.ndarray, labels: np.ndarray, batch_size: int, seed: int, one_hot_classes: int = 0):
        super().__init__()
        self.views, self.batch_size = views, batch_size
        # One-hot targets when the head's loss smooths its labels (`head.targets`).
        self.labels = np.eye(one_hot_classes, dtype=np.float32)[labels] if one_hot_classes else labels
        self.random = np.random.default_rng(seed)
        self.epoch = 0
        self.order = self.random.permutation(len(labels))

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def __getitem__(self, index: int):
        picked = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.views[self.epoch % len(self.views)][picked], self.labels[picked]

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = self.random.permutation(len(self.labels))
