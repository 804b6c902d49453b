"""The costs behind the Train form's time estimate (training/estimate.py), measured on this machine,
and the estimate against real jobs.

Part 1 prints, per backbone at its own size, milliseconds per photo of a forward pass, of a
training step streaming through the frozen base (the whole network from scratch) and of a
fine-tuning step (the top 20 layers learning), on random pixels with random weights: the
figures `Backbone.cost_ms` holds (measured on 2 cores); then the photo pipeline's milliseconds a
photo (decoding, and each augmentation preset) on the shared photos at 320 px, beside what
`estimate.augmentation_ms` says. Part 2 trains a few real jobs on the
shared photos (a streamed phase 1, fine-tuning) and prints estimated against measured seconds.

    .venv/bin/python bench/estimate_bench.py [--skip-jobs]     (about 5 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import PHOTOS, report, use_shared_weights

use_shared_weights()
os.environ.update({"CATDOG_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"})

from catdog import jobs  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.data import augment, folders  # noqa: E402
from catdog.network import backbones  # noqa: E402
from catdog.settings import usable_cores  # noqa: E402
from catdog.training import estimate  # noqa: E402


def per_photo_ms(step, batch, repeats: int = 3) -> float:
    step(batch)  # traced and warm
    started = time.perf_counter()
    for _ in range(repeats):
        step(batch)
    return (time.perf_counter() - started) / repeats / len(batch[0]) * 1000


def measure_costs() -> None:
    import keras
    import numpy as np
    import tensorflow as tf

    from catdog.network.model import build_model, set_trainable

    for name, entry in backbones.REGISTRY.items():
        config = TrainConfig(data_dir="x", backbone=name, weights="none")
        size, photos = config.image_size, 16
        pixels = np.random.default_rng(0).integers(0, 255, (photos, size, size, 3)).astype("float32")
        labels = np.random.default_rng(1).integers(0, 2, photos)
        model = build_model(config, 2)
        forward = tf.function(lambda batch, model=model: model(batch, training=False))
        costs = [per_photo_ms(lambda batch, forward=forward: forward(batch[0]), (pixels, labels))]
        for phase in (1, 2):
            set_trainable(model, config, phase)
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            costs.append(per_photo_ms(lambda batch, model=model: model.train_on_batch(*batch), (pixels, labels)))
        report("estimate_costs", backbone=name, size=size, cores=usable_cores(),
               forward_ms=round(costs[0], 1), stream_ms=round(costs[1], 1),
               fine_tune_ms=round(costs[2], 1) if entry.pretrained else round(costs[1], 1),
               registry_ms=list(entry.cost_ms))
        keras.backend.clear_session()


def measure_augmentation(photos: int = 150) -> None:
    from catdog.data import pipeline

    split = folders.fewer_photos(folders.load_dataset(str(PHOTOS)).train, photos // 2, 1)
    for name, augmentation in augment.PRESETS.items():
        batches = pipeline.make_dataset(split, 320, 4, shuffle=True, seed=1, skipped=[], cache_bytes=0)
        if augmentation.enabled:
            batches = batches.map(augment.make_augmenter(augmentation, 1))
        started, seen = time.perf_counter(), 0
        for _, labels in batches:
            seen += len(labels)
        report("estimate_pipeline", preset=name, size=320, cores=usable_cores(),
               ms_per_photo=round((time.perf_counter() - started) / seen * 1000, 1),
               estimated_augmentation_ms=round(estimate.augmentation_ms(augmentation, 320), 1),
               estimated_decode_ms=estimate.DECODE_MS)


def measure_jobs() -> None:
    dataset = folders.load_dataset(str(PHOTOS))
    train, validation = len(dataset.train.paths), len(dataset.validation.paths)
    models = Path(tempfile.mkdtemp(prefix="catdog-estimate-")) / "models"
    for label, config in (
            ("streamed augmentation, 2 epochs", TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025",
                                                            augmentation=augment.preset("light"), epochs=2)),
            ("cached features + 2 fine-tuning epochs", TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025",
                                                                   epochs=5, fine_tune_epochs=2))):
        guess = estimate.estimate(config, train, validation)
        run = jobs.run_in_foreground(config, models)
        report("estimate_job", job=label, state=run.state, estimated_seconds=round(guess.seconds, 1),
               measured_seconds=run.metrics.get("seconds"),
               ratio=round(run.metrics.get("seconds", 0) / guess.seconds, 2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-jobs", action="store_true")
    args = parser.parse_args()
    measure_costs()
    measure_augmentation()
    if not args.skip_jobs:
        measure_jobs()


if __name__ == "__main__":
    main()
