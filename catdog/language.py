"""How numbers are written in each language the app speaks: 0.975 in English, 0,975 in Brazilian
Portuguese (a decimal comma, a dot between thousands: 1.234,5).

The web pages' catalogue (webui.text), the translated errors and the model card all format
through `FORMATTERS`, so a number reads the same everywhere. Only numbers change: a file
name's or a run id's dots stay.
"""

from __future__ import annotations

import numbers
import string


def brazilian(text: str) -> str:
    """A formatted number as Brazil writes it: the decimal point and the thousands comma swapped."""
    return text.translate(str.maketrans(".,", ",."))


class NumberFormatter(string.Formatter):
    """str.format whose numbers follow the language; strings (file names, run ids) are left alone."""

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def format_field(self, value, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        # numbers.Real: numpy's float32 and int64 too (a preprocessed photo's range is float32).
        is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        return brazilian(text) if is_number and self.language == "pt" else text


FORMATTERS = {"en": NumberFormatter("en"), "pt": NumberFormatter("pt")}


def plural_category(language: str, count) -> str:
    """CLDR's plural category of `count`: "one" or "other". English says one for 1 only; Brazilian
    Portuguese for 0 and 1 too ("0 foto", as gettext's pt_BR rule n > 1), and for 1,5."""
    number = abs(float(count))
    if language == "pt":
        return "one" if number < 2 else "other"
    return "one" if number == 1 else "other"


def choose_form(text, language: str, values: dict) -> str:
    """A catalogue text: a string, or its plural forms {"one": ..., "other": ...} chosen by
    `values["count"]` (plurals are data, never "(s)")."""
    if isinstance(text, dict):
        return text[plural_category(language, values["count"])]
    return text
