"""Datasets on a shared server: who owns each, who may delete it, quotas, the hidden test set."""

import io
import zipfile

import pytest

from catdog.access import Identity
from catdog.classroom import archive, datasets
from catdog.errors import CatdogError
from helpers import make_dataset, make_image

ANA, BIA, TEACHER = Identity("a" * 40, "Ana"), Identity("b" * 40, "Bia"), Identity("t" * 40, "Teacher", teacher=True)


def _zip(tmp_path, photos: int = 2) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for kind, name in enumerate(("cats", "dogs")):
            for i in range(photos):
                z.writestr(f"{name}/{i}.jpg", make_image(tmp_path / f"{name}{i}.jpg", kind, seed=i).read_bytes())
    buffer.seek(0)
    return buffer


@pytest.fixture
def hosted(tmp_path, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path / "data"


def test_an_import_records_its_owner_and_only_they_or_the_teacher_may_delete_it(tmp_path, hosted):
    archive.import_zip(_zip(tmp_path), "anas", hosted, owner=ANA)
    archive.import_zip(_zip(tmp_path), "bias", hosted, owner=BIA)
    found = {d.name: d for d in datasets.all_datasets(hosted)}
    assert (found["anas"].owner, found["anas"].owner_name) == (ANA.id, "Ana") and found["anas"].bytes > 0
    with pytest.raises(CatdogError) as refused:
        datasets.delete_dataset("anas", BIA, hosted)
    assert refused.value.key == "not_your_dataset" and (hosted / "anas").is_dir()
    datasets.delete_dataset("anas", ANA, hosted)
    datasets.delete_dataset("bias", TEACHER, hosted)
    assert datasets.all_datasets(hosted) == []


def test_a_dataset_the_host_put_there_is_the_teachers_to_delete(hosted):
    make_dataset(hosted / "sample", per_class=1)
    with pytest.raises(CatdogError) as refused:
        datasets.delete_dataset("sample", ANA, hosted)
    assert refused.value.key == "shared_dataset"
    datasets.delete_dataset("sample", TEACHER, hosted)
    assert not (hosted / "sample").exists()


def test_a_linked_dataset_is_unlinked_and_its_photos_stay(tmp_path, hosted):
    photos = make_dataset(tmp_path / "elsewhere", per_class=1)
    hosted.mkdir()
    (hosted / "linked").symlink_to(photos)
    datasets.delete_dataset("linked", None, hosted)
    assert not (hosted / "linked").exists() and photos.is_dir()


def test_quotas_on_datasets_kept_and_on_uploaded_bytes_name_what_to_delete(tmp_path, hosted, monkeypatch):
    monkeypatch.setenv("CATDOG_MAX_DATASETS", "1")
    archive.import_zip(_zip(tmp_path), "first", hosted, owner=ANA)
    with pytest.raises(CatdogError, match="first") as refused:
        archive.import_zip(_zip(tmp_path), "second", hosted, owner=ANA)
    assert refused.value.key == "quota_datasets" and not (hosted / "second").exists()
    archive.import_zip(_zip(tmp_path), "teachers", hosted, owner=TEACHER)  # the teacher has no quota
    monkeypatch.setenv("CATDOG_MAX_DATASETS", "5")
    monkeypatch.setenv("CATDOG_MAX_UPLOAD_DISK_MB", "0")
    with pytest.raises(CatdogError) as refused:
        archive.import_zip(_zip(tmp_path), "third", hosted, owner=ANA)
    assert refused.value.key == "quota_upload_disk" and refused.value.params["names"] == "first"


def test_students_do_not_see_the_hidden_test_set_and_the_teacher_does(hosted):
    for name in ("pets", "exam"):
        make_dataset(hosted / name, per_class=1)
    names = lambda who: [d.name for d in datasets.list_datasets(who, hosted, hidden="exam")]
    assert names(ANA) == ["pets"] and names(TEACHER) == ["exam", "pets"] and names(None) == ["exam", "pets"]


def test_a_dataset_a_queued_run_uses_cannot_be_deleted(tmp_path, hosted, monkeypatch):
    from catdog import runs
    from catdog.config import TrainConfig

    archive.import_zip(_zip(tmp_path), "anas", hosted, owner=ANA)
    runs.create_run(TrainConfig(data_dir=str(hosted / "anas"), weights="none"), tmp_path / "models", ANA)
    with pytest.raises(CatdogError) as refused:
        datasets.delete_dataset("anas", ANA, hosted)
    assert refused.value.key == "dataset_busy" and (hosted / "anas").is_dir()


def test_folders_an_earlier_catdog_let_in_under_hidden_names_are_shown_to_the_teacher_to_delete(hosted):
    """`_h1`, `_h2`... were stored, counted by no quota, listed nowhere and deletable by nobody."""
    for name in ("_h1", "ca\nts", "pets"):
        make_dataset(hosted / name, per_class=2)
    (hosted / "downloads").mkdir()  # the sample's download folder: catdog's own
    assert datasets.misnamed(hosted) == ["_h1", "ca\nts"]
    assert [dataset.name for dataset in datasets.all_datasets(hosted)] == ["pets"]
    with pytest.raises(CatdogError) as refused:
        datasets.delete_misnamed("_h1", ANA, hosted)
    assert refused.value.key == "teacher_only_misnamed"
    datasets.delete_misnamed("_h1", TEACHER, hosted)
    datasets.delete_misnamed("ca\nts", TEACHER, hosted)
    assert datasets.misnamed(hosted) == [] and (hosted / "pets").is_dir() and (hosted / "downloads").is_dir()
