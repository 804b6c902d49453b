"""`TrainConfig`: every setting of a training run, in one frozen, flat dataclass.

It flows UI -> job -> run folder (`config.json`) and is read back with
`TrainConfig(**json)`, so a run can be rebuilt from its folder alone (as nanoGPT keeps
its config in its checkpoint). Defaults are what we would recommend on a 2-core CPU.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from catdog import backbones
from catdog.augment import AugmentConfig
from catdog.errors import CatdogError

POOLINGS = ("avg", "flatten")
STRATEGIES = ("auto", "single", "mirrored", "multiworker")
WEIGHTS = ("imagenet", "none")


def data_root() -> Path:
    """Where datasets live: `CATDOG_DATA_DIR`, default `./data`."""
    return Path(os.environ.get("CATDOG_DATA_DIR", "data"))


def models_root() -> Path:
    """Where run folders live: `CATDOG_MODELS_DIR`, default `./models`."""
    return Path(os.environ.get("CATDOG_MODELS_DIR", "models"))


@dataclass(frozen=True)
class Limits:
    """What a user of this server may ask for. Hosted mode (`CATDOG_HOSTED=1`) is for a
    class sharing one small instance (~2 CPUs, 2.7 GB): no big backbones, no marathon jobs."""

    hosted: bool
    max_upload_mb: int
    max_images_per_dataset: int
    max_epochs: int
    max_fine_tune_epochs: int
    max_batch_size: int
    backbones: tuple[str, ...]


def limits() -> Limits:
    if os.environ.get("CATDOG_HOSTED", "").strip().lower() in ("1", "true", "yes", "on"):
        return Limits(True, max_upload_mb=50, max_images_per_dataset=5000, max_epochs=30,
                      max_fine_tune_epochs=10, max_batch_size=64,
                      backbones=("mobilenet_v2", "mobilenet_v1_025", "simple_cnn"))
    return Limits(False, max_upload_mb=500, max_images_per_dataset=200_000, max_epochs=500,
                  max_fine_tune_epochs=500, max_batch_size=1024, backbones=tuple(backbones.REGISTRY))


def check_limits(config: "TrainConfig") -> None:
    """Refuse a config this server's limits do not allow (only hosted mode is strict)."""
    allowed = limits()
    where = "this shared server" if allowed.hosted else "catdog"
    if config.backbone not in allowed.backbones:
        raise CatdogError(f"The {config.backbone} backbone is not available on {where}.",
                          expected=f"one of {', '.join(allowed.backbones)}",
                          fix="pick a smaller backbone; the large ones need more memory than this server has.")
    for name, value, top in (("epochs", config.epochs, allowed.max_epochs),
                             ("fine_tune_epochs", config.fine_tune_epochs, allowed.max_fine_tune_epochs),
                             ("batch_size", config.batch_size, allowed.max_batch_size)):
        if value > top:
            raise CatdogError(f"{name} = {value} is more than {where} allows.", expected=f"at most {top}")


@dataclass(frozen=True)
class TrainConfig:
    data_dir: str = ""
    backbone: str = backbones.DEFAULT_BACKBONE
    image_size: int = 0  # 0: the backbone's default size, filled in on creation
    weights: str = "imagenet"  # "none" trains the same network from random weights
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 1e-3
    pooling: str = "avg"  # GlobalAveragePooling2D; "flatten" as in the seed recipe
    dense_units: int = 0  # 0: no hidden Dense layer (fewer weights to overfit)
    dropout: float = 0.2
    augmentation: AugmentConfig = field(default_factory=AugmentConfig)
    augmented_views: int = 0  # > 0 with augmentation: cache this many augmented views per photo, else stream
    fine_tune_epochs: int = 0
    fine_tune_at: int = 20  # how many of the backbone's top layers phase 2 unfreezes
    fine_tune_learning_rate: float = 1e-5  # ~100x lower: large updates would wreck the pretrained features
    early_stopping_patience: int = 3  # 0: off
    validation_fraction: float = 0.2  # used only when the dataset has no validation/ split
    seed: int = 1337
    strategy: str = "auto"  # auto: all GPUs of this machine if several, else one device
    mixed_precision: bool = False  # float16 compute on a GPU; ignored on a CPU, where it is slower

    def __post_init__(self):
        # Read back from JSON, the augmentation arrives as a dict: rebuild the dataclass.
        if isinstance(self.augmentation, dict):
            object.__setattr__(self, "augmentation", AugmentConfig(**self.augmentation))
        entry = backbones.get(self.backbone)
        if not self.image_size:
            object.__setattr__(self, "image_size", entry.default_size)
        if not entry.pretrained:
            object.__setattr__(self, "weights", "none")
        _validate(self)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        """Like `TrainConfig(**values)`, but an unknown key is a clear error, not a TypeError."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise CatdogError(
                f"Unknown training setting(s): {', '.join(unknown)}.",
                expected=f"only {', '.join(sorted(known))}",
                fix="remove or rename those keys.",
            )
        return cls(**values)

    @property
    def total_epochs(self) -> int:
        return self.epochs + self.fine_tune_epochs


def _check_range(name: str, value, low, high, kind=int):
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise CatdogError(f"{name} must be a number, got {value!r}.", expected=f"{low} to {high}")
    if not low <= value <= high:
        raise CatdogError(
            f"{name} = {value} is out of range.",
            expected=f"{low} to {high}",
            fix=f"choose a {name} between {low} and {high}.",
        )


def _validate(config: TrainConfig) -> None:
    _check_range("epochs", config.epochs, 1, 500)
    _check_range("batch_size", config.batch_size, 1, 1024)
    _check_range("image_size", config.image_size, 32, 1024)
    _check_range("learning_rate", config.learning_rate, 1e-7, 1.0, float)
    _check_range("fine_tune_learning_rate", config.fine_tune_learning_rate, 1e-9, 1.0, float)
    _check_range("dense_units", config.dense_units, 0, 4096)
    _check_range("dropout", config.dropout, 0.0, 0.9, float)
    _check_range("fine_tune_epochs", config.fine_tune_epochs, 0, 500)
    _check_range("augmented_views", config.augmented_views, 0, 50)
    _check_range("fine_tune_at", config.fine_tune_at, 1, 1000)
    _check_range("early_stopping_patience", config.early_stopping_patience, 0, 100)
    _check_range("validation_fraction", config.validation_fraction, 0.05, 0.5, float)
    if config.pooling not in POOLINGS:
        raise CatdogError(f"Unknown pooling {config.pooling!r}.", expected=f"one of {POOLINGS}")
    if config.strategy not in STRATEGIES:
        raise CatdogError(f"Unknown strategy {config.strategy!r}.", expected=f"one of {STRATEGIES}",
                          fix="use multiworker only with TF_CONFIG set on every machine (see the README).")
    if config.weights not in WEIGHTS:
        raise CatdogError(
            f"Unknown weights {config.weights!r}.",
            expected=f"one of {WEIGHTS}",
            fix='use "imagenet" for transfer learning or "none" for random initial weights.',
        )
