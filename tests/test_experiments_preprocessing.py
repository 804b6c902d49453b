"""The preprocessing-mistake experiment and the TrainConfig field it needs."""

import dataclasses

import pytest

from catdog.config import PREPROCESSINGS, TrainConfig, choices
from catdog.errors import CatdogError
from catdog.inside import experiments


def test_the_mistake_differs_from_the_correct_run_in_preprocessing_only():
    start = TrainConfig(data_dir="pets", backbone="mobilenet_v1_025", fine_tune_epochs=3, photos_per_class=10)
    correct, mistaken = experiments.preprocessing_mistake(start)
    assert (correct.preprocessing, mistaken.preprocessing) == ("backbone", "rescale")
    assert dataclasses.replace(mistaken, preprocessing="backbone") == correct
    assert correct.fine_tune_epochs == 0 and correct.photos_per_class == 0
    assert correct.epochs == experiments.PREPROCESSING_EPOCHS


def test_preprocessing_is_a_choice_and_an_unknown_one_is_refused():
    assert choices("preprocessing") == PREPROCESSINGS == ("backbone", "rescale")
    assert TrainConfig.from_dict({"data_dir": "x"}).preprocessing == "backbone"  # older config.json files
    with pytest.raises(CatdogError) as raised:
        TrainConfig(preprocessing="divide")
    assert raised.value.key == "unknown_preprocessing"
