"""The classifier: raw 0-255 RGB in, class probabilities out, as one flat Keras model.

    inputs -> preprocess (the backbone's own) -> backbone layers -> feature map
           -> head_pool -> [head_dense] -> head_dropout -> predictions

The backbone is built on our own input tensor (`input_tensor=`), so its layers sit
directly in this model instead of inside a nested sub-model. That is what lets
Grad-CAM ask for the feature map and the probabilities in one model without the
"Graph disconnected" error that a nested base produces (see `feature_map`).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.network import backbones, weights

HEAD_PREFIX = ("head_", "predictions")
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def preprocess_layer(mode: str) -> layers.Layer:
    """The backbone's own `preprocess_input` as one built-in Keras layer, ready to call.

    Built-in layers only, so a saved model opens in a plain Python with Keras and
    TensorFlow, in safe mode, without catdog installed. float32 even under mixed
    precision: in float16 the ImageNet mean subtraction is off by up to 0.07.
    """
    if mode == "tf":  # MobileNet, MobileNetV2: scale to [-1, 1]
        return layers.Rescaling(1 / 127.5, offset=-1.0, name="preprocess", dtype="float32")
    if mode == "unit":  # the from-scratch CNN: scale to [0, 1]
        return layers.Rescaling(1 / 255, name="preprocess", dtype="float32")
    if mode != "caffe":
        raise ValueError(f"Unknown preprocessing mode {mode!r}: expected 'tf', 'caffe' or 'unit'.")
    # VGG16, ResNet50: RGB -> BGR, then subtract the ImageNet mean. Keras has no layer for
    # a channel swap, so a frozen Dense on the channel axis does both: its kernel is the
    # swap (x @ kernel only adds exact zeros, so it matches `preprocess_input` exactly)
    # and its bias is minus the mean. `set_trainable` never unfreezes it: it touches only
    # `backbone_layers` and `head_layers`, which both leave out "preprocess".
    layer = layers.Dense(3, name="preprocess", trainable=False, dtype="float32")
    layer.build((None, None, None, 3))
    layer.set_weights([np.eye(3, dtype="float32")[::-1], -np.array(_CAFFE_MEAN_BGR, "float32")])
    return layer


# Models saved by catdog before preprocessing was built from Keras layers use this class:
# it stays registered only so that their run folders still open through catdog.
@keras.saving.register_keras_serializable(package="catdog")
class BackbonePreprocess(layers.Layer):
    """The earlier preprocessing layer (catdog-only); new models use `preprocess_layer`."""

    def __init__(self, mode: str, **kwargs):
        super().__init__(**kwargs)
        self.mode = mode

    def call(self, x):
        if self.mode == "tf":
            return x / 127.5 - 1.0
        if self.mode == "caffe":
            return ops.flip(x, axis=-1) - ops.convert_to_tensor(_CAFFE_MEAN_BGR, dtype=x.dtype)
        return x / 255.0

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


def _build_backbone(entry: backbones.Backbone, x, config: TrainConfig):
    if not (config.weights == "imagenet" and entry.pretrained):
        return entry.build(x, None)
    cached = weights.weights_folder() / entry.weights_file(config.image_size)
    try:
        return entry.build(x, "imagenet")
    except Exception as error:  # Keras's get_file raises a bare Exception for any download failure
        if cached.exists():
            raise  # the file was there, so this is not a download problem: keep the real error
        raise weights.weights_unavailable(entry.name, config.image_size, error) from error


def build_model(config: TrainConfig, num_classes: int) -> keras.Model:
    """A fresh classifier for `config` with `num_classes` softmax outputs; the base is frozen."""
    if num_classes < 2:
        raise CatdogError("too_few_classes_for_model", count=num_classes)
    entry = backbones.get(config.backbone)
    keras.utils.set_random_seed(config.seed)
    inputs = keras.Input((config.image_size, config.image_size, 3), name="image")
    # "rescale" is the classic mistake (pixels / 255 whatever the backbone expects), kept for the
    # experiment that measures its cost; "backbone" is the network's own preprocess_input.
    x = preprocess_layer("unit" if config.preprocessing == "rescale" else entry.preprocess)(inputs)
    features = _build_backbone(entry, x, config)
    pool = layers.GlobalAveragePooling2D if config.pooling == "avg" else layers.Flatten
    y = pool(name="head_pool")(features)
    if config.dense_units:
        y = layers.Dense(config.dense_units, activation="relu", name="head_dense")(y)
    y = layers.Dropout(config.dropout, name="head_dropout")(y)
    # float32 even under mixed precision: a float16 softmax loses small probabilities.
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions", dtype="float32")(y)
    model = keras.Model(inputs, outputs, name=f"catdog_{entry.name}")
    set_trainable(model, config, phase=1)
    return model


def backbone_layers(model: keras.Model) -> list:
    return [layer for layer in model.layers
            if not layer.name.startswith(HEAD_PREFIX) and layer.name not in ("image", "preprocess")]


def head_layers(model: keras.Model) -> list:
    return [layer for layer in model.layers if layer.name.startswith(HEAD_PREFIX)]


def set_trainable(model: keras.Model, config: TrainConfig, phase: int) -> None:
    """Phase 1: only the head learns (a from-scratch CNN learns everywhere).
    Phase 2: the top `fine_tune_at` backbone layers learn too."""
    pretrained = backbones.get(config.backbone).pretrained
    base = backbone_layers(model)
    unfrozen = set(map(id, base if not pretrained else (base[-config.fine_tune_at:] if phase == 2 else [])))
    for layer in base:
        # BatchNorm stays frozen even when fine-tuning: with trainable=False Keras runs it
        # in inference mode, so its moving statistics (learned on ImageNet) are not
        # overwritten by the noisy statistics of small batches of cats and dogs.
        is_batchnorm = isinstance(layer, layers.BatchNormalization)
        layer.trainable = id(layer) in unfrozen and not (is_batchnorm and pretrained)
    for layer in head_layers(model):
        layer.trainable = True


def feature_map(model: keras.Model):
    """The backbone's output tensor: where Grad-CAM takes its gradients."""
    return model.get_layer("head_pool").input


def split_at_features(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """(image -> pooled features, pooled features -> probabilities), sharing the model's layers.

    Training the second trains the full model's head, which is how the frozen-base phase
    learns from features computed once per image instead of once per image per epoch.
    The cut is after `head_pool`, which has no weights: with average pooling each image
    is cached as one vector (1280 floats for MobileNetV2) instead of a 5x5x1280 map.
    """
    pooled = model.get_layer("head_pool").output
    extractor = keras.Model(model.inputs, pooled, name="extractor")
    feature_input = keras.Input(tuple(pooled.shape[1:]), name="features")
    y = feature_input
    for layer in head_layers(model):
        if layer.name != "head_pool":
            y = layer(y)
    return extractor, keras.Model(feature_input, y, name="head")


def graph_function(model, views: int = 1):
    """`model` as a compiled graph for inference: one trace for any batch size.

    With `views=2` each photo goes through with its horizontal mirror, in one call on a batch
    twice as large: outputs (N, 2, ...), view 0 the photo (with one view: (N, ...)). Calling a
    Keras model eagerly batch by batch is ~2x slower on a CPU and, measured on MobileNetV2, more
    than doubles peak memory (2.3 GB instead of 1.0 GB)."""
    import tensorflow as tf

    spec = tf.TensorSpec([None, *model.inputs[0].shape[1:]], tf.float32)
    if views == 1:
        return tf.function(lambda images: model(images, training=False), input_signature=[spec])
    return tf.function(lambda images: mirrored(model, images), input_signature=[spec])


def mirrored(model, images):
    """`model` on each image and on its mirror, in one batch: outputs (N, 2, ...)."""
    import tensorflow as tf

    count = tf.shape(images)[0]
    both = model(tf.concat([images, tf.reverse(images, axis=[2])], axis=0), training=False)
    return tf.stack([both[:count], both[count:]], axis=1)


def load_model(path) -> keras.Model:
    """Load a `.keras` file in safe mode: a model with a Lambda (arbitrary code) is refused.

    Older runs hold `BackbonePreprocess`, which opens here because this module registers it."""
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except ValueError as error:
        if "Lambda" in str(error) or "safe_mode" in str(error):
            raise CatdogError("model_has_lambda", path=str(path)) from error
        raise
