"""The app in a real browser: Debian's Chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from catdog import runs
from helpers import ROOT, en, free_ports, make_dataset, make_image, wait_until
from webui.navigation import PAGES
from webui.text import S

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                       reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def server(tmp_path_factory, trained_run):
    """`streamlit run` on a free localhost port, with temp data and models roots."""
    yield from _serve(tmp_path_factory, trained_run)


@pytest.fixture
def fresh_server(tmp_path_factory, trained_run):
    """A server that no browser has visited yet."""
    yield from _serve(tmp_path_factory, trained_run)


@pytest.fixture
def hosted_server(tmp_path_factory, trained_run):
    """A server in hosted mode (a class sharing it), with a teacher code."""
    yield from _serve(tmp_path_factory, trained_run, CATDOG_HOSTED="1", CATDOG_TEACHER_CODE="owl-42")


@pytest.fixture
def classroom_server(tmp_path_factory, trained_run):
    """A hosted server with a teacher code and, among its datasets, photos kept for a test set."""
    yield from _serve(tmp_path_factory, trained_run, test_set="exam", CATDOG_HOSTED="1",
                      CATDOG_TEACHER_CODE="owl-42")


def _serve(tmp_path_factory, trained_run, test_set: str | None = None, **settings):
    root = tmp_path_factory.mktemp("served")
    make_dataset(root / "data" / "pets", per_class=6)
    if test_set:  # class folders only, no train/validation: photos to score runs on
        make_dataset(root / "data" / test_set, per_class=4, splits=("",))
    shutil.copytree(trained_run.path, root / "models" / trained_run.id)
    port = free_ports()[0]
    env = {**os.environ, "CATDOG_DATA_DIR": str(root / "data"), "CATDOG_MODELS_DIR": str(root / "models"), **settings}
    started = time.time()
    # The server's output goes to a file: into a pipe nobody reads, a burst of log lines (e.g. the file
    # watcher's "inotify queue overflow" while jobs write run folders) fills it and the server blocks.
    # No file watcher either: the tests never edit the app's source while it runs.
    server_log = open(root / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.25)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + (root / "server.log").read_text(errors="replace")[-2000:])
    yield {"url": url, "root": root, "ready_seconds": time.time() - started}
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:  # a script run still busy (e.g. a page's fragment) holds the shutdown
        process.kill()
        process.wait(10)
    server_log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def _open(page, server, key: str):
    """Go to a page of the registry by its URL and wait for its title."""
    from playwright.sync_api import expect

    page.goto(f"{server['url']}/{PAGES[key].url_path}")
    expect(page.get_by_role("heading", name=S[PAGES[key].title_key]["en"])).to_be_visible(timeout=60_000)


def _has_the_apps_sidebar(page, server, key: str):
    """The page shows the app's navigation (not Streamlit's list of files) and sidebar, at its own URL."""
    from playwright.sync_api import expect

    nav = page.get_by_test_id("stSidebarNav")
    for info in PAGES.values():
        expect(nav.get_by_text(S[info.nav_key]["en"], exact=True)).to_be_visible()
    expect(nav.get_by_text("streamlit app")).to_have_count(0)  # the entry point as a legacy page
    expect(page.get_by_test_id("stSidebar").get_by_text(S["side.language"]["en"], exact=True)).to_be_visible()
    expect(page).to_have_url(f"{server['url']}/{PAGES[key].url_path}")


def test_a_bookmarked_page_opened_first_still_gets_the_apps_navigation(browser, fresh_server):
    """Regression: with a folder named pages/, Streamlit ran a page opened first by URL on
    its own (no sidebar, old-style navigation) until someone had opened the home page."""
    for key in ("train", "predict"):  # the first visit to the server, then another browser
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        _open(page, fresh_server, key)
        _has_the_apps_sidebar(page, fresh_server, key)
        context.close()


@pytest.mark.parametrize("key", list(PAGES))
def test_every_page_renders_without_an_exception(page, server, key):
    _open(page, server, key)
    page.wait_for_timeout(1500)  # let late elements (charts, images) arrive
    assert page.get_by_test_id("stException").count() == 0


def test_upload_a_photo_and_read_its_probabilities(page, server, tmp_path):
    from playwright.sync_api import expect

    _open(page, server, "predict")
    photo = make_image(tmp_path / "my_pet.png", 0)
    page.locator("input[type=file]").first.set_input_files(str(photo))
    heading = page.get_by_role("heading", name=re.compile(r"^(cats|dogs) \(\d+\.\d%\)$"))
    expect(heading).to_be_visible(timeout=60_000)
    assert re.search(r"\d+\.\d%", heading.inner_text())


def _launch(page, server, epochs_patience_off: bool):
    from playwright.sync_api import expect

    _open(page, server, "train")
    page.get_by_test_id("stSelectbox").filter(has_text="Backbone").click()
    page.get_by_role("option", name=S["backbone.simple_cnn"]["en"]).click()
    if epochs_patience_off:
        patience = page.get_by_label("Early stopping patience (0: off)")
        patience.fill("0")
        patience.press("Tab")
    page.get_by_role("button", name=re.compile("Start training")).click()
    expect(page.get_by_text(re.compile(r"simple_cnn"), exact=False).first).to_be_visible(timeout=30_000)


def test_a_job_survives_navigation_and_reload_and_finishes(page, server):
    from playwright.sync_api import expect

    before = {r.id for r in runs.list_runs(server["root"] / "models")}
    _launch(page, server, epochs_patience_off=False)
    _open(page, server, "predict")  # away...
    _open(page, server, "train")  # ...and back
    page.reload()
    new = [r for r in runs.list_runs(server["root"] / "models") if r.id not in before]
    assert len(new) == 1
    expect(page.get_by_text(f"{new[0].id}: done")).to_be_visible(timeout=180_000)


def test_cancel_a_running_job(page, server):
    from playwright.sync_api import expect

    before = {r.id for r in runs.list_runs(server["root"] / "models")}
    _launch(page, server, epochs_patience_off=True)
    cancel = page.get_by_role("button", name=re.compile("Cancel this run"))
    expect(cancel).to_be_visible(timeout=60_000)
    cancel.click()
    new = [r for r in runs.list_runs(server["root"] / "models") if r.id not in before]
    expect(page.get_by_text(f"{new[0].id}: cancelled")).to_be_visible(timeout=60_000)


def test_moving_an_augmentation_slider_redraws_the_grid(page, server):
    from playwright.sync_api import expect

    _open(page, server, "augment")
    first_draw = page.get_by_test_id("stImage").filter(has_text=re.compile(r"^draw 1$")).locator("img")
    expect(first_draw).to_be_visible(timeout=60_000)
    before = first_draw.get_attribute("src")
    slider = page.get_by_role("slider").first  # rotation, the first control in the sidebar
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    expect(first_draw).not_to_have_attribute("src", before, timeout=30_000)


def test_pick_a_confusion_matrix_cell_and_see_its_photos(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server['url']}/{PAGES['evaluate'].url_path}")
    expect(page.get_by_role("heading", name="Confusion matrix")).to_be_visible(timeout=90_000)
    cell = page.get_by_text(re.compile(r"^cats → cats \(\d+\)$")).first
    count = int(re.search(r"\((\d+)\)", cell.inner_text()).group(1))
    cell.click()
    photos = "photo" if count == 1 else "photos"
    expect(page.get_by_text(f"{count} {photos} of cats predicted as cats")).to_be_visible(timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0


def test_a_portuguese_browser_gets_the_portuguese_interface(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(locale="pt-BR")
    page = context.new_page()
    page.goto(server["url"])
    expect(page.get_by_role("heading", name=S["home.title"]["pt"])).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebarNav").get_by_text(S["nav.curves"]["pt"])).to_be_visible()
    # Streamlit writes its uploader's button and size line in English only: ours are drawn over them.
    page.goto(f"{server['url']}/{PAGES['predict'].url_path}")
    dropzone = page.get_by_test_id("stFileUploaderDropzone")
    expect(dropzone).to_be_visible(timeout=60_000)
    drawn = lambda selector: dropzone.locator(selector).evaluate(
        "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]")
    assert drawn("button p") == ["0px", '"' + S["upload.button"]["pt"] + '"']
    size, line = drawn("[data-testid='stFileUploaderDropzoneInstructions'] span")
    assert size == "0px" and line.startswith('"Até ') and "por arquivo • JPG, PNG, WEBP" in line
    context.close()


def test_a_students_identity_survives_a_reload_and_a_page_change_and_is_theirs_alone(browser, hosted_server):
    """Hosted mode: the name is asked once per browser; the cookie keeps who it is."""
    from playwright.sync_api import expect

    welcome = S["who.welcome"]["pt"]
    ana = browser.new_context(locale="pt-BR")
    page = ana.new_page()
    page.goto(f"{hosted_server['url']}/train")
    expect(page.get_by_text(welcome)).to_be_visible(timeout=60_000)
    page.get_by_label(S["who.name"]["pt"]).fill("Ana")
    page.get_by_role("button", name=S["who.go"]["pt"]).click()
    you = page.get_by_text(S["who.you"]["pt"].format(name="Ana"))
    expect(you).to_be_visible(timeout=30_000)
    assert "catdog_id" in [cookie["name"] for cookie in ana.cookies()]
    page.reload()
    expect(you).to_be_visible(timeout=30_000)
    assert page.get_by_text(welcome).count() == 0
    page.goto(f"{hosted_server['url']}/curves")
    expect(you).to_be_visible(timeout=30_000)
    bia = browser.new_context(locale="pt-BR")
    other = bia.new_page()
    other.goto(hosted_server["url"])
    expect(other.get_by_text(welcome)).to_be_visible(timeout=60_000)  # not Ana
    ana.close()
    bia.close()


def _sidebar_datasets(page) -> list[str]:
    """The names the sidebar's dataset selector offers."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # `.first`: has_text matches substrings, case-insensitively, and a rerun may briefly show the old element too.
    sidebar = page.get_by_test_id("stSidebar")
    selector = sidebar.get_by_test_id("stSelectbox").filter(has_text=S["side.dataset"]["en"]).first
    options: list[str] = []
    for _ in range(5):  # a rerun that lands just after the click closes the list before it is read
        selector.click()
        try:
            page.get_by_role("option").first.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeout:
            continue
        options = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        if options:
            break
    return options


def test_the_teachers_test_set_ranks_the_runs_and_is_hidden_from_students(browser, classroom_server):
    """Hosted mode: the teacher unlocks with the code and picks a test set on the Leaderboard; the
    finished run is scored and ranked; a student's sidebar does not offer the test set as a dataset."""
    from playwright.sync_api import expect

    from catdog.classroom import leaderboard

    url = classroom_server["url"]
    teacher = browser.new_context(locale="en-US")
    page = teacher.new_page()
    page.goto(f"{url}/{PAGES['leaderboard'].url_path}")
    expect(page.get_by_text(S["who.welcome"]["en"])).to_be_visible(timeout=60_000)
    page.get_by_label(S["who.name"]["en"]).fill("Prof")
    page.get_by_role("button", name=S["who.go"]["en"]).click()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(S["who.teacher_unlock"]["en"], exact=True).click()
    code = sidebar.get_by_label(S["who.teacher_code"]["en"])
    code.fill("owl-42")
    code.press("Enter")
    expect(sidebar.get_by_text(S["who.you"]["en"].format(name="Prof") + " " + S["who.teacher"]["en"])).to_be_visible(
        timeout=30_000)
    assert "exam" in _sidebar_datasets(page)  # the teacher sees every dataset
    page.get_by_test_id("stSelectbox").filter(has_text=S["board.test_set"]["en"]).first.click()
    page.get_by_role("option", name="exam", exact=True).click()
    page.get_by_role("button", name=S["board.use"]["en"]).click()
    models = classroom_server["root"] / "models"
    for _ in range(120):  # the choice is recorded in the models folder
        if leaderboard.test_set(models) is not None:
            break
        page.wait_for_timeout(250)
    leaderboard.score_next(models)  # what the trainer does (unless it was first), without waiting for it
    expect(page.get_by_text(S["board.on"]["en"].format(name="exam", photos=8))).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    teacher.close()

    student = browser.new_context(locale="en-US")
    page = student.new_page()
    page.goto(url)
    expect(page.get_by_text(S["who.welcome"]["en"])).to_be_visible(timeout=60_000)
    page.get_by_label(S["who.name"]["en"]).fill("Ana")
    page.get_by_role("button", name=S["who.go"]["en"]).click()
    expect(page.get_by_text(S["who.you"]["en"].format(name="Ana"))).to_be_visible(timeout=30_000)
    assert _sidebar_datasets(page) == ["pets"]  # not "exam"
    student.close()


# --- issue 14: a newcomer's first hour (the journey) ---

def _zip_of_photos(tmp_path, per_class: int = 4) -> Path:
    import zipfile

    archive = tmp_path / "our_pets.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for label, name in enumerate(("cats", "dogs")):
            for i in range(per_class):
                zipped.write(make_image(tmp_path / f"{name}{i}.png", label, seed=i), f"{name}/{i}.png")
    return archive


def _pick(page, label: str, option: str):
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).click()


def test_a_newcomer_imports_chooses_leaves_comes_back_and_trains(browser, fresh_server, tmp_path):
    """Import shows at once; offline the default backbone trains here and an unavailable one
    offers the one that does; the form survives a page change and a reload; the sidebar follows
    the job within ~2 s."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
    sidebar = page.get_by_test_id("stSidebar")
    _open(page, fresh_server, "home")
    if not page.get_by_text(en("home.own")).is_visible():  # the server has a dataset: the expander is closed
        page.get_by_text(en("home.get")).click()
    page.get_by_role("button", name=en("home.download")).click()  # offline: say so, point to the upload
    expect(page.get_by_text(en("home.offline").split(":")[0], exact=False)).to_be_visible(timeout=30_000)
    assert page.get_by_text("urlopen").count() == 0
    page.locator("input[type=file]").first.set_input_files(str(_zip_of_photos(tmp_path)))
    # Uploaded (its rerun done) before the name's rerun: CI once lost the upload to that race.
    expect(page.get_by_test_id("stFileChipName").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=30_000)
    page.get_by_label(en("home.name")).fill("our_pets")
    page.get_by_label(en("home.name")).press("Enter")
    page.get_by_role("button", name=en("home.import")).click()
    expect(page.get_by_text(en("home.imported", count=8, classes="cats, dogs"))).to_be_visible(timeout=30_000)
    # The sidebar has it now, selected, not after another click.
    expect(sidebar.get_by_role("combobox", name=en("side.dataset"))).to_have_value("our_pets")
    expect(page.get_by_text(re.compile("our_pets")).first).to_be_visible()

    _open(page, fresh_server, "train")
    backbone = page.get_by_role("combobox", name=en("train.backbone"))
    # Offline, the default is the backbone whose weights are here, and the list says so.
    expect(backbone).to_have_value(f'{en("backbone.mobilenet_v1_025")} · {en("weights.ready")}')
    _pick(page, "Backbone", en("backbone.mobilenet_v2"))
    missing = en("weights.missing", backbone=en("backbone.mobilenet_v2"), instead=en("backbone.mobilenet_v1_025"))
    expect(page.get_by_text(missing)).to_be_visible()
    page.get_by_role("button", name=en("weights.use_instead", instead=en("backbone.mobilenet_v1_025"))).click()
    expect(page.get_by_text(missing)).to_have_count(0)
    expect(backbone).to_have_value(re.compile(re.escape(en("backbone.mobilenet_v1_025"))))

    _pick(page, "Backbone", en("backbone.simple_cnn"))
    expect(backbone).to_have_value(re.compile(re.escape(en("backbone.simple_cnn"))))
    size = page.get_by_label(en("train.size"))
    expect(size).to_have_value("150")  # the small CNN's own size, after the rerun the choice made
    size.fill("32")
    size.press("Tab")
    patience = page.get_by_label(en("train.patience"))
    patience.fill("0")
    patience.press("Tab")
    page.wait_for_timeout(1000)
    _open(page, fresh_server, "curves")  # away, then a reload of Train
    page.goto(f"{fresh_server['url']}/train")
    expect(page.get_by_role("combobox", name=en("train.backbone"))).to_have_value(
        re.compile(re.escape(en("backbone.simple_cnn"))), timeout=30_000)
    expect(page.get_by_label(en("train.size"))).to_have_value("32")
    expect(page.get_by_label(en("train.patience"))).to_have_value("0")

    expect(sidebar.get_by_text(en("side.idle"))).to_be_visible()
    page.get_by_role("button", name=re.compile(en("train.start"))).click()
    launched = time.time()
    expect(sidebar.get_by_test_id("stProgress")).to_be_visible(timeout=15_000)  # "Training <run>"
    seen_training = time.time() - launched
    [run] = [r for r in runs.list_runs(fresh_server["root"] / "models") if r.config.backbone == "simple_cnn"]
    assert run.config.image_size == 32 and run.config.early_stopping_patience == 0
    assert wait_until(lambda: runs.load_run(run.path).state.finished, 240)
    ended = time.time()
    expect(sidebar.get_by_text(en("side.idle"))).to_be_visible(timeout=5_000)
    assert time.time() - ended < 4.5, "the sidebar still showed the job seconds after it ended"
    assert seen_training < 12  # the trainer's start (a fresh process loading TensorFlow), then within ~2 s
    page.context.close()


def test_the_overfitting_lesson_opens_both_runs_and_reads_their_gaps(page, fresh_server):
    """One click launches the experiment and its twin; they open side by side, their curves and
    gaps appear as they train, the settings that differ are readable rows; then deleting the run
    Predict was using is said on Predict. (Its own server: it adds runs and deletes one.)"""
    from playwright.sync_api import expect

    before = {r.id for r in runs.list_runs(fresh_server["root"] / "models")}
    _open(page, fresh_server, "curves")
    page.get_by_role("button", name=en("curves.overfit")).click()
    launched = en("curves.launched", runs="RUNS").split("RUNS")[0]  # "Launched "
    expect(page.get_by_text(re.compile("^" + re.escape(launched)))).to_be_visible(timeout=20_000)
    new = [r for r in runs.list_runs(fresh_server["root"] / "models") if r.id not in before]
    assert len(new) == 2
    compare = page.get_by_test_id("stMultiSelect")
    for run in new:
        expect(compare).to_contain_text(run.id)
    assert wait_until(lambda: all(runs.load_run(r.path).state.finished for r in new), 300)
    expect(page.get_by_text(en("curves.differ"))).to_be_visible(timeout=15_000)
    for run in new:  # each run's gap, read for a student (which reading depends on the curves)
        expect(page.get_by_test_id("stAlert").filter(has_text=f"{run.id}").first).to_be_visible()
    table = page.get_by_test_id("stDataFrame").last
    expect(table).to_contain_text(en("aug.rotation"), timeout=10_000)  # the setting as the page names it
    expect(table).to_contain_text("0 → 20")
    expect(page.get_by_text("DeltaGenerator")).to_have_count(0)  # no bare expression shown by Streamlit's magic

    _open(page, fresh_server, "predict")
    chosen = page.get_by_test_id("stSidebar").get_by_role("combobox", name=en("side.run")).input_value()
    in_use = next(r.id for r in runs.list_runs(fresh_server["root"] / "models") if r.id in chosen)
    runs.delete_run(in_use, fresh_server["root"] / "models")  # the teacher, or another tab, deletes it
    expect(page.get_by_text(en("common.run_gone", run=in_use), exact=False)).to_be_visible(timeout=30_000)


# --- issue 14: small things (helper) ---


def test_predict_dataset_and_export_show_errors_colours_and_checks_plainly(page, server, tmp_path):
    """Test that Predict keeps an error's three parts on their own lines and leaves no None in its
    table, that Dataset draws each class in its own colour in every chart, and that Export makes a
    TensorFlow Lite file and says what it compared it with."""
    from playwright.sync_api import expect

    from webui.charts import CLASS_COLOURS

    _open(page, server, "predict")
    bad = tmp_path / "fake.jpg"
    bad.write_bytes(b"this is text")
    page.locator("input[type=file]").first.set_input_files([str(make_image(tmp_path / "pet.png", 0)), str(bad)])
    expect(page.get_by_role("heading", name=S["predict.all"]["en"])).to_be_visible(timeout=60_000)
    error = page.get_by_test_id("stAlert").filter(has_text="fake.jpg")
    assert [line.split(":")[0] for line in error.locator("p").all_inner_texts()] == [
        "fake.jpg", S["error.expected"]["en"], S["error.fix"]["en"]]  # three lines, not one
    cells = page.get_by_test_id("stDataFrame").locator("td")  # the grid's text, beside its canvas
    expect(cells).to_have_count(8, timeout=30_000)
    assert "None" not in cells.all_text_contents() and cells.all_text_contents()[4:7] == ["fake.jpg", "-", "-"]

    _open(page, server, "dataset")
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(3, timeout=30_000)
    drawn = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'), chart =>"
                          " chart._fullData.map(trace => [trace.name, trace.marker.color]))")
    assert drawn == [[["cats", CLASS_COLOURS[0]], ["dogs", CLASS_COLOURS[1]]]] * 3  # as plotly drew them

    _open(page, server, "export")
    page.get_by_role("button", name=S["export.make_tflite"]["en"]).click()
    # Whichever run the sidebar holds (the module's other tests add runs): all of its photos agree.
    expect(page.get_by_text(re.compile(r"Compared with the Keras model on (\d+) validation photos: the same top "
                                       r"class on \1 of \1, probabilities differ by at most .+ \(allowed: 0\.001\)"))
           ).to_be_visible(timeout=120_000)
    expect(page.get_by_role("button", name=S["export.tflite_download"]["en"])).to_be_visible()
    page.get_by_text(S["export.card_preview"]["en"]).click()
    expect(page.get_by_role("heading", name=re.compile("^Model card: "))).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0


def test_the_augmentation_seed_box_always_shows_the_seed_of_the_grid(page, server):
    """Test that a seed typed back gives its grid again, and that after a new random draw the box
    shows the seed of the grid on screen (it lagged one draw behind)."""
    from playwright.sync_api import expect

    _open(page, server, "augment")
    first_draw = page.get_by_test_id("stImage").filter(has_text=re.compile(r"^draw 1$")).locator("img")
    expect(first_draw).to_be_visible(timeout=60_000)
    box = page.get_by_label(S["aug.seed"]["en"])

    def seed(value) -> str:
        """Type a seed; the first draw's image once the grid is redrawn (its address is a hash of it)."""
        before = first_draw.get_attribute("src")
        box.fill(str(value))
        box.press("Enter")
        expect(first_draw).not_to_have_attribute("src", before, timeout=30_000)
        return first_draw.get_attribute("src")

    eleven, twelve = seed(11), seed(12)
    assert seed(11) == eleven  # the same seed, the same draw
    before = first_draw.get_attribute("src")
    page.get_by_role("button", name=S["aug.new_draw"]["en"]).click()
    expect(first_draw).not_to_have_attribute("src", before, timeout=30_000)
    expect(box).not_to_have_value("11")
    drawn, shown = first_draw.get_attribute("src"), box.input_value()
    assert seed(12) == twelve and seed(shown) == drawn  # the box's seed is the grid's
    assert page.get_by_test_id("stException").count() == 0


# --- issue 16: your own classes (helper) ---


@pytest.fixture(scope="module")
def camera_browser(browser):
    """Chromium with a fake webcam (a moving test pattern) that needs no permission click; launched
    by the module's Playwright (a second sync Playwright in the same thread is refused)."""
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
    yield chromium
    chromium.close()


def _coloured_photos(folder: Path, name: str, channel: int, count: int) -> list[str]:
    """`count` photo-like PNGs whose class shows in one colour channel."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        pixels = np.random.default_rng(100 * channel + i).integers(0, 90, (40, 48, 3), dtype=np.uint8)
        pixels[..., channel] += 150
        Image.fromarray(pixels).save(folder / f"{name}{i}.png")
        paths.append(str(folder / f"{name}{i}.png"))
    return paths


def _take_photo(page, camera):
    """Press the camera's shutter once the fake stream shows frames (before, the shot is empty)."""
    from playwright.sync_api import expect

    shutter = camera.get_by_role("button", name=re.compile("Take photo", re.IGNORECASE))
    expect(shutter).to_be_enabled(timeout=30_000)
    video = camera.locator("video")
    assert wait_until(lambda: video.evaluate("v => v.readyState >= 2 && v.videoWidth > 0"), 30)
    shutter.click()


def _bars(page) -> list[str]:
    """The class names on the y axis of the last probability chart, as plotly drew them."""
    return page.evaluate("() => { const charts = document.querySelectorAll('.js-plotly-plot');"
                         " return charts.length ? charts[charts.length - 1]._fullData.map(t => t.name) : []; }")


def test_make_three_classes_from_files_and_a_webcam_shot_train_and_predict(camera_browser, fresh_server, tmp_path):
    """Test that a student builds a 3-class dataset from uploads and a fake-camera shot, trains on it
    from "Train on these", and gets three probability bars on Predict and on a live shot."""
    from playwright.sync_api import expect

    context = camera_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US",
                                         permissions=["camera"])
    page = context.new_page()
    _open(page, fresh_server, "classes")
    page.get_by_label(en("classes.name")).fill("rps")
    page.get_by_label(en("classes.class_names", minimum=2)).fill("rock\npaper\nscissors")
    page.get_by_role("button", name=en("classes.create")).click()
    expect(page.get_by_text(re.compile("^" + re.escape(en("classes.need", classes=2, minimum=10, missing="X"
                                                         ).split("X")[0])))).to_be_visible(timeout=30_000)
    for channel, name in enumerate(("rock", "paper", "scissors")):
        page.get_by_test_id("stButtonGroup").get_by_role("radio", name=name, exact=True).click()
        expect(page.get_by_text(en("classes.upload", name=name))).to_be_visible(timeout=15_000)
        count = 9 if name == "scissors" else 10
        page.locator("input[type=file]").first.set_input_files(_coloured_photos(tmp_path, name, channel, count))
        expect(page.get_by_text(en("classes.added", count=count, name=name))).to_be_visible(timeout=30_000)
    page.get_by_text(en("classes.webcam")).click()
    _take_photo(page, page.get_by_test_id("stCameraInput").first)
    expect(page.get_by_text(en("classes.added", count=1, name="scissors"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text(en("classes.ready", minimum=10))).to_be_visible()

    page.get_by_role("button", name=en("classes.train")).click()
    expect(page.get_by_role("heading", name=en("train.title"))).to_be_visible(timeout=30_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name=en("side.dataset"))).to_have_value("rps")
    _pick(page, "Backbone", en("backbone.simple_cnn"))
    size = page.get_by_label(en("train.size"))
    expect(size).to_have_value("150")
    size.fill("32")
    size.press("Tab")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name=re.compile(en("train.start"))).click()
    models = fresh_server["root"] / "models"
    assert wait_until(lambda: any(r.class_names == ["paper", "rock", "scissors"] and r.state == "done"
                                  for r in runs.list_runs(models)), 240)
    [run] = [r for r in runs.list_runs(models) if r.class_names == ["paper", "rock", "scissors"]]
    page.wait_for_timeout(1500)  # the server lists runs at most once a second: let its list hold this one

    _open(page, fresh_server, "predict")
    _pick(page, en("side.run"), run.id)
    page.locator("input[type=file]").first.set_input_files(_coloured_photos(tmp_path / "new", "rock", 0, 1))
    heading = page.get_by_role("heading", name=re.compile(r"^(rock|paper|scissors) \(\d+\.\d%\)$"))
    expect(heading).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    assert wait_until(lambda: sorted(_bars(page)) == ["paper", "rock", "scissors"], 30)  # a bar per class

    _open(page, fresh_server, "classes")
    page.get_by_text(en("classes.try")).click()
    _take_photo(page, page.get_by_test_id("stCameraInput").last)
    expect(page.get_by_text(re.compile(r"^Shot 1: (rock|paper|scissors) \(\d+%\)$"))).to_be_visible(timeout=60_000)
    assert wait_until(lambda: sorted(_bars(page)) == ["paper", "rock", "scissors"], 30)
    _take_photo(page, page.get_by_test_id("stCameraInput").last)  # at once: the camera is ready again
    expect(page.get_by_text(re.compile(r"^Shot 1: .* · Shot 2: "))).to_be_visible(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0
    context.close()
