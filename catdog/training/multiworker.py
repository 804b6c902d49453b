"""Training across machines: MultiWorkerMirroredStrategy with a training loop of our own.

Keras 3's `model.fit` crashes under MultiWorkerMirroredStrategy (keras-team/keras#20585,
"Attempt to convert a value (PerReplica...)"), so the workers run this loop instead: the
same model, optimizer, loss and callbacks, with `strategy.run` for each step. Every
worker reads its own shard of the training photos; gradients are all-reduced each step.

Every collective must be entered by every worker the same number of times, or the job
hangs. So each worker takes the same number of steps per epoch (its shard repeats), and
stopping is decided together: each step (and each epoch's end) also sums the workers'
votes to stop (early stopping) and to cancel (a cancel request reaches worker 0 only).
"""

from __future__ import annotations

import json

import numpy as np

from catdog.data import augment, pipeline
from catdog.data.folders import Split
from catdog.errors import CatdogError
from catdog.settings import tf_config


def cluster() -> dict:
    """TF_CONFIG, checked: {"cluster": {"worker": [...]}, "task": {"type": "worker", "index": i}}."""
    raw = tf_config()
    example = ('TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
               '"task": {"type": "worker", "index": 0}}\'')
    try:
        described = json.loads(raw) if raw else None
        workers = described["cluster"]["worker"]
        index = int(described["task"]["index"])
        kind = described["task"]["type"]
    except (ValueError, TypeError, KeyError) as error:
        if not raw:
            raise CatdogError("tf_config_missing", example=example) from error
        raise CatdogError("tf_config_invalid", raw=raw, example=example) from error
    if kind != "worker" or not 0 <= index < len(workers):
        raise CatdogError("tf_config_bad_task", kind=kind, index=index, workers=json.dumps(workers),
                          last=len(workers) - 1)
    return {"workers": workers, "index": index}


def is_chief() -> bool:
    """Worker 0 writes the run folder; the others train into a temporary one."""
    return cluster()["index"] == 0


def shard(split: Split, index: int, count: int) -> Split:
    """Every `count`-th photo from `index`, cut to the same length on every worker."""
    size = len(split.paths) // count
    if not size:
        raise CatdogError("too_few_photos_for_workers", photos=len(split.paths), count=count)
    return Split(split.paths[index::count][:size], split.labels[index::count][:size])


def _step_function(strategy, model, optimizer, global_batch: int):
    """One synchronous step on every replica; returns the summed (loss, correct, seen, stop, cancel)."""
    import keras
    import tensorflow as tf

    def replica_step(images, labels, votes):
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            losses = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
            loss = tf.nn.compute_average_loss(losses, global_batch_size=global_batch)
            scaled = optimizer.scale_loss(loss) if hasattr(optimizer, "scale_loss") else loss
        gradients = tape.gradient(scaled, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probabilities, -1, output_type=tf.int32),
                                                 tf.cast(labels, tf.int32)), tf.float32))
        seen = tf.cast(tf.shape(labels)[0], tf.float32)
        return tf.concat([tf.stack([tf.reduce_sum(tf.cast(losses, tf.float32)), correct, seen]), votes], 0)

    @tf.function
    def step(batch, votes):
        summed = strategy.run(replica_step, args=(batch[0], batch[1], votes))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, summed, axis=None)

    return step


def evaluate(model, val_ds, forward=None) -> dict:
    """Loss and accuracy on the whole validation set, on this worker alone: every worker
    holds the same weights, so every worker gets the same figures without a collective."""
    import keras
    import tensorflow as tf

    forward = forward or tf.function(lambda images: model(images, training=False))
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in val_ds:
        probabilities = forward(images)
        total_loss += float(tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(labels, probabilities)))
        correct += int(np.sum(np.argmax(probabilities.numpy(), -1) == labels.numpy()))
        seen += len(labels)
    return {"loss": total_loss / max(seen, 1), "accuracy": correct / max(seen, 1)}


def _batches(strategy, config, split: Split, skipped: list, phase: int):
    """This worker's endless batches of its own shard, and how many steps make an epoch."""
    workers = len(cluster()["workers"])
    global_batch = max(config.batch_size // strategy.num_replicas_in_sync, 1) * strategy.num_replicas_in_sync

    def make(context):
        part = shard(split, context.input_pipeline_id, context.num_input_pipelines)
        data = pipeline.make_dataset(part, config.image_size, context.get_per_replica_batch_size(global_batch),
                                     shuffle=True, seed=config.seed, skipped=skipped,
                                     cache_bytes=pipeline.cache_budget())
        if config.augmentation.enabled:
            data = data.map(augment.make_augmenter(config.augmentation, config.seed + 100 * (phase - 1)))
        return data.repeat()

    steps = -(-(len(split.paths) // workers) // (global_batch // workers or 1))
    return iter(strategy.distribute_datasets_from_function(make)), global_batch, max(steps, 1)


def _votes(model, reporter):
    import tensorflow as tf

    return tf.constant([float(model.stop_training), float(reporter.stop_requested())])


def _agreed_stop(votes, reporter) -> bool:
    """True if any worker voted to stop; a cancel seen by any worker cancels this one too."""
    if votes[1] > 0:
        reporter.request_stop()
    return bool(votes.sum() > 0)


def _epoch(step, batches, steps: int, model, reporter, listeners) -> dict | None:
    """One epoch of `steps` synchronous steps: the training logs, or None if the workers agreed to stop."""
    totals, logs = np.zeros(3), {}
    for batch_index in range(steps):
        summed = step(next(batches), _votes(model, reporter)).numpy()
        if _agreed_stop(summed[3:], reporter):  # every worker stops at this same step
            return None
        totals += summed[:3]
        logs = {"loss": totals[0] / totals[2], "accuracy": totals[1] / totals[2]}
        listeners.on_train_batch_end(batch_index, logs)
    return logs


def fit(training, callbacks, phase: int, first_epoch: int, epochs: int) -> None:
    """`model.fit` for several workers, each on its shard of the training photos, with the
    optimizer `model.compile` made (a LossScaleOptimizer under mixed precision); `callbacks`
    see the same calls and logs as under `fit`, so progress, TensorBoard and early stopping
    work. `training` is train.Training. Call it inside the strategy's scope."""
    import keras
    import tensorflow as tf

    model, reporter, val_ds = training.model, training.reporter, training.validation_batches
    strategy = tf.distribute.get_strategy()
    batches, global_batch, steps_per_epoch = _batches(strategy, training.config, training.dataset.train,
                                                      training.skipped, phase)
    reporter.streamed_batches = steps_per_epoch  # each worker steps through its share only
    step = _step_function(strategy, model, model.optimizer, global_batch)
    agree = tf.function(lambda votes: strategy.reduce(
        tf.distribute.ReduceOp.SUM, strategy.run(lambda v: v, args=(votes,)), axis=None))
    forward = tf.function(lambda images: model(images, training=False))  # traced once, not every epoch
    listeners = keras.callbacks.CallbackList(callbacks, model=model)
    model.stop_training = False  # this worker's wish (early stopping), acted on once all agree
    listeners.on_train_begin()
    for epoch in range(first_epoch, first_epoch + epochs):
        listeners.on_epoch_begin(epoch)
        logs = _epoch(step, batches, steps_per_epoch, model, reporter, listeners)
        if logs is None:
            break
        logs.update({f"val_{name}": value for name, value in evaluate(model, val_ds, forward).items()})
        listeners.on_epoch_end(epoch, logs)
        if _agreed_stop(agree(_votes(model, reporter)).numpy(), reporter):
            break
    listeners.on_train_end()
