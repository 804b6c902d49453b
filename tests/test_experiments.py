"""The overfitting experiment's settings, its twin, and how a run's gap is read."""

import pytest

from catdog.config import TrainConfig
from catdog.data import augment, folders
from catdog.inside import experiments


def test_the_overfitting_experiment_has_what_overfitting_needs_and_its_twin_only_adds_augmentation():
    base = TrainConfig(data_dir="pets", backbone="mobilenet_v1_025", dropout=0.5,
                       augmentation=augment.preset("light"), early_stopping_patience=3, fine_tune_epochs=2)
    overfit = experiments.overfitting(base)
    assert (overfit.photos_per_class, overfit.pooling, overfit.dense_units, overfit.dropout) == (50, "flatten", 512, 0)
    assert (overfit.early_stopping_patience, overfit.fine_tune_epochs, overfit.epochs) == (0, 0, 20)
    assert not overfit.augmentation.enabled and overfit.data_dir == "pets"
    twin = experiments.twin(overfit)
    assert twin.augmentation == augment.preset("seed recipe")
    assert {k for k, v in twin.to_dict().items() if overfit.to_dict()[k] != v} == {"augmentation"}
    assert not experiments.twin(twin).augmentation.enabled


def _history(*gaps, start=0.6):
    return [{"accuracy": start + g, "val_accuracy": start, "loss": 0.5 - g, "val_loss": 0.5} for g in gaps]


@pytest.mark.parametrize("gaps,kind", [
    ((-0.2, 0.02, 0.1, 0.15, 0.18, 0.2), "overfitting"),
    ((0.0, 0.27, 0.25, 0.23, 0.22), "overfitting"),  # memorised in two epochs: still the lesson
    ((0.0, -0.05, -0.06, -0.08), "negative"),
    ((0.0, 0.01, 0.0, 0.01), "small"),
])
def test_a_runs_gap_is_read_as_a_student_should(gaps, kind):
    gap = experiments.gap(_history(*gaps))
    assert gap.kind == kind
    assert gap.widening == (gap.last > gaps[1])
    assert gap.last == pytest.approx(sum(gaps[-3:]) / 3)


def test_a_run_with_one_epoch_has_no_gap_to_read():
    assert experiments.gap(_history(0.1)) is None


def test_fewer_photos_keeps_the_same_draw_per_class(tiny_dataset):
    split = folders.load_dataset(tiny_dataset).train
    fewer = folders.fewer_photos(split, 2, seed=7)
    assert [fewer.labels.count(label) for label in (0, 1)] == [2, 2]
    assert fewer == folders.fewer_photos(split, 2, seed=7) and set(fewer.paths) <= set(split.paths)
    assert folders.fewer_photos(split, 0) == split
