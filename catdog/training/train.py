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
from pathlib import Path

import numpy as np

from catdog import runs, storage
from catdog.config import TrainConfig
from catdog.data import folders, pipeline
from catdog.data.views import ViewBatches, extract_views
from catdog.errors import CatdogError
from catdog.run_state import Phase
from catdog.training import features, head, multiworker
from catdog.training.context import Training
from catdog.training.features import features_of
from catdog.training.plan import Route, plan_training
from catdog.training.reporter import Reporter
from catdog.training.streaming import phase_callbacks, resume_from_save_point, save_point_of, shuffle_seed, stream
from catdog.training.timing import Stopwatch

log = logging.getLogger(__name__)


def _compile(model, config: TrainConfig, learning_rate: float, batch_size: int = 0) -> None:
    """The phase's optimiser (`head.optimizer`) on cross-entropy, for photos streamed through the network."""
    model.compile(optimizer=head.optimizer(config, learning_rate, batch_size=batch_size),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def cached_features(training: Training, extractor, split: folders.Split, name: str, views: int = 1):
    """Features of every readable photo in `split` (with `views=2`, of its mirror too), computing
    only those not cached on disk. Returns (features (N, views, D), labels, how many came from the cache)."""
    report = lambda seen, total: _extraction_report(training, name, total)(seen)
    vectors, labels, reused = features_of(training.config, training.run_dir.parent, extractor, split,
                                          training.skipped, report, views, training.stopwatch)
    if vectors is None:
        raise CatdogError("no_readable_images", split=name)
    return vectors, labels, reused


def _extraction_report(training: Training, split: str, total: int, view: int | None = None):
    views = training.plan.views or None

    def report(seen: int) -> None:
        training.reporter.extraction(split, seen, total, view, views)
        training.reporter.raise_if_cancelled()

    return report


def _phase1_on_features(training: Training) -> None:
    """Phase 1 of a frozen base: features once (or K augmented views), then the head alone."""
    from catdog.network.model import split_at_features

    config, dataset = training.config, training.dataset
    extractor, classifier = split_at_features(training.model)
    training.reporter.set_phase(Phase.EXTRACTING)
    if training.plan.route is Route.VIEWS:  # random draws: in memory, not worth a disk cache
        train_data, reused = _augmented_views(training, extractor), 0
    else:
        train_features, train_labels, reused = cached_features(training, extractor, dataset.train, "train",
                                                               2 if config.mirror_views else 1)
        train_data = (train_features, train_labels)
    val_features, val_labels, val_reused = cached_features(training, extractor, dataset.validation, "validation",
                                                           2 if config.test_time_mirror else 1)
    training.features_reused = reused + val_reused
    training.reporter.set_phase(Phase.TRAINING_HEAD)
    with training.stopwatch.part("head training"):
        head.fit_head(config, classifier, train_data, val_features, val_labels,
                      phase_callbacks(training, 1, early_stopping=False))
    training.reporter.raise_if_cancelled()
    with training.stopwatch.part("evaluation"):
        probabilities = head.head_probabilities(classifier, val_features, config.test_time_mirror)
        training.final = head.scores(probabilities, val_labels)


def _augmented_views(training: Training, extractor) -> ViewBatches:
    from catdog.network.model import graph_function

    config, forward = training.config, graph_function(extractor)
    extract = lambda batches, total, view: features.extract(
        forward, batches, total, _extraction_report(training, "train", total, view), stopwatch=training.stopwatch)
    views, labels = extract_views(config, training.dataset.train, training.skipped, extract)
    return ViewBatches(views[:, :, 0], labels, config.batch_size, config.seed,
                       len(training.dataset.class_names) if config.label_smoothing else 0)


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
        if training.resume is None:  # a save point's model is compiled, its optimizer midway
            _compile(training.model, training.config, training.config.learning_rate, _split_batch(training))
        with training.stopwatch.part("head training"):
            stream(training, 1, 0, training.config.epochs)
    training.phase1_seconds = time.time() - training.started  # (`started` counts earlier turns too)


def fine_tune(training: Training) -> None:
    """Phase 2: the top `fine_tune_at` layers of the base learn too, at a much lower rate."""
    from catdog.network.model import set_trainable

    if training.resume is None or training.resume.phase != 2:  # a save point's model is compiled for it
        set_trainable(training.model, training.config, phase=2)
        _compile(training.model, training.config, training.config.fine_tune_learning_rate, _split_batch(training))
    training.reporter.set_phase(Phase.FINE_TUNING)
    with training.stopwatch.part("fine-tuning"):
        stream(training, 2, len(training.reporter.history), training.config.fine_tune_epochs)


def _evaluate_and_save(training: Training) -> None:
    training.reporter.set_phase(Phase.EVALUATING)
    with training.stopwatch.part("evaluation"):
        if training.final is None and training.plan.route is Route.MULTIWORKER:

            training.final = multiworker.evaluate(training.model, training.validation_batches)
        elif training.final is None:
            training.final = _evaluate_streamed(training)
    with training.stopwatch.part("saving"):
        runs.save_model(training.model, training.run_dir)


def _evaluate_streamed(training: Training) -> dict:
    """Loss and accuracy on the validation photos through the whole model (after fine-tuning,
    or a streamed phase 1), with test-time mirror averaging when the run asks for it."""
    from catdog.network.model import graph_function

    forward = graph_function(training.model, 2 if training.config.test_time_mirror else 1)
    probabilities, labels = [], []
    for images, batch_labels in training.validation_batches:
        computed = forward(images).numpy()
        probabilities.append(computed.mean(axis=1) if computed.ndim == 3 else computed)
        labels.append(batch_labels.numpy())
    return head.scores(np.concatenate(probabilities), np.concatenate(labels))


def _metrics(training: Training) -> dict:
    final, history, dataset = training.final, training.reporter.history, training.dataset
    return {
        "val_accuracy": float(final["accuracy"]), "val_loss": float(final["loss"]),
        "best_val_accuracy": max((row.get("val_accuracy", 0.0) for row in history), default=0.0),
        "epochs_run": len(history), "route": training.plan.route.value,
        "feature_cache": training.plan.features_cached, "features_reused_from_disk": training.features_reused,
        "train_images": len(dataset.train.paths), "validation_images": len(dataset.validation.paths),
        "class_names": dataset.class_names, "phase1_seconds": round(training.phase1_seconds, 2),
        "seconds": round(time.time() - training.started, 2), "time_breakdown": training.stopwatch.as_dict(),
        "test_time_mirror": training.config.test_time_mirror,
        "cut_short_minutes": training.reporter.job_minutes if training.reporter.cut_short else None,
        "skipped_files": [{"path": path, "reason": reason} for path, reason in training.skipped],
    }


def distribution(config: TrainConfig):
    """The tf.distribute strategy for `config` (auto: every GPU of this machine if several)."""
    import tensorflow as tf

    if config.strategy == "multiworker":

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

    Raises `reporter.Cancelled` if the job is asked to stop before its model is saved."""
    stopwatch = Stopwatch()
    with stopwatch.part("imports"):  # TensorFlow, the first time in this process (a warm trainer: none)
        from catdog.network.model import build_model

    run_dir = Path(run_dir)
    plan = plan_training(config)
    log.info("%s: %s", run_dir.name, plan.describe())
    with stopwatch.part("listing photos"):
        dataset = folders.load_dataset(config.data_dir, config.validation_fraction, config.seed)
        dataset = dataclasses.replace(dataset, train=folders.fewer_photos(dataset.train, config.photos_per_class,
                                                                        config.seed))
    storage.write_atomic(run_dir / "class_names", "".join(f"{name}\n" for name in dataset.class_names))
    training = Training(config, plan, dataset, run_dir, reporter or Reporter(run_dir), stopwatch=stopwatch)
    training.resume = save_point_of(run_dir)
    strategy = distribution(config)
    _use_mixed_precision(config)
    seed = shuffle_seed(training)  # a resumed job's stream starts anew: another order
    make = lambda split, shuffle, cache_bytes: pipeline.make_dataset(
        split, config.image_size, pipeline.step_split(config.batch_size)[0], shuffle=shuffle, seed=seed,
        skipped=training.skipped, cache_bytes=cache_bytes)
    budget = pipeline.cache_budget() if plan.keep_decoded else 0
    train_bytes = pipeline.decoded_bytes(dataset.train, config.image_size)
    with strategy.scope():  # variables made here are mirrored on every device
        training.train_batches = make(dataset.train, True, budget)
        training.validation_batches = make(dataset.validation, False, budget - train_bytes if train_bytes <= budget
                                           else budget)
        training.reporter.plan(config, len(dataset.train.paths), len(dataset.validation.paths))
        if training.resume is not None:
            resume_from_save_point(training)
        else:
            with stopwatch.part("building and loading weights"):
                training.model = build_model(config, len(dataset.class_names))
        if training.resume is None or training.resume.phase == 1:
            train_head(training)
        if plan.fine_tune and not training.reporter.cut_short:
            fine_tune(training)
        _evaluate_and_save(training)
    metrics = _metrics(training)
    storage.write_json(run_dir / "metrics.json", metrics)
    return metrics
