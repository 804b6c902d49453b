"""Two-phase transfer learning, writing everything into the run folder as it goes.

Phase 1 trains the head with the backbone frozen. Without augmentation the frozen
backbone would compute the same features for an image in every epoch, so we compute
them once and train the head on them (seconds per epoch instead of minutes). Phase 2
(optional) unfreezes the top of the backbone and continues at a lower learning rate on
the images themselves, since the features now change as the backbone learns.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from catdog import augment, backbones, data, pipeline, runs
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.progress import ProgressCallback, Reporter
from catdog.views import ViewBatches, extract_views


def _compile(model, learning_rate: float) -> None:
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def _callbacks(config, reporter, run_dir: Path, phase: int) -> list:
    import keras

    callbacks = [ProgressCallback(reporter, phase),
                 keras.callbacks.TensorBoard(str(run_dir / "logs"), histogram_freq=1, write_graph=True)]
    if config.early_stopping_patience:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=config.early_stopping_patience, restore_best_weights=True))
    return callbacks


def extract_features(extractor, dataset, reporter: Reporter, label: str, total: int):
    """Run the frozen backbone once over `dataset`: (features, labels) as numpy arrays.

    The output array is allocated once and filled in place: collecting batches and
    concatenating them would hold two copies of every feature at the peak."""
    from catdog.model import graph_function

    forward = graph_function(extractor)
    features = np.empty((total, *extractor.outputs[0].shape[1:]), np.float32)
    labels = np.empty((total,), np.int32)
    seen = 0
    for images, batch_labels in dataset:
        count = len(batch_labels)
        features[seen:seen + count] = forward(images).numpy()
        labels[seen:seen + count] = batch_labels.numpy()
        seen += count
        reporter.extraction(label, seen, total)
        if reporter.stop_requested():
            break
    if not seen:
        raise CatdogError(f"No readable images in the {label} split.",
                          fix="check the files with: python -m catdog data inspect DIR")
    return features[:seen], labels[:seen]  # fewer than `total` when files were skipped


def cached_features(config, extractor, split, reporter, label: str, skipped: list, cache_root: Path):
    """Features of every readable photo in `split`, computing only those not cached on disk.

    Returns (features, labels, how many came from the cache)."""
    from catdog.features import FeatureCache, file_hash

    cache = FeatureCache(config, cache_root)
    hashes = [file_hash(path) for path in split.paths]
    found = cache.get(hashes)
    missing = [i for i, h in enumerate(hashes) if h not in found]
    if missing:
        todo = data.Split([split.paths[i] for i in missing], [split.labels[i] for i in missing])
        batches = pipeline.decoded_batches(todo, config.image_size, config.batch_size, skipped)
        vectors, _ = extract_features(extractor, batches, reporter, label, len(missing))
        if reporter.stop_requested():
            return None
        failed = {path for path, _ in skipped}
        decoded = [i for i in missing if split.paths[i] not in failed]  # the pipeline keeps order
        cache.add([hashes[i] for i in decoded], vectors)
        found.update(zip((hashes[i] for i in decoded), vectors))
    keep = [i for i, h in enumerate(hashes) if h in found]
    if not keep:
        raise CatdogError(f"No readable images in the {label} split.",
                          fix="check the files with: python -m catdog data inspect DIR")
    features = np.stack([found[hashes[i]] for i in keep])
    return features, np.array([split.labels[i] for i in keep], np.int32), len(hashes) - len(missing)


def _phase1_on_features(config, model, dataset, reporter, run_dir, skipped):
    from catdog.model import split_at_features

    extractor, head = split_at_features(model)
    reporter.set_phase("extracting features")
    # The cache lives beside the run folders it serves (unless CATDOG_CACHE_DIR says otherwise).
    root = Path(os.environ.get("CATDOG_CACHE_DIR", run_dir.parent / ".feature_cache"))
    if config.augmentation.enabled:  # K augmented views, in memory (random draws are not worth a disk cache)
        views = extract_views(config, extractor, dataset.train, reporter, skipped, extract_features)
        train_part = views and (*views, 0)
    else:
        train_part = cached_features(config, extractor, dataset.train, reporter, "train", skipped, root)
    val_part = train_part and cached_features(config, extractor, dataset.validation, reporter, "validation",
                                              skipped, root)
    if not val_part:  # cancelled during extraction
        return None, 0
    (x_train, y_train, hits_train), (x_val, y_val, hits_val) = train_part, val_part
    reporter.set_phase("training head")
    _compile(head, config.learning_rate)
    fit_data = dict(x=ViewBatches(x_train, y_train, config.batch_size, config.seed)) if x_train.ndim == 3 else \
        dict(x=x_train, y=y_train, batch_size=config.batch_size, shuffle=True)
    head.fit(**fit_data, epochs=config.epochs, validation_data=(x_val, y_val), verbose=0,
             callbacks=_callbacks(config, reporter, run_dir, 1))
    return head.evaluate(x_val, y_val, verbose=0, return_dict=True), hits_train + hits_val


def _has_gpu() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


def distribution(config: TrainConfig):
    """The tf.distribute strategy for `config` (auto: every GPU of this machine if several)."""
    import tensorflow as tf

    if config.strategy == "multiworker":
        from catdog import multiworker

        multiworker.cluster()  # TF_CONFIG checked, with a clear message, before TensorFlow reads it
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    if config.strategy == "mirrored" or (config.strategy == "auto" and len(gpus) > 1):
        # Without GPUs, mirror over the CPU's logical devices (tests split the CPU in two).
        devices = [d.name for d in gpus] or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices=devices)
    return tf.distribute.get_strategy()


def _stream(config, model, datasets, reporter, run_dir, phase: int, first_epoch: int, epochs: int):
    """Fit on the images themselves (augmented if asked), each epoch through the whole network."""
    (train_split, train_ds, val_ds, skipped), callbacks = datasets, _callbacks(config, reporter, run_dir, phase)
    if config.strategy == "multiworker":  # Keras's fit fails there (keras-team/keras#20585): our own loop
        from catdog import multiworker

        multiworker.fit(config, model, train_split, val_ds, callbacks, reporter, skipped, phase, first_epoch, epochs)
        return
    if config.augmentation.enabled:  # a different seed per phase: phase 2 sees new draws
        train_ds = train_ds.map(augment.make_augmenter(config.augmentation, config.seed + 100 * (phase - 1)))
    model.fit(train_ds, validation_data=val_ds, initial_epoch=first_epoch, epochs=first_epoch + epochs,
              verbose=0, shuffle=False, callbacks=callbacks)


def _metrics(final, reporter, dataset, uses_cache, cached_count, skipped, phase1_seconds, started) -> dict:
    return {
        "val_accuracy": float(final["accuracy"]), "val_loss": float(final["loss"]),
        "best_val_accuracy": max((row.get("val_accuracy", 0.0) for row in reporter.history), default=0.0),
        "epochs_run": len(reporter.history), "feature_cache": uses_cache, "features_reused_from_disk": cached_count,
        "train_images": len(dataset.train.paths), "validation_images": len(dataset.validation.paths),
        "class_names": dataset.class_names, "phase1_seconds": round(phase1_seconds, 2),
        "seconds": round(time.time() - started, 2),
        "skipped_files": [{"path": path, "reason": reason} for path, reason in skipped],
    }


# `shuffle=False` in fit: the tf.data pipelines shuffle themselves, with the run's seed.
def train(config: TrainConfig, run_dir, reporter: Reporter | None = None) -> dict:
    """Train `config` into `run_dir` (made by `runs.create_run`); returns metrics.json's contents."""
    from catdog.model import build_model, set_trainable

    run_dir, reporter, started = Path(run_dir), reporter or Reporter(run_dir), time.time()
    dataset = data.load_dataset(config.data_dir, config.validation_fraction, config.seed)
    runs.write_atomic(run_dir / "class_names", "".join(f"{name}\n" for name in dataset.class_names))
    strategy = distribution(config)
    if config.mixed_precision and _has_gpu():
        import keras

        keras.mixed_precision.set_global_policy("mixed_float16")
    skipped: list = []
    # Several workers stream: features cached on one machine would not be on the others.
    uses_cache = backbones.get(config.backbone).pretrained and config.strategy != "multiworker" and (
        not config.augmentation.enabled or config.augmented_views > 0)
    # Decoded images are worth keeping in memory only if the images are read more than once.
    make = lambda split, shuffle: pipeline.make_dataset(
        split, config.image_size, config.batch_size, shuffle=shuffle, seed=config.seed, skipped=skipped,
        cache=not uses_cache or config.fine_tune_epochs > 0)
    with strategy.scope():  # variables made here are mirrored on every device
        train_ds, val_ds = make(dataset.train, True), make(dataset.validation, False)
        datasets = (dataset.train, train_ds, val_ds, skipped)
        reporter.plan(config, len(dataset.train.paths))
        model = build_model(config, len(dataset.class_names))
        reporter.set_phase("training head" if backbones.get(config.backbone).pretrained else "training")
        final, cached_count = None, 0
        if uses_cache:
            final, cached_count = _phase1_on_features(config, model, dataset, reporter, run_dir, skipped)
        else:
            _compile(model, config.learning_rate)
            _stream(config, model, datasets, reporter, run_dir, 1, 0, config.epochs)
        phase1_seconds = time.time() - started
        if config.fine_tune_epochs and not reporter.stop_requested():
            set_trainable(model, config, phase=2)
            _compile(model, config.fine_tune_learning_rate)
            reporter.set_phase("fine-tuning")
            _stream(config, model, datasets, reporter, run_dir, 2, len(reporter.history), config.fine_tune_epochs)
            final = None
        if reporter.stop_requested():
            return {}
        reporter.set_phase("evaluating")
        if final is None and config.strategy == "multiworker":
            from catdog import multiworker

            final = multiworker.evaluate(model, val_ds)
        elif final is None:
            final = model.evaluate(val_ds, verbose=0, return_dict=True)
        runs.save_model(model, run_dir)
    metrics = _metrics(final, reporter, dataset, uses_cache, cached_count, skipped, phase1_seconds, started)
    runs.write_json(run_dir / "metrics.json", metrics)
    return metrics
