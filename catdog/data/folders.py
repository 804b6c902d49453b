"""Datasets: folders in the Keras `image_dataset_from_directory` layout, and their tf.data pipeline.

A dataset is either `train/` + `validation/` (+ optional `test/`), each holding one folder
per class, or a single folder of class folders that is split by a fixed-seed fraction.
TensorFlow is never imported here (the pipeline is in `pipeline`), so browsing a dataset stays light.
"""

from __future__ import annotations

import random
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from catdog.data import images
from catdog.errors import NO_INTERNET, CatdogError, short_reason
from catdog.settings import data_root, offline

SPLITS = ("train", "validation", "test")
SAMPLE_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
SAMPLE_NAME = "cats_and_dogs_filtered"


@dataclass(frozen=True)
class Split:
    paths: list[str]
    labels: list[int]


@dataclass(frozen=True)
class DatasetFiles:
    """A dataset folder's photo files and labels, by split (the classroom's `Dataset` is a dataset on the server)."""

    root: Path
    class_names: list[str]
    train: Split
    validation: Split
    test: Split | None


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in images.IMAGE_EXTENSIONS and not p.name.startswith("."))


def _class_dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def find_splits(path) -> dict[str, Path]:
    """{split name: folder}; a single folder of class folders is returned as {"all": folder}."""
    root = Path(path)
    if not root.exists():
        raise CatdogError("dataset_missing", path=str(root), root=str(data_root()))
    if not root.is_dir():
        raise CatdogError("dataset_is_file", path=str(root))
    found = {s: root / s for s in SPLITS if (root / s).is_dir()}
    if "train" in found:
        return found
    return {"all": root}


def class_folders(split_dir: Path) -> list[str]:
    """Names of the sub-folders of `split_dir` that hold at least one image file."""
    return [d.name for d in _class_dirs(Path(split_dir)) if _image_files(d)]


def class_names_of(split_dir: Path) -> list[str]:
    names = class_folders(split_dir)
    if len(names) < 2:
        if not names:
            raise CatdogError("no_class_folders", folder=str(split_dir))
        raise CatdogError("too_few_class_folders", folder=str(split_dir), count=len(names), names=", ".join(names))
    return names


def list_split(split_dir: Path, class_names: list[str]) -> Split:
    paths, labels = [], []
    for label, name in enumerate(class_names):
        folder = split_dir / name
        files = _image_files(folder) if folder.is_dir() else []
        paths += [str(p) for p in files]
        labels += [label] * len(files)
    return Split(paths, labels)


def load_dataset(path, validation_fraction: float = 0.2, seed: int = 1337) -> DatasetFiles:
    """The file lists and labels of every split, checked for a usable layout."""
    splits = find_splits(path)
    first = splits.get("train", splits.get("all"))
    class_names = class_names_of(first)
    if "all" in splits:
        everything = list_split(first, class_names)
        order = list(range(len(everything.paths)))
        random.Random(seed).shuffle(order)
        cut = max(1, int(round(len(order) * validation_fraction)))
        pick = lambda idx: Split([everything.paths[i] for i in idx], [everything.labels[i] for i in idx])
        return DatasetFiles(Path(path), class_names, pick(sorted(order[cut:])), pick(sorted(order[:cut])), None)
    if "validation" not in splits:
        raise CatdogError("no_validation_split", path=str(path))
    other = {s: class_names_of(splits[s]) for s in ("validation", "test") if s in splits}
    for split, names in other.items():
        if names != class_names:
            raise CatdogError("split_classes_differ", split=split, names=", ".join(names),
                              train_names=", ".join(class_names))
    test = list_split(splits["test"], class_names) if "test" in splits else None
    return DatasetFiles(Path(path), class_names, list_split(splits["train"], class_names),
                   list_split(splits["validation"], class_names), test)


def fewer_photos(split: Split, per_class: int, seed: int = 1337) -> Split:
    """At most `per_class` photos of each class, drawn with `seed` (the same draw every time);
    `per_class` 0 keeps them all. Kept in file order, so a relaunch reuses the same cached features."""
    if not per_class:
        return split
    rng = random.Random(seed)
    kept: list[int] = []
    for label in sorted(set(split.labels)):
        mine = [i for i, other in enumerate(split.labels) if other == label]
        kept += rng.sample(mine, min(per_class, len(mine)))
    kept.sort()
    return Split([split.paths[i] for i in kept], [split.labels[i] for i in kept])


def _describe_file(path: Path) -> dict:
    record = {"path": str(path), "bytes": path.stat().st_size}
    try:
        images.open_image(path, draft_size=64)  # a full decode: the one check for every way a file is bad
    except CatdogError as error:
        return {**record, "error": error.what, "cause": error}
    with images.open_header(path) as raw:  # it decodes, so its header reads: size and original mode
        return {**record, "width": raw.size[0], "height": raw.size[1], "mode": raw.mode, "format": raw.format,
                "error": None}


def inspect(path, progress=None) -> dict:
    """Counts per split and class, a record per image, and the files that cannot be decoded."""
    splits = find_splits(path)
    jobs = []
    for split, folder in splits.items():
        for class_dir in _class_dirs(folder):
            jobs += [(split, class_dir.name, f) for f in _image_files(class_dir)]
    records = []
    with ThreadPoolExecutor(max_workers=4) as pool:  # PIL releases the GIL while decoding
        for done, record in enumerate(pool.map(lambda job: _describe_file(job[2]), jobs), 1):
            records.append(record)
            if progress:
                progress(done, len(jobs))
    counts: dict[str, dict[str, int]] = {}
    for (split, name, _), record in zip(jobs, records):
        record.update(split=split, label=name)
        counts.setdefault(split, {}).setdefault(name, 0)
        counts[split][name] += record["error"] is None
    # reason: English (the CLI); cause: the CatdogError itself, which a page shows in its reader's language.
    bad = [{"path": r["path"], "reason": r["error"], "cause": r.pop("cause")} for r in records if r["error"]]
    return {"root": str(path), "counts": counts, "images": records, "bad_files": bad}


def _fetch(url: str, target: Path, progress, timeout: float) -> None:
    """Download to `target` reporting progress(bytes_done, bytes_total); atomic via a .part file.

    The timeout is this request's own: offline it fails in seconds rather than hangs, and
    no other thread of the server has its sockets' timeout changed."""
    import urllib.request

    partial = target.with_suffix(target.suffix + ".part")
    with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
        total, done = int(response.headers.get("Content-Length") or 0), 0
        while chunk := response.read(1 << 20):
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if total and done != total:  # http.client does not raise when the connection drops early
        partial.unlink()
        raise OSError(f"the connection closed after {done} of {total} bytes")
    partial.replace(target)


def download_sample(root=None, progress=None, timeout: float = 15.0) -> Path:
    """Fetch the TensorFlow tutorial's cats_and_dogs_filtered (68 MB) into the data root.

    The zip is fetched here (with a timeout and a progress callback for the app's bar);
    `keras.utils.get_file` then finds it in its cache folder and extracts it.
    """
    root = Path(root or data_root()).resolve()
    target = root / SAMPLE_NAME
    if (target / "train").is_dir():
        return target
    if offline():
        raise CatdogError("download_failed", url=SAMPLE_URL, reason=NO_INTERNET, root=str(root))
    import keras

    (root / "downloads").mkdir(parents=True, exist_ok=True)
    archive_path = root / "downloads" / f"{SAMPLE_NAME}.zip"
    try:
        if not archive_path.exists():
            _fetch(SAMPLE_URL, archive_path, progress, timeout)
        extracted = Path(keras.utils.get_file(
            f"{SAMPLE_NAME}.zip", SAMPLE_URL, extract=True, cache_dir=str(root), cache_subdir="downloads"))
    except (OSError, zipfile.BadZipFile) as error:  # network failures (URLError, timeouts) are OSErrors
        archive_path.unlink(missing_ok=True)  # a damaged zip would otherwise be reused by every retry
        raise CatdogError("download_failed", url=SAMPLE_URL, reason=short_reason(error), root=str(root)) from error
    source = next((p for p in [extracted / SAMPLE_NAME, extracted] if (p / "train").is_dir()), None)
    if source is None:
        raise CatdogError("download_has_no_train", folder=str(extracted), downloads=str(root / "downloads"))
    load_dataset(source)  # the checksum of a dataset is its layout: fail now, not at training
    source.rename(target)
    return target
