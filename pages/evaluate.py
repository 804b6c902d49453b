"""Evaluate: how good is a run, which photos does it get wrong, and why?"""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

import ui
from catdog import data
from catdog.errors import CatdogError
from i18n import t

ui.page_start("eval.title", "eval.explain")
run = ui.need_model()

splits = {}
try:
    splits = data.find_splits(run.config.data_dir)
except CatdogError:
    pass
choices = {t("eval.split_of", split=name, path=run.config.data_dir): str(path)
           for name, path in splits.items() if name != "train"}
choices.update({t("eval.dataset", name=d.name): str(d) for d in ui.list_datasets()})
if not choices:
    st.info(t("eval.no_folder"))
    st.stop()
label = st.selectbox(t("eval.on"), list(choices), help=t("eval.on_help"))
st.caption(t("eval.model", run=run.id))
try:
    with st.spinner(t("eval.predicting")):
        result = ui.evaluation(str(run.path), run.model_path.stat().st_mtime, choices[label])
except CatdogError as error:
    ui.show_error(error)
    st.stop()

names = result["class_names"]
a, b, c = st.columns(3)
a.metric(t("eval.accuracy"), f"{result['accuracy']:.3f}")
b.metric(t("eval.photos"), result["images"])
c.metric(t("eval.wrong"), len(result["misclassified"]))
st.dataframe(pd.DataFrame(result["per_class"]).T, column_config={
    **{k: st.column_config.NumberColumn(t(f"col.{k}"), format="%.3f") for k in ("precision", "recall", "f1")},
    "support": st.column_config.NumberColumn(t("col.support"))})

st.subheader(t("eval.matrix"))
st.caption(t("eval.matrix_note"))
matrix = result["confusion_matrix"]
cells = [(true, guess) for true in range(len(names)) for guess in range(len(names))]
figure = go.Figure(go.Scatter(
    x=[names[g] for _, g in cells], y=[names[r] for r, _ in cells], mode="markers+text",
    text=[str(matrix[r][g]) for r, g in cells], textfont=dict(size=20),
    marker=dict(symbol="square", size=90, color=[matrix[r][g] for r, g in cells], colorscale="Blues",
                showscale=True, line=dict(width=1, color="white"))))
figure.update_layout(height=160 + 110 * len(names), xaxis_title=t("eval.predicted"), yaxis_title=t("eval.true"),
                     yaxis_autorange="reversed", margin=dict(t=10))
event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="confusion")
points = event.selection.points if event and event.selection else []
options = [f"{names[r]} → {names[g]} ({matrix[r][g]})" for r, g in cells]
picked = st.pills(t("eval.cell"), options, key="cell")
if points:
    picked = next(o for o in options if o.startswith(f"{points[0]['y']} → {points[0]['x']} ("))
if picked:
    true_name, predicted_name = picked.split(" (")[0].split(" → ")
    shown = [p for p in result["predictions"] if p["true_class"] == true_name and p["top_class"] == predicted_name]
    st.caption(t("eval.cell_photos", count=len(shown), true=true_name, predicted=predicted_name)
               + (t("eval.first") if len(shown) > 24 else ""))
    grid = st.columns(8)
    for i, item in enumerate(shown[:24]):
        grid[i % 8].image(ui.thumbnail_png(item["path"]), caption=f"{item['confidence']:.2f}")

if result["roc"] and result["roc"]["auc"] is not None:
    st.subheader(t("eval.roc"))
    roc = result["roc"]
    curve = px.area(x=roc["fpr"], y=roc["tpr"], labels={"x": t("eval.fpr"), "y": t("eval.tpr")},
                    title=t("eval.roc_title", auc=f"{roc['auc']:.3f}", positive=names[1]))
    curve.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line=dict(dash="dot"))
    st.plotly_chart(curve, key="roc")

st.subheader(t("eval.worst"))
wrong = result["misclassified"][:12]
if not wrong:
    st.success(t("eval.no_mistakes"))
else:
    st.caption(t("eval.worst_note"))
    grid = st.columns(4)
    for i, item in enumerate(wrong):  # cached: a rerun of this page does not recompute the heatmaps
        overlay = ui.explained_overlay(str(run.path), run.model_path.stat().st_mtime, item["path"],
                                       item["predicted_class"], 0.5)
        grid[i % 4].image(overlay,
                          caption=t("eval.seen_as", true=item["true_class"], predicted=item["predicted_class"],
                                    confidence=f"{item['confidence']:.0%}"))
