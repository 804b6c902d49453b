"""Every page renders, with and without data and runs, and does its one job (AppTest)."""

import json
import shutil
import time

import pytest

from catdog import augment, jobs, runs
from catdog.config import TrainConfig
from helpers import make_image, open_page
from webui.navigation import PAGES, ROOT
from webui.text import S


def en(key: str, **values) -> str:
    """A catalogue text in English, as the pages show it."""
    return S[key]["en"].format(**values) if values else S[key]["en"]


def _without_data(key: str, roots) -> str:
    """What each page says when there is no dataset and no run yet."""
    return {"home": en("home.none", root=roots / "data"), "dataset": en("common.no_dataset"),
            "augment": en("aug.choose"), "train": en("common.no_dataset"), "curves": en("curves.none"),
            "predict": en("common.no_model"), "evaluate": en("common.no_model"), "leaderboard": en("board.none")}[key]


@pytest.mark.parametrize("key", list(PAGES))
def test_page_says_what_is_missing_without_data_or_runs(empty_roots, key):
    app = open_page(key)
    assert not app.exception, [e.value for e in app.exception]
    assert [title.value for title in app.title] == [en(PAGES[key].title_key)]
    assert [info.value for info in app.info] == [_without_data(key, empty_roots)]


@pytest.mark.parametrize("key", list(PAGES))
def test_page_renders_with_a_dataset_and_a_finished_run(full_roots, key):
    app = open_page(key)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert [title.value for title in app.title] == [en(PAGES[key].title_key)]


def test_home_offers_ways_to_get_data_when_there_is_none(empty_roots):
    app = open_page("home")
    assert en("home.download") in [button.label for button in app.button]


def test_dataset_page_counts_the_classes(full_roots):
    app = open_page("dataset")
    assert en("data.summary", path=full_roots / "data" / "pets", count=20, classes=2) in [c.value for c in app.caption]


def _values(array):
    """Plotly may encode an array as typed binary."""
    if isinstance(array, dict):
        import base64

        import numpy as np
        return list(np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"]))
    return list(array)


def test_predict_shows_probabilities_that_sum_to_one(full_roots):
    photo = make_image(full_roots / "upload.png", 1)
    app = open_page("predict")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    assert not app.exception
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    probabilities = [value for trace in spec["data"] for value in _values(trace["x"])]  # a trace per class
    assert len(probabilities) == 2
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)
    assert any(heading.value.startswith("### ") for heading in app.markdown)


def test_predict_refuses_a_file_that_is_not_an_image_and_stays_up(full_roots):
    app = open_page("predict")
    app.file_uploader[0].set_value(("fake.jpg", b"this is text", "image/jpeg")).run()
    assert not app.exception
    assert len(app.error) == 1
    assert app.error[0].value.startswith("fake.jpg") and "not a readable image" in app.error[0].value


def test_changing_the_backbone_sets_its_own_image_size(full_roots):
    app = open_page("train")
    assert app.number_input(key="image_size").value == 160  # MobileNetV2, the default
    app.selectbox(key="backbone").set_value("mobilenet_v1_025").run()
    assert not app.exception and app.number_input(key="image_size").value == 224


@pytest.fixture
def launched(monkeypatch) -> list[TrainConfig]:
    """The configs the Train page launches: each is queued as a run folder, and nothing trains."""
    configs = []

    def start(config, models_dir=None, owner=None):
        configs.append(config)
        return runs.load_run(runs.create_run(config, models_dir, owner))

    monkeypatch.setattr(jobs, "start", start)
    monkeypatch.setattr(jobs, "kick", lambda *args, **kwargs: None)  # the sidebar would start a worker
    return configs


def test_train_form_launches_the_settings_chosen(full_roots, launched):
    app = open_page("train")
    app.selectbox(key="backbone").set_value("simple_cnn").run()
    app.slider(key="epochs").set_value(1)
    app.number_input(key="image_size").set_value(32)
    app.button(key="start").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert launched == [TrainConfig(
        data_dir=str(full_roots / "data" / "pets"), backbone="simple_cnn", image_size=32, epochs=1, batch_size=32,
        learning_rate=1e-3, pooling="avg", dense_units=0, dropout=0.2, early_stopping_patience=3,
        fine_tune_epochs=0, augmented_views=0, fine_tune_at=20, fine_tune_learning_rate=1e-5,
        augmentation=augment.preset(next(iter(augment.PRESETS))))]
    queued = runs.list_runs(full_roots / "models")[0]
    assert [toast.value for toast in app.toast] == [en("train.queued", run=queued.id)]
    assert [info.value for info in app.info] == [en("job.waiting")]  # the job panel watches the new run


@pytest.mark.slow
def test_train_form_trains_a_run_in_the_background(full_roots):
    app = open_page("train")
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


def test_augmentation_settings_flow_to_the_train_form(full_roots, launched):
    app = open_page("augment")
    app.selectbox(key="preset").set_value("strong").run()
    assert app.slider(key="aug_rotation").value == 25
    app.slider(key="aug_rotation").set_value(40).run()
    app.button(key="use_for_training").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == [en("aug.saved")]
    assert app.session_state["augmentation"].rotation == 40
    app.switch_page(str(ROOT / PAGES["train"].script)).run()
    assert app.selectbox(key="augmentation_preset").value == "playground"
    app.button(key="start").click().run()
    assert [config.augmentation for config in launched] == [app.session_state["augmentation"]]


def test_predict_explains_with_grad_cam_for_any_class(full_roots):
    photo = make_image(full_roots / "upload.png", 0)
    app = open_page("predict")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    app.toggle(key="gradcam").set_value(True).run()
    assert not app.exception
    radio = app.radio[0]
    other = next(name for name in radio.options if name != radio.value)
    radio.set_value(other).run()
    assert not app.exception
    captions = [i.proto.imgs[0].caption for i in app.get("image")]
    assert en("predict.looked", name="upload.png", label=other) in captions


def test_moving_the_opacity_slider_reblends_without_a_new_grad_cam(full_roots, monkeypatch):
    from catdog import explain

    calls = []
    original = explain.explain
    monkeypatch.setattr(explain, "explain", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    photo = make_image(full_roots / "slider.png", 1, seed=7)
    app = open_page("predict")
    app.file_uploader[0].set_value(("slider.png", photo.read_bytes(), "image/png")).run()
    app.toggle(key="gradcam").set_value(True).run()
    app.slider[0].set_value(0.9).run()
    assert not app.exception and len(calls) == 1


def test_evaluate_page_shows_figures_and_the_photos_of_a_chosen_cell(full_roots):
    app = open_page("evaluate")
    assert not app.exception
    assert app.metric[0].label == en("eval.accuracy")
    cell = app.button_group(key="cell")
    diagonal = next(option for option in cell.options if option.startswith("cats → cats"))
    count = int(diagonal.split("(")[1].rstrip(")"))
    cell.set_value([diagonal] if isinstance(cell.value, list) else diagonal).run()
    assert not app.exception
    shown = en("eval.cell_photos", count=count, true="cats", predicted="cats")
    shown += en("eval.first") if count > 24 else ""
    assert shown in [c.value for c in app.caption]
    photos = [i for i in app.get("image") if i.proto.imgs and "." in i.proto.imgs[0].caption]
    assert len(photos) == min(count, 24)


def test_a_run_deleted_while_shown_gives_a_message_not_a_crash(full_roots):
    app = open_page("predict")
    run = runs.list_runs(full_roots / "models")[0]
    shutil.rmtree(run.path / "logs")
    (run.path / "model.keras").unlink()  # another session deletes the run under our feet
    photo = make_image(full_roots / "late.png", 0)
    app.file_uploader[0].set_value(("late.png", photo.read_bytes(), "image/png")).run()
    assert not app.exception
    assert not app.error
    assert [info.value for info in app.info] == [en("common.no_model")]  # nothing left to predict with


def test_leaderboard_ranks_the_runs_once_the_trainer_scored_them(full_roots):
    from catdog import leaderboard, runs
    from helpers import make_dataset

    make_dataset(full_roots / "data" / "exam", per_class=2, splits=("",))
    app = open_page("leaderboard")  # a single user is their own teacher
    app.main.selectbox[0].set_value("exam").run()
    app.main.button[0].click().run()
    assert leaderboard.test_set().name == "exam" and en("board.scoring", count=1) in [c.value for c in app.caption]
    leaderboard.score_next()
    app.run()
    [table] = [d.value for d in app.dataframe]
    assert list(table[en("col.run")]) == [run.id for run in runs.list_runs()]
    assert 0 <= table[en("col.test_acc")][0] <= 1
