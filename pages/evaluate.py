"""Evaluate: how good is a run, which photos does it get wrong, and why?"""

from pathlib import Path

import pandas as pd
import streamlit as st

from catdog.classroom import leaderboard
from catdog.data import folders
from catdog.errors import CatdogError
from webui.charts import confusion_figure, roc_figure
from webui.error_text import show_error
from webui.identity import current, shown_path
from webui.loaders import evaluation, explained_overlay, model_version, thumbnail_jpeg
from webui.navigation import need_model, page_start
from webui.sidebar import list_datasets
from webui.text import number, t

page_start("evaluate")
run = need_model()

splits = {}
try:
    splits = folders.find_splits(run.config.data_dir)
except CatdogError:
    pass
who, test = current(), leaderboard.test_set()
if who is not None and not who.teacher and test and leaderboard.uses_test_set(run, test):
    splits = {}  # a run trained on the class's test set: a student never sees those photos
# A folder of class folders that the run split itself: its validation part (catdog.use.evaluate picks it).
own = {name: (run.config.data_dir if name == "all" else str(path)) for name, path in splits.items() if name != "train"}
choices = {t("eval.split_of", split=t("split.validation" if name == "all" else f"split.{name}"),
             path=shown_path(run.config.data_dir, who)): path for name, path in own.items()}
trained_on = Path(run.config.data_dir).resolve()
choices.update({t("eval.dataset", name=d.name): str(d) for d in list_datasets() if d.resolve() != trained_on})
if not choices:
    st.info(t("eval.no_folder"))
    st.stop()
label = st.selectbox(t("eval.on"), list(choices), help=t("eval.on_help"))
st.caption(t("eval.model", run=run.id))
try:
    with st.spinner(t("eval.predicting")):
        version = model_version(run)
        result = evaluation(str(run.path), version, choices[label])
except CatdogError as error:
    show_error(error)
    st.stop()

names = result.class_names
a, b, c = st.columns(3)
a.metric(t("eval.accuracy"), number(result.accuracy, ".3f"))
b.metric(t("eval.photos"), len(result.photos))
c.metric(t("eval.wrong"), len(result.misclassified))
# Written out here, not by the table's format: "%.3f" would give 0.975 to a Portuguese reader too.
scores = pd.DataFrame({name: {**{k: number(getattr(score, k), ".3f") for k in ("precision", "recall", "f1")},
                              "support": score.support} for name, score in result.per_class.items()}).T
st.dataframe(scores, column_config={
    **{k: st.column_config.TextColumn(t(f"col.{k}")) for k in ("precision", "recall", "f1")},
    "support": st.column_config.NumberColumn(t("col.support"))})


def confusion() -> None:
    """The matrix and the photos of the cell picked. A fragment: a click on a cell redraws this
    part only, not the page's Grad-CAMs and charts."""
    st.subheader(t("eval.matrix"))
    st.caption(t("eval.matrix_note"))
    event = st.plotly_chart(confusion_figure(names, result.confusion_matrix), on_select="rerun",
                            selection_mode="points", key="confusion")
    points = event.selection.points if event and event.selection else []
    cells = [(true, guess) for true in names for guess in names]
    picked = st.pills(t("eval.cell"), cells, key="cell",
                      format_func=lambda cell: f"{cell[0]} → {cell[1]} ({len(result.cell(*cell))})")
    if points:  # a click on the chart: the point's axes are the class names
        picked = (points[0]["y"], points[0]["x"])
    if picked:
        true_name, predicted_name = picked
        shown = result.cell(true_name, predicted_name)
        st.caption(t("eval.cell_photos", count=len(shown), true=true_name, predicted=predicted_name)
                   + (t("eval.first") if len(shown) > 24 else ""))
        grid = st.columns(8)
        for i, item in enumerate(shown[:24]):
            # The model's probability for the class it predicted: what the number is, said on it.
            grid[i % 8].image(thumbnail_jpeg(item.path), caption=t("eval.probability", name=predicted_name,
                                                                   probability=number(item.confidence, ".2f")))


st.fragment(confusion)()

if result.roc is not None:
    st.subheader(t("eval.roc"))
    st.plotly_chart(roc_figure(result.roc), key="roc")

st.subheader(t("eval.worst"))
wrong = result.misclassified[:12]
if not wrong:
    st.success(t("eval.no_mistakes"))
else:
    st.caption(t("eval.worst_note"))
    grid = st.columns(4)
    for i, item in enumerate(wrong):  # cached: a rerun of this page does not recompute the heatmaps
        overlay = explained_overlay(str(run.path), version, item.path,
                                    item.predicted_class, 0.5)
        grid[i % 4].image(overlay, caption=t("eval.seen_as", true=item.true_class, predicted=item.predicted_class,
                                             confidence=number(item.confidence, ".0%")))
