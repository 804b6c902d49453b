"""Writes a reader never sees half of, that leave nothing behind when they fail; tolerant reads."""

import numpy as np
import pytest

from catdog import storage


def test_atomic_write_leaves_no_temp_files_and_replaces_whole(tmp_path):
    target = tmp_path / "f.json"
    storage.write_json(target, {"a": 1})
    storage.write_json(target, {"a": 2})
    assert target.read_text().count('"a": 2') == 1
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_partial_one(tmp_path):
    target = tmp_path / "shard.npz"
    storage.write_atomic(target, b"old")
    with pytest.raises(OSError), storage.replacing(target) as partial:
        partial.write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["shard.npz"]


def test_the_temporary_name_keeps_the_suffix_that_numpy_and_keras_insist_on(tmp_path):
    target = tmp_path / "features.npz"
    with storage.replacing(target) as partial:
        assert partial.suffix == ".npz" and partial.parent == tmp_path and partial.name.startswith(".")
        np.savez(partial, values=np.arange(3))  # adds no second .npz: the rename finds its file
    assert np.load(target)["values"].tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["features.npz"]


def test_reads_of_missing_or_damaged_json_give_none(tmp_path):
    (tmp_path / "half.json").write_text('{"state": "do')
    assert storage.read_json(tmp_path / "half.json") is None
    assert storage.read_json(tmp_path / "missing.json") is None
    storage.write_json(tmp_path / "whole.json", {"state": "done"})
    assert storage.read_json(tmp_path / "whole.json") == {"state": "done"}


def test_a_written_file_gets_the_mode_of_any_new_file_not_a_private_one(tmp_path):
    """mkstemp's temporary file is private (0600); a model or a converted extractor in a shared
    folder must stay readable by the other users a plain new file would be readable by."""
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    storage.write_atomic(tmp_path / "model.keras", b"zip")
    assert (tmp_path / "model.keras").stat().st_mode == plain.stat().st_mode
