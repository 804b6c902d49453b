"""Feature extraction: catdog's pipeline from JPEG files vs the bare backbone on decoded tensors.

The bare forward pass on images already decoded and resized in memory is the limit; the
target is catdog's pipeline (parallel decode + resize + prefetch) at >= 80% of it.

    python bench/extract_bench.py
"""

import time

import numpy as np

from common import PHOTOS, report, use_shared_weights

use_shared_weights()

from catdog import data, images  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.model import build_model, graph_function, split_at_features  # noqa: E402

config = TrainConfig(backbone="mobilenet_v1_025", batch_size=32)
split = data.load_dataset(PHOTOS).train
extractor, _ = split_at_features(build_model(config, 2))
forward = graph_function(extractor)
size, count = config.image_size, len(split.paths)

decoded = np.stack([images.load_for_model(path, size) for path in split.paths]).astype(np.float32)
forward(decoded[:32])  # trace once
started = time.perf_counter()
for start in range(0, count, 32):
    forward(decoded[start:start + 32]).numpy()
bare = count / (time.perf_counter() - started)
del decoded

for _ in range(2):  # the first pass warms the file cache, as a second run of the same job would
    started = time.perf_counter()
    for batch, _labels in data.make_dataset(split, size, 32, cache=False):
        forward(batch).numpy()
    pipeline = count / (time.perf_counter() - started)

report("extract", backbone=config.backbone, image_size=size, images=count,
       bare_forward_images_per_second=bare, pipeline_images_per_second=pipeline,
       ratio=pipeline / bare, target_ratio=0.8)
