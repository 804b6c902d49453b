"""Shared UI helpers for the pages: the sidebar, error display, cached loading.

Pages import this instead of repeating boilerplate. Nothing here imports TensorFlow
unless a page asks for a predictor, so pages that only show files stay light.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catdog import jobs, runs
from catdog.config import data_root, limits
from catdog.errors import CatdogError
from i18n import LANGUAGES, explainer, language, t


def show_error(error: Exception) -> None:
    """A CatdogError as what happened / expected / how to fix it; anything else with its type."""
    if isinstance(error, CatdogError):
        text = error.what
        if error.expected:
            text += f"\n\n**{t('error.expected')}:** {error.expected}"
        if error.fix:
            text += f"\n\n**{t('error.fix')}:** {error.fix}"
        st.error(text, icon=":material/error:")
    else:
        st.error(f"{type(error).__name__}: {error}", icon=":material/error:")


def list_datasets() -> list[Path]:
    """Folders under the data root that look like datasets (train/ inside, or class folders)."""
    root = data_root()
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name == "downloads":
            continue
        if (folder / "train").is_dir() or any(child.is_dir() for child in folder.iterdir()):
            found.append(folder)
    return found


def active_dataset(datasets: list[Path] | None = None) -> Path | None:
    chosen = st.session_state.get("dataset")
    if chosen and Path(chosen).is_dir():
        return Path(chosen)
    datasets = list_datasets() if datasets is None else datasets
    return datasets[0] if datasets else None


def language_picker() -> None:
    """Before anything else is drawn, so every text below is in the chosen language."""
    if "language" not in st.session_state:
        st.session_state["language"] = language()  # the browser's language on the first visit
    st.sidebar.selectbox(t("side.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="language")


def sidebar() -> None:
    """Always visible: the active dataset, the selected run, and the training job."""
    with st.sidebar:
        datasets = list_datasets()
        if datasets:
            current = active_dataset(datasets)
            names = [d.name for d in datasets]
            picked = st.selectbox(t("side.dataset"), names, index=names.index(current.name) if current in datasets else 0,
                                  help=t("side.dataset_help", root=data_root()))
            st.session_state["dataset"] = str(data_root() / picked)
        else:
            st.caption(t("side.no_dataset"))
        listed = runs.list_runs()  # read once per rerun; everything below filters this list
        finished = [r for r in listed if r.state == "done"]
        if finished:
            ids = [r.id for r in finished]
            selected = st.session_state.get("run")
            st.session_state["run"] = st.selectbox(
                t("side.run"), ids, index=ids.index(selected) if selected in ids else 0, help=t("side.run_help"))
        job = jobs.active(listed=listed)
        waiting = jobs.queued(listed=listed)
        if waiting and job is None:
            jobs.kick()  # e.g. after a server restart: keep the queue moving
        if job:
            fraction = job.status.get("progress", {}).get("fraction") or 0.0
            st.progress(min(fraction, 1.0), text=t("side.training", run=job.id))
        else:
            st.caption(t("side.idle"))
        if waiting:
            st.caption(t("side.queued", count=len(waiting)))
        if limits().hosted:
            st.caption(t("side.hosted", epochs=limits().max_epochs, mb=limits().max_upload_mb))


def page_start(title_key: str, explain_key: str) -> None:
    """Every page opens with its title and its 'What is happening here?' for students."""
    st.title(t(title_key))
    explainer(explain_key)


def need_dataset() -> Path:
    """The active dataset, or a pointer to Home and the end of this page's run."""
    dataset = active_dataset()
    if dataset is None:
        st.info(t("common.no_dataset"))
        st.page_link("app_pages/home.py", label=t("common.go_home"), icon=":material/home:")
        st.stop()
    return dataset


def need_model() -> runs.Run:
    """The selected finished run, or a pointer to Train and the end of this page's run."""
    run = selected_run()
    if run is None:
        st.info(t("common.no_model"))
        st.page_link("app_pages/train.py", label=t("common.go_train"), icon=":material/model_training:")
        st.stop()
    return run


def selected_run() -> runs.Run | None:
    """The run picked in the sidebar, else the newest finished one."""
    finished = [r for r in runs.list_runs() if r.state == "done" and r.has_model]
    chosen = st.session_state.get("run")
    return next((r for r in finished if r.id == chosen), finished[0] if finished else None)


@st.cache_resource(max_entries=3, show_spinner="Loading the model...")
def predictor(run_path: str, model_mtime: float):
    """One warm model per run per server process, shared by every session."""
    from catdog.predict import Predictor

    loaded = Predictor(runs.load_run(run_path))
    _return_freed_memory()
    return loaded


def _libc():
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def _return_freed_memory() -> None:
    """Give the heap that TensorFlow's start-up freed back to the system (glibc keeps it
    otherwise): a hosted instance has 2.7 GB for everyone, and this is ~100 MB of it."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _keep_heap_small() -> None:
    """Serve big buffers (decoded photos, activations, Grad-CAM gradients) from mmap and
    return them on free. By default glibc raises both thresholds after the first big free
    and then keeps ~60 MB of freed heap per server thread: measured 725 MB with one model
    and a Grad-CAM instead of 664 MB."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1024 * 1024)  # M_TRIM_THRESHOLD


_keep_heap_small()


def predictor_for(run: runs.Run):
    """The warm model of `run`; a run deleted meanwhile (by another session) is a clear error."""
    try:
        return predictor(str(run.path), run.model_path.stat().st_mtime)
    except FileNotFoundError as error:
        raise CatdogError(f"Run {run.id} was deleted while you were looking at it.",
                          fix="pick another run in the sidebar.") from error


@st.cache_data(max_entries=50, show_spinner=False)
def gradcam(run_path: str, model_mtime: float, source: str | bytes, class_name: str, size: int = 512):
    """(photo shrunk to `size`, heatmap) of a photo file or an upload's bytes, computed once
    per model version, photo and class: moving the opacity slider only re-blends."""
    from catdog import explain

    result = explain.explain(predictor(run_path, model_mtime), source, class_name)
    photo = result["photo"]
    photo.thumbnail((size, size))  # a phone photo is kept at display size, not 12 megapixels
    return photo, result["heatmap"]


@st.cache_data(max_entries=200, show_spinner=False)
def explained_overlay(run_path: str, model_mtime: float, photo: str, class_name: str, opacity: float):
    """Grad-CAM blended over a photo file, for galleries."""
    from catdog import explain

    return explain.overlay(*gradcam(run_path, model_mtime, photo, class_name), opacity)


@st.cache_data(max_entries=10, show_spinner=False)
def evaluation(run_path: str, model_mtime: float, folder: str) -> dict:
    """Evaluation figures of a run on a folder, computed once per model version."""
    from catdog.evaluate import evaluate

    return evaluate(run_path, folder)


@st.cache_data(max_entries=20, show_spinner=False)
def inspect_dataset(path: str, stamp: float) -> dict:
    from catdog import data

    return data.inspect(path)


def folder_stamp(path: Path) -> float:
    """Changes when files are added or removed in the dataset's folders (cache key)."""
    return sum(p.stat().st_mtime for p in Path(path).rglob("*") if p.is_dir()) + Path(path).stat().st_mtime


@st.cache_data(max_entries=5000, show_spinner=False)
def thumbnail_png(path: str, size: int = 192) -> bytes:
    """A small PNG of the photo: decoded once, not on every rerun."""
    import io

    from catdog import images

    buffer = io.BytesIO()
    images.thumbnail(path, size, square=True).save(buffer, "PNG")
    return buffer.getvalue()



def curves_figure(selected: list[runs.Run]):
    """Loss and accuracy per epoch, train solid and validation dashed, one colour per run;
    a dotted line marks where fine-tuning (phase 2) began."""
    import plotly.graph_objects as go
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2, subplot_titles=(t("job.loss"), t("job.accuracy")))
    for index, run in enumerate(selected):
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        epochs = [row["epoch"] for row in run.history]
        for col, metric in ((1, "loss"), (2, "accuracy")):
            for prefix, dash in (("", "solid"), ("val_", "dash")):
                values = [row.get(prefix + metric) for row in run.history]
                figure.add_trace(go.Scatter(
                    x=epochs, y=values, mode="lines+markers", line=dict(color=colour, dash=dash),
                    name=f"{run.id} {t('fig.validation') if prefix else t('fig.train')}", legendgroup=run.id,
                    showlegend=col == 1), row=1, col=col)
        tuned = [row["epoch"] for row in run.history if row.get("phase") == 2]
        if tuned:
            for col in (1, 2):
                figure.add_vline(x=tuned[0] - 0.5, line_dash="dot", line_color=colour, row=1, col=col)
    figure.update_xaxes(title_text=t("fig.epoch"))
    figure.update_layout(height=380, margin=dict(t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return figure


def _duration(seconds) -> str:
    if seconds is None:
        return "-"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def training_path(config) -> str:
    """Which way a run trains, and why, in one sentence for the Train page."""
    from catdog import backbones

    if not backbones.get(config.backbone).pretrained:
        return t("path.scratch")
    if config.augmentation.enabled and config.augmented_views:
        return t("path.views", views=config.augmented_views)
    if config.augmentation.enabled:
        return t("path.augmented")
    return t("path.cached")


def job_status(run: runs.Run) -> None:
    """A run's state: progress while running, metrics when done, the reason when not."""
    status, progress = run.status, run.status.get("progress", {})
    st.markdown(t("job.state", run=run.id, state=t(f"state.{run.state}"), backbone=run.config.backbone,
                  epochs=run.config.total_epochs))
    reused = run.metrics.get("features_reused_from_disk")
    st.caption(training_path(run.config) + (" " + t("path.reused", count=reused) if reused else ""))
    if run.state == "running":
        fraction = min(progress.get("fraction") or 0.0, 1.0)
        if progress.get("phase") == "extracting features":
            text = t("job.extracting", split=progress.get("split"), done=progress.get("images_done"),
                     total=progress.get("images_total"))
        else:
            text = t("job.progress", phase=progress.get("phase", ""), epoch=progress.get("epoch", "-"),
                     epochs=progress.get("total_epochs", "-"), batch=progress.get("batch", "-"),
                     batches=progress.get("batches", "-"))
        st.progress(fraction, text=text)
        a, b, c, d = st.columns(4)
        a.metric(t("job.elapsed"), _duration(progress.get("elapsed")))
        b.metric(t("job.eta"), _duration(progress.get("eta_seconds")))
        c.metric(t("job.loss"), f"{progress['loss']:.3f}" if progress.get("loss") is not None else "-")
        d.metric(t("job.accuracy"), f"{progress['accuracy']:.3f}" if progress.get("accuracy") is not None else "-")
    elif run.state == "queued":
        st.info(t("job.waiting"))
    elif run.state == "done":
        m = run.metrics
        a, b, c = st.columns(3)
        a.metric(t("job.val_accuracy"), f"{m.get('val_accuracy', 0):.3f}")
        b.metric(t("job.val_loss"), f"{m.get('val_loss', 0):.3f}")
        c.metric(t("job.time"), _duration(m.get("seconds")))
        if m.get("skipped_files"):
            st.warning(t("job.skipped", count=len(m["skipped_files"])))
        st.page_link("app_pages/curves.py", label=t("job.see_curves"), icon=":material/show_chart:")
        st.page_link("app_pages/predict.py", label=t("job.predict_with"), icon=":material/image_search:")
    else:
        (st.warning if run.state == "cancelled" else st.error)(status.get("error") or run.state)
        if status.get("traceback"):
            with st.expander(t("job.traceback")):
                st.code(status["traceback"], language="text")
    if run.history:
        st.plotly_chart(curves_figure([run]), key=f"live-{run.id}-{len(run.history)}")
