"""Importing a dataset from a zip file, safely: only into the data root, never half-done.

A zip from a stranger can try to write outside the target (`../evil`, `/etc/x`), plant
symlinks, or expand to gigabytes from a few kilobytes. Every entry is checked before
anything is written, sizes are counted again while extracting (a lying header cannot
get past), and extraction goes to a temporary folder that is renamed into place only
when complete and valid.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from catdog.access import Identity
from catdog.classroom import collect, datasets
from catdog.data import folders, images
from catdog.errors import CatdogError
from catdog.settings import data_root, limits

MAX_TOTAL_BYTES = 800_000_000  # uncompressed; the 3000 sample photos are 135 MB
MAX_FILES = 50_000
CHUNK = 1 << 20


def _safe_name(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's relative path, or an error for anything that could escape the target."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise CatdogError("zip_absolute_path", entry=info.filename)
    if ".." in path.parts:
        raise CatdogError("zip_leaves_folder", entry=info.filename)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise CatdogError("zip_symlink", entry=info.filename)
    if path.parts and path.parts[0] == "__MACOSX":
        return None  # macOS resource forks: not photos
    return path


def _check_entries(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    entries = [(info, _safe_name(info)) for info in archive.infolist()]
    entries = [(info, path) for info, path in entries if path is not None and not info.is_dir()]
    most = min(MAX_FILES, limits().max_images_per_dataset)
    if len(entries) > most:
        raise CatdogError("zip_too_many_files", count=len(entries), limit=most)
    claimed = sum(info.file_size for info, _ in entries)
    if claimed > MAX_TOTAL_BYTES:
        raise CatdogError("zip_too_large", gigabytes=claimed / 1e9, limit_gigabytes=MAX_TOTAL_BYTES / 1e9)
    return entries


def _extract(archive, entries, target: Path, skipped: list[str]) -> None:
    written = 0
    for info, path in entries:
        if path.suffix.lower() not in images.IMAGE_EXTENSIONS or path.name.startswith("."):
            skipped.append(str(path))
            continue
        destination = target.joinpath(*path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, open(destination, "wb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)  # counted as extracted, whatever the header said
                if written > MAX_TOTAL_BYTES:
                    raise CatdogError("zip_bomb", limit_gigabytes=MAX_TOTAL_BYTES / 1e9)
                sink.write(chunk)


def _dataset_folder(extracted: Path) -> Path:
    """The folder to keep: the zip's single top folder if it wraps everything, else the whole."""
    children = [p for p in extracted.iterdir() if not p.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir() and not (extracted / "train").is_dir():
        inner = children[0]
        if (inner / "train").is_dir() or len([c for c in inner.iterdir() if c.is_dir()]) >= 2:
            return inner
    return extracted


def import_zip(source, name: str, root=None, owner: Identity | None = None) -> dict:
    """Extract a dataset zip (path or file-like) into `<data root>/<name>`; returns a report.

    On a shared server the dataset is recorded as `owner`'s, within their quotas."""
    root = Path(root or data_root())
    clean = "".join(ch for ch in name if ch.isalnum() or ch in "-_ .").strip(" .")
    if not clean:
        raise CatdogError("dataset_name_invalid", name=name)
    target = root / clean
    collect.check_name_free(clean, owner, root)  # nor a draft's name, which its publish will need
    root.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise CatdogError("zip_unreadable", reason=str(error)) from error
    skipped: list[str] = []
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=root))
    try:
        with archive:
            entries = _check_entries(archive)
            datasets.check_import_quota(owner, sum(info.file_size for info, _ in entries), root)
            _extract(archive, entries, work, skipped)
        folder = _dataset_folder(work)
        dataset = folders.load_dataset(folder)  # explains a wrong layout before anything is kept
        folder.rename(target)
        datasets.record_owner(target, owner)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # a failed import leaves nothing behind
    return {"path": str(target), "class_names": dataset.class_names, "skipped": skipped,
            "images": len(dataset.train.paths) + len(dataset.validation.paths)}
