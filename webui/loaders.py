"""Cached loading for the pages: warm models, Grad-CAM, evaluations, dataset reports, thumbnails.

Nothing here imports TensorFlow until a page asks for a model, so pages that only show
files stay light.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from catdog import runs
from catdog.errors import CatdogError
from catdog.memory import return_freed_memory
from webui.startup import import_tensorflow
from webui.text import t


@st.cache_resource(ttl=1.0, show_spinner=False)
def listed_runs(models_dir: str) -> list[runs.Run]:
    """Every run, read at most once a second for the whole server: thirty sessions' sidebars
    and job panels refresh every few seconds, and each read opens every run folder.
    Pages that change runs (launch, cancel, delete) call `listed_runs.clear()`."""
    return runs.list_runs(models_dir)


def current_runs() -> list[runs.Run]:
    from catdog.settings import models_root

    return listed_runs(str(models_root()))


def predictor_for(run: runs.Run):
    """The warm model of `run`, from the core's one bounded cache (shared by every session).

    A run deleted meanwhile by another session is a clear error, not a crash."""
    from catdog.use.predict import CACHE

    model_version(run)  # a clear message if another session deleted the run meanwhile
    if CACHE.holds(run):
        return CACHE.get(run)
    with st.spinner(t("common.loading_model")):
        import_tensorflow()  # not beside the warm-up's import (webui.startup)
        loaded = CACHE.get(run)
    return_freed_memory()  # what TensorFlow's start-up and the load freed goes back to the system
    return loaded


def model_version(run: runs.Run) -> float:
    """The run's model file's modification time, the cache key of what is computed from it."""
    try:
        return run.model_path.stat().st_mtime
    except FileNotFoundError as error:
        raise CatdogError("run_deleted", run=run.id) from error


@st.cache_data(max_entries=50, show_spinner=False)
def gradcam(run_path: str, model_mtime: float, source: str | bytes, class_name: str, size: int = 512,
            _prediction=None):
    """(photo shrunk to `size`, heatmap) of a photo file or an upload's bytes, computed once
    per model version, photo and class: moving the opacity slider only re-blends. `_prediction`
    (not part of the cache key): the photo's prediction, when the page already has it."""
    from catdog.use import explain

    result = explain.explain(predictor_for(runs.load_run(run_path)), source, class_name, _prediction)
    photo = result.photo
    photo.thumbnail((size, size))  # a phone photo is kept at display size, not 12 megapixels
    return photo, result.heatmap


@st.cache_data(max_entries=200, show_spinner=False)
def explained_overlay(run_path: str, model_mtime: float, photo: str, class_name: str, opacity: float):
    """Grad-CAM blended over a photo file, for galleries."""
    from catdog.use import explain

    return explain.overlay(*gradcam(run_path, model_mtime, photo, class_name), opacity)


@st.cache_resource(max_entries=10, show_spinner=False)
def evaluation(run_path: str, model_mtime: float, folder: str):
    """Evaluation figures of a run on a folder, computed once per model version. Shared, not
    copied: each rerun of Evaluate unpickled every photo's scores (`Evaluation` is frozen)."""
    from catdog.use.evaluate import evaluate

    import_tensorflow()  # not beside the warm-up's import (webui.startup)
    return evaluate(run_path, folder)


@st.cache_resource(max_entries=20, show_spinner=False)
def inspect_dataset(path: str, stamp: float) -> dict:
    """The dataset's report (sizes, modes, unreadable files), once per `folder_stamp`. Shared, not
    copied (read it, never change it): a copy meant unpickling 3000 records on every rerun."""
    from catdog.data import folders

    return folders.inspect(path)


@st.cache_resource(max_entries=20, show_spinner=False)
def photo_table(path: str, stamp: float):
    """The report's photos as a table with their aspect ratio, built once per `folder_stamp`.
    Shared: pages copy before they add a column."""
    import pandas as pd

    table = pd.DataFrame(inspect_dataset(path, stamp)["images"])
    if not table.empty:
        table["aspect"] = table["width"] / table["height"]
    return table


def folder_stamp(path: Path) -> float:
    """Changes when files are added or removed in the dataset's folders (cache key). Only
    folders are stat'ed: a file's entry says it is not a folder without a system call, so
    each rerun costs ~10 stats, not one per photo (3000)."""
    stamp, folders = 0.0, [str(path)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    stamp += entry.stat(follow_symlinks=False).st_mtime
    return stamp + Path(path).stat().st_mtime


@st.cache_data(max_entries=5000, show_spinner=False)
def thumbnail_jpeg(path: str, size: int = 192) -> bytes:
    """A small square JPEG of the photo, decoded once, not on every rerun. JPEG, not PNG:
    encoding a PNG took most of a new grid page's time, and it is ~5 times the bytes."""
    import io

    from catdog.data import images

    buffer = io.BytesIO()
    images.thumbnail(path, size, square=True).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@st.cache_data(max_entries=50, show_spinner=False)
def upload_preview(data: bytes, size: int = 512) -> bytes:
    """An uploaded photo at display size, as JPEG: decoded once, not on every redraw of the
    page (a phone's 12-megapixel photo takes ~0.3 s to decode)."""
    import io

    from catdog.data import images

    buffer = io.BytesIO()
    images.thumbnail(data, size).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@st.cache_resource(max_entries=20, show_spinner=False)
def dataset_files(path: str, stamp: float):
    """The dataset's file lists and labels (`catdog.data.folders.load_dataset`), once per `folder_stamp`:
    listing and checking 3000 files took ~0.2 s of each Augmentation rerun. Shared: read only."""
    from catdog.data import folders

    return folders.load_dataset(path)


@st.cache_data(max_entries=100, show_spinner=False)
def model_pixels(source: str | bytes, size: int):
    """A photo file's path or an upload's bytes as the model sees it (`images.load_for_model`),
    decoded once, not on every move of a slider."""
    from catdog.data import images

    import_tensorflow()  # not beside the warm-up's import (webui.startup)
    return images.load_for_model(source, size)
