"""Feature extraction: catdog's pipeline from JPEG files vs the bare backbone on decoded tensors.

The bare forward pass on images already decoded and resized in memory is the limit; the
target is catdog's pipeline (parallel decode + resize + prefetch) at >= 80% of it.

    python bench/extract_bench.py
"""

import statistics
import time

import numpy as np

from common import PHOTOS, report, use_shared_weights

use_shared_weights()

import tensorflow as tf  # noqa: E402

from catdog.config import TrainConfig  # noqa: E402
from catdog.data import folders, images, pipeline  # noqa: E402
from catdog.network.model import build_model, graph_function, split_at_features  # noqa: E402

config = TrainConfig(backbone="mobilenet_v1_025", batch_size=32)
split = folders.load_dataset(PHOTOS).train
extractor, _ = split_at_features(build_model(config, 2))
forward = graph_function(extractor)
size, count = config.image_size, len(split.paths)

decoded = np.stack([images.load_for_model(path, size) for path in split.paths]).astype(np.float32)
forward(decoded[:32])  # trace once


def bare_pass() -> float:
    started = time.perf_counter()
    for start in range(0, count, 32):
        forward(decoded[start:start + 32]).numpy()
    return count / (time.perf_counter() - started)


def pipeline_pass() -> float:
    started = time.perf_counter()
    for batch, _labels in pipeline.decoded_batches(split, size, 32):
        forward(tf.cast(batch, tf.float32)).numpy()
    return count / (time.perf_counter() - started)


pipeline_pass()  # warms the file cache, as a second run of the same job would
# Alternating rounds, medians: on a shared 2-core machine one pass alone can be off by 20%.
rounds = [(bare_pass(), pipeline_pass()) for _ in range(3)]
bare = statistics.median(b for b, _ in rounds)
throughput = statistics.median(p for _, p in rounds)
report("extract", backbone=config.backbone, image_size=size, images=count,
       bare_forward_images_per_second=bare, pipeline_images_per_second=throughput,
       ratio=throughput / bare, ratios_per_round=[round(p / b, 3) for b, p in rounds], target_ratio=0.8)
