"""Home: what catdog does, the steps in order, and getting a first dataset."""

from pathlib import Path

import streamlit as st

from catdog.access import may_change
from catdog.classroom import archive, datasets, leaderboard
from catdog.data import folders
from catdog.errors import NO_INTERNET, CatdogError
from catdog.settings import data_root
from webui.error_text import show_error
from webui.identity import current, sees_server, shown_path
from webui.navigation import explain_page, page, page_start
from webui.sidebar import list_datasets
from webui.text import t
from webui.uploads import file_uploader

page_start("home", explain=False)
who = current()
NOTICES = "_home_notices"


def arrived(path, notices: list[tuple[str, str]]) -> None:
    """A new dataset: select it and redraw the whole app, so that this page's summary and the
    sidebar (drawn before this page) show it now, not after the next click."""
    st.session_state["dataset"] = str(data_root() / Path(path).name)  # as the sidebar names it
    st.session_state[NOTICES] = notices
    st.rerun()

st.markdown(t("home.intro"))
steps = [("dataset", "home.step1"), ("augment", "home.step2"), ("train", "home.step3"),
         ("curves", "home.step4"), ("predict", "home.step5"), ("evaluate", "home.step6")]
for key, text in steps:
    st.page_link(page(key), label=t(text), icon="")  # the steps are numbered, not iconed
explain_page("home")

datasets_shown = list_datasets()
st.divider()
for level, text in st.session_state.pop(NOTICES, []):  # what the last click did, after the redraw below it
    (st.success if level == "success" else st.warning)(text)
if datasets_shown:
    st.success(t("home.ready", count=len(datasets_shown), root=shown_path(data_root(), who),
                 names=", ".join(d.name for d in datasets_shown)))
else:
    st.info(t("home.none", root=shown_path(data_root(), who)))
with st.expander(t("home.get"), expanded=not datasets_shown):
    left, right = st.columns(2)
    with left:
        st.subheader(t("home.sample"))
        st.caption(t("home.sample_note"))
        if not sees_server(who):  # the class shares one copy: the teacher fetches it
            st.caption(t("home.sample_teacher"))
        elif st.button(t("home.download"), icon=":material/download:"):
            bar = st.progress(0.0)
            report = lambda done, total: bar.progress(
                done / total if total else 0.0,
                text=t("home.downloading", done=round(done / 1e6), total=round(total / 1e6)))
            try:
                path = folders.download_sample(progress=report)
                bar.progress(1.0)
                arrived(path, [("success", t("home.done", path=shown_path(path, who)))])
            except CatdogError as error:
                bar.empty()
                if error.key == "download_failed" and error.params["reason"] == NO_INTERNET:
                    st.warning(t("home.offline"), icon=":material/cloud_off:")  # the zip upload beside works
                else:
                    show_error(error)
    with right:
        st.subheader(t("home.own"))
        st.caption(t("home.own_note"))
        upload = file_uploader(t("home.zip"), ["zip"])
        name = st.text_input(t("home.name"), value=t("home.default_name"))
        if upload and st.button(t("home.import"), icon=":material/upload:"):
            try:
                with st.spinner(t("home.extracting")):
                    report = archive.import_zip(upload, name, owner=who)
                notices = [("success", t("home.imported", count=report["images"],
                                         classes=", ".join(report["class_names"])))]
                if report["skipped"]:
                    notices.append(("warning", t("home.skipped", count=len(report["skipped"]),
                                                 names=", ".join(report["skipped"][:10]))))
                arrived(report["path"], notices)
            except CatdogError as error:
                show_error(error)
    if sees_server(who):
        st.caption(t("home.copy", root=data_root().resolve()))

# Folders whose names break the name rule: hidden from every list, so the teacher is shown them.
if sees_server(who) and (odd := datasets.misnamed()):
    st.warning(t("home.misnamed", names=", ".join(repr(name)[1:-1] for name in odd)), icon=":material/warning:")
    for name in odd:
        if st.button(t("home.delete_misnamed", name=repr(name)[1:-1]), key=f"misnamed-{name}"):
            datasets.delete_misnamed(name, who)
            st.rerun()

# Deleting: one's own imports (the teacher: any dataset; a single user: their own machine's).
removable = [d for d in datasets.all_datasets() if may_change(who, d.owner) and d.path in datasets_shown]
if removable:
    with st.expander(t("home.manage")):
        for dataset in removable:
            with st.popover(t("home.delete", name=dataset.name), icon=":material/delete:"):
                st.warning(t("home.delete_warning", name=dataset.name))
                if st.button(t("curves.delete_yes"), type="primary", key=f"delete-{dataset.name}"):
                    try:
                        datasets.delete_dataset(dataset.name, who)
                        leaderboard.forget_deleted_test_set(dataset.name)
                        st.session_state.pop("dataset", None)
                        st.rerun()
                    except CatdogError as error:
                        show_error(error)
