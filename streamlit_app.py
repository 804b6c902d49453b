"""catdog's web app: the entry point. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

import ui

st.set_page_config(page_title="catdog", page_icon=":material/pets:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/dataset.py", title="Dataset", icon=":material/photo_library:"),
    st.Page("pages/augment.py", title="Augmentation", icon=":material/auto_fix_high:"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/curves.py", title="Training curves", icon=":material/show_chart:"),
    st.Page("pages/predict.py", title="Predict", icon=":material/image_search:"),
]
page = st.navigation(pages)
ui.sidebar()
page.run()
