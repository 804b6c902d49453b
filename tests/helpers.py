"""Helpers shared by the tests: paths to ../shared, tiny generated photos, free ports, AppTest pages.

Importing this module points KERAS_HOME at a temp copy of the shared weights. Keras reads
KERAS_HOME once, when it is imported, so conftest imports this before any test imports Keras.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_PHOTOS = SHARED / "data" / "catsdogs"
SHARED_WEIGHTS = SHARED / "keras_home" / "models"

# Keras reads KERAS_HOME once, when it is imported: point it, before any test imports
# Keras, at a temp copy of the shared weights (tests never write into ../shared).
KERAS_HOME = Path(tempfile.mkdtemp(prefix="catdog-keras-home-"))
if SHARED_WEIGHTS.is_dir():
    shutil.copytree(SHARED_WEIGHTS, KERAS_HOME / "models")
os.environ["KERAS_HOME"] = str(KERAS_HOME)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# A trainer waits this long for more work before it exits: short, so that each test's
# trainer is gone soon after its test, not holding TensorFlow in memory for a minute.
os.environ.setdefault("CATDOG_TRAINER_IDLE_SECONDS", "2")

def free_ports(count: int = 1) -> list[int]:
    """`count` distinct free loopback ports (all held open while choosing, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    for held in sockets:
        held.bind(("127.0.0.1", 0))
    ports = [held.getsockname()[1] for held in sockets]
    for held in sockets:
        held.close()
    return ports


needs_shared = pytest.mark.skipif(not SHARED_PHOTOS.is_dir(), reason="../shared photos not present")


def make_image(path: Path, kind: int, size=(48, 40), seed: int = 0) -> Path:
    """A photo-like noisy image whose class is visible: kind 0 is reddish, kind 1 bluish."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (size[1], size[0], 3), dtype=np.uint8)
    pixels[..., 0 if kind == 0 else 2] += 150
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def make_dataset(root: Path, per_class: int = 6, classes=("cats", "dogs"), splits=("train", "validation")) -> Path:
    for s, split in enumerate(splits):
        for kind, name in enumerate(classes):
            for i in range(per_class):
                make_image(root / split / name / f"{name}.{i}.jpg", kind % 2, seed=1000 * s + 100 * kind + i)
    return root


def open_page(key: str, language: str | None = None):
    """The app (AppTest) showing one page of the registry, as after a visit to the home page.

    The entry point runs from AppTest's temp folder, away from the repository's `pages/`
    folder: beside it, AppTest would start every run in Streamlit's legacy multipage mode
    (it resets that process-wide mode before each run, which a server never does) and the
    detour through the entry point would drop the click that started the run. A real
    server, redirect included, is tested in test_browser.py.
    """
    from streamlit.testing.v1 import AppTest

    from webui.navigation import ENTRY, HOME, PAGES

    app = AppTest.from_string(ENTRY.read_text(), default_timeout=120)
    if language:
        app.session_state["_language"] = language  # as the browser's locale or the picker would
    app.run()
    if key != HOME:
        app.switch_page(str(ROOT / PAGES[key].script)).run()
    return app


def wait_until(predicate, timeout: float = 180, every: float = 0.3) -> bool:
    """Whether `predicate()` came true within `timeout` seconds (asked every `every` s)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def at_once(action, count: int) -> list[str]:
    """`action(number)` called by `count` threads released together: "ok" for each that returned,
    the error's key for each refused (a class's tabs clicking at once)."""
    import threading

    from catdog.errors import CatdogError

    outcomes, gate = [], threading.Barrier(count)

    def one(number):
        gate.wait()
        try:
            action(number)
            outcomes.append("ok")
        except CatdogError as error:
            outcomes.append(error.key)

    threads = [threading.Thread(target=one, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def en(key: str, **values) -> str:
    """A catalogue text in English, as the pages show it (its plural form chosen by `count`)."""
    from catdog.language import choose_form
    from webui.text import S

    text = choose_form(S[key]["en"], "en", values)
    return text.format(**values) if values else text

