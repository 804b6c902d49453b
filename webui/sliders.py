"""Sliders whose numbers are written as the reader's language writes them.

Streamlit's own slider draws its value and ends with a printf format ("0.20") in every language;
a select_slider over the same steps draws them through `number` (0,20 in Portuguese) and looks
and moves the same (arrow keys included).
"""

from __future__ import annotations

import streamlit as st

from webui.text import number


def steps(top: float, step: float, bottom: float = 0.0) -> list[float]:
    """bottom, bottom + step, ..., top, rounded so that 4 steps of 0.05 equal a setting of 0.2."""
    return [round(bottom + i * step, 6) for i in range(int(round((top - bottom) / step)) + 1)]


def number_slider(label: str, top: float, step: float, key: str | None = None, value: float | None = None,
                  digits: int = 2, bottom: float = 0.0, where=st, **options) -> float:
    """A slider from `bottom` to `top` by `step`, its numbers with `digits` decimals in the reader's
    language. A value kept in the session that is not on a step (set by another page, or from an
    older version) moves to the nearest step instead of breaking the page."""
    values = steps(top, step, bottom)
    nearest = lambda wanted: min(values, key=lambda v: abs(v - wanted))
    if key is not None and key in st.session_state:
        st.session_state[key] = nearest(st.session_state[key])
    else:
        options["value"] = nearest(bottom if value is None else value)
    spec = f".{digits}f"
    written = {v: number(v, spec) for v in values}  # the language read once, not per step and rerun
    return where.select_slider(label, values, key=key, format_func=lambda v: written.get(v) or number(v, spec),
                               **options)
