"""Interactivity (issue #15): how long each page takes to open and each widget to answer, as a
user sees it in Chromium against the real server (`streamlit run`), on the shared photos and one
trained tiny run.

Each timing runs from the action (a click, a key, an upload) until the expected element is on
screen, every image in the page has loaded, and the app is idle again: Streamlit's script state
back to "notRunning" and its status widget gone. (The status widget alone is not enough: it
only appears after 500 ms of running.)

cold: the first time after a server start. Each page's cold figures come from a server of their
own, started for it: Home opened first (the first page a user sees: its time is home's cold
figure), then the page through the sidebar at once, as a user goes. For Augmentation and Predict,
which wait for TensorFlow, also "cold_5s_on_home": the same after 5 s on Home (the warm-up's head
start). warm: the same again, later, on that server (its caches full); widget changes are warm.
One JSON line per page, action and state.

    CATDOG_OFFLINE=1 .venv/bin/python bench/app_bench.py [--repeat 5] [--cold-repeat 3] [--work DIR]
        [--pages dataset predict ...] [--file-watcher none]

`--work DIR` keeps the dataset link and the trained run there, so that a second bench run does
not train again.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import PHOTOS, ROOT, report, start_app, use_shared_weights
from webui.navigation import PAGES
from webui.text import S

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 180_000
# Idle: the script has finished, the running man is gone, and every picture has arrived.
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stStatusWidget"]') === null
    && Array.from(document.images).every(image => image.complete);
}"""
TIMINGS: dict[tuple[str, str, str], list[float]] = defaultdict(list)
NEED_TENSORFLOW = ("augment", "predict")  # their first use after a start waits for TensorFlow
ON_HOME = 5.0  # seconds a user spends on Home before opening one of them (a second cold figure)


def en(key: str, **values) -> str:
    return S[key]["en"].format(**values) if values else S[key]["en"]


# --- set-up: a data root holding the shared photos, a models folder holding one trained run ---

def prepare(work: Path) -> dict:
    """The server's environment; trains the tiny run once per work folder."""
    use_shared_weights()
    data, models = work / "data", work / "models"
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "catsdogs").exists():
        (data / "catsdogs").symlink_to(PHOTOS)  # the photos are read, never written
    env = {**os.environ, "CATDOG_DATA_DIR": str(data), "CATDOG_MODELS_DIR": str(models), "CATDOG_OFFLINE": "1"}
    if not list(models.glob("*/model.keras")):
        subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(data / "catsdogs"), "--backbone",
                        "mobilenet_v1_025", "--models-dir", str(models), "--foreground", "--epochs", "3", "--quiet"],
                       cwd=ROOT, env=env, check=True)
    return env


def validation_photos() -> list[Path]:
    """Cats and dogs in turn, so that each upload of three holds both classes."""
    cats = sorted((PHOTOS / "validation" / "cats").iterdir())
    dogs = sorted((PHOTOS / "validation" / "dogs").iterdir())
    return [photo for pair in zip(cats, dogs) for photo in pair]


# --- measuring ---

def settle(page, *expected) -> None:
    """Until each expected locator is visible and the app is idle."""
    for locator in expected:
        locator.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS, polling=20)
    if page.get_by_test_id("stException").count():  # a fast page that crashed is no result
        sys.exit("the app showed an exception: " + page.get_by_test_id("stException").first.inner_text()[:2000])


def measure(name: str, action: str, state: str, page, act, *expected) -> float:
    """Time `act()` until `expected` (locators, or a function of the page returning them) settles."""
    started = time.perf_counter()
    act()
    settle(page, *(expected[0]() if len(expected) == 1 and callable(expected[0]) else expected))
    seconds = time.perf_counter() - started
    TIMINGS[(name, action, state)].append(seconds)
    print(f"  {name} {action} {state}: {seconds:.2f} s", file=sys.stderr, flush=True)
    return seconds


def heading(page, key: str):
    return page.get_by_role("heading", name=en(PAGES[key].title_key))


def shown(page, key: str) -> list:
    """What a page must show once open: its title and its main content."""
    images = page.get_by_test_id("stImage").locator("img")
    content = {
        "home": [page.get_by_text(re.compile(r"dataset\(s\) ready in"))],
        "dataset": [images.nth(23), page.locator(".js-plotly-plot").nth(2)],
        "augment": [page.get_by_test_id("stImage").filter(has_text=re.compile(r"^draw 12$")).locator("img")],
        "train": [page.get_by_role("button", name=re.compile(en("train.start")))],
        "curves": [page.locator(".js-plotly-plot").first],
        "predict": [page.get_by_test_id("stFileUploader")],
        "evaluate": [page.get_by_role("heading", name=en("eval.worst")), page.locator(".js-plotly-plot").nth(1)],
        "export": [page.get_by_role("button", name=en("export.make_tflite"))],
        "leaderboard": [page.get_by_text(en("board.none").split(":")[0])],
    }[key]
    return [heading(page, key), *content]


def nav(page, key: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(en(PAGES[key].nav_key), exact=True).click()


def open_page(page, key: str, state: str) -> float:
    """Through the sidebar, from a page that shows none of `key`'s content (Home, or Leaderboard for Home)."""
    away = "leaderboard" if key == "home" else "home"
    if not heading(page, away).is_visible():
        nav(page, away)
        settle(page, *shown(page, away))
    return measure(key, "open", state, page, lambda: nav(page, key), *shown(page, key))


# --- widget changes, on a page already open (warm) ---

def first_thumbnail(page):
    return page.get_by_test_id("stImage").locator("img").first


def dataset_actions(page, repeat: int) -> None:
    classes = ["dogs", "cats"]
    for i in range(repeat):
        def pick(name=classes[i % 2]):
            page.get_by_test_id("stSelectbox").filter(has_text=en("data.class")).first.click()
            page.get_by_role("option", name=name, exact=True).click()
        measure("dataset", "class", "warm", page, pick, *new_picture(page, first_thumbnail(page)))
    number = page.get_by_label(re.compile(r"^Page \(of \d+\)$"))
    for i in range(repeat):
        def turn(value=i + 2):
            number.fill(str(value))
            number.press("Enter")
        measure("dataset", "page", "warm", page, turn, *new_picture(page, first_thumbnail(page)))


def new_picture(page, image) -> list:
    """Expect `image` to show another picture than now (Streamlit names a picture by its hash)."""
    return [_SrcChanged(image, image.get_attribute("src"))]


class _SrcChanged:
    """A pseudo-locator: `wait_for` until the image's source is no longer `before`."""

    def __init__(self, image, before: str):
        self.image, self.before = image, before

    def wait_for(self, state: str, timeout: float) -> None:
        from playwright.sync_api import expect

        expect(self.image).not_to_have_attribute("src", self.before, timeout=timeout)
        self.image.wait_for(state=state, timeout=timeout)


def augment_actions(page, repeat: int) -> None:
    draw = page.get_by_test_id("stImage").filter(has_text=re.compile(r"^draw 1$")).locator("img")
    slider = page.get_by_test_id("stSidebar").get_by_role("slider").first  # rotation
    for i in range(repeat):
        def nudge(key="ArrowRight" if i % 2 == 0 else "ArrowLeft"):
            slider.focus()
            slider.press(key)
        measure("augment", "setting", "warm", page, nudge, *new_picture(page, draw))


def predict_actions(page, state: str, photos: list[Path], round_: int) -> None:
    """Three photos uploaded; then (warm only) Grad-CAM on and its opacity slider."""
    chosen = [str(p) for p in photos[3 * round_: 3 * round_ + 3]]
    results = page.get_by_role("heading", name=re.compile(r"^(cats|dogs) \(\d+\.\d%\)$"))
    measure("predict", "3_photos", state, page,
            lambda: page.locator("input[type=file]").first.set_input_files(chosen),
            lambda: [results.nth(2), page.get_by_role("heading", name=en("predict.all"))])
    if state.startswith("cold"):
        return
    looked = page.get_by_test_id("stImage").filter(has_text=re.compile("where it saw")).locator("img")
    measure("predict", "gradcam_on", state, page, lambda: page.get_by_text(en("predict.gradcam")).click(),
            lambda: [looked.nth(2)])
    slider = page.get_by_role("slider").first
    for i in range(4):
        def nudge(key="ArrowRight" if i % 2 == 0 else "ArrowLeft"):
            slider.focus()
            slider.press(key)
        measure("predict", "opacity", state, page, nudge, *new_picture(page, looked.first))


def reopen_predict(page) -> None:
    """An empty uploader again: away and back (not timed)."""
    nav(page, "home")
    settle(page, *shown(page, "home"))
    nav(page, "predict")
    settle(page, *shown(page, "predict"))


# --- one server per page's cold figures ---

class Server:
    def __init__(self, env: dict):
        self.env = env

    def __enter__(self):
        self.process, self.url, self.ready = start_app(self.env)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:  # a script run still busy holds the shutdown
            self.process.kill()
            self.process.wait(15)


def session(browser, server: Server, state: str):
    """A new browser tab on Home, timed (the first page after a start is Home's cold figure)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    measure("home", "first_page", state, page, lambda: page.goto(server.url), *shown(page, "home"))
    return context, page


def page_round(browser, env: dict, key: str, warm_too: bool, repeat: int, photos: list[Path], round_: int,
               on_home: float = 0.0) -> None:
    """A fresh server: Home, `on_home` seconds there (a user reading it), then `key`'s cold figures;
    with `warm_too`, its warm ones after them."""
    cold = "cold" if not on_home else f"cold_{on_home:g}s_on_home"
    with Server(env) as server:
        TIMINGS[("server", "ready", "cold")].append(server.ready)
        context, page = session(browser, server, "cold")
        page.wait_for_timeout(on_home * 1000)
        open_page(page, key, cold)
        if key == "predict":
            predict_actions(page, cold, photos, round_)
        if warm_too:
            for _ in range(repeat):
                open_page(page, key, "warm")
            warm_actions(page, key, repeat, photos)
            context.close()
            context, page = session(browser, server, "warm")
        context.close()


def warm_actions(page, key: str, repeat: int, photos: list[Path]) -> None:
    if key == "dataset":
        dataset_actions(page, repeat)
    elif key == "augment":
        augment_actions(page, repeat)
    elif key == "predict":
        for round_ in range(1, repeat + 1):
            reopen_predict(page)
            predict_actions(page, "warm", photos, 10 + round_)


def summary() -> None:
    for (name, action, state), values in sorted(TIMINGS.items()):
        ordered = sorted(values)
        report("app", page=name, action=action, state=state, n=len(ordered),
               p50_seconds=statistics.median(ordered), p95_seconds=ordered[math.ceil(0.95 * len(ordered)) - 1])


def main(repeat: int, cold_repeat: int, work: Path | None, only: list[str], watcher: str | None) -> None:
    from playwright.sync_api import sync_playwright

    work = work or Path(tempfile.mkdtemp(prefix="catdog-app-bench-"))
    env = prepare(work)
    if watcher:  # Streamlit's own default otherwise, as `streamlit run` has it
        env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = watcher
    load_before = os.getloadavg()[0]
    photos = validation_photos()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for round_ in range(cold_repeat):
                for key in only:
                    page_round(browser, env, key, round_ == 0, repeat, photos, round_)
                for key in set(only) & set(NEED_TENSORFLOW):  # the warm-up's head start: a user who read Home
                    page_round(browser, env, key, False, repeat, photos, round_, on_home=ON_HOME)
        finally:
            browser.close()
            summary()
            # Other work on the machine slows every figure: say how busy it was.
            report("app_machine", cpus=os.cpu_count(), load_before=load_before, load_after=os.getloadavg()[0],
                   file_watcher=watcher or "streamlit's default")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="warm timings of each page and action")
    parser.add_argument("--cold-repeat", type=int, default=3, help="fresh servers per page")
    parser.add_argument("--work", type=Path, help="keep the dataset link and trained run here")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--file-watcher", choices=["auto", "watchdog", "poll", "none"],
                        help="server.fileWatcherType for the server (default: Streamlit's, as `streamlit run`)")
    arguments = parser.parse_args()
    main(arguments.repeat, arguments.cold_repeat, arguments.work, arguments.pages, arguments.file_watcher)
