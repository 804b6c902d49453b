"""The app's pages, in one registry, and how every page starts.

`streamlit_app.py` builds `st.navigation` from `pages()`; pages link to each other with
`page(key)`; the tests read `PAGES`. A page's key is also its file name and its URL path
(the home page is served at `/`).

Why every page starts with `page_start`: with a `pages/` folder beside the entry point,
Streamlit runs a page opened first by URL on a fresh server (a bookmark after a restart) on
its own, in its legacy multipage mode, without the entry point: no sidebar, no navigation.
That lasts, for the whole process, until some session runs `st.navigation`. So a page that
finds that the entry point did not run before it in this run remembers itself and switches to
the entry point, whose `enter()` runs `st.navigation` and switches back to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from catdog import runs
from webui.error_text import SEES_SERVER
from webui.sidebar import RUN_GONE, active_dataset, selected_run
from webui.text import explainer, t

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "streamlit_app.py"
HOME = "home"
_ENTERED = "_entry_ran"  # set by the entry point before each page run, taken by page_start
_REQUESTED = "_requested_page"  # a page that had to go through the entry point first
NEED_A_MODEL = ("predict", "evaluate", "export")  # the pages that call need_model


@dataclass(frozen=True)
class PageInfo:
    """One screen of the app: its file, its URL and the catalogue keys of its texts."""

    key: str
    title_key: str  # the heading on the page
    nav_key: str  # the name in the navigation
    explain_key: str  # the "What is happening here?" for students
    icon: str

    @property
    def script(self) -> str:
        """The page's file, relative to the repository root."""
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        return "" if self.key == HOME else self.key


PAGES: dict[str, PageInfo] = {info.key: info for info in (
    PageInfo("home", "home.title", "nav.home", "home.explain", ":material/home:"),
    PageInfo("dataset", "data.title", "nav.dataset", "data.explain", ":material/photo_library:"),
    PageInfo("classes", "classes.title", "nav.classes", "classes.explain", ":material/add_a_photo:"),
    PageInfo("augment", "aug.title", "nav.augment", "aug.explain", ":material/auto_fix_high:"),
    PageInfo("train", "train.title", "nav.train", "train.explain", ":material/model_training:"),
    PageInfo("curves", "curves.title", "nav.curves", "curves.explain", ":material/show_chart:"),
    PageInfo("predict", "predict.title", "nav.predict", "predict.explain", ":material/image_search:"),
    PageInfo("evaluate", "eval.title", "nav.evaluate", "eval.explain", ":material/fact_check:"),
    PageInfo("export", "export.title", "nav.export", "export.explain", ":material/ios_share:"),
    PageInfo("leaderboard", "board.title", "nav.leaderboard", "board.explain", ":material/leaderboard:"),
    PageInfo("inside", "inside.title", "nav.inside", "inside.explain", ":material/neurology:"),
)}


def page(key: str) -> st.Page:
    """The `st.Page` of a page, titled in the current language: for navigation, links, switching."""
    info = PAGES[key]
    return st.Page(ROOT / info.script, title=t(info.nav_key), icon=info.icon, url_path=info.key,
                   default=key == HOME)


def pages() -> list[st.Page]:
    return [page(key) for key in PAGES]


def enter() -> None:
    """Called by the entry point after `st.navigation`, just before the page runs: go on to a
    page that was opened before the entry point had run, and let the page know it ran."""
    requested = st.session_state.pop(_REQUESTED, None)
    if requested in PAGES:
        st.switch_page(page(requested))  # the URL becomes the requested page's again
    st.session_state[_ENTERED] = True


def page_start(key: str, *, explain: bool = True) -> None:
    """Every page opens here: through the entry point if it has not run (see the module's
    docstring), then the page's title and, unless the page places it itself, its explainer."""
    if not st.session_state.pop(_ENTERED, False):
        st.session_state[_REQUESTED] = key
        st.switch_page(ENTRY)
    if key not in NEED_A_MODEL:
        st.session_state.pop(RUN_GONE, None)  # said where a model is used, now, not pages later
    st.title(t(PAGES[key].title_key))
    if explain:
        explain_page(key)


def explain_page(key: str) -> None:
    """The page's 'What is happening here?', for pages that show it below an introduction."""
    explainer(PAGES[key].explain_key)


def need_dataset() -> Path:
    """The active dataset, or a pointer to Home and the end of this page's run."""
    dataset = active_dataset()
    if dataset is None:
        st.info(t("common.no_dataset"))
        st.page_link(page(HOME), label=t("common.go_home"))
        st.stop()
    return dataset


def terminal_hint() -> None:
    """The command line's way to do it, for whoever sees the server (a single user, the teacher):
    a student of a class server has no terminal on it."""
    if st.session_state.get(SEES_SERVER, True):
        st.caption(t("common.terminal"))


def need_model() -> runs.Run:
    """The selected finished run, or a pointer to Train and the end of this page's run."""
    run = selected_run()
    gone = st.session_state.pop(RUN_GONE, None)
    if gone:
        by = runs.deleted_by(gone)
        st.warning(t("common.run_gone", run=gone) + (" " + t("common.deleted_by", name=by) if by else "")
                   + (" " + t("common.now_using", run=run.id) if run else ""), icon=":material/delete:")
    if run is None:
        st.info(t("common.no_model"))
        terminal_hint()
        st.page_link(page("train"), label=t("common.go_train"))
        st.stop()
    return run
