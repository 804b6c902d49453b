"""The backbone registry: plain data, one entry per network a class can train.

Like fastai's `model_meta` and Keras's identical per-application API, every entry
answers the same questions (how to build it, how its inputs are scaled, what size it
wants, what it costs), so the rest of catdog never special-cases a backbone.
Keras is imported inside the constructors only, so reading the registry is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catdog.errors import CatdogError


@dataclass(frozen=True)
class Backbone:
    name: str
    label: str
    build: Callable  # build(input_tensor, weights) -> output feature-map tensor
    preprocess: str  # "tf" (-1..1), "caffe" (BGR, mean-subtracted) or "unit" (0..1)
    default_size: int
    pretrained: bool  # False: trained from scratch, so the base is never frozen
    weights_file: Callable[[int], str]  # Keras cache file name of the ImageNet weights
    note: str
    download_mb: float = 0.0  # size of the ImageNet weights file without the classifier top
    # Milliseconds per photo at `default_size` on 2 CPU cores (training/estimate.py): a forward pass,
    # a training step streaming through the frozen base (the whole network from scratch), and a
    # fine-tuning step (the top 20 layers learning). Measured by bench/estimate_bench.py.
    cost_ms: tuple[float, float, float] = (10.0, 12.0, 15.0)


def _mobilenet_v2(x, weights):
    import keras

    return keras.applications.MobileNetV2(
        input_tensor=x, input_shape=tuple(x.shape[1:]), include_top=False, weights=weights).output


def _mobilenet_v1_025(x, weights):
    import warnings

    import keras

    with warnings.catch_warnings():  # "Weights for input shape (224, 224) will be loaded": as intended
        warnings.filterwarnings("ignore", message=".*will be loaded as the default")
        return keras.applications.MobileNet(
            input_tensor=x, input_shape=tuple(x.shape[1:]), include_top=False, weights=weights, alpha=0.25
        ).output


def _resnet50(x, weights):
    import keras

    return keras.applications.ResNet50(
        input_tensor=x, input_shape=tuple(x.shape[1:]), include_top=False, weights=weights).output


def _vgg16(x, weights):
    import keras

    return keras.applications.VGG16(
        input_tensor=x, input_shape=tuple(x.shape[1:]), include_top=False, weights=weights).output


def _simple_cnn(x, weights):
    """Four conv/pool blocks, as in the from-scratch chapter: the baseline transfer learning beats.

    BatchNorm after each convolution lets it learn in a few epochs instead of dozens."""
    from keras import layers

    for block, filters in enumerate((32, 64, 128, 128), 1):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"cnn_conv{block}")(x)
        # momentum 0.9, not 0.99: with ~60 steps an epoch the moving statistics used at
        # validation would otherwise still be mostly their initial values.
        x = layers.BatchNormalization(momentum=0.9, name=f"cnn_bn{block}")(x)
        x = layers.Activation("relu", name=f"cnn_relu{block}")(x)
        if block < 4:
            x = layers.MaxPooling2D(name=f"cnn_pool{block}")(x)
    return x  # the last convolution's activations: Grad-CAM's feature map


def _keras_size(size: int, allowed: tuple[int, ...]) -> int:
    """Keras picks the ImageNet weights for the nearest supported size, else 224."""
    return size if size in allowed else 224


REGISTRY: dict[str, Backbone] = {
    b.name: b
    for b in [
        Backbone(
            "mobilenet_v2", "MobileNetV2", _mobilenet_v2, "tf", 160, True,
            lambda s: f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_"
            f"{_keras_size(s, (96, 128, 160, 192, 224))}_no_top.h5",
            "The default where its weights can be had. 9 MB download, 2.3 M parameters; fast on a laptop CPU.",
            9.4, cost_ms=(9.2, 12.6, 15.4),
        ),
        Backbone(
            # 320 px with the 224 px weights: 0.957 instead of 0.939 in cross-validation on the
            # training photos (bench/head_levers_bench.py); these photos are ~400-500 px wide.
            "mobilenet_v1_025", "MobileNet 0.25 (tiny)", _mobilenet_v1_025, "tf", 320, True,
            lambda s: f"mobilenet_2_5_{_keras_size(s, (128, 160, 192, 224))}_tf_no_top.h5",
            "Tiny: 2 MB download, 0.2 M parameters; the fastest, a little less accurate.", 2.1,
            cost_ms=(10.1, 10.5, 11.0),
        ),
        Backbone(
            "resnet50", "ResNet50", _resnet50, "caffe", 224, True,
            lambda s: "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "95 MB download, 23.6 M parameters; accurate but about 8x slower than MobileNetV2.", 94.7,
            cost_ms=(80.1, 80.1, 98.9),
        ),
        Backbone(
            "vgg16", "VGG16", _vgg16, "caffe", 150, True,
            lambda s: "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "58 MB download, 14.7 M parameters; the classic of the seed course, slow on a CPU.", 58.9,
            cost_ms=(90.9, 90.9, 377.4),
        ),
        Backbone(
            "simple_cnn", "Small CNN from scratch", _simple_cnn, "unit", 150, False,
            lambda s: "",
            "No download, no pretraining: shows what learning from nothing gives.", cost_ms=(7.4, 45.3, 45.3),
        ),
    ]
}

DEFAULT_BACKBONE = "mobilenet_v2"


def get(name: str) -> Backbone:
    """The registry entry for `name`, or an error that lists the valid names."""
    if name not in REGISTRY:
        raise CatdogError("unknown_backbone", name=name, allowed=", ".join(REGISTRY))
    return REGISTRY[name]
