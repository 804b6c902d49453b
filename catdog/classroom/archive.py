"""Importing a dataset from a zip file, safely: only into the data root, never half-done.

A zip from a stranger can try to write outside the target (`../evil`, `/etc/x`), plant
symlinks, or expand to gigabytes from a few kilobytes. Every entry is checked before
anything is written, sizes are counted again while extracting (a lying header cannot
get past), and extraction goes to a temporary folder that is renamed into place only
when complete and valid.
"""

from __future__ import annotations

import errno
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

from catdog import names, storage
from catdog.access import Identity
from catdog.classroom import collect, datasets
from catdog.data import folders, images
from catdog.errors import CatdogError
from catdog.names import NameKind
from catdog.settings import data_root, limits

MAX_TOTAL_BYTES = 800_000_000  # uncompressed; the 3000 sample photos are 135 MB
MAX_FILES = 50_000
MAX_ENTRIES = 60_000  # files and folders, read from the zip's end before its directory is parsed
MAX_DEPTH = 6  # folders deep: the usual zip/train/cats/photo.jpg is 4
MAX_DIRECTORY_BYTES = 16 * 2**20  # the zip's directory: ~280 bytes an entry at MAX_ENTRIES
CHUNK = 1 << 20
END_RECORD = b"PK\x05\x06"  # the end of central directory record's signature


def _directory_entries(source) -> int:
    """How many entries the zip's directory holds, counted in its bytes before ZipFile() parses it:
    a zip of 300 000 folder entries cost 4-5 s and +260 MB there. The count the end record states
    can lie (zipfile reads by the directory's size), so the entries' signatures are counted too."""
    source.seek(0, 2)
    size = source.tell()
    source.seek(max(0, size - 65_557))  # the record (22 bytes) plus the longest comment
    tail = source.read()
    found = tail.rfind(END_RECORD)
    if found < 0 or len(tail) < found + 22:
        source.seek(0)
        raise CatdogError("zip_unreadable", reason="no end of central directory")
    stated, directory_bytes = struct.unpack("<H", tail[found + 10:found + 12])[0], \
        struct.unpack("<I", tail[found + 12:found + 16])[0]
    if stated == 0xFFFF or directory_bytes > MAX_DIRECTORY_BYTES:  # Zip64, or a directory no dataset needs
        source.seek(0)
        return MAX_ENTRIES + 1
    end = size - len(tail) + found
    source.seek(max(0, end - directory_bytes))
    counted = source.read(min(directory_bytes, end)).count(b"PK\x01\x02")
    source.seek(0)
    return max(stated, counted)


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


def _check_names(archive: zipfile.ZipFile) -> None:
    """Every folder and file name by the one name rule, no deeper than MAX_DEPTH, and no two
    entries that would land on one path (a file and a folder of one name, "café" written two
    ways, `Cats` beside `cats`): refused before anything is written."""
    written_as: dict[str, str] = {}  # each path, compared as names are, to how the zip first wrote it
    is_folder: dict[str, bool] = {}
    for info in archive.infolist():
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if not parts or parts[0] == "__MACOSX":
            continue
        if len(parts) > MAX_DEPTH:
            raise CatdogError("zip_too_deep", entry=info.filename[:120], depth=len(parts), limit=MAX_DEPTH)
        hidden_file = not info.is_dir() and parts[-1].startswith(".")  # .DS_Store: skipped, not refused
        for part in parts[:-1] if hidden_file else parts:
            try:
                names.check_name(part, NameKind.ENTRY)
            except CatdogError as error:
                raise CatdogError("entry_name_refused", **error.params) from error
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            key, folder = names.comparable(path), depth < len(parts) or info.is_dir()
            if written_as.setdefault(key, path) != path:
                raise CatdogError("zip_name_clash", first=written_as[key][:120], second=path[:120])
            if is_folder.setdefault(key, folder) != folder:
                raise CatdogError("zip_name_clash", first=path[:120], second=path[:120] + "/")


def _check_entries(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    entries = [(info, _safe_name(info)) for info in archive.infolist()]  # escapes first, by name
    locked = next((info.filename for info in archive.infolist() if info.flag_bits & 0x1), None)
    if locked is not None:
        raise CatdogError("zip_encrypted", entry=locked[:120])
    _check_names(archive)
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
        destination = target.joinpath(*(names.check_name(part, NameKind.ENTRY) for part in path.parts))
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(destination, "wb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)  # counted as extracted, whatever the header said
                    if written > MAX_TOTAL_BYTES:
                        raise CatdogError("zip_bomb", limit_gigabytes=MAX_TOTAL_BYTES / 1e9)
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
            # a bad CRC, a lying size header, a method zipfile cannot read: named, not a traceback
            raise CatdogError("zip_damaged_entry", entry=info.filename[:120], reason=str(error)[:120]) from error
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise CatdogError("disk_full", what="zip") from error
            raise CatdogError("zip_damaged_entry", entry=info.filename[:120], reason=error.strerror or "") from error


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

    On a shared server the dataset is recorded as `owner`'s, within their quotas: the last check
    and the dataset it admits happen under the data root's lock, so six imports at once cannot all
    get in under a quota of three."""
    root = Path(root or data_root())
    name = names.check_name(name, NameKind.DATASET)  # refused, never rewritten
    root.mkdir(parents=True, exist_ok=True)
    with ExitStack() as closing:
        if isinstance(source, (str, Path)):
            source = closing.enter_context(open(source, "rb"))
        received = source.seek(0, 2)
        source.seek(0)
        if received > limits().max_upload_mb * 2**20:  # whatever the browser was told: checked here too
            raise CatdogError("upload_too_big", megabytes=received / 2**20, limit_mb=limits().max_upload_mb)
        if _directory_entries(source) > MAX_ENTRIES:
            raise CatdogError("zip_too_many_entries", limit=MAX_ENTRIES)
        try:
            archive = closing.enter_context(zipfile.ZipFile(source))
        except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as error:  # e.g. a newer zip version
            raise CatdogError("zip_unreadable", reason=str(error)[:120]) from error
        entries = _check_entries(archive)
        claimed = sum(info.file_size for info, _ in entries)
        _admit(name, owner, claimed, root)  # refused now, before the work, where it already would be
        return _unpack(archive, entries, root, name, owner, claimed)


def _admit(name: str, owner: Identity | None, claimed: int, root: Path) -> None:
    """The name free and the quota room, under the data root's lock (with what it guards after it)."""
    collect.check_name_free(name, owner, root)  # nor a draft's name, which its publish will need
    datasets.check_import_quota(owner, claimed, root)


def _named(value, folders_made: tuple[Path, ...], name: str):
    """A message parameter with the import's temporary folders named as the dataset."""
    for folder in folders_made if isinstance(value, str) else ():
        value = value.replace(str(folder), name)
    return value


def _unpack(archive, entries, root: Path, name: str, owner: Identity | None, claimed: int) -> dict:
    """Extract into a temporary folder of the data root, check it is a dataset, then, under the data
    root's lock, check the name and the quota again (another import may have landed meanwhile) and
    rename it into place. The extraction itself holds no lock: nobody else waits for it."""
    skipped: list[str] = []
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=root))
    try:
        _extract(archive, entries, work, skipped)
        folder = _dataset_folder(work)
        try:
            dataset = folders.load_dataset(folder)  # explains a wrong layout before anything is kept
            for class_name in dataset.class_names:
                names.check_name(class_name, NameKind.CLASS)
        except CatdogError as error:  # said with the dataset's name, never the server's temporary folder
            raise error.with_params(**{key: _named(value, (folder, work), name)
                                       for key, value in error.params.items()}) from error
        target = root / name
        with storage.locked_folder(root):
            _admit(name, owner, claimed, root)
            folder.rename(target)
            datasets.record_owner(target, owner)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # a failed import leaves nothing behind
    return {"path": str(target), "class_names": dataset.class_names, "skipped": skipped,
            "images": len(dataset.train.paths) + len(dataset.validation.paths)}
