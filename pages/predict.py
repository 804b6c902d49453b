"""Predict: upload photos (or take one) and see the probability of every class."""

import pandas as pd
import streamlit as st

from catdog.errors import CatdogError
from catdog.use import explain
from webui.charts import probabilities_figure
from webui.error_text import render, show_error
from webui.loaders import gradcam, model_version, predictor_for, upload_preview
from webui.navigation import need_model, page_start
from webui.sliders import number_slider
from webui.text import language, number, t
from webui.uploads import file_uploader


@st.cache_resource(max_entries=100, show_spinner=False)
def probabilities_chart(probabilities: tuple, lang: str):
    """A photo's bar chart, built once (plotly took ~0.06 s a chart, on every slider move).
    `lang` is the cache's key only: the chart's texts come from `t`."""
    return probabilities_figure(dict(probabilities))


def answers(photos: list, results: list, class_names: list[str]) -> None:
    """Each photo, its answer and, on demand, its Grad-CAM. A fragment: the Grad-CAM toggle, its
    opacity and the class to explain redraw this part only; the photos are not predicted again."""
    show_heatmap = st.toggle(t("predict.gradcam"), key="gradcam", help=t("predict.gradcam_help"))
    opacity = number_slider(t("predict.opacity"), 1.0, 0.05, value=0.5) if show_heatmap else 0.0
    for position, (photo, result) in enumerate(zip(photos, results)):
        st.divider()
        if result.error is not None:
            show_error(result.error)
            continue
        left, right = st.columns([2, 3])  # the photo fills its column: a fixed width overflowed it
        if show_heatmap:
            chosen = left.radio(t("predict.explain_class"), class_names, index=class_names.index(result.top_class),
                                horizontal=True, key=f"explain-{position}-{result.source}")
            picture, heatmap = gradcam(str(run.path), version, photo.getvalue(), chosen, _prediction=result)
            left.image(explain.overlay(picture, heatmap, opacity),
                       caption=t("predict.looked", name=result.source, label=chosen), width="stretch")
        else:
            left.image(upload_preview(photo.getvalue()), caption=result.source, width="stretch")
        right.markdown(f"### {result.top_class} ({number(result.confidence, '.1%')})")
        right.plotly_chart(probabilities_chart(tuple(result.probabilities.items()), language()),
                           key=f"probabilities-{position}-{result.source}")


page_start("predict")
run = need_model()
st.caption(t("predict.model", run=run.id, backbone=t(f"backbone.{run.config.backbone}"),
             accuracy=number(run.metrics.get("val_accuracy", 0), ".3f")))

uploads = file_uploader(t("predict.photos"), ["jpg", "jpeg", "png", "webp", "bmp", "gif"], accept_multiple_files=True)
photos = list(uploads or [])
if st.toggle(t("predict.camera")):
    shot = st.camera_input(t("predict.take"))
    if shot:
        photos.append(shot)
if not photos:
    st.stop()

try:
    predictor, version = predictor_for(run), model_version(run)
except CatdogError as error:
    show_error(error)
    st.stop()
results = predictor.predict(photos)
st.fragment(answers)(photos, results, predictor.class_names)
if len(results) > 1:
    st.subheader(t("predict.all"))
    st.dataframe(pd.DataFrame([{
        t("col.photo"): r.source, t("col.prediction"): r.top_class or "-",
        t("col.confidence"): "-" if r.confidence is None else number(r.confidence, ".1%"),
        t("col.error"): "-" if r.error is None else render(r.error, language())[0]} for r in results]),
        hide_index=True)
