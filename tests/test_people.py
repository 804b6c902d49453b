"""Who is who on a class server: no cookie reaches another identity, the teacher's code is typed
in any language and cannot be guessed by brute force, and teacher status ends."""

import hashlib

import pytest

from catdog.classroom import people
from catdog.errors import CatdogError


@pytest.fixture(autouse=True)
def _fresh_attempts():
    people.forget_attempts()
    yield
    people.forget_attempts()


def test_a_cookie_shaped_like_a_login_identity_is_never_taken(tmp_path):
    """A student who knew a classmate's e-mail could set the cookie to login-<its hash>."""
    forged = "login-" + hashlib.sha256(b"bia@school.br").hexdigest()[:40]
    assert people.browser_token(forged) is None
    assert people.browser_token("x" * 20) is None and people.browser_token("a b" * 20) is None
    made = people.new_browser_token()
    assert people.browser_token(made) == made


def test_a_login_identity_is_keyed_by_this_servers_secret(tmp_path):
    ana = people.login_token("ana@school.br", tmp_path)
    assert ana == people.login_token("ana@school.br", tmp_path)  # the same login, the same identity
    assert ana != "login-" + hashlib.sha256(b"ana@school.br").hexdigest()[:40]  # not computable from outside
    assert ana != people.login_token("ana@school.br", tmp_path / "other-server")


def test_a_login_an_earlier_catdog_knew_keeps_its_identity_and_its_runs(tmp_path):
    earlier = "login-" + hashlib.sha256(b"ana@school.br").hexdigest()[:40]
    people.set_name(earlier, "Ana", tmp_path)
    assert people.login_token("ana@school.br", tmp_path) == earlier


@pytest.mark.parametrize("code", ["owl-42", "coração", "cafe\u0301 ☕", "教師"])
def test_any_unicode_code_unlocks_typed_in_either_normal_form(tmp_path, code):
    """`coração` crashed the page (hmac.compare_digest refuses non-ASCII str)."""
    import unicodedata

    typed = unicodedata.normalize("NFD", code)
    assert people.unlock_teacher("ana-token", typed, unicodedata.normalize("NFC", code), tmp_path)
    assert people.identity("ana-token", tmp_path).teacher


def test_wrong_codes_are_rate_limited_per_browser_and_then_even_the_right_one_waits(tmp_path):
    """100 wrong codes in 15.5 s from one tab, then the right one worked."""
    for attempt in range(people.BROWSER_ATTEMPTS):
        assert people.unlock_teacher("mallory", f"guess-{attempt}", "owl-42", tmp_path, now=1000.0 + attempt) is False
    with pytest.raises(CatdogError) as waiting:
        people.unlock_teacher("mallory", "owl-42", "owl-42", tmp_path, now=1010.0)
    assert waiting.value.key == "teacher_code_wait" and waiting.value.params["seconds"] > 500
    assert not people.identity("mallory", tmp_path, now=1010.0).teacher
    assert people.unlock_teacher("teacher", "owl-42", "owl-42", tmp_path, now=1010.0)  # another browser is not held
    assert people.unlock_teacher("mallory", "owl-42", "owl-42", tmp_path, now=1000.0 + people.BROWSER_WINDOW + 5)


def test_the_server_takes_only_so_many_wrong_codes_a_minute_whatever_the_cookies(tmp_path):
    for attempt in range(people.SERVER_ATTEMPTS):
        people.unlock_teacher(f"cookie-{attempt}", "guess", "owl-42", tmp_path, now=2000.0)
    with pytest.raises(CatdogError, match="Too many wrong teacher codes"):
        people.unlock_teacher("one-more-cookie", "owl-42", "owl-42", tmp_path, now=2001.0)


def test_teacher_status_ends_after_a_school_day(tmp_path):
    assert people.unlock_teacher("prof", "owl-42", "owl-42", tmp_path, now=0.0)
    assert people.identity("prof", tmp_path, now=3600.0).teacher
    assert not people.identity("prof", tmp_path, now=people.TEACHER_HOURS * 3600 + 1).teacher


def test_no_code_set_means_no_teacher(tmp_path):
    assert people.unlock_teacher("ana", "", "", tmp_path) is False


@pytest.mark.parametrize("typed", ["", "   ", "Ana\u202e", "A\nna", "x" * 41])
def test_a_display_name_that_would_hide_or_mimic_is_refused(tmp_path, typed):
    with pytest.raises(CatdogError):
        people.set_name("token", typed, tmp_path)
    assert people.identity("token", tmp_path).name == ""


def test_a_display_name_keeps_its_letters(tmp_path):
    assert people.set_name("token", "  João  ", tmp_path) == "João"
    assert people.identity("token", tmp_path).name == "João"
