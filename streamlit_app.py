"""catdog's web app: the entry point. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from catdog.settings import limits
from webui import identity, navigation, sidebar, startup

startup.tune_process()  # once per server process
if limits().hosted:  # a crash shows no traceback (server paths, the code) to a class's students
    st.set_option("client.showErrorDetails", "none")
st.set_page_config(page_title="catdog", page_icon=":material/pets:", layout="wide")
sidebar.language_picker()  # first: the page titles below are in the chosen language
page = st.navigation(navigation.pages())
navigation.enter()  # back to a page that was opened before this entry point ran
who = identity.current()  # hosted mode: this browser's student (or teacher); None for a single user
identity.ask_name(who)  # a student's first visit: their name, once
sidebar.sidebar()
with st.sidebar:
    identity.teacher_box(who)
page.run()
