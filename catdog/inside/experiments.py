"""One-click lessons: the overfitting experiment, its twin, the preprocessing mistake, and how to
read their curves.

Overfitting needs a model with many weights and few photos to memorise: a Flatten head (every
position of the backbone's feature map gets its own weights, as in the course material) with a
Dense layer of 512 units, no dropout, a few dozen photos per class and enough epochs, with no
early stopping to cut the lesson short. Its twin adds augmentation, which shows each photo in a
new way every epoch, so memorising stops paying and the gap between the curves narrows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from catdog.config import TrainConfig
from catdog.data import augment
from catdog.network import weights

OVERFITTING_PHOTOS_PER_CLASS = 50
OVERFITTING_EPOCHS = 20
# Slow enough that the training curve climbs over several epochs while validation levels off, so the
# gap visibly widens (at 1e-3 the head memorises 100 photos in two epochs and the loss first explodes).
OVERFITTING_RATE = 1e-5
TWIN_AUGMENTATION = "seed recipe"  # rotation, zoom and flips: what the course's recipe uses
# Enough for the head to settle on cached features, few enough that the pair trains in under a minute.
PREPROCESSING_EPOCHS = 8


def lesson_backbone(allowed: tuple[str, ...]) -> str:
    """The tiny MobileNet, which the lesson was measured with and which trains in seconds, where its
    weights are here or can be fetched; else a backbone that trains here."""
    tiny = "mobilenet_v1_025"
    return tiny if tiny in allowed and weights.weights_status(tiny).usable else weights.default_for_here(allowed)


def overfitting(config: TrainConfig) -> TrainConfig:
    """`config` (its dataset, backbone and size) set up to overfit: measured on the shared photos
    by bench/overfitting_bench.py."""
    return dataclasses.replace(
        config, photos_per_class=OVERFITTING_PHOTOS_PER_CLASS, pooling="flatten", dense_units=512, dropout=0.0,
        epochs=OVERFITTING_EPOCHS, early_stopping_patience=0, fine_tune_epochs=0, learning_rate=OVERFITTING_RATE,
        augmentation=augment.preset("none"), augmented_views=0)


def twin(config: TrainConfig) -> TrainConfig:
    """The same run with augmentation switched: on (the course's recipe) if it was off, else off."""
    switched = augment.preset("none" if config.augmentation.enabled else TWIN_AUGMENTATION)
    return dataclasses.replace(config, augmentation=switched, augmented_views=0)


def preprocessing_mistake(config: TrainConfig) -> tuple[TrainConfig, TrainConfig]:
    """(correct, mistaken): `config` (its dataset, backbone and size) as a short head-only run with the
    backbone's own preprocessing, and the same run with pixels rescaled by 1/255 instead, the classic
    mistake: the pretrained filters then see inputs in another range than the one they learned on."""
    correct = dataclasses.replace(
        config, epochs=PREPROCESSING_EPOCHS, fine_tune_epochs=0, augmentation=augment.preset("none"),
        augmented_views=0, photos_per_class=0, preprocessing="backbone")
    return correct, dataclasses.replace(correct, preprocessing="rescale")


@dataclass(frozen=True)
class Gap:
    """Training minus validation accuracy, early in a run and at its end."""

    first: float  # after the second epoch: the first one's training figure averages a model still at its start
    last: float  # mean of the last 3 epochs: one noisy epoch does not decide the lesson
    loss_first: float  # validation minus training loss, at the same two moments
    loss_last: float

    @property
    def kind(self) -> str:
        """How a student should read the curves: "negative" (validation above training),
        "overfitting" (training clearly above validation), or "small" (the model generalises).
        Not whether the gap grew: a small head memorises a few dozen photos within two epochs."""
        if self.last < -0.02:
            return "negative"
        return "overfitting" if self.last > 0.05 else "small"

    @property
    def widening(self) -> bool:
        return self.last > self.first


def gap(history: list[dict]) -> Gap | None:
    """The train-validation gap of a run's history; None without two epochs of both accuracies."""
    number = lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    rows = [h for h in history if number(h.get("accuracy")) and number(h.get("val_accuracy"))]
    if len(rows) < 2:
        return None
    accuracy_gap = [h["accuracy"] - h["val_accuracy"] for h in rows]
    loss_gap = [(h["val_loss"] if number(h.get("val_loss")) else 0) - (h["loss"] if number(h.get("loss")) else 0)
                for h in rows]
    last = lambda values: sum(values[-3:]) / len(values[-3:])
    return Gap(accuracy_gap[1], last(accuracy_gap), loss_gap[1], last(loss_gap))
