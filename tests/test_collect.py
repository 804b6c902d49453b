"""Making a dataset in the browser: names checked, photos checked and stored, published in the usual layout."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from catdog.access import Identity
from catdog.classroom import collect, datasets
from catdog.classroom.publish import to_dataset
from catdog.errors import CatdogError
from helpers import at_once

ANN = Identity("token-ann", "Ann")
BEN = Identity("token-ben", "Ben")
TEACHER = Identity("token-teacher", "Teacher", teacher=True)


def _jpeg(kind: int, seed: int) -> bytes:
    """A photo-like JPEG whose class shows (as helpers.make_image, in memory)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (40, 48, 3), dtype=np.uint8)
    pixels[..., 0 if kind == 0 else 2] += 150
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG")
    return buffer.getvalue()


def _fill(collection, class_name: str, count: int, kind: int = 0, first_seed: int = 0, who=None):
    photos = [(f"{class_name}{i}.png", _jpeg(kind, first_seed + i)) for i in range(count)]
    return collect.add_photos(collection, class_name, photos, who)


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


@pytest.mark.parametrize("name", ["", "   ", "train", "Validation", "test", "downloads", "_hidden", "-dash",
                                  ".dot", "a/b", "..", "x" * 41, "cats!"])
def test_a_class_name_that_catdog_would_read_otherwise_is_refused(root, name):
    with pytest.raises(CatdogError) as caught:
        collect.create("mine", ["cats", name])
    assert caught.value.key == "class_name_refused"
    assert not (root / collect.DRAFTS / "mine").exists()  # nothing half-made


@pytest.mark.parametrize("name", ["", "train", "downloads", ".collections", "_x", "../up", "a/b"])
def test_a_dataset_name_that_is_not_a_plain_folder_name_is_refused(root, name):
    with pytest.raises(CatdogError) as caught:
        collect.create(name, ["cats", "dogs"])
    assert caught.value.key == "dataset_name_refused"
    assert not root.exists() or not any(root.rglob("cats"))


@pytest.mark.parametrize("name", ["my photos", "gatos-e-cães", "Pássaros_2"])
def test_names_with_spaces_accents_dashes_and_digits_are_fine(root, name):
    made = collect.create(name, [name, "other"])
    assert made.name == name and [c.name for c in made.classes] == sorted([name, "other"])


def test_two_classes_that_differ_only_in_case_are_one_too_many(root):
    with pytest.raises(CatdogError, match="already a class called Cats"):
        collect.create("pets", ["cats", "Cats"])


def test_a_name_already_taken_by_a_dataset_or_a_draft_is_refused(root):
    (root / "pets" / "cats").mkdir(parents=True)
    with pytest.raises(CatdogError, match="already exists"):
        collect.create("Pets", ["a", "b"])
    collect.create("birds", ["a", "b"])
    with pytest.raises(CatdogError, match="already exists"):
        collect.create("birds", ["c", "d"])


def test_a_name_another_student_is_collecting_under_is_refused_with_a_free_one_to_use(root):
    collect.create("pets", ["a", "b"], ANN)
    collect.create("Pets 2", ["a", "b"], ANN)
    bob = Identity("token-bob", "Bob")
    with pytest.raises(CatdogError) as caught:
        collect.create("PETS", ["c", "d"], bob)  # Ann's draft, which Bob cannot see
    assert caught.value.key == "collection_name_taken" and caught.value.params["suggestion"] == "PETS 3"
    assert "Another student" in str(caught.value) and "PETS 3" in str(caught.value)
    with pytest.raises(CatdogError) as caught:
        collect.create("pets", ["c", "d"], ANN)  # her own: she sees it in her list
    assert caught.value.key == "dataset_exists"
    assert [c.name for c in collect.list_collections(bob)] == []
    assert collect.create("PETS 3", ["c", "d"], bob).owner == bob.id  # the name suggested is free


def test_a_collection_is_found_by_its_name_never_by_a_path(root):
    (root / "pets" / "cats").mkdir(parents=True)
    collect.create("mine", ["a", "b"])
    for name in ("../pets", "mine/../../pets", ".", ""):
        with pytest.raises(CatdogError) as caught:
            collect.get(name)
        assert caught.value.key == "collection_not_found"


def test_a_draft_is_not_a_dataset_until_it_is_published(root):
    collect.create("pets", ["cats", "dogs"])
    assert datasets.all_datasets(root) == []


def test_photos_are_stored_upright_small_and_without_exif(root):
    made = collect.create("pets", ["cats", "dogs"])
    big = Image.new("RGB", (3000, 1000), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the stored photo must be upright
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", exif=exif)
    report = collect.add_photos(made, "cats", [("phone.jpg", buffer.getvalue())])
    assert report.added == ["phone.jpg"] and not report.refused
    [stored] = collect.get("pets").classes[0].photos
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (341, 1024)  # rotated, longest side 1024
        assert not image.getexif()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_bad_file_is_refused_with_its_reason_and_the_others_are_kept(root):
    made = collect.create("pets", ["cats", "dogs"])
    report = collect.add_photos(made, "cats", [
        ("note.jpg", b"this is text"), ("large.png", _png_claiming(12000, 9000)),
        ("bomb.png", _png_claiming(20000, 20000)), ("good.jpg", _jpeg(0, 1))])
    assert report.added == ["good.jpg"]
    assert [(name, error.key) for name, error in report.refused] == [
        ("note.jpg", "image_unknown_format"), ("large.png", "image_too_large"), ("bomb.png", "image_bomb")]
    assert "note.jpg" in report.refused[0][1].what
    assert len(collect.get("pets").classes[0].photos) == 1


def test_the_same_photo_twice_is_kept_once(root):
    made = collect.create("pets", ["cats", "dogs"])
    photo = _jpeg(0, 3)
    report = collect.add_photos(made, "cats", [("a.jpg", photo), ("b.jpg", photo)])
    assert (report.added, report.duplicates) == (["a.jpg"], ["b.jpg"])


def test_a_photo_over_the_upload_limit_is_refused(root, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")  # 50 MB a photo
    made = collect.create("pets", ["cats", "dogs"])
    report = collect.add_photos(made, "cats", [("huge.jpg", b"\xff" * (51 * 2**20))])
    assert [error.key for _, error in report.refused] == ["photo_too_big"]


def test_a_dataset_takes_no_more_photos_than_the_limit(root, monkeypatch):
    from catdog import settings

    monkeypatch.setattr(collect, "limits", lambda: settings.Limits(
        False, 500, 3, 1, 1, 1, ("simple_cnn",)))
    made = collect.create("pets", ["cats", "dogs"])
    _fill(made, "cats", 2)
    with pytest.raises(CatdogError) as caught:
        _fill(collect.get("pets"), "dogs", 2, kind=1)
    assert caught.value.key == "too_many_photos" and caught.value.params["room"] == 1


def test_remove_rename_and_delete(root):
    made = collect.create("pets", ["cats", "dogs"])
    _fill(made, "cats", 3)
    photo = collect.get("pets").classes[0].photos[0]
    collect.remove_photo(collect.get("pets"), "cats", photo.name)
    assert len(collect.get("pets").classes[0].photos) == 2
    with pytest.raises(CatdogError, match="no photo"):
        collect.remove_photo(collect.get("pets"), "cats", "../../../etc/passwd")
    collect.rename_class(collect.get("pets"), "cats", "kittens")
    assert [(c.name, len(c.photos)) for c in collect.get("pets").classes] == [("kittens", 2), ("dogs", 0)]  # in place
    with pytest.raises(CatdogError, match="already a class called Dogs"):
        collect.rename_class(collect.get("pets"), "kittens", "Dogs")
    collect.delete_class(collect.get("pets"), "dogs")
    assert [c.name for c in collect.get("pets").classes] == ["kittens"]
    collect.delete(collect.get("pets"))
    assert collect.list_collections() == []


def test_a_students_collection_is_theirs_and_counts_against_their_quota(root, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_DATASETS", "2")
    made = collect.create("anns", ["cats", "dogs"], ANN)
    _fill(made, "cats", 10, who=ANN)
    _fill(collect.get("anns", ANN), "dogs", 10, kind=1, who=ANN)
    assert [c.name for c in collect.list_collections(ANN)] == ["anns"]
    assert collect.list_collections(BEN) == []
    assert [c.name for c in collect.list_collections(TEACHER)] == ["anns"]
    with pytest.raises(CatdogError) as caught:
        collect.get("anns", BEN)
    assert caught.value.key == "not_your_collection" and caught.value.params["owner"] == "Ann"
    _fill(collect.get("anns", TEACHER), "cats", 1, first_seed=70, who=TEACHER)  # the teacher may help...
    assert collect.get("anns", ANN).owner == ANN.id  # ...and Ann still owns it
    path = to_dataset(collect.get("anns", ANN))
    [published] = datasets.all_datasets(root)
    assert (published.owner, published.owner_name, published.path) == (ANN.id, "Ann", path)
    record = json.loads((root / datasets.OWNERS / "anns.json").read_text())
    assert record["bytes"] > 0
    collect.create("second", ["a", "b"], ANN)  # the published copy is not counted again beside its draft
    with pytest.raises(CatdogError) as caught:
        collect.create("third", ["a", "b"], ANN)
    assert caught.value.key == "quota_datasets"


def test_a_student_cannot_fill_the_disk_through_a_collection(root, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_UPLOAD_DISK_MB", "0")
    made = collect.create("anns", ["cats", "dogs"], ANN)
    with pytest.raises(CatdogError) as caught:
        _fill(made, "cats", 1, who=ANN)
    assert caught.value.key == "quota_upload_disk"
    assert collect.get("anns", ANN).photo_count == 0


def test_six_tabs_creating_collections_at_once_keep_to_the_quota(root, monkeypatch):

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_DATASETS", "3")
    bia = Identity("bia", "Bia")
    outcomes = at_once(lambda number: collect.create(f"draft {number}", ["rock", "paper"], bia), 6)
    assert outcomes == ["ok"] * 3 + ["quota_datasets"] * 3


def test_classes_keep_the_order_they_were_typed_in(root):
    """Issue 27: "pedra, papel, tesoura" came back as "papel, pedra, tesoura"."""
    collection = collect.create("jogo", ["pedra", "papel", "tesoura"], root=root)
    assert [c.name for c in collection.classes] == ["pedra", "papel", "tesoura"]
    collect.add_class(collection, "lagarto")
    collection = collect.get("jogo", root=root)
    collect.rename_class(collection, "papel", "folha")
    collection = collect.get("jogo", root=root)
    collect.delete_class(collection, "pedra")
    assert [c.name for c in collect.get("jogo", root=root).classes] == ["folha", "tesoura", "lagarto"]
