"""Two-phase transfer learning, writing everything into the run folder as it goes.

    plan = plan_training(config)     which way the run trains, and why
    phase 1: train the head          the backbone frozen (or, from scratch, every layer)
    phase 2: fine-tune (optional)    the top of the backbone unfrozen, at a lower rate

Without augmentation the frozen backbone would compute the same features for an image in
every epoch, so phase 1 computes them once (cached on disk) and trains the head on them:
seconds per epoch instead of minutes. Phase 2 streams the images themselves, since the
features change as the backbone learns.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from catdog import augment, data, pipeline, runs
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.plan import Route, TrainingPlan, plan_training
from catdog.progress import Reporter, progress_callback
from catdog.runs import Phase
from catdog.views import ViewBatches, extract_views

log = logging.getLogger(__name__)


@dataclass
class Training:
    """What one run's phases share, so each phase is a function of one argument."""

    config: TrainConfig
    plan: TrainingPlan
    dataset: data.Dataset
    run_dir: Path
    reporter: Reporter
    started: float = field(default_factory=time.time)
    skipped: list = field(default_factory=list)  # (path, reason) of photos that could not be read
    model: object = None
    train_batches: object = None  # tf.data pipelines of decoded photos
    validation_batches: object = None
    final: dict | None = None  # loss and accuracy on the validation photos at the end
    features_reused: int = 0
    phase1_seconds: float = 0.0


def _compile(model, learning_rate: float, steps_per_execution: int = 1, batch_size: int = 0) -> None:
    """Adam on cross-entropy. Given the `batch_size` of photos streamed through the network, a
    batch this server splits (`pipeline.step_split`) gets its passes' gradients averaged into one update."""
    import keras

    passes = pipeline.step_split(batch_size)[1] if batch_size else 1
    optimizer = keras.optimizers.Adam(learning_rate, gradient_accumulation_steps=passes if passes > 1 else None)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)


def _callbacks(training: Training, phase: int) -> list:
    import keras

    callbacks = [progress_callback(training.reporter, phase),
                 keras.callbacks.TensorBoard(str(training.run_dir / "logs"), histogram_freq=1, write_graph=True)]
    if training.config.early_stopping_patience:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=training.config.early_stopping_patience, restore_best_weights=True))
    return callbacks


def extract_features(extractor, batches, total: int, on_batch):
    """Run the frozen backbone once over `batches`: (features, labels) as numpy arrays.

    The output array is allocated once and filled in place: collecting batches and
    concatenating them would hold two copies of every feature at the peak. `on_batch(seen)`
    reports progress (and raises `Cancelled` when the job was asked to stop)."""
    from catdog.model import graph_function

    forward = graph_function(extractor)
    features = np.empty((total, *extractor.outputs[0].shape[1:]), np.float32)
    labels = np.empty((total,), np.int32)
    seen = 0
    for images, batch_labels in batches:
        count = len(batch_labels)
        features[seen:seen + count] = forward(images).numpy()
        labels[seen:seen + count] = batch_labels.numpy()
        seen += count
        on_batch(seen)
    return features[:seen], labels[:seen]  # fewer than `total` when files were skipped


def cached_features(training: Training, extractor, split: data.Split, name: str):
    """Features of every readable photo in `split`, computing only those not cached on disk.

    Returns (features, labels, how many came from the cache)."""
    report = lambda seen, total: _extraction_report(training, name, total)(seen)
    features, labels, reused = features_of(training.config, training.run_dir.parent, extractor, split,
                                           training.skipped, report)
    if features is None:
        raise CatdogError("no_readable_images", split=name)
    return features, labels, reused


def features_of(config, models_dir, extractor, split: data.Split, skipped: list, report=None):
    """(features, labels, how many came from the cache) of the readable photos of `split` through
    a frozen backbone, computing only those not in the models folder's feature cache; features
    is None when no photo is readable. `report(seen, total)` follows the extraction. The
    leaderboard scores frozen-backbone runs with it too."""
    from catdog.features import cache_for, file_hash

    cache = cache_for(config, models_dir)
    hashes = [file_hash(path) for path in split.paths]
    found = cache.get(hashes)
    missing = [i for i, h in enumerate(hashes) if h not in found]
    if missing:
        todo = data.Split([split.paths[i] for i in missing], [split.labels[i] for i in missing])
        photos_per_pass = pipeline.step_split(config.batch_size)[0]
        batches = pipeline.decoded_batches(todo, config.image_size, photos_per_pass, skipped)
        on_batch = (lambda seen: report(seen, len(missing))) if report else (lambda seen: None)
        vectors, _ = extract_features(extractor, batches, len(missing), on_batch)
        failed = {path for path, _ in skipped}
        decoded = [i for i in missing if split.paths[i] not in failed]  # the pipeline keeps order
        cache.add([hashes[i] for i in decoded], vectors)
        found.update(zip((hashes[i] for i in decoded), vectors))
    keep = [i for i, h in enumerate(hashes) if h in found]
    features = np.stack([found[hashes[i]] for i in keep]) if keep else None
    return features, np.array([split.labels[i] for i in keep], np.int32), len(hashes) - len(missing)


def _extraction_report(training: Training, split: str, total: int, view: int | None = None):
    views = training.plan.views or None

    def report(seen: int) -> None:
        training.reporter.extraction(split, seen, total, view, views)
        training.reporter.raise_if_cancelled()

    return report


def _phase1_on_features(training: Training) -> None:
    """Phase 1 of a frozen base: features once (or K augmented views), then the head alone."""
    from catdog.model import split_at_features

    config, dataset = training.config, training.dataset
    extractor, head = split_at_features(training.model)
    training.reporter.set_phase(Phase.EXTRACTING)
    if training.plan.route is Route.VIEWS:  # random draws: in memory, not worth a disk cache
        extract = lambda batches, total, view: extract_features(
            extractor, batches, total, _extraction_report(training, "train", total, view))
        views, train_labels = extract_views(config, dataset.train, training.skipped, extract)
        train_data = dict(x=ViewBatches(views, train_labels, config.batch_size, config.seed))
        reused = 0
    else:
        features, train_labels, reused = cached_features(training, extractor, dataset.train, "train")
        train_data = dict(x=features, y=train_labels, batch_size=config.batch_size, shuffle=True)
    val_features, val_labels, val_reused = cached_features(training, extractor, dataset.validation, "validation")
    training.features_reused = reused + val_reused
    training.reporter.set_phase(Phase.TRAINING_HEAD)
    # A step of the head on cached features takes well under a millisecond, so Keras's per-step
    # overhead dominated: 8 steps per call to the graph take a class's head-only job from ~3 s to ~2 s.
    # Not under tf.distribute, where Keras 3's multi-step loop fails ("must feed a value for placeholder").
    import tensorflow as tf

    _compile(head, config.learning_rate, steps_per_execution=1 if tf.distribute.has_strategy() else 8)
    head.fit(**train_data, epochs=config.epochs, validation_data=(val_features, val_labels), verbose=0,
             callbacks=_callbacks(training, 1))
    training.reporter.raise_if_cancelled()
    training.final = head.evaluate(val_features, val_labels, verbose=0, return_dict=True)


def _stream(training: Training, phase: int, first_epoch: int, epochs: int) -> None:
    """Fit on the images themselves (augmented if asked), each epoch through the whole network."""
    config, callbacks = training.config, _callbacks(training, phase)
    if training.plan.route is Route.MULTIWORKER:  # Keras's fit fails there (keras-team/keras#20585)
        from catdog import multiworker

        multiworker.fit(training, callbacks, phase, first_epoch, epochs)
    else:
        batches = training.train_batches
        if config.augmentation.enabled:  # a different seed per phase: phase 2 sees new draws
            batches = batches.map(augment.make_augmenter(config.augmentation, config.seed + 100 * (phase - 1)))
        # `shuffle=False`: the tf.data pipeline shuffles itself, with the run's seed.
        training.model.fit(batches, validation_data=training.validation_batches, initial_epoch=first_epoch,
                           epochs=first_epoch + epochs, verbose=0, shuffle=False, callbacks=callbacks)
    training.reporter.raise_if_cancelled()
    training.final = None  # the weights changed: evaluate again at the end


def _split_batch(training: Training) -> int:
    """The batch `_compile` may split into passes; 0 across machines, whose loop batches on its own."""
    return 0 if training.plan.route is Route.MULTIWORKER else training.config.batch_size


def train_head(training: Training) -> None:
    """Phase 1: the head learns on a frozen base (a from-scratch CNN learns everywhere)."""
    if training.plan.features_cached:
        _phase1_on_features(training)
    else:
        training.reporter.set_phase(Phase.TRAINING_HEAD if training.plan.route is not Route.SCRATCH
                                    else Phase.TRAINING)
        _compile(training.model, training.config.learning_rate, batch_size=_split_batch(training))
        _stream(training, 1, 0, training.config.epochs)
    training.phase1_seconds = time.time() - training.started


def fine_tune(training: Training) -> None:
    """Phase 2: the top `fine_tune_at` layers of the base learn too, at a much lower rate."""
    from catdog.model import set_trainable

    set_trainable(training.model, training.config, phase=2)
    _compile(training.model, training.config.fine_tune_learning_rate, batch_size=_split_batch(training))
    training.reporter.set_phase(Phase.FINE_TUNING)
    _stream(training, 2, len(training.reporter.history), training.config.fine_tune_epochs)


def _evaluate_and_save(training: Training) -> None:
    training.reporter.set_phase(Phase.EVALUATING)
    if training.final is None and training.plan.route is Route.MULTIWORKER:
        from catdog import multiworker

        training.final = multiworker.evaluate(training.model, training.validation_batches)
    elif training.final is None:
        training.final = training.model.evaluate(training.validation_batches, verbose=0, return_dict=True)
    runs.save_model(training.model, training.run_dir)


def _metrics(training: Training) -> dict:
    final, history, dataset = training.final, training.reporter.history, training.dataset
    return {
        "val_accuracy": float(final["accuracy"]), "val_loss": float(final["loss"]),
        "best_val_accuracy": max((row.get("val_accuracy", 0.0) for row in history), default=0.0),
        "epochs_run": len(history), "route": training.plan.route.value,
        "feature_cache": training.plan.features_cached, "features_reused_from_disk": training.features_reused,
        "train_images": len(dataset.train.paths), "validation_images": len(dataset.validation.paths),
        "class_names": dataset.class_names, "phase1_seconds": round(training.phase1_seconds, 2),
        "seconds": round(time.time() - training.started, 2),
        "skipped_files": [{"path": path, "reason": reason} for path, reason in training.skipped],
    }


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


def _use_mixed_precision(config: TrainConfig) -> None:
    import tensorflow as tf

    if config.mixed_precision and tf.config.list_logical_devices("GPU"):  # slower than float32 on a CPU
        import keras

        keras.mixed_precision.set_global_policy("mixed_float16")


def train(config: TrainConfig, run_dir, reporter: Reporter | None = None) -> dict:
    """Train `config` into `run_dir` (made by `runs.create_run`); returns metrics.json's contents.

    Raises `progress.Cancelled` if the job is asked to stop before its model is saved."""
    from catdog.model import build_model

    run_dir = Path(run_dir)
    plan = plan_training(config)
    log.info("%s: %s", run_dir.name, plan.describe())
    dataset = data.load_dataset(config.data_dir, config.validation_fraction, config.seed)
    dataset = dataclasses.replace(dataset, train=data.fewer_photos(dataset.train, config.photos_per_class,
                                                                    config.seed))
    runs.write_atomic(run_dir / "class_names", "".join(f"{name}\n" for name in dataset.class_names))
    training = Training(config, plan, dataset, run_dir, reporter or Reporter(run_dir))
    strategy = distribution(config)
    _use_mixed_precision(config)
    make = lambda split, shuffle, cache_bytes: pipeline.make_dataset(
        split, config.image_size, pipeline.step_split(config.batch_size)[0], shuffle=shuffle, seed=config.seed,
        skipped=training.skipped, cache_bytes=cache_bytes)
    budget = pipeline.cache_budget() if plan.keep_decoded else 0
    train_bytes = pipeline.decoded_bytes(dataset.train, config.image_size)
    with strategy.scope():  # variables made here are mirrored on every device
        training.train_batches = make(dataset.train, True, budget)
        training.validation_batches = make(dataset.validation, False, budget - train_bytes if train_bytes <= budget
                                           else budget)
        training.reporter.plan(config, len(dataset.train.paths))
        training.model = build_model(config, len(dataset.class_names))
        train_head(training)
        if plan.fine_tune:
            fine_tune(training)
        _evaluate_and_save(training)
    metrics = _metrics(training)
    runs.write_json(run_dir / "metrics.json", metrics)
    return metrics
