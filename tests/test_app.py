"""Every page renders, with and without data and runs, and does its one job (AppTest)."""

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from catdog import runs
from helpers import ROOT

PAGES = ["app_pages/home.py", "app_pages/dataset.py", "app_pages/augment.py", "app_pages/train.py",
         "app_pages/curves.py", "app_pages/predict.py", "app_pages/evaluate.py"]


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    app.run()
    if page != "app_pages/home.py":
        app.switch_page(page).run()
    return app


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_data_or_runs(empty_roots, page):
    app = open_page(page)
    assert not app.exception
    assert app.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_a_dataset_and_a_finished_run(full_roots, page):
    app = open_page(page)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def test_home_offers_ways_to_get_data_when_there_is_none(empty_roots):
    app = open_page("app_pages/home.py")
    assert any("No dataset yet" in info.value for info in app.info)
    assert any("Download the sample" in button.label for button in app.button)


def test_dataset_page_counts_the_classes(full_roots):
    app = open_page("app_pages/dataset.py")
    assert any("20 readable photos in 2 classes" in c.value for c in app.caption)


def _values(array):
    """Plotly may encode an array as typed binary."""
    if isinstance(array, dict):
        import base64

        import numpy as np
        return list(np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"]))
    return list(array)


def test_predict_shows_probabilities_that_sum_to_one(full_roots):
    from helpers import make_image

    photo = make_image(full_roots / "upload.png", 1)
    app = open_page("app_pages/predict.py")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    assert not app.exception
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    probabilities = [value for trace in spec["data"] for value in _values(trace["x"])]  # a trace per class
    assert len(probabilities) == 2
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)
    assert any(heading.value.startswith("### ") for heading in app.markdown)


def test_predict_refuses_a_file_that_is_not_an_image_and_stays_up(full_roots):
    app = open_page("app_pages/predict.py")
    app.file_uploader[0].set_value(("fake.jpg", b"this is text", "image/jpeg")).run()
    assert not app.exception
    assert any("not a readable image" in e.value for e in app.error)


def test_changing_the_backbone_sets_its_own_image_size(full_roots):
    app = open_page("app_pages/train.py")
    assert app.number_input(key="image_size").value == 160  # MobileNetV2, the default
    app.selectbox(key="backbone").set_value("mobilenet_v1_025").run()
    assert not app.exception and app.number_input(key="image_size").value == 224


def test_train_form_launches_a_background_job(full_roots):
    app = open_page("app_pages/train.py")
    app.selectbox(key="backbone").set_value("simple_cnn").run()
    app.slider(key="epochs").set_value(1)
    app.number_input(key="image_size").set_value(32)
    app.button(key="start").click().run()
    assert not app.exception
    models = full_roots / "models"
    launched = [r for r in runs.list_runs(models) if r.config.backbone == "simple_cnn"]
    assert len(launched) == 1
    deadline = time.time() + 180
    while runs.load_run(launched[0].path).state not in runs.FINISHED and time.time() < deadline:
        time.sleep(0.5)
    assert runs.load_run(launched[0].path).state == "done"


def test_augmentation_settings_flow_to_the_train_form(full_roots):
    app = open_page("app_pages/augment.py")
    app.selectbox(key="preset").set_value("strong").run()
    assert app.slider(key="aug_rotation").value == 25
    app.slider(key="aug_rotation").set_value(40).run()
    app.button(key="use_for_training").click().run()
    assert not app.exception
    assert app.session_state["augmentation"].rotation == 40
    app.switch_page("app_pages/train.py").run()
    assert "from the Augmentation page" in app.selectbox(key="augmentation_preset").options



def test_predict_explains_with_grad_cam_for_any_class(full_roots):
    from helpers import make_image

    photo = make_image(full_roots / "upload.png", 0)
    app = open_page("app_pages/predict.py")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    app.toggle(key="gradcam").set_value(True).run()
    assert not app.exception
    radio = app.radio[0]
    other = [name for name in radio.options if name != radio.value][0]
    radio.set_value(other).run()
    assert not app.exception
    assert any(f"where it saw '{other}'" in i.proto.imgs[0].caption for i in app.get("image"))


def test_moving_the_opacity_slider_reblends_without_a_new_grad_cam(full_roots, monkeypatch):
    from catdog import explain
    from helpers import make_image

    calls = []
    original = explain.explain
    monkeypatch.setattr(explain, "explain", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    photo = make_image(full_roots / "slider.png", 1, seed=7)
    app = open_page("app_pages/predict.py")
    app.file_uploader[0].set_value(("slider.png", photo.read_bytes(), "image/png")).run()
    app.toggle(key="gradcam").set_value(True).run()
    app.slider[0].set_value(0.9).run()
    assert not app.exception and len(calls) == 1


def test_evaluate_page_shows_figures_and_the_photos_of_a_chosen_cell(full_roots):
    app = open_page("app_pages/evaluate.py")
    assert not app.exception
    assert app.metric[0].label == "Accuracy"
    cell = app.button_group(key="cell")
    diagonal = next(option for option in cell.options if option.startswith("cats → cats"))
    count = int(diagonal.split("(")[1].rstrip(")"))
    cell.set_value([diagonal] if isinstance(cell.value, list) else diagonal).run()
    assert not app.exception
    assert any(f"{count} photo(s) of cats predicted as cats" in c.value for c in app.caption)
    photos = [i for i in app.get("image") if i.proto.imgs and "." in i.proto.imgs[0].caption]
    assert len(photos) >= min(count, 24)


def test_a_run_deleted_while_shown_gives_a_message_not_a_crash(full_roots):
    from helpers import make_image

    app = open_page("app_pages/predict.py")
    run = runs.list_runs(full_roots / "models")[0]
    import shutil

    shutil.rmtree(run.path / "logs")
    (run.path / "model.keras").unlink()  # another session deletes the run under our feet
    photo = make_image(full_roots / "late.png", 0)
    app.file_uploader[0].set_value(("late.png", photo.read_bytes(), "image/png")).run()
    assert not app.exception
    assert app.error or app.info  # told why there is nothing to predict with
