"""Zip import: only into the data root, nothing half-extracted, no escape, no bomb."""

import io
import stat
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catdog.classroom import archive
from catdog.errors import CatdogError
from helpers import at_once, make_image


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


def _good(tmp_path) -> dict:
    photo, other = _photo_bytes(tmp_path, 0), _photo_bytes(tmp_path, 1)
    return {"train/cats/1.jpg": photo, "train/dogs/1.jpg": other, "validation/cats/2.jpg": photo,
            "validation/dogs/2.jpg": other}


@pytest.mark.parametrize("extra, key", [
    ({"train/ca\nts/3.jpg": b"x"}, "entry_name_refused"),  # became a class, and a 4-line class_names
    ({"train/_h1/3.jpg": b"x"}, "entry_name_refused"),
    ({"train/" + "c" * 300 + "/3.jpg": b"x"}, "entry_name_refused"),  # OSError 36 before
    ({"/".join(["deep"] * 25) + "/3.jpg": b"x"}, "zip_too_deep"),
    ({"train/caf\u00e9/3.jpg": b"x", "train/cafe\u0301/3.jpg": b"x"}, "zip_name_clash"),  # two identical classes
    ({"train/Cats/3.jpg": b"x"}, "zip_name_clash"),
    ({"train/dogs": b"a file where a folder is"}, "zip_name_clash"),  # FileExistsError before
])
def test_a_zip_whose_names_would_hide_break_or_merge_is_refused_before_anything_is_written(tmp_path, extra, key):
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(_zip({**_good(tmp_path), **extra}), "odd", tmp_path / "data")
    assert refused.value.key == key
    assert list((tmp_path / "data").iterdir()) == []


def test_a_damaged_entry_is_named_not_a_traceback(tmp_path):
    buffer = _zip(_good(tmp_path))
    data = bytearray(buffer.getvalue())
    header = data.index(b"PK\x01\x02")  # the first entry in the central directory: its CRC at offset 16
    data[header + 16:header + 20] = b"\0\0\0\0"
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(io.BytesIO(bytes(data)), "crc", tmp_path / "data")
    assert refused.value.key == "zip_damaged_entry" and "train/cats/1.jpg" in str(refused.value)
    assert list((tmp_path / "data").iterdir()) == []


def test_a_zip_of_too_many_entries_is_refused_before_its_directory_is_read(tmp_path, monkeypatch):
    """300 000 folder entries cost 4-5 s and +260 MB inside ZipFile() before any check."""
    monkeypatch.setattr(archive, "MAX_ENTRIES", 40)
    upload = _zip({f"junk/{n}/": b"" for n in range(50)})
    monkeypatch.setattr(archive.zipfile, "ZipFile", lambda *a, **k: pytest.fail("the directory was parsed"))
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(upload, "many", tmp_path / "data")
    assert refused.value.key == "zip_too_many_entries"


def test_an_upload_over_the_servers_limit_is_refused_by_the_core(tmp_path, monkeypatch):
    """A 181 MiB zip sent straight to Streamlit's endpoint was imported under a 50 MB limit."""
    from catdog import settings

    monkeypatch.setattr(archive, "limits", lambda: settings.Limits(
        True, max_upload_mb=1, max_images_per_dataset=100, max_epochs=1, max_fine_tune_epochs=1,
        max_batch_size=1, backbones=None))
    upload = _zip({**_good(tmp_path), "train/cats/big.jpg": bytes(range(256)) * 5000})
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(upload, "big", tmp_path / "data")
    assert refused.value.key == "upload_too_big" and refused.value.params["limit_mb"] == 1


def test_a_layout_error_names_the_dataset_never_the_servers_temporary_folder(tmp_path):
    """'/srv/.../.import-a93027j5 has 1 class folder(s)' reached a student's screen."""
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(_zip({"cats/1.jpg": _photo_bytes(tmp_path)}), "onlycats", tmp_path / "data")
    assert ".import-" not in str(refused.value) and str(tmp_path) not in str(refused.value)


def test_six_imports_at_once_keep_to_a_quota_of_three(tmp_path, monkeypatch):

    from catdog.access import Identity

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_DATASETS", "3")
    good, ana = _good(tmp_path), Identity("ana", "Ana")
    outcomes = at_once(lambda number: archive.import_zip(_zip(good), f"set {number}", tmp_path / "data", owner=ana), 6)
    assert outcomes == ["ok"] * 3 + ["quota_datasets"] * 3


NAME_PARTS = st.one_of(st.sampled_from(["train", "validation", "cats", "dogs", "..", ".", "", "_x", ".DS_Store",
                                        "a\nb", "caf\u00e9", "cafe\u0301", "Cats", "x" * 250, "ü", "1.jpg"]),
                       st.text(min_size=1, max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.lists(NAME_PARTS, min_size=1, max_size=5), min_size=1, max_size=8),
       directories=st.lists(st.booleans(), min_size=8, max_size=8))
def test_any_zip_structure_imports_as_a_dataset_whose_names_follow_the_rule_or_is_refused_cleanly(
        tmp_path_factory, paths, directories):
    from catdog import names

    work = tmp_path_factory.mktemp("zip")
    photo = _photo_bytes(work)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        for parts, is_folder in zip(paths, directories):
            name = "/".join(parts) + ("/" if is_folder else "")
            if name.split("\x00")[0]:  # zipfile cannot write an entry without a name (it ends one at a NUL)
                made.writestr(name, b"" if is_folder else photo)
        for name, content in _good(work).items():
            made.writestr(name, content)
    buffer.seek(0)
    data = work / "data"
    try:
        report = archive.import_zip(buffer, "fuzzed", data)
    except CatdogError:
        assert list(data.iterdir()) == []  # refused: nothing written, no temporary folder left
        return
    assert [p.name for p in data.iterdir()] == ["fuzzed"]
    for class_name in report["class_names"]:
        assert names.check_name(class_name, names.NameKind.CLASS) == class_name


def test_a_directory_count_that_lies_is_counted_again_from_its_entries(tmp_path, monkeypatch):
    """zipfile reads the directory by its size, not by the count the end record states."""
    monkeypatch.setattr(archive, "MAX_ENTRIES", 40)
    data = bytearray(_zip({f"junk/{n}/": b"" for n in range(50)}).getvalue())
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = (1).to_bytes(2, "little") * 2  # "1 entry"
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(io.BytesIO(bytes(data)), "liar", tmp_path / "data")
    assert refused.value.key == "zip_too_many_entries"


def test_a_zip_with_a_password_is_refused_with_a_message(tmp_path):
    data = bytearray(_zip(_good(tmp_path)).getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the encrypted flag in both headers
        at = data.index(signature)
        data[at + offset] |= 0x1
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(io.BytesIO(bytes(data)), "locked", tmp_path / "data")
    assert refused.value.key == "zip_encrypted"
