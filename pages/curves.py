"""Training curves: compare runs, spot overfitting, and manage run folders."""

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from catdog import augment, export, jobs, runs
from catdog.access import may_change
from catdog.config import models_root
from catdog.errors import CatdogError
from webui.charts import curves_figure
from webui.feedback import show_error
from webui.identity import current, sees_server, shown_path
from webui.loaders import current_runs, listed_runs
from webui.navigation import page, page_start
from webui.text import t

page_start("curves")
who = current()
all_runs = current_runs()
if not all_runs:
    st.info(t("curves.none"))
    st.page_link(page("train"), label=t("common.go_train"))
    st.stop()


def on_off(config) -> str:
    return t("on") if config.augmentation.enabled else t("off")


def row(run: runs.Run) -> dict:
    c = run.config
    best = max((h.get("val_accuracy", 0) for h in run.history), default=None)
    who_made_it = {t("col.owner"): run.owner_name or "-"} if who is not None else {}  # hosted: the class's runs
    return {t("col.run"): run.id, **who_made_it, t("col.status"): t(f"state.{run.state}"),
            t("col.backbone"): c.backbone,
            t("col.epochs"): c.epochs, t("col.ft_epochs"): c.fine_tune_epochs, t("col.batch"): c.batch_size,
            t("col.lr"): c.learning_rate, t("col.augmentation"): on_off(c),
            t("col.best"): "-" if best is None else f"{best:.3f}",  # a failed or cancelled run has none
            t("col.duration"): "-" if run.metrics.get("seconds") is None else round(run.metrics["seconds"])}


st.dataframe(pd.DataFrame([row(r) for r in all_runs]), hide_index=True)
ids = [r.id for r in all_runs]
with_history = [r.id for r in all_runs if r.history]
opened = [run_id for run_id in st.session_state.pop("open_runs", []) if run_id in ids]  # from the Leaderboard
if opened or [run_id for run_id in st.session_state.get("compare", []) if run_id not in ids]:
    st.session_state["compare"] = opened or with_history[:1]  # (also when a compared run was deleted)
st.session_state.setdefault("compare", with_history[:1])
chosen = st.multiselect(t("curves.compare"), ids, key="compare")
selected = [r for r in all_runs if r.id in chosen]
if not selected:
    st.stop()

st.plotly_chart(curves_figure(selected), key="curves")
st.caption(t("curves.legend"))
gaps = [{t("col.run"): r.id, t("col.augmentation"): on_off(r.config),
         t("col.train_acc"): r.history[-1].get("accuracy"), t("col.val_acc"): r.history[-1].get("val_accuracy"),
         t("col.gap"): r.history[-1].get("accuracy", 0) - r.history[-1].get("val_accuracy", 0)}
        for r in selected if r.history]
if gaps:
    st.dataframe(pd.DataFrame(gaps), hide_index=True)

if len(selected) > 1:
    settings = pd.DataFrame({r.id: {k: str(v) for k, v in {**r.config.to_dict(),
                                                          "data_dir": shown_path(r.config.data_dir, who)}.items()}
                             for r in selected})
    st.subheader(t("curves.differ"))
    st.dataframe(settings[settings.nunique(axis=1) > 1])

run = selected[0]
st.subheader(t("curves.run", run=run.id))
augmented = run.config.augmentation.enabled
if st.button(t("curves.twin", state=t("off") if augmented else t("on")), icon=":material/science:",
             key=f"twin-{run.id}", help=t("curves.twin_help")):
    twin = dataclasses.replace(run.config, augmentation=augment.preset("none" if augmented else "seed recipe"))
    try:
        st.session_state["watch"] = jobs.start(twin, owner=who).id
        listed_runs.clear()
        st.success(t("curves.launched"))
        st.page_link(page("train"), label=t("common.go_train"))
    except CatdogError as error:
        show_error(error)
with st.expander(t("curves.config")):
    st.json({**run.config.to_dict(), "data_dir": shown_path(run.config.data_dir, who)})
if sees_server(who):  # a server path: for a single user or the teacher, not for a class's students
    st.markdown(t("curves.tensorboard"))
    st.code(f"tensorboard --logdir {(models_root() / run.id / 'logs').resolve()}", language="bash")
if run.has_model:
    st.subheader(t("curves.export"))
    a, b, c = st.columns(3)
    a.download_button(t("curves.download"), data=run.model_path.read_bytes(), file_name=f"{run.id}.keras",
                      icon=":material/download:")
    card = export.model_card(run.path, full_paths=sees_server(who))  # a student: the dataset's name only
    b.download_button(t("curves.card"), data=card, file_name=f"{run.id}.md", icon=":material/description:",
                      help=t("curves.card_help"))
    quantize = c.toggle(t("curves.quantize"))
    if c.button(t("curves.tflite"), icon=":material/phone_android:"):
        out = Path(tempfile.mkdtemp()) / f"{run.id}.tflite"
        try:
            with st.spinner(t("curves.converting")):
                result = export.export_tflite(run.path, out, quantize=quantize)
            st.success(t("curves.tflite_done", mb=f"{result['bytes'] / 1e6:.1f}", photos=result["photos"],
                         difference=f"{result['max_abs_difference']:.2g}", tolerance=result["tolerance"]))
            st.download_button(t("curves.tflite_download"), data=out.read_bytes(), file_name=out.name)
        except CatdogError as error:
            show_error(error)
if may_change(who, run.owner):
    with st.popover(t("curves.delete"), icon=":material/delete:", key=f"delete-{run.id}"):  # closed for the next run
        st.warning(t("curves.delete_warning", path=shown_path(run.path, who)))
        if st.button(t("curves.delete_yes"), type="primary", key=f"delete-yes-{run.id}"):
            try:
                runs.delete_run(run.id, who=who)
                listed_runs.clear()
                st.rerun()
            except CatdogError as error:
                show_error(error)
