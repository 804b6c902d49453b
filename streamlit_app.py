"""catdog's web app: the entry point. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

import ui
from i18n import t

st.set_page_config(page_title="catdog", page_icon=":material/pets:", layout="wide")
ui.language_picker()  # first: the page titles below are in the chosen language

pages = [
    st.Page("app_pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
    st.Page("app_pages/dataset.py", title=t("nav.dataset"), icon=":material/photo_library:"),
    st.Page("app_pages/augment.py", title=t("nav.augment"), icon=":material/auto_fix_high:"),
    st.Page("app_pages/train.py", title=t("nav.train"), icon=":material/model_training:"),
    st.Page("app_pages/curves.py", title=t("nav.curves"), icon=":material/show_chart:"),
    st.Page("app_pages/predict.py", title=t("nav.predict"), icon=":material/image_search:"),
    st.Page("app_pages/evaluate.py", title=t("nav.evaluate"), icon=":material/fact_check:"),
]
page = st.navigation(pages)
ui.sidebar()
page.run()
