"""The UI's texts: every key in both languages, no text written into the pages themselves."""

import ast
import re
import string

import numpy as np
import pytest

from helpers import ROOT
from webui.navigation import PAGES

DISPLAY = {"title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
           "toast", "button", "toggle", "slider", "select_slider", "selectbox", "multiselect", "radio",
           "checkbox", "number_input", "text_input", "file_uploader", "camera_input", "download_button",
           "form_submit_button", "expander", "popover", "page_link", "metric", "pills", "spinner", "progress"}
UI_FILES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "streamlit_app.py"] + sorted((ROOT / "webui").glob("*.py"))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(text) -> list[str]:
    """A catalogue text's strings: itself, or each of its plural forms."""
    return list(text.values()) if isinstance(text, dict) else [text]


def test_every_key_has_both_languages_with_the_same_placeholders():
    from webui.text import LANGUAGES, S

    for key, texts in S.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(form.strip() for lang in LANGUAGES for form in _forms(texts[lang])), key
        fields = {frozenset(_fields(form)) for lang in LANGUAGES for form in _forms(texts[lang])}
        assert len(fields) == 1, key
        plural = [isinstance(texts[lang], dict) for lang in LANGUAGES]
        assert all(plural) or not any(plural), key
        if any(plural):
            assert all(set(texts[lang]) == {"one", "other"} for lang in LANGUAGES), key
            assert "count" in fields.pop(), key


def test_no_text_writes_a_plural_as_an_optional_letter():
    """Plurals are data (one/other), never "photo(s)"."""
    from webui.text import S

    for key, texts in S.items():
        for form in (form for text in texts.values() for form in _forms(text)):
            assert not re.search(r"\w\((s|es|is)\)", form), (key, form)


@pytest.mark.parametrize("language, count, expected", [
    ("en", 1, "1 run of other students in the queue."), ("en", 0, "0 runs of other students in the queue."),
    ("en", 3, "3 runs of other students in the queue."), ("pt", 1, "1 treino de outros estudantes na fila."),
    ("pt", 0, "0 treino de outros estudantes na fila."), ("pt", 2, "2 treinos de outros estudantes na fila."),
])
def test_a_count_picks_its_plural_form_in_each_language(monkeypatch, language, count, expected):
    import streamlit as st

    from webui import text

    monkeypatch.setattr(st, "session_state", {text.CHOSEN_LANGUAGE: language})
    assert text.t("train.others", count=count) == expected


NOT_TEXT = {"key", "type", "icon", "language", "format", "selection_mode", "on_select", "width", "mime",
            "file_name", "label_visibility", "layout", "page_icon", "page_title", "url_path", "on_change",
            "horizontal", "disabled", "step", "on_click"}


def _strings(node):
    """String constants in an argument: itself, an f-string's literal parts, a list's items,
    and what a `format_func=lambda ...:` may return."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield from (v.value for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            yield from _strings(item)
    elif isinstance(node, ast.Lambda):
        yield from _strings(node.body)
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _is_logger(receiver) -> bool:
    """`log.info(...)` or `logging.getLogger(...).info(...)`: the server's log, not the page."""
    if isinstance(receiver, ast.Name):
        return receiver.id in ("log", "logger")
    return isinstance(receiver, ast.Call) and getattr(receiver.func, "attr", "") == "getLogger"


def _literal_texts(path):
    """String literals with words in them that reach a Streamlit display call: any argument
    (labels, options, help, captions, what format_func returns), not only the first."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DISPLAY \
                and not _is_logger(node.func.value):
            arguments = node.args + [k.value for k in node.keywords if k.arg not in NOT_TEXT]
            for argument in arguments:
                for text in _strings(argument):
                    if re.search(r"[A-Za-z]{3,}", text):
                        yield node.lineno, text


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_pages_take_their_texts_from_the_catalogue(path):
    assert list(_literal_texts(path)) == []


def test_every_key_used_in_the_ui_exists():
    from webui.text import S

    used = {key for info in PAGES.values() for key in (info.title_key, info.nav_key, info.explain_key)}
    for path in UI_FILES:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.0-9]+)["']""", path.read_text()))
        used |= set(re.findall(r"""explainer\(\s*["']([a-z_.0-9]+)["']""", path.read_text()))
    assert sorted(used - set(S)) == []


@pytest.mark.parametrize("key", list(PAGES))
def test_every_page_renders_in_portuguese(full_roots, key):
    from helpers import open_page
    from webui.text import S

    app = open_page(key, language="pt")
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == S[PAGES[key].title_key]["pt"]
    assert app.selectbox(key="language").value == "pt"


def test_every_backbone_and_run_state_has_its_texts():
    from catdog import run_state
    from catdog.network import backbones
    from webui.text import S

    assert all(f"note.{name}" in S for name in backbones.REGISTRY)
    assert all(f"state.{state}" in S for state in run_state.State)


def _shown_strings(app) -> list[str]:
    """Every string the rendered page holds in its elements (charts aside: their data is data)."""
    from google.protobuf.json_format import MessageToDict

    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for node in app._tree.children.values():
        for element in _elements(node):
            proto = getattr(element, "proto", None)
            if proto is not None and element.type not in ("plotly_chart", "arrow_data_frame", "imgs", "image"):
                walk(MessageToDict(proto))
    return found


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


@pytest.mark.parametrize("key", list(PAGES))
def test_a_portuguese_reader_meets_no_english_catalogue_text(full_roots, key):
    """What the page renders in Portuguese holds none of the catalogue's English texts."""
    from helpers import open_page
    from webui.text import S

    english = {form.split("{")[0].strip() for texts in S.values() if texts["en"] != texts["pt"]
               for form in _forms(texts["en"])}
    english = {text for text in english if len(text) >= 12 and " " in text}  # phrases, not names
    app = open_page(key, language="pt")
    leaks = sorted({(phrase, shown) for shown in _shown_strings(app) for phrase in english if phrase in shown})
    assert leaks == []


def test_the_language_picked_holds_across_pages_and_a_reset_picker(empty_roots):
    from helpers import open_page
    from webui.navigation import PAGES, ROOT
    from webui.text import S

    app = open_page("home")
    app.selectbox(key="language").set_value("pt").run()
    assert app.title[0].value == S[PAGES["home"].title_key]["pt"]
    app.switch_page(str(ROOT / PAGES["train"].script)).run()
    assert app.title[0].value == S[PAGES["train"].title_key]["pt"]
    # What Streamlit did to the picker on a fresh server: its widget state back to the first option.
    app.session_state["language"] = "en"
    app.run()
    assert app.title[0].value == S[PAGES["train"].title_key]["pt"]


@pytest.mark.parametrize("language, expected", [
    ("en", ["0.975", "1,234.5", "97.5%", "+0.125", "0.001"]),
    ("pt", ["0,975", "1.234,5", "97,5%", "+0,125", "0,001"]),
])
def test_numbers_are_written_with_the_readers_decimal_mark(monkeypatch, language, expected):
    import webui.text as text

    monkeypatch.setattr(text, "language", lambda: language)
    assert [text.number(0.975), text.number(1234.5, ",.1f"), text.number(0.975, ".1%"), text.number(0.125, "+.3f"),
            text.number(0.001, "g")] == expected
    assert text.number(np.float32(0.975)) == expected[0]  # numpy's numbers too (a photo's pixel range)
    assert text.number(np.int64(1234), ",") == {"en": "1,234", "pt": "1.234"}[language]


def test_a_template_writes_its_numbers_in_the_language_and_leaves_names_alone():
    from catdog.errors import CatdogError
    from webui.error_text import render
    from webui.text import FORMATTERS

    assert FORMATTERS["pt"].format("{name}: {share:.1%} of {count}", name="foto.v2.jpg", share=0.5, count=1200) == \
        "foto.v2.jpg: 50,0% of 1200"
    error = CatdogError("zip_too_large", gigabytes=2.5, limit_gigabytes=1.0)
    assert render(error, "pt")[:2] == ("Recusado: o zip ocuparia 2,5 GB descompactado.",
                                       "no máximo 1,0 GB descompactado")
    assert "2.5 GB" in render(error, "en")[0]


def test_a_portuguese_reader_sees_decimal_commas_in_tables_and_charts(full_roots):
    import json

    from helpers import open_page
    from webui.text import S

    app = open_page("curves", language="pt")
    assert not app.exception, [e.value for e in app.exception]
    final = app.dataframe[0].value[S["col.final"]["pt"]].tolist()
    assert final and all("," in value and "." not in value for value in final)
    assert json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["separators"] == ",."
    assert all("," in rate for rate in app.dataframe[0].value[S["col.lr"]["pt"]])  # 0,001
    app = open_page("dataset", language="pt")  # every chart of a page drawn with plotly
    assert not app.exception and app.get("plotly_chart")
    assert {json.loads(chart.proto.spec)["layout"]["separators"] for chart in app.get("plotly_chart")} == {",."}
