"""Who is using this browser, in hosted mode (a class on one server); nobody in single-user mode.

A browser's identity is a random token kept in a cookie: Streamlit reads cookies natively
(`st.context.cookies`), and a one-line script writes it on the first visit, so it survives
reloads and page changes and no student can guess or type another's. Where the host has
configured Streamlit's own login (`st.login`), the login's subject is used instead. The
teacher unlocks their controls with the code the host set (CATDOG_TEACHER_CODE, an
environment variable or a Streamlit secret); without one, hosted mode has no teacher.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

import streamlit as st

from catdog import settings
from catdog.access import Identity
from catdog.settings import limits, models_root
from webui.text import t

COOKIE = "catdog_id"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def current() -> Identity | None:
    """This browser's identity in hosted mode, else None (everything allowed)."""
    if not limits().hosted:
        return None
    token = st.session_state.get("_identity_token") or _login_subject() or _cookie_token()
    st.session_state["_identity_token"] = token
    profile = _profile(token)
    return Identity(token, profile.get("name", ""), teacher=bool(profile.get("teacher")))


def _login_subject() -> str | None:
    user = getattr(st, "user", None)
    try:
        if user is not None and user.is_logged_in is True:
            return "login-" + hashlib.sha256(str(user.get("sub") or user.get("email")).encode()).hexdigest()[:40]
    except (AttributeError, KeyError):  # no login configured on this server
        return None
    return None


def _cookie_token() -> str:
    token = st.context.cookies.get(COOKIE, "")
    if isinstance(token, str) and _TOKEN.match(token):  # (a test harness may have no cookies at all)
        return token
    token = secrets.token_urlsafe(32)
    # The browser keeps it for a school year; SameSite=Strict: other sites never send it.
    st.html(f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age=31536000; "
            "SameSite=Strict';</script>", unsafe_allow_javascript=True)
    return token


def _profile_path(token: str):
    # The file is named by a hash of the token, so a listing of the folder reveals no token.
    return models_root() / ".people" / f"{hashlib.sha256(token.encode()).hexdigest()[:32]}.json"


def _profile(token: str) -> dict:
    try:
        return json.loads(_profile_path(token).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _save_profile(token: str, **changes) -> None:
    from catdog.storage import write_json

    path = _profile_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, {**_profile(token), **changes})


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
            if name.strip():
                _save_profile(who.id, name=name.strip())
                st.rerun()
            st.error(t("who.name_needed"))
    st.stop()


def teacher_box(who: Identity | None) -> None:
    """In the sidebar: who I am, and the field that unlocks the teacher's controls."""
    if who is None:
        return
    st.caption(t("who.you", name=who.name) + (" " + t("who.teacher") if who.teacher else ""))
    code = teacher_code()
    if not code or who.teacher:
        return
    with st.expander(t("who.teacher_unlock")):
        typed = st.text_input(t("who.teacher_code"), type="password", key="teacher_code")
        if typed and hmac.compare_digest(typed, code):
            _save_profile(who.id, teacher=True)
            st.rerun()
        elif typed:
            st.error(t("who.wrong_code"))


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
