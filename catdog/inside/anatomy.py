"""Inside the network: its layers and what they cost, what a photo becomes inside it, and what
preprocessing does to the pixels before the first layer sees them.

The layer table collapses the backbone into its blocks (MobileNet has 80-odd layers; a student
wants to see ~15 blocks and the few head layers that training changes) and counts, for each row,
the weights that phase 1 (head only) and phase 2 (fine-tuning) let learn, by applying the same
`model.set_trainable` that training uses, so the table cannot drift from what training does.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from catdog.config import TrainConfig
from catdog.errors import CatdogError

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)  # ImageNet's mean, as keras.applications subtracts it
HISTOGRAM_BINS = 64


@dataclass(frozen=True)
class LayerRow:
    """One row of the anatomy: a head layer, or a block of backbone layers collapsed into one."""

    name: str  # a layer's name; for a block of the backbone, its number (what its layers' names share)
    part: str  # "input", "backbone" or "head"
    kinds: str  # the Keras layer classes in the row
    layers: int
    output_shape: tuple
    parameters: int
    trainable_phase1: int  # weights that learn in phase 1 (the head on a frozen backbone)
    trainable_phase2: int  # ... and in phase 2 (fine-tuning the top of the backbone)


@dataclass(frozen=True)
class HeadCost:
    """The parameters of one head on a feature map of a given shape."""

    pooling: str  # "avg" (GlobalAveragePooling2D) or "flatten"
    dense_units: int
    parameters: int


def _count(layer, phase_trainable: bool | None = None) -> int:
    weights = layer.weights if phase_trainable is None else layer.trainable_weights
    return int(sum(np.prod(w.shape) for w in weights))


def _block(name: str) -> str:
    """The block a backbone layer belongs to: the first number in its name ("conv_dw_3_bn" -> 3,
    "block_5_project" -> 5, "conv4_block2_out" -> 4); a name without one joins the block before."""
    found = re.search(r"\d+", name)
    return found.group() if found else ""


def layer_table(config: TrainConfig, num_classes: int, model=None) -> list[LayerRow]:
    """The rows of `config`'s classifier: input, backbone blocks, head layers. Built with random
    weights unless `model` is given: the counts do not depend on the weights."""
    from catdog.network.model import HEAD_PREFIX, build_model, set_trainable

    model = model or build_model(dataclasses.replace(config, weights="none"), num_classes)
    trainable = {}
    for phase in (1, 2):
        set_trainable(model, config, phase)
        trainable[phase] = {layer.name: _count(layer, True) for layer in model.layers}
    set_trainable(model, config, 1)
    groups: list[tuple[str, str, list]] = []  # (name, part, layers)
    for layer in model.layers:
        part = "head" if layer.name.startswith(HEAD_PREFIX) else "input" if layer.name in ("image", "preprocess") \
            else "backbone"
        block = _block(layer.name) if part == "backbone" else layer.name
        if part == "backbone" and groups and groups[-1][1] == "backbone" and block in ("", groups[-1][0]):
            groups[-1][2].append(layer)
        else:
            groups.append((block or layer.name, part, [layer]))
    return [LayerRow(name, part,
                     ", ".join(dict.fromkeys(type(layer).__name__ for layer in members)), len(members),
                     tuple(members[-1].output.shape[1:]), sum(_count(layer) for layer in members),
                     sum(trainable[1][layer.name] for layer in members),
                     sum(trainable[2][layer.name] for layer in members))
            for name, part, members in groups]


def head_costs(feature_shape: tuple, num_classes: int) -> list[HeadCost]:
    """The head choices the course discusses, side by side, on a (height, width, channels) map:
    average pooling keeps one number per channel; Flatten keeps every position, so the Dense layer
    after it needs a weight for each position of each channel."""
    height, width, channels = feature_shape
    softmax = lambda inputs: inputs * num_classes + num_classes
    flat = height * width * channels
    return [HeadCost("avg", 0, softmax(channels)),
            HeadCost("avg", 512, channels * 512 + 512 + softmax(512)),
            HeadCost("flatten", 0, softmax(flat)),
            HeadCost("flatten", 512, flat * 512 + 512 + softmax(512))]


@dataclass(frozen=True)
class LayerActivations:
    """A photo's activations at one layer: a grid of its first channels, each scaled to 0..255."""

    layer: str
    shape: tuple  # (height, width, channels) of the layer's output
    grid: np.ndarray  # uint8 (rows * height, columns * width)


def activation_layers(model, count: int = 4) -> list[str]:
    """`count` backbone layers from early to late: activations (after ReLU) spread over the depth."""
    from catdog.network.model import backbone_layers

    activations = [layer.name for layer in backbone_layers(model)
                   if len(layer.output.shape) == 4 and ("relu" in layer.name.lower() or "activation" in
                                                        type(layer).__name__.lower())]
    if len(activations) <= count:
        return activations
    picks = np.linspace(0, len(activations) - 1, count).round().astype(int)
    return [activations[i] for i in picks]


def feature_maps(model, pixels: np.ndarray, layer_names: list[str], channels: int = 16) -> list[LayerActivations]:
    """What `pixels` (one (s, s, 3) uint8 photo) becomes at each of `layer_names`: one grid each."""
    import keras

    known = [layer.name for layer in model.layers]
    for name in layer_names:
        if name not in known:
            raise CatdogError("unknown_layer", name=name, allowed=", ".join(known[:20]) + ", ...")
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layer_names])
    outputs = probe([pixels[None].astype(np.float32)], training=False)  # a list, as the model's inputs are
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [LayerActivations(name, tuple(np.shape(out)[1:]), grid(np.asarray(out)[0], channels))
            for name, out in zip(layer_names, outputs)]


def grid(activation: np.ndarray, channels: int = 16) -> np.ndarray:
    """The first `channels` channels of an (h, w, c) activation side by side, 4 a row, each channel
    stretched to 0..255 on its own (one strong channel would otherwise leave the others black)."""
    shown = activation[..., :channels]
    low, high = shown.min(axis=(0, 1)), shown.max(axis=(0, 1))
    scaled = ((shown - low) / np.where(high > low, high - low, 1) * 255).astype(np.uint8)
    columns = min(4, shown.shape[-1])
    rows = -(-shown.shape[-1] // columns)
    height, width = shown.shape[:2]
    canvas = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), 255, np.uint8)  # 1 px white gaps
    for index in range(shown.shape[-1]):
        row, column = divmod(index, columns)
        canvas[row * (height + 1):row * (height + 1) + height,
               column * (width + 1):column * (width + 1) + width] = scaled[..., index]
    return canvas


def preprocess_pixels(pixels: np.ndarray, mode: str) -> np.ndarray:
    """What a backbone's `preprocess_input` makes of 0-255 RGB pixels, in numpy (as the model's
    preprocessing layer does): "tf" -> [-1, 1]; "caffe" -> BGR minus ImageNet's mean; "unit" (also
    the 1/255 mistake) -> [0, 1]."""
    x = pixels.astype(np.float32)
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "caffe":
        return x[..., ::-1] - np.array(CAFFE_MEAN_BGR, np.float32)
    if mode == "unit":
        return x / 255.0
    raise CatdogError("unknown_preprocessing", preprocessing=mode, allowed="tf, caffe, unit")


@dataclass(frozen=True)
class ChannelHistogram:
    """Counts of one channel's values, over `edges` (len(counts) + 1 bin edges)."""

    channel: str
    counts: np.ndarray
    edges: np.ndarray


def histograms(values: np.ndarray, channel_names: tuple[str, ...]) -> list[ChannelHistogram]:
    """One histogram per channel of an (h, w, 3) array, all on the same bins."""
    edges = np.linspace(float(values.min()), float(values.max()) or 1.0, HISTOGRAM_BINS + 1)
    return [ChannelHistogram(name, np.histogram(values[..., i], bins=edges)[0], edges)
            for i, name in enumerate(channel_names)]


def channel_names(mode: str) -> tuple[str, str, str]:
    """The channels' order after preprocessing: caffe swaps red and blue."""
    return ("B", "G", "R") if mode == "caffe" else ("R", "G", "B")
