"""The people of a class server: who a browser is, their name, and the teacher's code.

Decided here, in the core, so that no value a student can choose reaches another identity:
- a browser is a random token in a cookie (`browser_token`), never anything shaped like a login;
- a login identity (Streamlit's `st.login`) is a keyed hash of the login's subject, with a secret
  this server keeps, so knowing a classmate's e-mail gives no way to their identity;
- the teacher's code is compared as the bytes of its NFC form (any language's letters work),
  wrong codes are rate-limited per browser and per server, and teacher status ends after
  TEACHER_HOURS.
Profiles are small JSON files in `<models>/.people/`, named by a hash of the token.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import re
import secrets
import threading
import time
import unicodedata
from pathlib import Path

from catdog import storage
from catdog.access import Identity
from catdog.errors import CatdogError
from catdog.settings import models_root

PEOPLE = ".people"
SECRET = ".secret"
TEACHER_HOURS = 12.0  # a school day: a teacher's browser left open is a student's the next morning
BROWSER_ATTEMPTS, BROWSER_WINDOW = 5, 600.0  # wrong codes a browser may type in ten minutes
SERVER_ATTEMPTS, SERVER_WINDOW = 30, 60.0  # wrong codes the whole server takes in a minute
MAX_DISPLAY_NAME = 40
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_wrong: dict[str, collections.deque] = collections.defaultdict(collections.deque)  # key -> times
_wrong_lock = threading.Lock()


def browser_token(cookie: str | None) -> str | None:
    """The cookie's token if it is one this server could have made, else None (make a new one).
    A value shaped like a login identity is never a browser's."""
    if isinstance(cookie, str) and _TOKEN.match(cookie) and not cookie.startswith("login-"):
        return cookie
    return None


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def _folder(models_dir=None) -> Path:
    return Path(models_dir or models_root()) / PEOPLE


def _secret(models_dir=None) -> bytes:
    """This server's own key for login identities, made once and kept beside the profiles."""
    path = _folder(models_dir) / SECRET
    path.parent.mkdir(parents=True, exist_ok=True)
    with storage.locked(path.with_suffix(".lock")):
        if not path.exists():
            storage.write_atomic(path, secrets.token_hex(32))
            path.chmod(0o600)  # the server's alone
        return path.read_bytes()


def login_token(subject: str, models_dir=None) -> str:
    """The identity of a login's subject (or e-mail): keyed by this server's secret. A login that
    an earlier catdog knew by a plain hash keeps that identity (its runs and datasets name it);
    no cookie can claim it (`browser_token`)."""
    earlier = "login-" + hashlib.sha256(subject.encode()).hexdigest()[:40]
    if _profile_path(earlier, models_dir).exists():
        return earlier
    return "login-" + hmac.new(_secret(models_dir), subject.encode(), hashlib.sha256).hexdigest()[:40]


def _profile_path(token: str, models_dir=None) -> Path:
    # Named by a hash of the token, so a listing of the folder reveals no token.
    return _folder(models_dir) / f"{hashlib.sha256(token.encode()).hexdigest()[:32]}.json"


def profile(token: str, models_dir=None) -> dict:
    found = storage.read_json(_profile_path(token, models_dir))
    return found if isinstance(found, dict) else {}


def identity(token: str, models_dir=None, now: float | None = None) -> Identity:
    """Who `token` is: their name, and whether they are the teacher (until their status ends)."""
    found = profile(token, models_dir)
    until = found.get("teacher_until")
    teacher = isinstance(until, (int, float)) and until > (time.time() if now is None else now)
    name = found.get("name") if isinstance(found.get("name"), str) else ""
    return Identity(token, name, teacher=teacher)


def _save(token: str, models_dir=None, **changes) -> None:
    path = _profile_path(token, models_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    storage.write_json(path, {**profile(token, models_dir), **changes})


def set_name(token: str, typed: str, models_dir=None) -> str:
    """Keep the name a student typed (the spaces around it dropped); refused if empty, too long or
    with invisible characters, which would make two students look alike."""
    name = unicodedata.normalize("NFC", typed.strip()) if isinstance(typed, str) else ""
    if not name or len(name) > MAX_DISPLAY_NAME or any(
            unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn") for character in name):
        raise CatdogError("display_name_refused", length=MAX_DISPLAY_NAME)
    _save(token, models_dir, name=name)
    return name


def _recent(key: str, window: float, now: float) -> collections.deque:
    times = _wrong[key]
    while times and now - times[0] > window:
        times.popleft()
    return times


def unlock_teacher(token: str, typed: str, code: str, models_dir=None, now: float | None = None) -> bool:
    """True, and the browser is the teacher's for TEACHER_HOURS, if `typed` is the code; False if
    not; CatdogError("teacher_code_wait") while this browser, or the server, has typed too many
    wrong codes (100 guesses in 15 s were possible before)."""
    now = time.time() if now is None else now
    with _wrong_lock:
        mine, everyone = _recent(token, BROWSER_WINDOW, now), _recent("", SERVER_WINDOW, now)
        if len(mine) >= BROWSER_ATTEMPTS or len(everyone) >= SERVER_ATTEMPTS:
            waited = mine[0] + BROWSER_WINDOW if len(mine) >= BROWSER_ATTEMPTS else everyone[0] + SERVER_WINDOW
            raise CatdogError("teacher_code_wait", seconds=max(1, round(waited - now)))
        right = bool(code) and hmac.compare_digest(unicodedata.normalize("NFC", typed).encode(),
                                                   unicodedata.normalize("NFC", code).encode())
        if not right:
            mine.append(now)
            everyone.append(now)
            return False
    _save(token, models_dir, teacher_until=now + TEACHER_HOURS * 3600)
    return True


def forget_profile(token: str, models_dir=None) -> bool:
    """Delete `token`'s profile (their name, teacher status); True if there was one."""
    path = _profile_path(token, models_dir)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def was_teacher(token: str, models_dir=None) -> bool:
    """Whether `token` was ever the teacher's (a teacher uses several browsers over a term)."""
    return "teacher_until" in profile(token, models_dir)


def forget_profiles(models_dir=None) -> int:
    """Delete every profile but the teachers' (the teacher wiping the class); how many went."""
    gone = [path for path in _folder(models_dir).glob("*.json")
            if not (isinstance(record := storage.read_json(path), dict) and "teacher_until" in record)]
    for path in gone:
        path.unlink(missing_ok=True)
    return len(gone)


def forget_attempts() -> None:
    """For tests: a fresh server's memory of wrong codes."""
    with _wrong_lock:
        _wrong.clear()
