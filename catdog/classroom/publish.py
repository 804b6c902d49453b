"""A collection published as a dataset: `<data root>/<name>/` in the usual `train/` + `validation/`
layout, each class split by TrainConfig's validation fraction, so that every class has validation
photos (a random split of a whole folder of 30 photos does not promise it). The draft stays
(`catdog.classroom.collect`), so a student can add photos and publish again; the dataset appears whole or not
at all, and never replaces a dataset that a publish did not write.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from catdog import runs, storage
from catdog.classroom.collect import MIN_CLASSES, MIN_PHOTOS_PER_CLASS, Collection, drafts_folder, write_record
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from catdog.settings import data_root

MARKER = ".catdog-collection"  # in a published dataset: a later publish of its draft may replace it
VALIDATION_FRACTION = TrainConfig.__dataclass_fields__["validation_fraction"].default


def _split(photos: list[Path]) -> dict[str, list[Path]]:
    """Validation: the first photos by file name (a hash of the photo: a random order that stays
    put as photos are added, so a photo rarely moves from validation into training)."""
    cut = max(1, round(len(photos) * VALIDATION_FRACTION))
    ordered = sorted(photos, key=lambda p: p.name)
    return {"validation": ordered[:cut], "train": ordered[cut:]}


def _busy(target: Path) -> bool:
    return any(run.state.waiting and Path(run.config.data_dir).resolve() == target.resolve()
               for run in runs.list_runs())


def to_dataset(collection: Collection, root=None) -> Path:
    """Write the collection as the dataset `<data root>/<name>` (train/ and validation/ per class),
    replacing what an earlier publish wrote; returns its path. Refused until every class has
    MIN_PHOTOS_PER_CLASS photos, or while a run waiting or training reads the dataset."""
    if len(collection.classes) < MIN_CLASSES:
        raise CatdogError("too_few_classes", count=len(collection.classes), minimum=MIN_CLASSES)
    if collection.short:
        raise CatdogError("too_few_photos", minimum=MIN_PHOTOS_PER_CLASS,
                          missing=", ".join(f"{name} ({count})" for name, count in collection.short.items()))
    root = Path(root or data_root())
    with storage.locked_folder(root):  # two tabs publishing at once: one after the other
        return _publish(collection, root)


def _publish(collection: Collection, root: Path) -> Path:
    target = root / collection.name
    if target.exists() and not (target / MARKER).is_file():
        raise CatdogError("dataset_exists", name=collection.name)
    if target.exists() and _busy(target):
        raise CatdogError("collection_busy", dataset=collection.name)
    work = drafts_folder(root) / f".publish-{collection.name}"
    shutil.rmtree(work, ignore_errors=True)  # left by a publish that was interrupted
    for photo_class in collection.classes:
        for split, photos in _split(photo_class.photos).items():
            (work / split / photo_class.name).mkdir(parents=True)
            for photo in photos:
                destination = work / split / photo_class.name / photo.name
                try:
                    os.link(photo, destination)  # the same bytes on disk as the draft's
                except OSError:
                    shutil.copyfile(photo, destination)
    (work / MARKER).write_text(collection.name)
    old = drafts_folder(root) / f".old-{collection.name}"
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    work.rename(target)  # the dataset appears whole
    shutil.rmtree(old, ignore_errors=True)
    write_record(target, collection.owner, collection.owner_name)
    return target
