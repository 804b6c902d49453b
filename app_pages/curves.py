"""Training curves: compare runs, spot overfitting, and manage run folders."""

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

import ui
from catdog import augment, export, jobs, runs
from catdog.config import models_root
from catdog.errors import CatdogError

st.title("Training curves")
all_runs = runs.list_runs()
if not all_runs:
    st.info("No runs yet: train one on the Train page (or `python -m catdog train --data DIR`).")
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()


def row(run: runs.Run) -> dict:
    c = run.config
    best = max((h.get("val_accuracy", 0) for h in run.history), default=None)
    return {"run": run.id, "status": run.state, "backbone": c.backbone, "epochs": c.epochs,
            "fine-tune epochs": c.fine_tune_epochs, "batch": c.batch_size, "learning rate": c.learning_rate,
            "augmentation": "on" if c.augmentation.enabled else "off", "best val accuracy": best,
            "duration (s)": run.metrics.get("seconds")}


st.dataframe(pd.DataFrame([row(r) for r in all_runs]), hide_index=True,
             column_config={"best val accuracy": st.column_config.NumberColumn(format="%.3f")})
ids = [r.id for r in all_runs]
with_history = [r.id for r in all_runs if r.history]
chosen = st.multiselect("Runs to compare", ids, default=with_history[:1])
selected = [r for r in all_runs if r.id in chosen]
if not selected:
    st.stop()

st.plotly_chart(ui.curves_figure(selected), key="curves")
st.caption("Solid: training photos; dashed: validation photos (never trained on). A widening gap "
           "between them is overfitting. A dotted line marks the start of fine-tuning.")
gaps = [{"run": r.id, "augmentation": "on" if r.config.augmentation.enabled else "off",
         "train accuracy": r.history[-1].get("accuracy"), "validation accuracy": r.history[-1].get("val_accuracy"),
         "gap (train - validation)": r.history[-1].get("accuracy", 0) - r.history[-1].get("val_accuracy", 0)}
        for r in selected if r.history]
if gaps:
    st.dataframe(pd.DataFrame(gaps), hide_index=True)

if len(selected) > 1:
    settings = pd.DataFrame({r.id: {k: str(v) for k, v in r.config.to_dict().items()} for r in selected})
    st.subheader("Settings that differ")
    st.dataframe(settings[settings.nunique(axis=1) > 1])

run = selected[0]
st.subheader(f"Run {run.id}")
experiment = "off" if run.config.augmentation.enabled else "on"
if st.button(f"Same settings, augmentation {experiment}", icon=":material/science:",
             help="The classroom experiment: does augmentation reduce overfitting?"):
    twin = dataclasses.replace(run.config, augmentation=augment.preset(
        "none" if run.config.augmentation.enabled else "seed recipe"))
    st.session_state["watch"] = jobs.start(twin).id
    st.success("Launched: follow it on the Train page.")
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
with st.expander("Full config"):
    st.json(run.config.to_dict())
st.markdown("TensorBoard (histograms, graph):")
st.code(f"tensorboard --logdir {(models_root() / run.id / 'logs').resolve()}", language="bash")
if run.has_model:
    st.subheader("Export")
    a, b, c = st.columns(3)
    a.download_button("Download model.keras", data=run.model_path.read_bytes(),
                      file_name=f"{run.id}.keras", icon=":material/download:")
    b.download_button("Download the model card", data=export.model_card(run.path), file_name=f"{run.id}.md",
                      icon=":material/description:", help="Data, settings, metrics and limits, in markdown.")
    quantize = c.toggle("Quantized TFLite (smaller, a little less exact)")
    if c.button("Make a TensorFlow Lite file", icon=":material/phone_android:"):
        out = Path(tempfile.mkdtemp()) / f"{run.id}.tflite"
        try:
            with st.spinner("Converting and checking against Keras..."):
                result = export.export_tflite(run.path, out, quantize=quantize)
            st.success(f"{result['bytes'] / 1e6:.1f} MB; on {result['photos']} photos its probabilities differ "
                       f"from Keras by at most {result['max_abs_difference']:.2g} (tolerance {result['tolerance']}).")
            st.download_button("Download .tflite", data=out.read_bytes(), file_name=out.name)
        except CatdogError as error:
            ui.show_error(error)
with st.popover("Delete this run", icon=":material/delete:"):
    st.warning(f"This deletes {run.path} and its model for good.")
    if st.button("Yes, delete it", type="primary"):
        try:
            runs.delete_run(run.id)
            st.rerun()
        except CatdogError as error:
            ui.show_error(error)
