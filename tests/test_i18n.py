"""The UI's texts: every key in both languages, no text written into the pages themselves."""

import ast
import re
import string

import pytest

from helpers import ROOT

DISPLAY = {"title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
           "toast", "button", "toggle", "slider", "select_slider", "selectbox", "multiselect", "radio",
           "checkbox", "number_input", "text_input", "file_uploader", "camera_input", "download_button",
           "form_submit_button", "expander", "popover", "page_link", "metric", "pills", "spinner", "progress"}
UI_FILES = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "streamlit_app.py", ROOT / "ui.py"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders():
    from i18n import LANGUAGES, S

    for key, texts in S.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["pt"]), key


def _literal_texts(path):
    """String literals with words in them passed straight to a Streamlit display call."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DISPLAY:
            for argument in node.args[:1] + [k.value for k in node.keywords if k.arg in ("label", "text", "help")]:
                parts = [argument] if isinstance(argument, ast.Constant) else (
                    [v for v in argument.values if isinstance(v, ast.Constant)] if isinstance(argument, ast.JoinedStr) else [])
                for part in parts:
                    if isinstance(part.value, str) and re.search(r"[A-Za-z]{3,}", part.value) \
                            and not part.value.endswith(".py"):  # page_link's target, not a text
                        yield node.lineno, part.value


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_pages_take_their_texts_from_the_catalogue(path):
    assert list(_literal_texts(path)) == []


def test_every_key_used_in_the_ui_exists():
    from i18n import S

    used = set()
    for path in UI_FILES:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.0-9]+)["']""", path.read_text()))
        used |= set(re.findall(r"""explainer\(\s*["']([a-z_.0-9]+)["']""", path.read_text()))
        for pair in re.findall(r"""page_start\(\s*["']([a-z_.0-9]+)["'],\s*["']([a-z_.0-9]+)["']""", path.read_text()):
            used |= set(pair)
    assert used, "the pages use the catalogue"
    assert sorted(used - set(S)) == []


TITLES = {"app_pages/home.py": "home.title", "app_pages/dataset.py": "data.title",
          "app_pages/augment.py": "aug.title", "app_pages/train.py": "train.title",
          "app_pages/curves.py": "curves.title", "app_pages/predict.py": "predict.title",
          "app_pages/evaluate.py": "eval.title"}


@pytest.mark.parametrize("page", list(TITLES))
def test_every_page_renders_in_portuguese(full_roots, page):
    from streamlit.testing.v1 import AppTest

    from i18n import S

    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    app.session_state["language"] = "pt"
    app.run()
    if page != "app_pages/home.py":
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == S[TITLES[page]]["pt"]
    assert app.selectbox(key="language").value == "pt"


def test_every_backbone_and_run_state_has_its_texts():
    from catdog import backbones, runs
    from i18n import S

    assert all(f"note.{name}" in S for name in backbones.REGISTRY)
    assert all(f"state.{state}" in S for state in runs.STATES)
