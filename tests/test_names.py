"""The one name rule (catdog.names): what it lets through can be stored and read back as itself,
and what could hide, confuse or break is refused, never rewritten."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catdog import names
from catdog.errors import CatdogError
from catdog.names import NameKind

KINDS = [NameKind.DATASET, NameKind.CLASS, NameKind.ENTRY]
INVISIBLE = ["\n", "\r", "\t", "\x00", "\x1b", "\u200b", "\u200e", "\u202e", "\ufeff", "\u2028", "\ue000"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=0, max_size=60), kind=st.sampled_from(KINDS))
def test_a_name_is_accepted_as_itself_in_nfc_or_refused_and_an_accepted_one_can_be_stored(tmp_path, name, kind):
    try:
        accepted = names.check_name(name, kind)
    except CatdogError as error:
        assert error.key == f"{kind.value}_name_refused" and "\n" not in error.params["name"]
        return
    assert accepted == unicodedata.normalize("NFC", name)  # never rewritten but for its NFC form
    assert not any(unicodedata.category(c) in names.FORBIDDEN_CATEGORIES for c in accepted)
    assert accepted[0] not in "._" and "/" not in accepted and accepted == accepted.strip()
    assert not accepted.endswith(".")
    assert names.comparable(accepted) not in names.RESERVED
    folder = tmp_path / accepted
    folder.mkdir(exist_ok=True)
    assert accepted in [child.name for child in tmp_path.iterdir()]


@given(before=st.text(alphabet="abcdefghij", min_size=1, max_size=8), after=st.text(alphabet="xyz", max_size=8),
       invisible=st.sampled_from(INVISIBLE), kind=st.sampled_from(KINDS))
def test_an_invisible_or_control_character_anywhere_is_refused(before, after, invisible, kind):
    with pytest.raises(CatdogError) as refused:
        names.check_name(before + invisible + after, kind)
    assert refused.value.params["problem"] == "invisible"


@pytest.mark.parametrize("name, problem", [
    ("_h1", "hidden"), (".owners", "hidden"), (".collections", "hidden"), ("downloads", "reserved"),
    ("Train", "reserved"), ("nul", "reserved"), ("COM1.txt", "reserved"), ("ca\nts", "invisible"),
    ("a/b", "separator"), ("..", "separator"), (" pets", "ends"), ("cats.", "ends"), ("x" * 41, "long"), ("", "empty"),
    ("pets*", "character"), ("-rf", "hidden")])
def test_the_names_that_hid_or_broke_a_class_server_are_refused(name, problem):
    """`_h1` and `downloads` were stored, counted by no quota and deletable by nobody."""
    with pytest.raises(CatdogError) as refused:
        names.check_name(name, NameKind.DATASET)
    assert refused.value.params["problem"] == problem


def test_twins_written_two_ways_compare_as_one_name():
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert composed != decomposed and names.comparable(composed) == names.comparable(decomposed)
    assert names.check_name(decomposed, NameKind.CLASS) == composed
    assert names.comparable("Cats") == names.comparable("cats")


def test_names_from_the_classroom_pass_in_every_script():
    for name in ("pedra papel tesoura", "Golden Retriever (dog)", "gatos-2026", "кошки", "猫", "São João"):
        assert names.check_name(name, NameKind.DATASET) == name
