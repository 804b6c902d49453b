"""A form's choices kept while a person moves between pages and reloads.

Streamlit forgets a widget's value when its page is left (the widget is not drawn in that
run), and a reload starts a new session: a student who comes back to Train and presses Start
would launch the defaults, not what they chose. So the Train page keeps its choices here, per
person: per student in hosted mode, for the one user otherwise, in the server's memory.
"""

from __future__ import annotations

import streamlit as st

from catdog.access import Identity


@st.cache_resource(show_spinner=False)
def _choices() -> dict[tuple[str, str], dict]:
    return {}  # (form, person) -> {widget key: value}; one dict for the whole server


def _person(who: Identity | None) -> str:
    return who.id if who is not None else "local"


def restore(form: str, who: Identity | None, defaults: dict, allowed: dict | None = None) -> None:
    """Before the form's widgets are drawn: give each widget key that Streamlit forgot the value
    this person chose last (if still allowed: `allowed[key]` lists the options), else its default."""
    kept = _choices().get((form, _person(who)), {})
    allowed = allowed or {}
    for key, default in defaults.items():
        if key in st.session_state:
            continue
        value = kept.get(key, default)
        st.session_state[key] = value if key not in allowed or value in allowed[key] else default


def remember(form: str, who: Identity | None, keys) -> None:
    """After a change: keep the form's current values for this person."""
    _choices()[(form, _person(who))] = {key: st.session_state[key] for key in keys if key in st.session_state}
