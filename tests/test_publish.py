"""A collection published as a dataset: refused until every class has enough photos, split per class,
published again over itself, never over a dataset it did not write."""

import pytest
from test_collect import _fill

from catdog.classroom import collect, datasets
from catdog.classroom.publish import to_dataset
from catdog.data import folders
from catdog.errors import CatdogError


def test_training_waits_for_enough_photos_in_every_class(root):
    made = collect.create("pets", ["cats", "dogs", "birds"])
    _fill(made, "cats", collect.MIN_PHOTOS_PER_CLASS)
    _fill(made, "dogs", 4, kind=1)
    made = collect.get("pets")
    assert not made.ready and made.short == {"birds": 10, "dogs": 6}
    with pytest.raises(CatdogError) as caught:
        to_dataset(made)
    assert caught.value.params["missing"] == "dogs (6), birds (10)"  # in the order the classes were typed


def test_publish_splits_every_class_by_the_validation_fraction_and_can_be_repeated(root):
    made = collect.create("pets", ["cats", "dogs", "birds"])
    for kind, name in enumerate(["cats", "dogs", "birds"]):
        _fill(made, name, 10 + kind, kind=kind % 2, first_seed=100 * kind)
    path = to_dataset(collect.get("pets"))
    assert path == root / "pets"
    dataset = folders.load_dataset(path)
    assert dataset.class_names == ["birds", "cats", "dogs"]
    validation = [dataset.validation.labels.count(label) for label in range(3)]
    assert validation == [2, 2, 2]  # 20% of 12, 10 and 11
    assert len(dataset.train.paths) == 33 - 6
    _fill(collect.get("pets"), "cats", 5, first_seed=50)  # more photos, then publish again
    to_dataset(collect.get("pets"))
    assert len(folders.load_dataset(path).train.paths) + len(folders.load_dataset(path).validation.paths) == 38
    assert [d.name for d in datasets.all_datasets(root)] == ["pets"]


def test_publish_never_replaces_a_dataset_it_did_not_write(root):
    made = collect.create("pets", ["cats", "dogs"])
    _fill(made, "cats", 10)
    _fill(made, "dogs", 10, kind=1)
    (root / "pets" / "other").mkdir(parents=True)  # e.g. a zip imported under the same name meanwhile
    with pytest.raises(CatdogError, match="already exists"):
        to_dataset(collect.get("pets"))
    assert (root / "pets" / "other").is_dir()
