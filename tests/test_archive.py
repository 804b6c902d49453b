"""Zip import: only into the data root, nothing half-extracted, no escape, no bomb."""

import io
import stat
import zipfile

import pytest

from catdog.classroom import archive
from catdog.errors import CatdogError
from helpers import make_image


def _photo_bytes(tmp_path, kind=0):
    return make_image(tmp_path / f"p{kind}.jpg", kind).read_bytes()


def _zip(entries: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in entries.items():
            if isinstance(content, zipfile.ZipInfo):
                z.writestr(content, b"target")
            else:
                z.writestr(name, content)
    buffer.seek(0)
    return buffer


def test_a_good_zip_becomes_a_dataset_and_non_images_are_reported(tmp_path):
    photo, other = _photo_bytes(tmp_path, 0), _photo_bytes(tmp_path, 1)
    upload = _zip({"pets/train/cats/1.jpg": photo, "pets/train/dogs/1.jpg": other,
                   "pets/validation/cats/2.jpg": photo, "pets/validation/dogs/2.jpg": other,
                   "pets/notes.txt": b"hello", "__MACOSX/._junk": b"x"})
    report = archive.import_zip(upload, "mine", tmp_path / "data")
    assert report["class_names"] == ["cats", "dogs"] and report["images"] == 4
    assert report["skipped"] == ["pets/notes.txt"]
    assert (tmp_path / "data" / "mine" / "train" / "cats" / "1.jpg").exists()
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["mine"]  # no temp folder left


@pytest.mark.parametrize("name, message", [
    ("../evil.jpg", "leaves its folder"), ("cats/../../evil.jpg", "leaves its folder"),
    ("/etc/evil.jpg", "absolute path"), ("C:/evil.jpg", "absolute path"),
])
def test_paths_that_escape_are_refused_and_nothing_is_written(tmp_path, name, message):
    upload = _zip({"cats/1.jpg": _photo_bytes(tmp_path), name: b"x"})
    with pytest.raises(CatdogError, match=message):
        archive.import_zip(upload, "bad", tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []
    assert not (tmp_path / "evil.jpg").exists()


def test_symlinks_are_refused(tmp_path):
    link = zipfile.ZipInfo("cats/link.jpg")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(CatdogError, match="symbolic link"):
        archive.import_zip(_zip({"cats/link.jpg": link}), "bad", tmp_path / "data")


def test_a_one_gigabyte_bomb_is_refused_before_extraction(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("cats/bomb.jpg", "w", force_zip64=True) as entry:
            block = b"\0" * (1 << 20)
            for _ in range(1024):  # 1 GiB of zeros compresses to about 1 MB
                entry.write(block)
    buffer.seek(0)
    assert len(buffer.getvalue()) < 5_000_000
    with pytest.raises(CatdogError, match="would expand to 1.1 GB"):
        archive.import_zip(buffer, "bomb", tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []


def test_a_zip_whose_headers_lie_about_size_is_stopped_while_extracting(tmp_path, monkeypatch):
    upload = _zip({"cats/1.jpg": b"\0" * 5000, "dogs/1.jpg": b"\0" * 5000})
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 6000)
    monkeypatch.setattr(archive, "_check_entries", lambda z: [(i, archive._safe_name(i)) for i in z.infolist()])
    with pytest.raises(CatdogError, match="zip bomb"):
        archive.import_zip(upload, "liar", tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []


@pytest.mark.parametrize("entries, message", [
    ({"cats/1.jpg": b"x"}, "at least two class folders"),
    ({"train/cats/1.jpg": b"x", "train/dogs/1.jpg": b"x"}, "no validation/"),
])
def test_a_wrong_layout_is_explained_and_leaves_nothing(tmp_path, entries, message):
    with pytest.raises(CatdogError, match=message):
        archive.import_zip(_zip(entries), "layout", tmp_path / "data")
    assert list((tmp_path / "data").iterdir()) == []


def test_not_a_zip_and_taken_names_are_refused(tmp_path):
    with pytest.raises(CatdogError, match="not a readable zip"):
        archive.import_zip(io.BytesIO(b"PK nope"), "x", tmp_path / "data")
    (tmp_path / "data" / "taken").mkdir(parents=True)
    with pytest.raises(CatdogError, match="already exists"):
        archive.import_zip(_zip({"a/1.jpg": b"x"}), "Taken", tmp_path / "data")
    # A draft's name too (its publish will need it), said as another student's where it is one.
    from catdog.access import Identity
    from catdog.classroom import collect

    collect.create("birds", ["a", "b"], Identity("token-ann", "Ann"), tmp_path / "data")
    with pytest.raises(CatdogError) as caught:
        archive.import_zip(_zip({"a/1.jpg": b"x"}), "Birds", tmp_path / "data", owner=Identity("token-bob", "Bob"))
    assert caught.value.key == "collection_name_taken"
    assert not (tmp_path / "data" / "Birds").exists()
