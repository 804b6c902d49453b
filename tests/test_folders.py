"""Dataset layouts, inspection and the sample download."""

import pytest

from catdog.data import folders
from catdog.errors import CatdogError
from helpers import make_image


def test_train_validation_layout_lists_every_image_with_its_class(tiny_dataset):
    dataset = folders.load_dataset(tiny_dataset)
    assert dataset.class_names == ["cats", "dogs"]
    assert len(dataset.train.paths) == 12 and dataset.train.labels.count(1) == 6
    assert all("/cats/" in p for p, label in zip(dataset.validation.paths, dataset.validation.labels) if label == 0)


def test_single_folder_is_split_by_a_fixed_seed(tmp_path):
    for kind, name in enumerate(["a", "b", "c"]):
        for i in range(10):
            make_image(tmp_path / "flat" / name / f"{i}.png", kind % 2, seed=i)
    first = folders.load_dataset(tmp_path / "flat", validation_fraction=0.2, seed=7)
    again = folders.load_dataset(tmp_path / "flat", validation_fraction=0.2, seed=7)
    assert first.class_names == ["a", "b", "c"]
    assert len(first.validation.paths) == 6 and len(first.train.paths) == 24
    assert first.validation.paths == again.validation.paths
    assert not set(first.validation.paths) & set(first.train.paths)


@pytest.mark.parametrize("layout, message", [
    ("missing", "does not exist"), ("one_class", "at least two class folders"),
    ("no_validation", "no validation/"), ("a_file", "is a file"),
])
def test_unusable_layouts_are_explained(tmp_path, layout, message):
    root = tmp_path / "ds"
    if layout == "one_class":
        make_image(root / "cats" / "1.jpg", 0)
    elif layout == "no_validation":
        make_image(root / "train" / "cats" / "1.jpg", 0)
        make_image(root / "train" / "dogs" / "1.jpg", 1)
    elif layout == "a_file":
        root.write_text("x")
    with pytest.raises(CatdogError, match=message):
        folders.load_dataset(root)


def test_inspect_counts_and_reports_undecodable_files(tiny_dataset):
    (tiny_dataset / "train" / "cats" / "broken.jpg").write_bytes(b"not a jpeg")
    report = folders.inspect(tiny_dataset)
    assert report["counts"]["train"] == {"cats": 6, "dogs": 6}
    assert [bad["path"].endswith("broken.jpg") for bad in report["bad_files"]] == [True]
    [bad] = report["bad_files"]
    assert bad["cause"].key == "image_unknown_format" and bad["reason"] == bad["cause"].what  # translatable
    good = [r for r in report["images"] if r["error"] is None]
    assert all(r["width"] == 48 and r["height"] == 40 and r["mode"] == "RGB" for r in good)


def test_download_fails_fast_offline_with_a_way_out(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    monkeypatch.delenv("CATDOG_OFFLINE")  # the tests' default: here the request itself must fail
    seen = {}

    def offline(url, timeout=None):
        seen["timeout"] = timeout
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(CatdogError, match="Could not download the sample dataset") as error:
        folders.download_sample(tmp_path)
    assert "--data" in str(error.value)
    assert seen["timeout"] == 15.0  # the request's own timeout, not the process's sockets'
    import socket

    assert socket.getdefaulttimeout() is None


def test_offline_mode_does_not_even_try_the_download(tmp_path, monkeypatch):
    import urllib.request

    from catdog.errors import NO_INTERNET

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("tried the internet"))
    with pytest.raises(CatdogError) as error:
        folders.download_sample(tmp_path)  # CATDOG_OFFLINE=1, as in every test
    assert (error.value.key, error.value.params["reason"]) == ("download_failed", NO_INTERNET)


def test_a_download_cut_short_is_refused_and_not_kept(tmp_path, monkeypatch):
    import io
    import urllib.request

    class CutShort(io.BytesIO):
        headers = {"Content-Length": "1000"}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.delenv("CATDOG_OFFLINE")
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: CutShort(b"PK" + b"x" * 98))
    with pytest.raises(CatdogError, match="100 of 1000 bytes"):
        folders.download_sample(tmp_path)
    assert list((tmp_path / "downloads").iterdir()) == []  # nothing half-written is left to be reused
