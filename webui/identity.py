"""Who is using this browser, in hosted mode (a class on one server); nobody in single-user mode.

A browser's identity is a random token kept in a cookie: Streamlit reads cookies natively
(`st.context.cookies`), and a one-line script writes it on the first visit, so it survives
reloads and page changes and no student can guess or type another's. Where the host has
configured Streamlit's own login (`st.login`), the login's subject is used instead. The
teacher unlocks their controls with the code the host set (CATDOG_TEACHER_CODE, an
environment variable or a Streamlit secret); without one, hosted mode has no teacher.
"""

from __future__ import annotations

import streamlit as st

from catdog import privacy, settings
from catdog.access import Identity
from catdog.classroom import people
from catdog.errors import CatdogError
from catdog.settings import limits
from webui.error_text import SEES_SERVER, show_error
from webui.text import t

COOKIE = "catdog_id"


def current() -> Identity | None:
    """This browser's identity in hosted mode, else None (everything allowed). Where the host
    configured Streamlit's login, only the login says who one is."""
    if not limits().hosted:
        return None
    token = st.session_state.get("_identity_token") or _login_token() or _cookie_token()
    st.session_state["_identity_token"] = token
    who = people.identity(token)
    st.session_state[SEES_SERVER] = sees_server(who)  # what error messages and hints may show
    return who


def _login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def _login_token() -> str | None:
    """The login's identity; where a login is configured and this browser has not logged in, the
    page asks for it and stops (a cookie is then no way in)."""
    if not _login_configured():
        return None
    user = getattr(st, "user", None)
    if user is not None and getattr(user, "is_logged_in", False) is True:
        return people.login_token(str(user.get("sub") or user.get("email")))
    st.button(t("who.log_in"), on_click=st.login, type="primary")
    st.stop()


def _cookie_token() -> str:
    token = people.browser_token(st.context.cookies.get(COOKIE))
    if token is not None:
        return token
    token = people.new_browser_token()
    # The browser keeps it for a school year; SameSite=Strict: other sites never send it.
    st.html(f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age=31536000; "
            "SameSite=Strict';</script>", unsafe_allow_javascript=True)
    return token


def teacher_code() -> str:
    code = settings.teacher_code()
    if not code:
        try:
            code = str(st.secrets.get("CATDOG_TEACHER_CODE", ""))
        except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
            code = ""
    return code


def ask_name(who: Identity | None) -> None:
    """The first visit in hosted mode: ask the student's name once, before any page."""
    if who is None or who.name:
        return
    with st.form("name"):
        st.subheader(t("who.welcome"))
        name = st.text_input(t("who.name"), max_chars=40, key="display_name")
        if st.form_submit_button(t("who.go"), type="primary"):
            if not name.strip():
                st.error(t("who.name_needed"))
            else:
                try:
                    people.set_name(who.id, name)
                    st.rerun()
                except CatdogError as error:
                    show_error(error)
    st.stop()


def teacher_box(who: Identity | None) -> None:
    """In the sidebar: who I am, and the field that unlocks the teacher's controls."""
    if who is None:
        return
    st.caption(t("who.you", name=who.name) + (" " + t("who.teacher") if who.teacher else ""))
    _my_data(who)
    code = teacher_code()
    if not code or who.teacher:
        return
    with st.expander(t("who.teacher_unlock")):
        # A form: a code is tried once, when sent, not again on every rerun of the page (a typo left in
        # a plain field counted as five wrong codes after five clicks elsewhere), and the field empties.
        with st.form("teacher", clear_on_submit=True, border=False):
            typed = st.text_input(t("who.teacher_code"), type="password", key="teacher_code")
            sent = st.form_submit_button(t("who.unlock"), key="teacher-unlock")
        try:
            if sent and typed and people.unlock_teacher(who.id, typed, code):
                st.rerun()
            elif sent and typed:
                st.error(t("who.wrong_code"))
        except CatdogError as error:  # too many wrong codes: wait
            show_error(error)


def _my_data(who: Identity) -> None:
    """Delete all of mine in one step (a student's photos are personal data); the teacher: the class's."""
    with st.popover(t("who.my_data"), icon=":material/delete_forever:"):
        st.caption(t("who.my_data_what"))
        sure = st.checkbox(t("who.sure"), key="forget-sure")  # one careless click deletes nothing
        if st.button(t("who.forget_me"), key="forget-me", disabled=not sure):
            _report(privacy.forget(who))
        if who.teacher and st.button(t("who.wipe_class"), key="wipe-class", type="primary", disabled=not sure):
            _report(privacy.wipe_class(who))


def _report(forgotten: privacy.Forgotten) -> None:
    st.success(t("who.forgotten", runs=len(forgotten.runs), datasets=len(forgotten.datasets),
                 collections=len(forgotten.collections)))
    if forgotten.stopping:
        st.warning(t("who.still_stopping", runs=", ".join(forgotten.stopping)))


def sees_server(who: Identity | None) -> bool:
    """Server paths, tracebacks and the TensorBoard command are for a single user or the teacher."""
    return who is None or who.teacher


def shown_path(path, who: Identity | None) -> str:
    """A server path as this reader may see it: whole, or just its last part (a student in hosted mode)."""
    from pathlib import Path

    return str(path) if sees_server(who) else Path(path).name


def run_label(run_id: str, owners: dict[str, str]) -> str:
    """A run as a picker shows it: whose it is first, so that a narrow sidebar cuts the id's end
    (the backbone, also in the run's settings), never the student's name."""
    return f"{owners[run_id]} · {run_id}" if run_id in owners else run_id
