"""The feature map: projections, separation measures, and the map cache beside the feature cache."""

import numpy as np
import pytest

from catdog.errors import CatdogError
from catdog.inside import featuremap
from helpers import make_dataset


def blobs(separated: bool, count: int = 40, dimensions: int = 8, seed: int = 0):
    """Two classes of points: far apart, or drawn from the same cloud."""
    generator = np.random.default_rng(seed)
    labels = np.repeat([0, 1], count // 2)
    points = generator.normal(size=(count, dimensions)).astype(np.float32)
    if separated:
        points[labels == 1] += 10.0
    return points, labels


@pytest.mark.parametrize("method", featuremap.METHODS)
def test_projection_gives_one_point_in_2d_per_photo(method):
    points, _ = blobs(True)
    assert featuremap.project(points, method).shape == (40, 2)


def test_an_unknown_method_is_refused_with_the_methods_to_choose_from():
    with pytest.raises(CatdogError) as raised:
        featuremap.project(blobs(True)[0], "umap")
    assert raised.value.key == "unknown_map_method"
    assert raised.value.params["allowed"] == "pca, tsne"


def test_separated_classes_score_high_and_mixed_classes_near_chance():
    separated = featuremap.separation(*blobs(True))
    mixed = featuremap.separation(*blobs(False, count=200))
    assert separated.probe_accuracy == 1.0
    assert separated.silhouette > 0.8
    assert mixed.probe_accuracy < 0.7
    assert abs(mixed.silhouette) < 0.1


def test_a_class_of_one_photo_cannot_be_measured():
    points, _ = blobs(True, count=6)
    with pytest.raises(CatdogError) as raised:
        featuremap.separation(points, np.array([0, 0, 0, 0, 0, 1]))
    assert raised.value.key == "too_few_photos_to_map"


def test_dataset_photos_gathers_training_and_validation_photos(tmp_path):
    split, class_names = featuremap.dataset_photos(make_dataset(tmp_path / "pets", per_class=3))
    assert class_names == ["cats", "dogs"]
    assert len(split.paths) == 12
    assert sorted(split.labels) == [0] * 6 + [1] * 6


@pytest.mark.slow
def test_the_map_is_cached_beside_the_features_and_read_back(tmp_path, monkeypatch):
    dataset = make_dataset(tmp_path / "pets", per_class=4)
    config = featuremap.network_config("mobilenet_v1_025", "none", image_size=32)
    first = featuremap.feature_map(config, dataset, tmp_path / "models", "pca")
    assert first.points.shape == (16, 2)
    assert first.dimensions == 256
    stored = sorted(path.name.split("-")[1] for path in (tmp_path / "models" / ".feature_cache").glob("*.maps/*.npz"))
    assert stored == ["full", "pca"]  # the full-space measures, once per network, and the map

    def no_projection(*args, **kwargs):
        raise AssertionError("a cached map was projected again")

    monkeypatch.setattr(featuremap, "project", no_projection)
    again = featuremap.feature_map(config, dataset, tmp_path / "models", "pca")
    np.testing.assert_array_equal(again.points, first.points)
    assert again.full == first.full and again.flat == first.flat


@pytest.mark.slow
def test_cached_features_are_mapped_without_building_the_network(tmp_path, monkeypatch):
    from catdog.network import model

    dataset = make_dataset(tmp_path / "pets", per_class=3)
    config = featuremap.network_config("mobilenet_v1_025", "none", image_size=32)
    split, _ = featuremap.dataset_photos(dataset)
    computed, labels, _ = featuremap.pooled_features(config, split, tmp_path / "models")
    monkeypatch.setattr(model, "build_model", lambda *a, **k: pytest.fail("the network was built again"))
    cached, cached_labels, paths = featuremap.pooled_features(config, split, tmp_path / "models")
    np.testing.assert_array_equal(cached, computed)
    assert list(cached_labels) == list(labels) and paths == split.paths
