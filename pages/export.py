"""Export: the selected run's model out of catdog, as the Keras file, its model card and TensorFlow Lite."""

import tempfile
from pathlib import Path

import streamlit as st

from catdog import runs
from catdog.errors import CatdogError
from catdog.use import export
from webui.error_text import show_error
from webui.identity import current, sees_server
from webui.loaders import model_version
from webui.navigation import need_model, page_start
from webui.startup import import_tensorflow
from webui.text import language, number, t


def make_tflite(run: runs.Run, quantize: bool) -> None:
    """Convert, check against Keras, then say what was compared and offer the file; a file that
    failed the check is not offered, and the page says why."""
    name = f"{run.id}{'-int8' if quantize else ''}.tflite"
    try:
        with st.spinner(t("export.converting")), tempfile.TemporaryDirectory() as folder:
            import_tensorflow()  # not beside the warm-up's import (webui.startup)
            result = export.export_tflite(run.path, Path(folder) / name, quantize=quantize)
            flatbuffer = (Path(folder) / name).read_bytes()
    except CatdogError as error:
        st.session_state.pop(MADE, None)  # not the previous file under this refusal
        show_error(error)
        return
    # Kept for this browser: a redraw of the page (e.g. when another run ends) must not take it away.
    st.session_state[MADE] = (run.id, quantize, result, flatbuffer, name)


def show_tflite(run: runs.Run) -> None:
    """The file made last for this run, what it was compared with, and its download."""
    made = st.session_state.get(MADE)
    if not made or made[0] != run.id:
        return
    _, quantize, result, flatbuffer, name = made
    st.success(t("export.tflite_quantized" if quantize else "export.tflite_float",
                 mb=number(result["bytes"] / 1e6, ".1f"),
                 photos=result["photos"], same=result["same_top_class"],
                 difference=number(result["max_abs_difference"], ".2g"), tolerance=result["tolerance"]))
    # "ignore": downloading does not rerun the page, which would take the result and its button away.
    st.download_button(t("export.tflite_download"), data=flatbuffer, file_name=name, icon=":material/download:",
                       on_click="ignore", key="tflite_download")


MADE = "_tflite_made"
page_start("export")
run = need_model()
who = current()
st.caption(t("export.model", run=run.id, backbone=t(f"backbone.{run.config.backbone}")))
try:
    model_version(run)  # a clear message if another session deleted the run meanwhile
    card = export.model_card(run.path, full_paths=sees_server(who), language=language())  # a student: no server path
except CatdogError as error:
    show_error(error)
    st.stop()

st.subheader(t("export.keras"))
st.markdown(t("export.keras_note"))
# The file is read when the button is clicked, not on every run of the page.
st.download_button(t("export.download"), data=run.model_path.read_bytes, file_name=export.download_name(run),
                   icon=":material/download:", on_click="ignore", key="keras_download")

st.subheader(t("export.card"))
st.markdown(t("export.card_note"))
st.download_button(t("export.card_download"), data=card, file_name=f"{run.id}.md", icon=":material/description:",
                   on_click="ignore", key="card_download")
with st.expander(t("export.card_preview")):
    st.markdown(card)

st.subheader(t("export.tflite"))
st.markdown(t("export.tflite_note", photos=export.CHECKED_PHOTOS, tolerance=export.FLOAT_TOLERANCE))
quantize = st.toggle(t("export.quantize"), help=t("export.quantize_help"), key="quantize")
if st.button(t("export.make_tflite"), icon=":material/phone_android:", key="make_tflite"):
    make_tflite(run, quantize)
show_tflite(run)
