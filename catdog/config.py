"""`TrainConfig`: every setting of a training run, in one frozen, flat dataclass.

It flows UI -> job -> run folder (`config.json`) and is read back with
`TrainConfig(**json)`, so a run can be rebuilt from its folder alone (as nanoGPT keeps
its config in its checkpoint). Defaults are what we would recommend on a 2-core CPU.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from catdog.data.augment import AugmentConfig
from catdog.errors import CatdogError
from catdog.network import backbones
from catdog.settings import limits

POOLINGS = ("avg", "flatten")
STRATEGIES = ("auto", "single", "mirrored", "multiworker")
WEIGHTS = ("imagenet", "none")
# "rescale": pixels / 255 whatever the backbone expects, the classic mistake the Inside page measures.
PREPROCESSINGS = ("backbone", "rescale")
SUGGESTED_FINE_TUNE_EPOCHS = 2  # what the Train page suggests: +0.7..1.7 points for ~20 s an epoch (2000 photos)


def allowed_backbones() -> tuple[str, ...]:
    """The backbones this server lets a user train, in the registry's order."""
    allowed = limits()
    return tuple(name for name in backbones.REGISTRY if allowed.allows(name))


def largest_image(backbone: str) -> int:
    """The largest photo size allowed with `backbone`: its own default size always is."""
    return max(limits().max_image_size, backbones.get(backbone).default_size)


def check_limits(config: TrainConfig) -> None:
    """Refuse a config this server's limits do not allow (only hosted mode is strict)."""
    allowed = limits()
    if not allowed.allows(config.backbone):
        names = ", ".join(allowed_backbones())
        if allowed.hosted:
            raise CatdogError("backbone_not_on_server", backbone=config.backbone, allowed=names)
        raise CatdogError("backbone_not_available", backbone=config.backbone, allowed=names)
    for name, value, top in (("image_size", config.image_size, largest_image(config.backbone)),
                             ("epochs", config.epochs, allowed.max_epochs),
                             ("fine_tune_epochs", config.fine_tune_epochs, allowed.max_fine_tune_epochs),
                             ("batch_size", config.batch_size, allowed.max_batch_size)):
        if value > top:
            if allowed.hosted:
                raise CatdogError("over_server_limit", name=name, value=value, limit=top)
            raise CatdogError("over_limit", name=name, value=value, limit=top)


def setting(default, help: str, low=None, high=None, choices: tuple = ()):
    """A TrainConfig field with what the CLI, the Train page and validation need to know of it:
    its help text and its range (low..high) or its choices."""
    return field(default=default, metadata={"help": help, "range": (low, high) if low is not None else None,
                                            "choices": choices})


@dataclass(frozen=True)
class TrainConfig:
    data_dir: str = setting("", "dataset folder: train/ and validation/, or one folder per class")
    backbone: str = setting(backbones.DEFAULT_BACKBONE, "the pretrained network (or simple_cnn, from scratch)",
                            choices=tuple(backbones.REGISTRY))
    image_size: int = setting(0, "photo size in pixels; 0: the backbone's own", 32, 1024)  # 0 filled in first
    weights: str = setting("imagenet", '"none" trains the same network from random weights', choices=WEIGHTS)
    epochs: int = setting(20, "epochs of phase 1 (the head, on a frozen backbone)", 1, 500)
    batch_size: int = setting(32, "photos per training step", 1, 1024)
    learning_rate: float = setting(1e-3, "phase 1 learning rate (Adam)", 1e-7, 1.0)
    pooling: str = setting("avg", "avg: GlobalAveragePooling2D; flatten: as in the seed recipe", choices=POOLINGS)
    dense_units: int = setting(0, "a hidden Dense layer of this many units in the head; 0: none "
                                  "(fewer weights to overfit)", 0, 4096)
    dropout: float = setting(0.2, "dropout before the last layer", 0.0, 0.9)
    weight_decay: float = setting(0.0, "phase 1 with AdamW and this weight decay; 0: Adam", 0.0, 0.5)
    cosine_decay: bool = setting(False, "phase 1's learning rate falls to 0 along a half cosine")
    label_smoothing: float = setting(0.0, "phase 1 on cached features: targets of 1 - s for the class and "
                                          "s shared by all (less overconfident)", 0.0, 0.5)
    mirror_views: bool = setting(True, "cache each photo's horizontal mirror too and train the head on "
                                        "both: augmentation for one extra forward pass")
    test_time_mirror: bool = setting(True, "predict and evaluate with the mean of the photo's and its "
                                            "mirror's probabilities")
    augmentation: AugmentConfig = field(default_factory=AugmentConfig, metadata={
        "help": "a preset name, key=value settings, or both, e.g. 'seed recipe' or 'light,rotation=15'"})
    augmented_views: int = setting(0, "with augmentation: cache this many augmented views of each photo "
                                      "instead of streaming them every epoch", 0, 50)
    fine_tune_epochs: int = setting(0, "epochs of phase 2 (the top of the backbone learns too); 0: none; "
                                       f"{SUGGESTED_FINE_TUNE_EPOCHS} pay off on a CPU", 0, 500)
    fine_tune_at: int = setting(20, "how many of the backbone's top layers phase 2 unfreezes", 1, 1000)
    # 10x lower than phase 1: large updates would wreck the pretrained features. 1e-4 for 2 epochs
    # took held-out training photos from 0.940 to 0.957 and 0.965 to 0.972 (two splits); 1e-5 to 0.942.
    fine_tune_learning_rate: float = setting(1e-4, "phase 2 learning rate", 1e-9, 1.0)
    early_stopping_patience: int = setting(5, "stop after this many epochs without a better validation "
                                              "loss, keeping the best weights; 0: off", 0, 100)
    # Few photos make overfitting visible (the overfitting experiment); validation keeps every photo.
    photos_per_class: int = setting(0, "train on at most this many photos of each class (a fixed-seed "
                                       "draw); 0: all of them", 0, 1_000_000)
    validation_fraction: float = setting(0.2, "share of the photos kept for validation when the dataset "
                                              "has no validation/ split", 0.05, 0.5)
    seed: int = setting(1337, "random seed (shuffling, augmentation, random weights)", 0, 2**31 - 1)
    strategy: str = setting("auto", "auto: every GPU of this machine if several; multiworker: several "
                                    "machines, described by TF_CONFIG", choices=STRATEGIES)
    preprocessing: str = setting("backbone", "backbone: the network's own preprocess_input; rescale: pixels / 255, "
                                             "the classic mistake (to measure what it costs)", choices=PREPROCESSINGS)
    mixed_precision: bool = setting(False, "float16 compute on GPUs (ignored on a CPU, where it is slower)")

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
    def from_dict(cls, values: dict) -> TrainConfig:
        """Like `TrainConfig(**values)`, but an unknown key is a clear error, not a TypeError."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise CatdogError("unknown_settings", names=", ".join(unknown), count=len(unknown),
                              known=", ".join(sorted(known)))
        return cls(**values)

    @property
    def total_epochs(self) -> int:
        return self.epochs + self.fine_tune_epochs


def bounds(name: str) -> tuple:
    """(lowest, highest) a TrainConfig number may be: what forms and flags offer."""
    return next(f.metadata["range"] for f in dataclasses.fields(TrainConfig) if f.name == name)


def choices(name: str) -> tuple:
    """The values a TrainConfig choice may take, in the order forms list them."""
    return next(f.metadata["choices"] for f in dataclasses.fields(TrainConfig) if f.name == name)


def _check_range(name: str, value, low, high, kind=int):
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise CatdogError("not_a_number", name=name, value=value, low=low, high=high)
    if not low <= value <= high:
        raise CatdogError("out_of_range", name=name, value=value, low=low, high=high)


def _validate(config: TrainConfig) -> None:
    """Every number against the range its `setting` declares; each choice with its own advice."""
    for f in dataclasses.fields(config):
        if f.metadata.get("range"):
            _check_range(f.name, getattr(config, f.name), *f.metadata["range"], type(f.default))
    if config.pooling not in POOLINGS:
        raise CatdogError("unknown_pooling", pooling=config.pooling, allowed=", ".join(POOLINGS))
    if config.strategy not in STRATEGIES:
        raise CatdogError("unknown_strategy", strategy=config.strategy, allowed=", ".join(STRATEGIES))
    if config.weights not in WEIGHTS:
        raise CatdogError("unknown_weights", weights=config.weights, allowed=", ".join(WEIGHTS))
    if config.preprocessing not in PREPROCESSINGS:
        raise CatdogError("unknown_preprocessing", preprocessing=config.preprocessing,
                          allowed=", ".join(PREPROCESSINGS))
