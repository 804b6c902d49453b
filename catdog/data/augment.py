"""Data augmentation: one config, built from Keras preprocessing layers.

The same `augment_batch` drives the Augmentation page's preview and the training
pipeline, so what a class sees is exactly what the model is trained on. Augmentation is
applied to training batches only, inside `tf.data`, never to validation or prediction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from catdog.errors import CatdogError
from catdog.settings import truthy

FILL_MODES = ("reflect", "constant", "nearest", "wrap")
# What each setting may be: beyond these Keras's layers refuse the value (a zoom of 1 or more) or
# the photo is no longer a photo (a rotation of 99 999 degrees failed inside Keras, mid-job).
RANGES = {"rotation": (0.0, 180.0), "width_shift": (0.0, 1.0), "height_shift": (0.0, 1.0), "shear": (0.0, 1.0),
          "zoom": (0.0, 0.9), "brightness": (0.0, 1.0), "contrast": (0.0, 1.0), "saturation": (0.0, 1.0),
          "hue": (0.0, 0.5), "erasing": (0.0, 1.0), "grayscale": (0.0, 1.0)}


@dataclass(frozen=True)
class AugmentConfig:
    """What ImageDataGenerator offered, plus what Keras 3's preprocessing layers add.

    Ranges are symmetric: rotation 20 means a random angle in [-20, +20] degrees.
    """

    rotation: float = 0.0  # degrees
    width_shift: float = 0.0  # fraction of the width
    height_shift: float = 0.0  # fraction of the height
    shear: float = 0.0  # fraction, as Keras's RandomShear
    zoom: float = 0.0  # fraction: 0.2 zooms between 80% and 120%
    horizontal_flip: bool = False
    vertical_flip: bool = False  # rarely right for pets: cats are seldom upside down
    brightness: float = 0.0  # fraction of the 0-255 range
    contrast: float = 0.0
    saturation: float = 0.0  # fraction: 0.3 scales saturation between 0.7 and 1.3
    hue: float = 0.0  # fraction of the colour wheel
    erasing: float = 0.0  # probability of blanking out a random rectangle (cutout)
    grayscale: float = 0.0  # probability of dropping the colour
    fill_mode: str = "reflect"

    def __post_init__(self):
        """Every value checked when the config is made (by the CLI, a form, or a config.json), not
        when a job's first batch reaches Keras."""
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise CatdogError("augment_out_of_range", name=name, value=value, low=low, high=high)
        for name in ("horizontal_flip", "vertical_flip"):
            if not isinstance(getattr(self, name), bool):
                raise CatdogError("bad_augment_value", name=name, value=getattr(self, name))
        if self.fill_mode not in FILL_MODES:
            raise CatdogError("augment_out_of_range", name="fill_mode", value=self.fill_mode,
                              low=FILL_MODES[0], high=FILL_MODES[-1])

    @property
    def enabled(self) -> bool:
        return any(
            getattr(self, f.name) not in (0, 0.0, False)
            for f in dataclasses.fields(self)
            if f.name != "fill_mode"
        )


PRESETS: dict[str, AugmentConfig] = {
    "none": AugmentConfig(),
    "light": AugmentConfig(rotation=10, zoom=0.1, horizontal_flip=True),
    "seed recipe": AugmentConfig(rotation=20, zoom=0.2, horizontal_flip=True),
    "strong": AugmentConfig(
        rotation=25, width_shift=0.1, height_shift=0.1, shear=0.1, zoom=0.25,
        horizontal_flip=True, brightness=0.2, contrast=0.2, saturation=0.3, hue=0.03,
        erasing=0.25, grayscale=0.1,
    ),
}


def preset(name: str) -> AugmentConfig:
    if name not in PRESETS:
        raise CatdogError("unknown_augment_preset", name=name, allowed=", ".join(PRESETS))
    return PRESETS[name]


def to_text(config: AugmentConfig) -> str:
    """The settings that differ from none, as `from_text` reads them: "rotation=20, zoom=0.2"."""
    plain = AugmentConfig()
    return ", ".join(f"{f.name}={getattr(config, f.name):g}" if isinstance(getattr(config, f.name), float)
                     else f"{f.name}={getattr(config, f.name)}"
                     for f in dataclasses.fields(config) if getattr(config, f.name) != getattr(plain, f.name))


def from_text(text: str) -> AugmentConfig:
    """A preset name, `key=value` settings, or both: "seed recipe", "rotation=15,zoom=0.1",
    "light,rotation=15" (the preset, then the settings over it). Used by the CLI."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    base = preset(parts.pop(0)) if parts and "=" not in parts[0] else PRESETS["none"]
    types = {f.name: type(f.default) for f in dataclasses.fields(AugmentConfig)}
    changes = {}
    for part in parts:
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in types:
            raise CatdogError("unknown_augment_setting", name=key, allowed=", ".join(types))
        try:
            changes[key] = truthy(value) if types[key] is bool else types[key](value.strip())
        except ValueError:
            raise CatdogError("bad_augment_value", name=key, value=value.strip()) from None
    return dataclasses.replace(base, **changes)


def build_layers(config: AugmentConfig, seed: int) -> list:
    """The Keras preprocessing layers for `config`, in a fixed order, each with its own seed."""
    from keras import layers

    fill = config.fill_mode
    out = []
    if config.horizontal_flip or config.vertical_flip:
        mode = "horizontal_and_vertical" if (config.horizontal_flip and config.vertical_flip) else (
            "horizontal" if config.horizontal_flip else "vertical")
        out.append(layers.RandomFlip(mode, seed=seed))
    if config.rotation:
        out.append(layers.RandomRotation(config.rotation / 360.0, fill_mode=fill, seed=seed + 1))
    if config.width_shift or config.height_shift:
        out.append(layers.RandomTranslation(
            config.height_shift, config.width_shift, fill_mode=fill, seed=seed + 2))
    if config.shear:
        out.append(layers.RandomShear(
            x_factor=config.shear, y_factor=config.shear, fill_mode=fill, seed=seed + 3))
    if config.zoom:
        out.append(layers.RandomZoom(config.zoom, fill_mode=fill, seed=seed + 4))
    if config.brightness:
        out.append(layers.RandomBrightness(config.brightness, value_range=(0, 255), seed=seed + 5))
    if config.contrast:
        out.append(layers.RandomContrast(config.contrast, value_range=(0, 255), seed=seed + 6))
    if config.saturation:
        out.append(layers.RandomSaturation(
            (0.5 - config.saturation / 2, 0.5 + config.saturation / 2), value_range=(0, 255), seed=seed + 7))
    if config.hue:
        out.append(layers.RandomHue(config.hue, value_range=(0, 255), seed=seed + 8))
    if config.grayscale:
        out.append(layers.RandomGrayscale(config.grayscale, seed=seed + 9))
    if config.erasing:
        out.append(layers.RandomErasing(
            factor=config.erasing, scale=(0.05, 0.25), value_range=(0, 255), seed=seed + 10))
    return out


def augment_batch(images, config: AugmentConfig, seed: int = 0):
    """Augment a batch of 0-255 float images (N, H, W, 3); returns a tensor of the same shape."""
    import tensorflow as tf

    x = tf.cast(images, tf.float32)
    for layer in build_layers(config, seed):
        x = layer(x, training=True)
    return tf.clip_by_value(x, 0.0, 255.0)


def make_augmenter(config: AugmentConfig, seed: int):
    """A function for `tf.data.Dataset.map` that augments (images, labels) batches."""
    import tensorflow as tf

    stack = build_layers(config, seed)

    def apply(images, labels):
        x = images
        for layer in stack:
            x = layer(x, training=True)
        return tf.clip_by_value(x, 0.0, 255.0), labels

    return apply
