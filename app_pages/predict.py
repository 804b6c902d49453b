"""Predict: upload photos (or take one) and see the probability of every class."""

import pandas as pd
import plotly.express as px
import streamlit as st

import ui
from catdog import explain, images
from catdog.config import limits
from catdog.errors import CatdogError

st.title("Cat or dog? Ask the model")
run = ui.selected_run()
if run is None:
    st.info("No trained model yet. Train one on the Train page, or from a terminal: "
            "`python -m catdog train --data DIR`.")
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()
st.caption(f"Model: run **{run.id}** ({run.config.backbone}, validation accuracy "
           f"{run.metrics.get('val_accuracy', 0):.3f}). Change it in the sidebar.")

uploads = st.file_uploader("Photos", type=["jpg", "jpeg", "png", "webp", "bmp", "gif"],
                           accept_multiple_files=True,
                           max_upload_size=limits().max_upload_mb)
photos = list(uploads or [])
if st.toggle("Use the camera"):
    shot = st.camera_input("Take a photo")
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
show_heatmap = st.toggle("Show where the model looked (Grad-CAM)", key="gradcam",
                         help="Red: the regions that pushed the model towards the chosen class.")
opacity = st.slider("Heatmap opacity", 0.0, 1.0, 0.5, 0.05) if show_heatmap else 0.0
for number, (photo, result) in enumerate(zip(photos, results)):
    st.divider()
    if result["error"]:
        ui.show_error(CatdogError(result["error"]))
        continue
    left, right = st.columns([1, 2])
    photo.seek(0)
    if show_heatmap:
        names = predictor.class_names
        chosen = left.radio("Explain the class", names, index=names.index(result["top_class"]),
                            horizontal=True, key=f"explain-{number}-{result['source']}")
        photo.seek(0)
        explained = explain.explain(predictor, photo, chosen)
        left.image(explain.overlay(explained["photo"], explained["heatmap"], opacity),
                   caption=f"{result['source']}: where it saw '{chosen}'", width=320)
    else:
        left.image(images.thumbnail(photo, 512), caption=result["source"], width=320)
    right.markdown(f"### {result['top_class']} ({result['confidence']:.1%})")
    probabilities = pd.DataFrame({"class": list(result["probabilities"]),
                                  "probability": list(result["probabilities"].values())})
    chart = px.bar(probabilities, x="probability", y="class", color="class", orientation="h",
                   range_x=[0, 1], text_auto=".1%", height=90 + 50 * len(probabilities))
    chart.update_layout(showlegend=False, margin=dict(t=10, b=10), xaxis_tickformat=".0%")
    chart.update_yaxes(type="category", title=None)
    right.plotly_chart(chart, key=f"probabilities-{number}-{result['source']}")
if len(results) > 1:
    st.subheader("All results")
    st.dataframe(pd.DataFrame([{"photo": r["source"], "prediction": r.get("top_class"),
                                "confidence": r.get("confidence"), "error": r["error"]} for r in results]),
                 hide_index=True)
