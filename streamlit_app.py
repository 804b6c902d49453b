"""catdog's web app: the entry point. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

import ui

st.set_page_config(page_title="catdog", page_icon=":material/pets:", layout="wide")

pages = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/dataset.py", title="Dataset", icon=":material/photo_library:"),
    st.Page("app_pages/augment.py", title="Augmentation", icon=":material/auto_fix_high:"),
    st.Page("app_pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("app_pages/curves.py", title="Training curves", icon=":material/show_chart:"),
    st.Page("app_pages/predict.py", title="Predict", icon=":material/image_search:"),
    st.Page("app_pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
]
page = st.navigation(pages)
ui.sidebar()
page.run()
