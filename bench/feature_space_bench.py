"""How well cats and dogs separate in the frozen backbone's feature space: ImageNet vs random weights.

On the shared photos (train + validation, 2992), MobileNet 0.25 at its default 320 px: the linear
probe's cross-validated accuracy and the silhouette score, in full dimension and in the 2-D map
(PCA and t-SNE), and the seconds each map takes from cached features (the full-space probe,
measured once per network, apart). Also the probe on features
computed with the classic mistake (pixels / 255 instead of MobileNet's [-1, 1]).

    nice -n 19 .venv/bin/python bench/feature_space_bench.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from common import PHOTOS, report, use_shared_weights

use_shared_weights()

from catdog.inside import featuremap  # noqa: E402  (after KERAS_HOME is set)
from catdog.training import features  # noqa: E402

BACKBONE = "mobilenet_v1_025"


def mistaken_extractor(config):
    """The backbone on pixels / 255 (what the `preprocessing="rescale"` runs build): for the probe."""
    import keras

    from catdog.network import backbones

    inputs = keras.Input((config.image_size, config.image_size, 3))
    scaled = keras.layers.Rescaling(1 / 255)(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(backbones.get(BACKBONE).build(scaled, "imagenet"))
    return keras.Model(inputs, pooled)


def main() -> None:
    models = Path(tempfile.mkdtemp(prefix="catdog-bench-models-"))
    split, class_names = featuremap.dataset_photos(PHOTOS)
    for weights in ("imagenet", "none"):
        config = featuremap.network_config(BACKBONE, weights)
        started = time.perf_counter()
        vectors, labels, _ = featuremap.pooled_features(config, split, models)
        extraction = time.perf_counter() - started
        started = time.perf_counter()
        full = featuremap.full_separation(config, models, vectors, labels, split.paths)
        full_seconds = time.perf_counter() - started
        for method in featuremap.METHODS:
            mapped = featuremap.feature_map(config, PHOTOS, models, method)  # features cached: map only
            started = time.perf_counter()
            featuremap.feature_map(config, PHOTOS, models, method)
            reread = time.perf_counter() - started
            report("feature_space", backbone=BACKBONE, weights=weights, method=method, photos=len(labels),
                   dimensions=int(vectors.shape[1]), probe_full=full.probe_accuracy, silhouette_full=full.silhouette,
                   probe_2d=mapped.flat.probe_accuracy, silhouette_2d=mapped.flat.silhouette,
                   map_seconds_from_cached_features=mapped.seconds, map_seconds_from_map_cache=reread,
                   probe_seconds_full_once_per_network=full_seconds, extraction_seconds_first_time=extraction)
    config = featuremap.network_config(BACKBONE, "imagenet")
    vectors, labels, _ = features.features_of(config, models / "mistake", mistaken_extractor(config), split, [])
    mistaken = featuremap.separation(vectors[:, 0], labels)
    report("feature_space_rescale_mistake", backbone=BACKBONE, weights="imagenet", preprocessing="pixels / 255",
           photos=len(labels), probe_full=mistaken.probe_accuracy, silhouette_full=mistaken.silhouette)


if __name__ == "__main__":
    main()
