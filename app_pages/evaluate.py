"""Evaluate: how good is a run, which photos does it get wrong, and why?"""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

import ui
from catdog import data, explain
from catdog.errors import CatdogError

st.title("Evaluate a model")
run = ui.selected_run()
if run is None:
    st.info("No trained model yet: train one on the Train page first.")
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()

splits = {}
try:
    splits = data.find_splits(run.config.data_dir)
except CatdogError:
    pass
choices = {f"{name} split of {run.config.data_dir}": str(path) for name, path in splits.items() if name != "train"}
choices.update({f"dataset {d.name}": str(d) for d in ui.list_datasets()})
if not choices:
    st.info("There is no folder to evaluate on: add a dataset on the Home page.")
    st.stop()
label = st.selectbox("Evaluate on", list(choices), help="A folder of class folders the model never trained on.")
st.caption(f"Model: run **{run.id}** (change it in the sidebar).")
try:
    with st.spinner("Predicting every photo..."):
        result = ui.evaluation(str(run.path), run.model_path.stat().st_mtime, choices[label])
except CatdogError as error:
    ui.show_error(error)
    st.stop()

names = result["class_names"]
a, b, c = st.columns(3)
a.metric("Accuracy", f"{result['accuracy']:.3f}")
b.metric("Photos", result["images"])
c.metric("Wrong", len(result["misclassified"]))
st.dataframe(pd.DataFrame(result["per_class"]).T, column_config={
    k: st.column_config.NumberColumn(format="%.3f") for k in ("precision", "recall", "f1")})

st.subheader("Confusion matrix")
st.caption("Rows: the true class; columns: what the model said. Pick a cell to see its photos.")
matrix = result["confusion_matrix"]
cells = [(t, p) for t in range(len(names)) for p in range(len(names))]
figure = go.Figure(go.Scatter(
    x=[names[p] for _, p in cells], y=[names[t] for t, _ in cells], mode="markers+text",
    text=[str(matrix[t][p]) for t, p in cells], textfont=dict(size=20),
    marker=dict(symbol="square", size=90, color=[matrix[t][p] for t, p in cells], colorscale="Blues",
                showscale=True, line=dict(width=1, color="white"))))
figure.update_layout(height=160 + 110 * len(names), xaxis_title="predicted", yaxis_title="true",
                     yaxis_autorange="reversed", margin=dict(t=10))
event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="confusion")
points = event.selection.points if event and event.selection else []
options = [f"{names[t]} → {names[p]} ({matrix[t][p]})" for t, p in cells]
picked = st.pills("Cell", options, key="cell")
if points:
    picked = next(o for o in options if o.startswith(f"{points[0]['y']} → {points[0]['x']} ("))
if picked:
    true_name, predicted_name = picked.split(" (")[0].split(" → ")
    shown = [p for p in result["predictions"] if p["true_class"] == true_name and p["top_class"] == predicted_name]
    st.caption(f"{len(shown)} photo(s) of {true_name} predicted as {predicted_name}" +
               (" (first 24)" if len(shown) > 24 else ""))
    grid = st.columns(8)
    for i, item in enumerate(shown[:24]):
        grid[i % 8].image(ui.thumbnail_png(item["path"]), caption=f"{item['confidence']:.2f}")

if result["roc"] and result["roc"]["auc"] is not None:
    st.subheader("ROC curve")
    roc = result["roc"]
    curve = px.area(x=roc["fpr"], y=roc["tpr"], labels={"x": "false positive rate", "y": "true positive rate"},
                    title=f"AUC = {roc['auc']:.3f} ('{names[1]}' as the positive class)")
    curve.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line=dict(dash="dot"))
    st.plotly_chart(curve, key="roc")

st.subheader("Most confidently wrong")
wrong = result["misclassified"][:12]
if not wrong:
    st.success("No mistakes on these photos.")
else:
    st.caption("Sorted by confidence: the worst mistakes first. The heatmap shows where the model "
               "looked when it chose the wrong class.")
    predictor = ui.predictor_for(run)
    grid = st.columns(4)
    for i, item in enumerate(wrong):
        heat = explain.explain(predictor, item["path"], item["predicted_class"])
        grid[i % 4].image(explain.overlay(heat["photo"], heat["heatmap"], 0.5),
                          caption=f"{item['true_class']} seen as {item['predicted_class']} "
                                  f"({item['confidence']:.0%})")
