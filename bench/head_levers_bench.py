"""Which head recipe to make the default, chosen on the training photos alone.

Features of every shared photo and of its mirror are extracted once (MobileNet 0.25, 224 px, the
ImageNet weights on hand) through catdog's own feature cache. Each lever is then scored by
5-fold cross-validation on the *training* photos' features: the validation photos play no part in
the choice. A row = the recipe of the row above plus one lever, so each row shows what one lever
adds. Then the chosen recipe is scored once on the validation photos, over 3 seeds.

    python bench/head_levers_bench.py [--folds 5] [--cache DIR]
"""

import argparse
import dataclasses
import tempfile
import time

from common import PHOTOS, PeakRss, report, use_shared_weights

use_shared_weights()

import numpy as np  # noqa: E402

from catdog import data  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.features import features_of  # noqa: E402
from catdog.head import fit_head, head_probabilities  # noqa: E402
from catdog.model import build_model, split_at_features  # noqa: E402


def extract(config: TrainConfig, cache: str):
    """(train features, train labels, validation features, validation labels), views (photo, mirror)."""
    dataset = data.load_dataset(config.data_dir)
    extractor, _ = split_at_features(build_model(config, 2))
    timings, parts = {}, []
    for name, split in (("train", dataset.train), ("validation", dataset.validation)):
        started = time.perf_counter()
        parts += features_of(config, cache, extractor, split, [], views=2)[:2]
        timings[name] = time.perf_counter() - started
    report("head_levers_extraction", photos=len(dataset.train.paths) + len(dataset.validation.paths),
           seconds_train=timings["train"], seconds_validation=timings["validation"])
    return parts


def folds(labels: np.ndarray, count: int, seed: int = 0) -> list[np.ndarray]:
    """Stratified folds: indices of each fold's held-out photos."""
    random = np.random.default_rng(seed)
    per_class = [random.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]
    return [np.concatenate([indices[f::count] for indices in per_class]) for f in range(count)]


def score(config: TrainConfig, features: np.ndarray, labels: np.ndarray, held_out: np.ndarray,
          test_features=None, test_labels=None) -> tuple[float, float]:
    """(accuracy, seconds) of the head of `config` trained on all but `held_out` (early stopping,
    if on, watches `held_out`), scored on `held_out`, or on the test photos when given."""
    keep = np.setdiff1d(np.arange(len(labels)), held_out)
    head = split_at_features(build_model(config, 2))[1]
    started = time.perf_counter()
    fit_head(config, head, (features[keep], labels[keep]), features[held_out], labels[held_out])
    seconds = time.perf_counter() - started
    test_features = features[held_out] if test_features is None else test_features
    test_labels = labels[held_out] if test_labels is None else test_labels
    predicted = head_probabilities(head, test_features, config.test_time_mirror).argmax(axis=1)
    return float((predicted == test_labels).mean()), seconds


LEVERS = [  # (row name, what it changes from the row above)
    ("before: Adam 1e-3, 10 epochs, early stop 3", {}),
    ("+ mirror views in the feature cache", {"mirror_views": True}),
    ("+ test-time mirror averaging", {"test_time_mirror": True}),
    ("+ AdamW, weight decay 1e-4", {"weight_decay": 1e-4}),
    ("+ cosine decay", {"cosine_decay": True}),
    ("+ label smoothing 0.1", {"label_smoothing": 0.1}),
    ("+ to convergence: 40 epochs, early stop 5", {"epochs": 40, "early_stopping_patience": 5}),
]
BEFORE = dict(mirror_views=False, test_time_mirror=False, weight_decay=0.0, cosine_decay=False,
              label_smoothing=0.0, epochs=10, early_stopping_patience=3, learning_rate=1e-3, dropout=0.2)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", default=tempfile.mkdtemp(prefix="catdog-bench-cache-"))
    parser.add_argument("--only-defaults", action="store_true", help="skip the lever rows")
    args = parser.parse_args()
    config = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025", **BEFORE)
    train_x, train_y, val_x, val_y = extract(config, args.cache)
    held = folds(train_y, args.folds)
    if not args.only_defaults:
        for name, change in LEVERS:
            config = dataclasses.replace(config, **change)
            with PeakRss() as memory:
                scores = [score(config, train_x, train_y, part) for part in held]
            report("head_lever", lever=name, cv_accuracy=float(np.mean([a for a, _ in scores])),
                   cv_min=float(np.min([a for a, _ in scores])), head_seconds=float(np.mean([s for _, s in scores])),
                   peak_rss_mb=memory.peak)
    default = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025")
    scores = [score(dataclasses.replace(default, seed=seed), train_x, train_y, held[0], val_x, val_y)[0]
              for seed in (1, 2, 3)]
    report("head_default_on_validation", seeds=[1, 2, 3], accuracies=scores, mean=float(np.mean(scores)),
           minimum=float(np.min(scores)))
