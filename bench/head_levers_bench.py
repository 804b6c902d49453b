"""Which head recipe to make the default, chosen on the training photos alone.

Features of every shared photo and of its mirror are extracted once (MobileNet 0.25, 224 px, the
ImageNet weights on hand) through catdog's own feature cache, at 224 px (the weights' size) and at
TrainConfig's default size. Each lever is then scored by 5-fold cross-validation on the *training*
photos' features: the validation photos play no part in the choice. The first row is catdog's
default; each other row changes one lever of it, so it shows what that lever is worth; the last
row is the recipe before issue #15. Then the default is scored once on the validation photos over
3 seeds, trained as `catdog train` trains it (early stopping watching the validation photos).

    python bench/head_levers_bench.py [--folds 5] [--cache DIR]
"""

import argparse
import dataclasses
import tempfile
import time

from common import PHOTOS, PeakRss, report, use_shared_weights

use_shared_weights()

import numpy as np  # noqa: E402

from catdog.config import TrainConfig  # noqa: E402
from catdog.data import folders  # noqa: E402
from catdog.network.model import build_model, split_at_features  # noqa: E402
from catdog.training.features import features_of  # noqa: E402
from catdog.training.head import fit_head, head_probabilities  # noqa: E402


def extract(config: TrainConfig, cache: str):
    """(train features, train labels, validation features, validation labels), views (photo, mirror)."""
    if (config.image_size, cache) in _extracted:
        return _extracted[config.image_size, cache]
    dataset = folders.load_dataset(config.data_dir)
    extractor, _ = split_at_features(build_model(config, 2))
    timings, parts = {}, []
    for name, split in (("train", dataset.train), ("validation", dataset.validation)):
        started = time.perf_counter()
        parts += features_of(config, cache, extractor, split, [], views=2)[:2]
        timings[name] = time.perf_counter() - started
    report("head_levers_extraction", image_size=config.image_size, views=2,
           photos=len(dataset.train.paths) + len(dataset.validation.paths),
           seconds_train=timings["train"], seconds_validation=timings["validation"])
    _extracted[config.image_size, cache] = parts
    return parts


_extracted = {}


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


LEVERS = [  # (row name, what it changes from catdog's default)
    ("catdog default", {}),
    ("224 px (the weights' own size)", {"image_size": 224}),
    ("without mirror views", {"mirror_views": False}),
    ("without test-time mirror averaging", {"test_time_mirror": False}),
    ("with AdamW, weight decay 1e-4", {"weight_decay": 1e-4}),
    ("with cosine decay", {"cosine_decay": True}),
    ("with label smoothing 0.1", {"label_smoothing": 0.1}),
    ("not to convergence: 10 epochs, early stop 3", {"epochs": 10, "early_stopping_patience": 3}),
    ("before #15: 224 px, no mirrors, 10 epochs, early stop 3",
     {"image_size": 224, "mirror_views": False, "test_time_mirror": False, "epochs": 10,
      "early_stopping_patience": 3}),
]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", default=tempfile.mkdtemp(prefix="catdog-bench-cache-"))
    args = parser.parse_args()
    default = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025")
    for name, change in LEVERS:
        config = dataclasses.replace(default, **change)
        train_x, train_y, _, _ = extract(config, args.cache)
        with PeakRss() as memory:
            scores = [score(config, train_x, train_y, part) for part in folds(train_y, args.folds)]
        accuracy, seconds = [a for a, _ in scores], [s for _, s in scores]
        report("head_lever", lever=name, image_size=config.image_size, cv_accuracy=float(np.mean(accuracy)),
               cv_min=float(np.min(accuracy)), head_seconds=float(np.mean(seconds)), peak_rss_mb=memory.peak)
    train_x, train_y, val_x, val_y = extract(default, args.cache)
    accuracies = []
    for seed in (1337, 1, 2):
        config = dataclasses.replace(default, seed=seed)
        classifier = split_at_features(build_model(config, 2))[1]
        fit_head(config, classifier, (train_x, train_y), val_x, val_y)
        predicted = head_probabilities(classifier, val_x, config.test_time_mirror).argmax(axis=1)
        accuracies.append(float((predicted == val_y).mean()))
    report("head_default_on_validation", seeds=[1337, 1, 2], accuracies=accuracies, mean=float(np.mean(accuracies)),
           minimum=float(np.min(accuracies)))
