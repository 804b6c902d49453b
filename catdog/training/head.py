"""The head's training on cached features: the optimiser, its schedule, the loss, the views.

On a frozen backbone, phase 1 trains only the head (pooled features -> [dense] -> dropout ->
softmax) on features computed once per photo. Each epoch then takes milliseconds, so the
head can be trained to convergence and its recipe chosen by cross-validation
(bench/head_levers_bench.py): what the defaults of `TrainConfig` say comes from there.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from catdog.config import TrainConfig
from catdog.data import pipeline


def optimizer(config: TrainConfig, learning_rate: float, steps: int = 0, batch_size: int = 0):
    """Adam, or AdamW when `weight_decay` > 0; with `cosine_decay` and `steps` (the whole phase's
    updates), the rate falls from `learning_rate` to 0 along a half cosine. Given the
    `batch_size` of photos streamed through the network, a batch this server splits
    (`pipeline.step_split`) gets its passes' gradients averaged into one update."""
    import keras

    passes = pipeline.step_split(batch_size)[1] if batch_size else 1
    rate = learning_rate
    if config.cosine_decay and steps:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    accumulate = passes if passes > 1 else None
    if config.weight_decay:
        return keras.optimizers.AdamW(rate, weight_decay=config.weight_decay, gradient_accumulation_steps=accumulate)
    return keras.optimizers.Adam(rate, gradient_accumulation_steps=accumulate)


def compile_head(head, config: TrainConfig, steps_per_epoch: int) -> None:
    """Cross-entropy, label-smoothed if asked: the targets become one-hot (see `targets`)."""
    import keras
    import tensorflow as tf

    loss = (keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing)
            if config.label_smoothing else "sparse_categorical_crossentropy")
    # A step of the head on cached features takes well under a millisecond, so Keras's per-step
    # overhead dominates: 32 steps per call to the graph (progress is reported after each call)
    # fit the default head in 2.4 s instead of 2.9 s with 8, and ~5 s with 1 (2992 photos, 20 epochs).
    # Not under tf.distribute, where Keras 3's multi-step loop fails ("must feed a value for placeholder").
    head.compile(optimizer=optimizer(config, config.learning_rate, steps_per_epoch * config.epochs),
                 loss=loss, metrics=["accuracy"], steps_per_execution=1 if tf.distribute.has_strategy() else 32)


def targets(config: TrainConfig, labels: np.ndarray, num_classes: int) -> np.ndarray:
    return np.eye(num_classes, dtype=np.float32)[labels] if config.label_smoothing else labels


def training_views(config: TrainConfig, features: np.ndarray, labels: np.ndarray):
    """(features, labels) the head trains on: every cached view of every photo, as separate photos
    (with `mirror_views`, each photo and its mirror), or the photo alone."""
    views = features.shape[1] if config.mirror_views else 1
    return features[:, :views].reshape(-1, features.shape[-1]), np.repeat(labels, views)


def fit_head(config: TrainConfig, head, train, val_features, val_labels, callbacks=()):
    """Train `head` on `train`: (cached features (N, views, D), labels), or a `views.ViewBatches`
    of augmented views. Early stopping, if on, watches the loss on the validation photos
    themselves (view 0) and restores the best epoch's weights."""
    import keras

    classes = head.outputs[0].shape[-1]
    if isinstance(train, tuple):
        x, y = training_views(config, *train)
        data = dict(x=batches(x, targets(config, y, classes), config.batch_size, shuffle_seed=config.seed),
                    shuffle=False)  # the pipeline reshuffles itself: Keras would only warn that it cannot
        steps = math.ceil(len(y) / config.batch_size)
    else:
        data, steps = dict(x=train), len(train)
    compile_head(head, config, steps)
    callbacks = list(callbacks)
    if config.early_stopping_patience:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=config.early_stopping_patience, restore_best_weights=True))
    validation = batches(val_features[:, 0], targets(config, val_labels, classes), VALIDATION_BATCH)
    with warnings.catch_warnings():
        # An epoch's last group of `steps_per_execution` steps is shorter than the others; Keras
        # runs it and warns that the input "ran out of data" every epoch.
        warnings.filterwarnings("ignore", message="Your input ran out of data")
        return head.fit(**data, epochs=config.epochs, verbose=0, callbacks=callbacks, validation_data=validation)


VALIDATION_BATCH = 1024  # no gradients: one big batch is a few milliseconds


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle_seed: int | None = None):
    """(x, y) in batches as a tf.data pipeline built once for the whole fit, reshuffled each epoch.
    Given numpy arrays, Keras builds its shuffled pipeline anew every epoch: that took half of the
    head's training (20 epochs of 3984 views: 2.4 s, 1.3 s like this; 2 cores)."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE).with_options(pipeline.without_autotune())


def scores(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    """Cross-entropy and accuracy of predicted `probabilities` (N, classes) against `labels`."""
    chosen = probabilities[np.arange(len(labels)), labels]
    return {"loss": float(-np.log(np.clip(chosen, 1e-7, 1.0)).mean()),
            "accuracy": float((probabilities.argmax(axis=1) == labels).mean())}


def head_probabilities(head, features: np.ndarray, mirror: bool) -> np.ndarray:
    """Class probabilities of cached features (N, views, D): with `mirror`, the mean over the
    photo and its mirror (test-time mirror averaging), else the photo alone."""
    views = features.shape[1] if mirror else 1
    flat = features[:, :views].reshape(-1, features.shape[-1])
    probabilities = head.predict(flat, verbose=0, batch_size=1024)
    return probabilities.reshape(len(features), views, -1).mean(axis=1)
