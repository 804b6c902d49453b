"""Predict: upload photos (or take one) and see the probability of every class."""

import pandas as pd
import plotly.express as px
import streamlit as st

import ui
from catdog import explain, images
from catdog.config import limits
from catdog.errors import CatdogError
from i18n import t

ui.page_start("predict.title", "predict.explain")
run = ui.need_model()
st.caption(t("predict.model", run=run.id, backbone=run.config.backbone,
             accuracy=f"{run.metrics.get('val_accuracy', 0):.3f}"))

uploads = st.file_uploader(t("predict.photos"), type=["jpg", "jpeg", "png", "webp", "bmp", "gif"],
                           accept_multiple_files=True, max_upload_size=limits().max_upload_mb)
photos = list(uploads or [])
if st.toggle(t("predict.camera")):
    shot = st.camera_input(t("predict.take"))
    if shot:
        photos.append(shot)
if not photos:
    st.stop()

try:
    predictor = ui.predictor_for(run)
except CatdogError as error:
    ui.show_error(error)
    st.stop()
results = predictor.predict(photos)
show_heatmap = st.toggle(t("predict.gradcam"), key="gradcam", help=t("predict.gradcam_help"))
opacity = st.slider(t("predict.opacity"), 0.0, 1.0, 0.5, 0.05) if show_heatmap else 0.0
for number, (photo, result) in enumerate(zip(photos, results)):
    st.divider()
    if result["error"]:
        ui.show_error(CatdogError(result["error"]))
        continue
    left, right = st.columns([2, 3])  # the photo fills its column: a fixed width overflowed it
    photo.seek(0)
    if show_heatmap:
        names = predictor.class_names
        chosen = left.radio(t("predict.explain_class"), names, index=names.index(result["top_class"]),
                            horizontal=True, key=f"explain-{number}-{result['source']}")
        picture, heatmap = ui.gradcam(str(run.path), run.model_path.stat().st_mtime, photo.getvalue(), chosen)
        left.image(explain.overlay(picture, heatmap, opacity),
                   caption=t("predict.looked", name=result["source"], label=chosen), width="stretch")
    else:
        left.image(images.thumbnail(photo, 512), caption=result["source"], width="stretch")
    right.markdown(f"### {result['top_class']} ({result['confidence']:.1%})")
    probabilities = pd.DataFrame({"class": list(result["probabilities"]),
                                  "probability": list(result["probabilities"].values())})
    chart = px.bar(probabilities, x="probability", y="class", color="class", orientation="h",
                   range_x=[0, 1], text_auto=".1%", height=90 + 50 * len(probabilities))
    chart.update_layout(showlegend=False, margin=dict(t=10, b=10), xaxis_tickformat=".0%",
                        xaxis_title=t("predict.probability"))
    chart.update_yaxes(type="category", title=None)
    right.plotly_chart(chart, key=f"probabilities-{number}-{result['source']}")
if len(results) > 1:
    st.subheader(t("predict.all"))
    st.dataframe(pd.DataFrame([{t("col.photo"): r["source"], t("col.prediction"): r.get("top_class"),
                                t("col.confidence"): r.get("confidence"), t("col.error"): r["error"]}
                               for r in results]), hide_index=True)
