"""Errors carry a key into one message catalogue, in English and Brazilian Portuguese."""

import ast
import pickle

import pytest

from catdog.data import folders
from catdog.errors import MESSAGES, CatdogError, placeholders
from helpers import ROOT
from webui.error_text import PT, render

DEFINES_IT = {"errors.py"}  # unpickling rebuilds an error from its stored key


def _error_calls():
    """(file:line, first argument) of every CatdogError(...) call under catdog/, subpackages included."""
    for path in sorted((ROOT / "catdog").rglob("*.py")):
        if path.name in DEFINES_IT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "CatdogError":
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0] if node.args else None


def _dummy_params(key: str) -> dict:
    """A value for every placeholder of `key`; numbers, so that specs such as {limit:,} format."""
    names = set().union(*(placeholders(part) for part in MESSAGES[key]))
    return {name: 1 for name in names}


def test_every_raised_key_is_in_the_catalogue():
    calls = list(_error_calls())
    assert any(where.startswith("catdog/data/") for where, _ in calls)  # the subpackages are read too
    not_literal = [where for where, key in calls if not (isinstance(key, ast.Constant) and isinstance(key.value, str))]
    assert not_literal == []
    assert [where for where, key in calls if key.value not in MESSAGES] == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_portuguese_has_the_same_placeholders(key):
    assert key in PT
    assert [placeholders(part) for part in PT[key]] == [placeholders(part) for part in MESSAGES[key]]
    assert [bool(part) for part in PT[key]] == [bool(part) for part in MESSAGES[key]]


def test_portuguese_has_no_key_that_english_lacks():
    assert set(PT) - set(MESSAGES) == set()


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_renders_in_both_languages(key):
    error = CatdogError(key, **_dummy_params(key))
    assert render(error, "en") == (error.what, error.expected, error.fix)
    assert error.what and render(error, "pt")[0]


def test_the_english_text_is_what_happened_then_expected_then_fix():
    error = CatdogError("unknown_backbone", name="vgg", allowed="a, b")
    assert str(error) == ("Unknown backbone 'vgg'.\nExpected: one of a, b\n"
                          "Fix: pick a name from that list (e.g. --backbone mobilenet_v1_025).")
    assert (error.key, error.params) == ("unknown_backbone", {"name": "vgg", "allowed": "a, b"})


def test_an_unknown_key_fails_loudly():
    with pytest.raises(KeyError, match="no_such_message"):
        CatdogError("no_such_message")


def test_a_missing_parameter_is_named():
    with pytest.raises(KeyError, match="'root'"):
        CatdogError("dataset_missing", path="x")


def test_an_error_survives_pickling():
    error = pickle.loads(pickle.dumps(CatdogError("run_busy", run="r1", state="running")))
    assert (error.key, error.params, str(error)) == ("run_busy", {"run": "r1", "state": "running"},
                                                    "Run r1 is running.\nFix: cancel it before deleting it.")


def test_a_missing_dataset_is_explained_in_portuguese(tmp_path):
    with pytest.raises(CatdogError) as caught:
        folders.load_dataset(tmp_path / "nope")
    assert caught.value.key == "dataset_missing"
    what, expected, fix = render(caught.value, "pt")
    assert what == f"A pasta do conjunto de dados {tmp_path / 'nope'} não existe."
    assert expected == ""
    assert "python -m catdog data download" in fix


def test_a_run_state_is_shown_in_portuguese():
    what, _, _ = render(CatdogError("run_busy", run="r1", state="queued"), "pt")
    assert what == "O treino r1 está na fila."
