"""What the user is told: an error as what happened and how to fix it, a run's state as it trains."""

from __future__ import annotations

import streamlit as st

from catdog import runs
from catdog.errors import CatdogError
from catdog.run_state import Phase, Progress, State
from catdog.training.plan import plan_training
from webui.charts import curves_figure
from webui.error_text import error_text, own_lines
from webui.navigation import page
from webui.text import number, t


def weights_missing(backbone: str, instead: str, use_instead, key: str, in_fragment: bool = False) -> None:
    """A backbone whose ImageNet weights are neither here nor downloadable: said in the student's
    words, with one click to the backbone that trains here (`use_instead(name)` switches the form)."""
    st.warning(t("weights.missing", backbone=t(f"backbone.{backbone}"), instead=t(f"backbone.{instead}")),
               icon=":material/cloud_off:")
    if st.button(t("weights.use_instead", instead=t(f"backbone.{instead}")), key=f"use-instead-{key}",
                 icon=":material/swap_horiz:", on_click=use_instead, args=(instead,)) and in_fragment:
        # From a fragment, the whole page, so the form above shows the new backbone. (Not otherwise: a
        # second run right after the click could swallow the next widget change's callback.)
        st.rerun()


def size_missing(backbone: str, size: int, ready: int, use_size, key: str, in_fragment: bool = False) -> None:
    """A backbone whose ImageNet weights are here, but not for the image size chosen: said with
    the size, and one click back to the size it trains at (`use_size(size)` sets the form's)."""
    st.warning(t("weights.missing_size", backbone=t(f"backbone.{backbone}"), size=size, ready=ready),
               icon=":material/cloud_off:")
    if st.button(t("weights.use_size", size=ready), key=f"use-size-{key}", icon=":material/photo_size_select_large:",
                 on_click=use_size, args=(ready,)) and in_fragment:
        st.rerun()  # as in weights_missing


WEIGHTS_ERRORS = ("weights_unavailable", "weights_unavailable_at_size")


def weights_offer(error_key: str, params: dict, use_instead, use_size, key: str, in_fragment: bool = False) -> None:
    """What the core's weights error (`weights.weights_unavailable`) offers, in the student's words
    and with no server folder: the backbone's own size, or another backbone."""
    if error_key == "weights_unavailable_at_size":
        size_missing(params["backbone"], params["image_size"], params["ready_size"], use_size, key, in_fragment)
    else:
        weights_missing(params["backbone"], params.get("instead", "simple_cnn"), use_instead, key, in_fragment)


def run_error(run: runs.Run) -> str:
    """Why a run failed or was cancelled, translated when the run recorded a message key."""
    if run.error_key:
        key, params = run.error_key
        try:
            return error_text(CatdogError(key, **params))
        except KeyError:  # recorded by another catdog version: its English is all we have
            pass
    return own_lines(run.error) if run.error else t(f"state.{run.state}")


def route_text(route, views: int = 0) -> str:
    """Which way a run trains, and why, in one sentence (the core decides: catdog.training.plan)."""
    return t(f"path.{route}", views=views)


def job_status(run: runs.Run, show_internals: bool = True, ahead: int = 1, use_instead=None,
               use_size=None) -> None:
    """A run's state: progress while running, metrics when done, the reason when not (with its
    traceback where `show_internals`: not for a class's students on a hosted server). `ahead`:
    the jobs before this queued one; `use_instead(name)` switches the form to another backbone,
    `use_size(size)` to another image size."""
    st.markdown(t("job.state", run=run.id, state=t(f"state.{run.state}"),
                  backbone=t(f"backbone.{run.config.backbone}"),
                  epochs=t("count.epoch" if run.config.total_epochs == 1 else "count.epochs",
                           count=run.config.total_epochs)))
    plan = plan_training(run.config)
    reused = run.metrics.get("features_reused_from_disk")
    tuning = " " + t("path.fine_tune", layers=run.config.fine_tune_at, rate=run.config.fine_tune_learning_rate) \
        if plan.fine_tune else ""
    st.caption(route_text(plan.route, plan.views) + tuning + (" " + t("path.reused", count=reused) if reused else ""))
    if run.state == State.RUNNING:
        _progress(run.progress)
    elif run.state == State.QUEUED and run.status.get("paused"):  # back in the queue after a turn
        st.progress(min(run.progress.fraction, 1.0))  # where it stopped; the text below says why it waits
        st.info(t("job.paused", epoch=run.progress.epoch or 1, epochs=run.progress.total_epochs or "-"))
    elif run.state == State.QUEUED:
        st.info(t("job.waiting") if ahead else t("job.starting_trainer"))
    elif run.state == State.DONE:
        m = run.metrics
        a, b, c = st.columns(3)
        a.metric(t("job.val_accuracy"), number(m.get("val_accuracy", 0), ".3f"))
        b.metric(t("job.val_loss"), number(m.get("val_loss", 0), ".3f"))
        c.metric(t("job.time"), duration(m.get("seconds")))
        if m.get("skipped_files"):
            st.warning(t("job.skipped", count=len(m["skipped_files"])))
        if m.get("cut_short_minutes"):
            st.info(t("job.cut_short", minutes=m["cut_short_minutes"], epochs=m.get("epochs_run", 0)))
        st.page_link(page("curves"), label=t("job.see_curves"))
        st.page_link(page("predict"), label=t("job.predict_with"))
    elif run.error_key and run.error_key[0] in WEIGHTS_ERRORS and use_instead is not None:
        weights_offer(*run.error_key, use_instead, use_size, key=run.id, in_fragment=True)
    else:
        (st.warning if run.state == State.CANCELLED else st.error)(run_error(run))
        if run.status.get("traceback") and show_internals:
            with st.expander(t("job.traceback")):
                st.code(run.status["traceback"], language="text")
    if run.history:
        st.plotly_chart(curves_figure([run]), key=f"live-{run.id}-{len(run.history)}")


def phase_text(progress: Progress) -> str:
    """What the job is doing, in the reader's language."""
    if progress.phase is Phase.EXTRACTING and progress.split and progress.images_total:
        split = t(f"split.{progress.split}") if progress.split in ("train", "validation") else progress.split
        if progress.view:
            split = t("job.view", split=split, view=progress.view, views=progress.views)
        return t("job.extracting", split=split, done=progress.images_done, total=progress.images_total)
    phase = t(f"phase.{progress.phase.name.lower()}")
    if not progress.epoch:  # starting, evaluating, or the first moment of a phase
        return phase
    return t("job.progress", phase=phase, epoch=progress.epoch, epochs=progress.total_epochs or "-",
             batch=progress.batch or "-", batches=progress.batches or "-")


def _progress(progress: Progress) -> None:
    """A running job: its progress bar, then elapsed time, time left, loss and accuracy."""
    st.progress(min(progress.fraction, 1.0), text=phase_text(progress))
    a, b, c, d = st.columns(4)
    a.metric(t("job.elapsed"), duration(progress.elapsed))
    b.metric(t("job.eta"), duration(progress.eta_seconds))
    c.metric(t("job.loss"), "-" if progress.loss is None else number(progress.loss, ".3f"))
    d.metric(t("job.accuracy"), "-" if progress.accuracy is None else number(progress.accuracy, ".3f"))


def duration(seconds) -> str:
    if seconds is None:
        return "-"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
