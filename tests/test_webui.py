"""The web layer: one registry names every page, pages go through the entry point, imports stay light."""

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import ROOT
from webui.navigation import ENTRY, PAGES
from webui.text import S


def test_the_registry_names_every_page_file_once():
    assert sorted(Path(info.script).name for info in PAGES.values()) == sorted(
        path.name for path in (ROOT / "pages").glob("*.py"))


def test_a_page_run_without_the_entry_point_goes_through_it_and_back(empty_roots):
    """AppTest from the repository root starts each run in Streamlit's legacy mode of a
    `pages/` folder, where a page runs alone, as on a fresh server: the page must detour
    through the entry point and come back with the app's sidebar."""
    app = AppTest.from_file(str(ENTRY), default_timeout=60).run()
    app.switch_page(PAGES["curves"].script).run()
    assert not app.exception, [e.value for e in app.exception]
    assert [title.value for title in app.title] == [S["curves.title"]["en"]]
    assert app.selectbox(key="language").value == "en"  # drawn by the entry point
    assert "_requested_page" not in app.session_state


def test_importing_the_web_layer_changes_nothing_and_loads_no_tensorflow():
    code = ("import webui.navigation, webui.sidebar, webui.loaders, webui.charts, webui.feedback, webui.startup, sys; "
            "print(webui.startup._tuned, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- issue 15: interactivity ---

def test_the_dataset_stamp_changes_when_a_photo_is_added_and_only_then(tmp_path):
    import os

    from helpers import make_dataset, make_image
    from webui.loaders import folder_stamp

    dataset = make_dataset(tmp_path / "pets", per_class=2)
    cats = dataset / "train" / "cats"
    os.utime(cats, (1, 1))  # an old folder: a new file's time differs from it whatever the clock's step
    before = folder_stamp(dataset)
    assert folder_stamp(dataset) == before
    make_image(cats / "new.jpg", 0)
    assert folder_stamp(dataset) != before


def test_the_warm_up_imports_tensorflow_loads_the_newest_model_and_freezes_the_imports(trained_run):
    """What a server does in the background after its first page (here in a process of its own)."""
    import os

    code = ("import gc, sys; from webui import startup; startup.warm_up(); from catdog.use.predict import CACHE; "
            "print('tensorflow' in sys.modules, gc.get_freeze_count() > 100000, len(CACHE), startup.warmed.is_set())")
    env = {**os.environ, "CATDOG_MODELS_DIR": str(trained_run.path.parent)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "1", "True"]


def test_the_servers_tensorflow_import_runs_without_the_collector_and_leaves_its_objects_frozen():
    """Through the server's import lock: catdog.import_tensorflow (tests/test_imports.py)."""
    code = ("import gc, catdog; from webui import startup; runs = []; "
            "gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == 'start' else None); "
            "startup.import_tensorflow(); "
            "print(len(runs), gc.get_freeze_count() > 100000, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True", "True"]


def test_no_warm_up_beside_a_tests_own_imports(empty_roots):
    """Under AppTest the warm-up stays off: a test runner's threads import TensorFlow at any
    moment, and two imports at once can break one of them."""
    from helpers import open_page
    from webui import startup

    open_page("home")
    assert startup._tuned and not startup.warmed.is_set()


@pytest.mark.parametrize("epochs, step", [(3, 1), (10, 1), (50, 5)])
def test_curves_tick_whole_epochs(trained_run, epochs, step):
    import dataclasses

    from webui.charts import curves_figure

    row = {"loss": 1.0, "val_loss": 1.0, "accuracy": 0.5, "val_accuracy": 0.5}
    history = [{"epoch": i + 1, **row} for i in range(epochs)]
    figure = curves_figure([dataclasses.replace(trained_run, history=history)])
    assert {axis.dtick for axis in (figure.layout.xaxis, figure.layout.xaxis2)} == {step}


def test_the_job_line_never_shows_a_missing_count():
    """Extraction begins before its first split is counted: the line says so, not "None: None/None"."""
    from catdog.run_state import Phase, Progress
    from webui.feedback import phase_text

    assert phase_text(Progress(phase=Phase.EXTRACTING)) == S["phase.extracting"]["en"]
    counted = phase_text(Progress(phase=Phase.EXTRACTING, split="train", images_done=3, images_total=10))
    assert "3" in counted and "10" in counted and "None" not in counted


def test_settings_that_differ_are_named_as_the_train_form_names_them(trained_run):
    import dataclasses

    from webui.tables import settings_differ

    other = dataclasses.replace(trained_run, id="other", config=dataclasses.replace(
        trained_run.config, epochs=trained_run.config.epochs + 1, learning_rate=0.0123, seed=7))
    differ = settings_differ([trained_run, other])
    expected = [S["train.epochs"]["en"], S["train.lr"]["en"], S["setting.seed"]["en"]]  # no field name
    assert differ[S["col.setting"]["en"]].tolist() == expected


def test_slider_steps_meet_the_settings_they_hold():
    from webui.sliders import steps

    assert steps(0.8, 0.05)[4] == 0.2 and len(steps(0.8, 0.05)) == 17  # 4 steps of 0.05 are the 0.2 of a preset
    assert steps(45.0, 1.0)[-1] == 45.0 and steps(0.2, 0.01)[3] == 0.03


def test_sliders_write_their_numbers_in_the_readers_language_and_take_any_kept_value(full_roots):
    from helpers import open_page

    app = open_page("train", language="pt")
    assert not app.exception and "0,20" in app.select_slider(key="dropout").options
    app = open_page("augment", language="pt")
    assert app.select_slider(key="aug_rotation").options[:3] == ["0", "1", "2"]  # whole degrees, not 0.00
    assert "0,05" in app.select_slider(key="aug_zoom").options and "0,03" in app.select_slider(key="aug_hue").options
    # (In English: AppTest formats the other widgets' values outside the page, hence in English.)
    app = open_page("augment")
    app.session_state["aug_rotation"] = 20.4  # kept from elsewhere, between two steps
    app.run()
    assert not app.exception and app.select_slider(key="aug_rotation").value == 20.0


@pytest.mark.parametrize("language", ["en", "pt"])
def test_every_setting_is_named_in_words_never_by_its_field(monkeypatch, language):
    """Issue 27: "augmentation.rotation", "photos_per_class", "preprocessing" reached the tables."""
    import dataclasses

    import streamlit as st

    from catdog.config import TrainConfig
    from catdog.data.augment import AugmentConfig
    from webui import text
    from webui.tables import setting_name

    monkeypatch.setattr(st, "session_state", {text.CHOSEN_LANGUAGE: language})
    names = [f.name for f in dataclasses.fields(TrainConfig)]
    names += [f"augmentation.{f.name}" for f in dataclasses.fields(AugmentConfig)]
    shown = {name: setting_name(name) for name in names}
    assert [name for name, words in shown.items() if words == name or "_" in words] == []
