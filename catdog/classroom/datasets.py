"""Datasets under the data root: which there are, who owns each, quotas, and deleting one.

An imported dataset's owner is recorded in `<data root>/.owners/<name>.json`, beside the
dataset rather than inside it, so a folder linked from elsewhere is never written to. A
dataset without a record (the sample, a folder the host copied in) belongs to nobody: on a
shared server only the teacher may delete it. The leaderboard's test set is listed for the
teacher only: students never browse, train on or evaluate with its photos.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from catdog import names, runs
from catdog.access import Identity, check_may_change
from catdog.errors import CatdogError
from catdog.names import NameKind
from catdog.settings import data_root, limits
from catdog.storage import read_json, write_json

OWNERS = ".owners"
SKIPPED = ("downloads",)  # the sample's download folder


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    owner: str | None  # the identity that imported it (hosted mode), else None
    owner_name: str
    bytes: int  # what its import wrote to disk (0 when not imported through catdog)


def _looks_like_dataset(folder: Path) -> bool:
    return (folder / "train").is_dir() or any(child.is_dir() for child in folder.iterdir())


def _record(root: Path, name: str) -> dict:
    record = read_json(root / OWNERS / f"{name}.json")
    return record if isinstance(record, dict) else {}


def all_datasets(root=None) -> list[Dataset]:
    """Every folder under the data root that looks like a dataset, by name, with its owner."""
    root = Path(root or data_root())
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name not in SKIPPED and _looks_like_dataset(folder) and not _hides(folder.name):
            record = _record(root, folder.name)
            found.append(Dataset(folder.name, folder, record.get("owner"), record.get("owner_name", ""),
                                 int(record.get("bytes", 0))))
    return found


def misnamed(root=None) -> list[str]:
    """Folders of the data root whose names could hide or confuse by the name rule (`catdog.names`),
    left by an earlier catdog or put there by hand (`_h1`, a name with a line break): no list shows
    them and no quota counts them, so the teacher is shown them to delete. catdog's own places
    (dot folders, the sample's downloads) are not among them."""
    root = Path(root or data_root())
    if not root.is_dir():
        return []
    return sorted(folder.name for folder in root.iterdir() if folder.is_dir() and not folder.name.startswith(".")
                  and folder.name not in SKIPPED and _hides(folder.name))


def _hides(name: str) -> bool:
    return names.problem(name, NameKind.DATASET) in names.HIDING


def delete_misnamed(name: str, who: Identity | None = None, root=None) -> None:
    """The teacher (or a single user) deletes a misnamed folder of the data root."""
    if who is not None and not who.teacher:
        raise CatdogError("teacher_only_misnamed")
    root = Path(root or data_root())
    if name not in misnamed(root):
        raise CatdogError("dataset_not_found", name=name)
    shutil.rmtree(root / name)
    (root / OWNERS / f"{name}.json").unlink(missing_ok=True)


def list_datasets(who: Identity | None = None, root=None, hidden: str | None = None) -> list[Dataset]:
    """The datasets `who` may use: all of them, less the `hidden` test set unless `who` is the teacher."""
    return [d for d in all_datasets(root) if who is None or who.teacher or d.name != hidden]


def check_import_quota(who: Identity | None, upload_bytes: int, root=None) -> None:
    """A student may keep a few imported datasets and a bounded amount of uploaded photos
    (hosted mode; not the teacher). The message names what to delete."""
    allowed = limits()
    if who is None or who.teacher:
        return
    mine = [d for d in all_datasets(root) if d.owner == who.id]
    names = ", ".join(d.name for d in mine)
    if len(mine) >= allowed.max_datasets:
        raise CatdogError("quota_datasets", count=len(mine), limit=allowed.max_datasets, names=names)
    used = sum(d.bytes for d in mine)
    if used + upload_bytes > allowed.max_upload_disk_mb * 2**20:
        raise CatdogError("quota_upload_disk", used_mb=round(used / 2**20), size_mb=round(upload_bytes / 2**20),
                          limit_mb=allowed.max_upload_disk_mb, names=names or "-")


def record_owner(path: Path, who: Identity | None) -> None:
    """Note who imported the dataset at `path` and what it takes on disk (hosted mode)."""

    if who is None:
        return
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    (path.parent / OWNERS).mkdir(exist_ok=True)
    write_json(path.parent / OWNERS / f"{path.name}.json", {"owner": who.id, "owner_name": who.name, "bytes": size})


def delete_dataset(name: str, who: Identity | None = None, root=None) -> None:
    """Delete a dataset; in hosted mode only the student who imported it, or the teacher, may."""
    root = Path(root or data_root())
    found = next((d for d in all_datasets(root) if d.name == name), None)
    if found is None:
        raise CatdogError("dataset_not_found", name=name)
    if found.owner is None and who is not None and not who.teacher:
        raise CatdogError("shared_dataset", dataset=name)
    check_may_change(who, found.owner, found.owner_name, dataset=name)

    if any(run.state.waiting and Path(run.config.data_dir).resolve() == found.path.resolve()
           for run in runs.list_runs()):
        raise CatdogError("dataset_busy", dataset=name)
    if found.path.is_symlink():
        found.path.unlink()  # a link to photos kept elsewhere: the photos stay where they are
    else:
        shutil.rmtree(found.path)
    (root / OWNERS / f"{name}.json").unlink(missing_ok=True)
