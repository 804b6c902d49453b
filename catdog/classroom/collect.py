"""Making a dataset in the browser: name it, add classes, add photos to each, then train on it.

A collection is a draft kept in `<data root>/.collections/<name>/<class>/` (hidden from the
dataset list, where a half-made dataset would only fail on the Train page) until
`catdog.classroom.publish` writes it as a dataset. Owners are recorded as for imported datasets
(`datasets.OWNERS`). Every photo is checked as every upload is and stored again as an upright
JPEG without EXIF (`images.stored_jpeg`).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from catdog import names, storage
from catdog.access import Identity, may_change
from catdog.classroom import datasets
from catdog.data import images
from catdog.errors import CatdogError
from catdog.names import NameKind
from catdog.settings import data_root, limits
from catdog.storage import read_json, write_atomic, write_json

MIN_PHOTOS_PER_CLASS = 10  # fewer, and 20% for validation leaves one or two photos to judge a class by
MIN_CLASSES = 2
MAX_CLASSES = 20
STORED_SIDE = 1024  # the largest photo size catdog trains at: more pixels would only take disk
DRAFTS = ".collections"


@dataclass(frozen=True)
class PhotoClass:
    name: str
    photos: list[Path]


@dataclass(frozen=True)
class Collection:
    name: str
    path: Path  # the draft
    owner: str | None
    owner_name: str
    classes: list[PhotoClass]

    @property
    def short(self) -> dict[str, int]:
        """{class: photos still missing} for the classes below the minimum."""
        return {c.name: MIN_PHOTOS_PER_CLASS - len(c.photos) for c in self.classes
                if len(c.photos) < MIN_PHOTOS_PER_CLASS}

    @property
    def ready(self) -> bool:
        return len(self.classes) >= MIN_CLASSES and not self.short

    @property
    def photo_count(self) -> int:
        return sum(len(c.photos) for c in self.classes)


@dataclass(frozen=True)
class Added:
    added: list[str]  # the names of the photos stored
    duplicates: list[str]  # already in the class: the same photo twice would only weigh double
    refused: list[tuple[str, CatdogError]]  # each with its reason


def check_name(name: str, kind: NameKind) -> str:
    """A name typed in the collection's form, by the one name rule (`catdog.names`); the spaces a
    form's field leaves around it are not part of it."""
    return names.check_name(name.strip() if isinstance(name, str) else name, kind)


def drafts_folder(root) -> Path:
    """Where drafts live: `<data root>/.collections`."""
    return Path(root or data_root()) / DRAFTS


def _owner_record(folder: Path) -> dict:
    record = read_json(folder.parent / datasets.OWNERS / f"{folder.name}.json")
    return record if isinstance(record, dict) else {}


def write_record(folder: Path, owner: str | None, owner_name: str) -> None:
    """The owner and the bytes on disk, beside the folder (as `datasets.record_owner`, which would
    make whoever edits it last, e.g. the teacher, its owner)."""
    if owner is None:
        return
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    (folder.parent / datasets.OWNERS).mkdir(exist_ok=True)
    write_json(folder.parent / datasets.OWNERS / f"{folder.name}.json",
               {"owner": owner, "owner_name": owner_name, "bytes": size, "collection": True})


ORDER = ".classes.json"  # the classes in the order they were typed (the folders list them sorted)


def _write_order(folder: Path, names: list[str]) -> None:
    write_json(folder / ORDER, names)


def _read(folder: Path) -> Collection:
    record, typed = _owner_record(folder), read_json(folder / ORDER)
    typed = [name for name in typed if isinstance(name, str)] if isinstance(typed, list) else []
    place = lambda d: (typed.index(d.name), "") if d.name in typed else (len(typed), d.name)
    classes = [PhotoClass(d.name, sorted(p for p in d.iterdir() if p.suffix == ".jpg" and not p.name.startswith(".")))
               for d in sorted(folder.iterdir(), key=place) if d.is_dir()]
    return Collection(folder.name, folder, record.get("owner"), record.get("owner_name", ""), classes)


def list_collections(who: Identity | None = None, root=None) -> list[Collection]:
    """The drafts `who` may change (a student: their own; the teacher and a single user: all)."""
    folder = drafts_folder(root)
    if not folder.is_dir():
        return []
    found = [_read(d) for d in sorted(folder.iterdir()) if d.is_dir() and not d.name.startswith(".")]
    return [c for c in found if may_change(who, c.owner)]


def get(name: str, who: Identity | None = None, root=None) -> Collection:
    """The collection `name`, if it exists and `who` may change it. The functions below take a
    Collection from here or from `list_collections`, which both check who may change it."""
    folder = drafts_folder(root) / name
    if not name or Path(name).name != name or name.startswith(".") or not folder.is_dir():  # a name, no path
        raise CatdogError("collection_not_found", name=name)
    found = _read(folder)
    if not may_change(who, found.owner):
        raise CatdogError("not_your_collection", dataset=name, owner=found.owner_name or "?")
    return found


def _check_quota(who: Identity | None, adding_bytes: int, root, new: bool) -> None:
    """A student's drafts count with their imports: as many datasets, as much disk. A published
    collection is not counted again beside its draft (the same photos)."""
    if who is None or who.teacher:
        return
    allowed = limits()
    drafts = list_collections(who, root)
    draft_names = {c.name for c in drafts}
    imported = [d for d in datasets.all_datasets(root) if d.owner == who.id and d.name not in draft_names]
    names = ", ".join(sorted(draft_names | {d.name for d in imported}))
    if new and len(drafts) + len(imported) >= allowed.max_datasets:
        raise CatdogError("quota_datasets", count=len(drafts) + len(imported), limit=allowed.max_datasets,
                          names=names)
    used = sum(d.bytes for d in imported) + sum(f.stat().st_size for c in drafts for k in c.classes for f in k.photos)
    if used + adding_bytes > allowed.max_upload_disk_mb * 2**20:
        raise CatdogError("quota_upload_disk", used_mb=round(used / 2**20), size_mb=round(adding_bytes / 2**20),
                          limit_mb=allowed.max_upload_disk_mb, names=names or "-")


def create(name: str, class_names: list[str], who: Identity | None = None, root=None) -> Collection:
    """A new, empty collection with these classes (more can be added later)."""
    name = check_name(name, NameKind.DATASET)
    folder = drafts_folder(root) / name
    checked = _new_class_names(class_names, [])
    with storage.locked_folder(Path(root or data_root())):  # six tabs at once: one at a time
        check_name_free(name, who, root)
        _check_quota(who, 0, root, new=True)
        folder.mkdir(parents=True)
        write_record(folder, who and who.id, who.name if who else "")  # counted by the next tab's check
    for class_name in checked:
        (folder / class_name).mkdir()
    _write_order(folder, checked)
    return _read(folder)


def check_name_free(name: str, who: Identity | None, root=None) -> None:
    """Refuse `name` for a new dataset or draft when a dataset or a draft has it, in any case (a
    published draft becomes the dataset of its name)."""
    drafts = drafts_folder(root)
    taken = {names.comparable(child.name): child for parent in (drafts, drafts.parent) if parent.is_dir()
             for child in parent.iterdir()}
    clash = taken.get(names.comparable(name))
    if clash is None:
        return
    if clash.parent == drafts and not may_change(who, _owner_record(clash).get("owner")):
        # Another student's draft, which this student cannot see: "already exists" would puzzle them.
        free = next(f"{name} {n}" for n in range(2, 10**6) if names.comparable(f"{name} {n}") not in taken)
        raise CatdogError("collection_name_taken", name=name, suggestion=free)
    raise CatdogError("dataset_exists", name=clash.name)


def _new_class_names(typed: list[str], existing: list[str]) -> list[str]:
    checked, seen = [], {names.comparable(n) for n in existing}
    for raw in typed:
        name = check_name(raw, NameKind.CLASS)
        if names.comparable(name) in seen:
            raise CatdogError("class_exists", name=name)
        seen.add(names.comparable(name))
        checked.append(name)
    if len(seen) > MAX_CLASSES:
        raise CatdogError("too_many_classes", count=len(seen), limit=MAX_CLASSES)
    return checked


def add_class(collection: Collection, name: str) -> None:
    [name] = _new_class_names([name], [c.name for c in collection.classes])
    (collection.path / name).mkdir()
    _write_order(collection.path, [c.name for c in collection.classes] + [name])


def rename_class(collection: Collection, old: str, new: str) -> None:
    _class_folder(collection, old)
    [new] = _new_class_names([new], [c.name for c in collection.classes if c.name != old])
    (collection.path / old).rename(collection.path / new)
    _write_order(collection.path, [new if c.name == old else c.name for c in collection.classes])


def _check_room(collection: Collection, adding: int) -> None:
    room = limits().max_images_per_dataset - collection.photo_count
    if adding > room:
        raise CatdogError("too_many_photos", count=adding, room=max(room, 0), limit=limits().max_images_per_dataset)


def delete_class(collection: Collection, name: str) -> None:
    shutil.rmtree(_class_folder(collection, name))
    _write_order(collection.path, [c.name for c in collection.classes if c.name != name])
    write_record(collection.path, collection.owner, collection.owner_name)


def _class_folder(collection: Collection, name: str) -> Path:
    if name not in [c.name for c in collection.classes]:
        raise CatdogError("class_not_found", name=name, allowed=", ".join(c.name for c in collection.classes))
    return collection.path / name


def _stored(data: bytes, name: str) -> bytes:
    if len(data) > limits().max_upload_mb * 2**20:
        raise CatdogError("photo_too_big", name=name, mb=round(len(data) / 2**20, 1), limit_mb=limits().max_upload_mb)
    return images.stored_jpeg(data, name, STORED_SIDE)


def add_photos(collection: Collection, class_name: str, photos: list[tuple[str, bytes]],
               who: Identity | None = None) -> Added:
    """Store `photos` ((file name, bytes) each) in a class; a bad file is refused with its reason
    and does not stop the others."""
    folder = _class_folder(collection, class_name)
    _check_room(collection, len(photos))
    converted, refused = [], []
    for name, data in photos:
        try:
            converted.append((name, _stored(data, name)))
        except CatdogError as error:
            refused.append((name, error))
    added, duplicates = [], []
    root = collection.path.parent.parent
    with storage.locked_folder(root):  # two tabs adding at once count against one quota
        _check_room(_read(collection.path), len(converted))  # again: another tab may have added meanwhile
        _check_quota(who, sum(len(jpeg) for _, jpeg in converted), root, new=False)
        for name, jpeg in converted:
            target = folder / f"photo-{hashlib.sha256(jpeg).hexdigest()[:16]}.jpg"
            if target.exists():
                duplicates.append(name)
                continue
            write_atomic(target, jpeg)  # a photo is there whole or not at all
            added.append(name)
    write_record(collection.path, collection.owner, collection.owner_name)
    return Added(added, duplicates, refused)


def remove_photo(collection: Collection, class_name: str, photo: str) -> None:
    """Delete one photo, by its file name, from a class."""
    target = _class_folder(collection, class_name) / Path(photo).name  # a name, never a path elsewhere
    if not target.is_file():
        raise CatdogError("photo_not_found", name=Path(photo).name, label=class_name)
    target.unlink()
    write_record(collection.path, collection.owner, collection.owner_name)


def delete(collection: Collection) -> None:
    """Delete the draft; a published copy stays a dataset (deleted like any other, on Home)."""
    shutil.rmtree(collection.path)
    (collection.path.parent / datasets.OWNERS / f"{collection.name}.json").unlink(missing_ok=True)
