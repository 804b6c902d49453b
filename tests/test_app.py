"""Every page renders, with and without data and runs, and does its one job (AppTest)."""

import json
import shutil
import time

import pytest

from catdog import runs
from catdog.config import TrainConfig
from catdog.data import augment
from catdog.network import backbones
from helpers import en, make_dataset, make_image, open_page
from webui.navigation import PAGES, ROOT
from webui.text import S


def _without_data(key: str, roots) -> str:
    """What each page says when there is no dataset and no run yet."""
    return {"home": en("home.none", root=roots / "data"), "dataset": en("common.no_dataset"),
            "augment": en("aug.choose"), "train": en("common.no_dataset"), "curves": en("curves.none"),
            "predict": en("common.no_model"), "evaluate": en("common.no_model"), "export": en("common.no_model"),
            "leaderboard": en("board.none"), "classes": en("classes.none"), "inside": en("common.no_dataset")}[key]


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
    # Offline (as every test is), MobileNetV2's weights are absent: the default is the tiny backbone,
    # whose weights the tests' KERAS_HOME holds.
    assert app.selectbox(key="backbone").value == "mobilenet_v1_025"
    assert app.number_input(key="image_size").value == backbones.get("mobilenet_v1_025").default_size == 320
    app.selectbox(key="backbone").set_value("simple_cnn").run()
    assert not app.exception and app.number_input(key="image_size").value == 150


def test_each_backbone_says_whether_its_weights_are_ready_and_offers_one_that_trains_here(full_roots):
    app = open_page("train")
    options = app.selectbox(key="backbone").options
    assert any(en("backbone.mobilenet_v1_025") in o and en("weights.ready") in o for o in options)
    assert any(en("backbone.mobilenet_v2") in o and en("weights.offline") in o for o in options)
    assert any(en("backbone.simple_cnn") in o and en("weights.none") in o for o in options)
    assert not app.warning
    app.selectbox(key="backbone").set_value("mobilenet_v2").run()
    assert [w.value for w in app.warning] == [en("weights.missing", backbone=en("backbone.mobilenet_v2"),
                                                 instead=en("backbone.mobilenet_v1_025"))]
    app.button(key="use-instead-form").click().run()
    assert not app.exception and app.selectbox(key="backbone").value == "mobilenet_v1_025"
    assert app.number_input(key="image_size").value == 320 and not app.warning


def test_a_size_without_weights_is_named_and_one_click_returns_to_the_size_that_trains(full_roots):
    app = open_page("train")
    app.number_input(key="image_size").set_value(192).run()  # Keras keeps 192's weights in another file
    assert [w.value for w in app.warning] == [en("weights.missing_size", backbone=en("backbone.mobilenet_v1_025"),
                                                 size=192, ready=320)]
    app.button(key="start").click().run()  # launched anyway: the same offer, not another backbone's
    size_warning = en("weights.missing_size", backbone=en("backbone.mobilenet_v1_025"), size=192, ready=320)
    assert [w.value for w in app.warning] == [size_warning, size_warning] and not app.error
    app.button(key="use-size-form").click().run()
    assert not app.exception and app.number_input(key="image_size").value == 320 and not app.warning
    assert app.selectbox(key="backbone").value == "mobilenet_v1_025"


def test_the_train_form_keeps_its_choices_across_pages_and_reloads(full_roots):
    app = open_page("train")
    app.selectbox(key="backbone").set_value("simple_cnn").run()
    app.slider(key="epochs").set_value(7).run()
    app.selectbox(key="augmentation_preset").set_value("light").run()
    app.switch_page(str(ROOT / PAGES["home"].script)).run()
    app.switch_page(str(ROOT / PAGES["train"].script)).run()
    assert not app.exception
    assert (app.selectbox(key="backbone").value, app.slider(key="epochs").value,
            app.selectbox(key="augmentation_preset").value, app.number_input(key="image_size").value) == \
        ("simple_cnn", 7, "light", 150)
    reloaded = open_page("train")  # a reload: a new session of the same (single) user
    assert (reloaded.selectbox(key="backbone").value, reloaded.slider(key="epochs").value) == ("simple_cnn", 7)


def test_train_form_launches_the_settings_chosen(full_roots, launched):
    app = open_page("train")
    app.selectbox(key="backbone").set_value("simple_cnn").run()
    app.slider(key="epochs").set_value(1)
    app.number_input(key="image_size").set_value(32)
    app.button(key="start").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert launched == [TrainConfig(
        data_dir=str(full_roots / "data" / "pets"), backbone="simple_cnn", image_size=32, epochs=1, batch_size=32,
        learning_rate=1e-3, pooling="avg", dense_units=0, dropout=0.2, early_stopping_patience=5,
        fine_tune_epochs=0, augmented_views=0, fine_tune_at=20, fine_tune_learning_rate=1e-4,
        augmentation=augment.preset(next(iter(augment.PRESETS))))]
    queued = runs.list_runs(full_roots / "models")[0]
    assert [toast.value for toast in app.toast] == [en("train.starts_now", run=queued.id)]  # nothing ahead of it
    # The job panel watches the new run; nothing is ahead of it, so it is starting, not waiting.
    assert [info.value for info in app.info] == [en("job.starting_trainer")]


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
    while runs.load_run(launched[0].path).state.waiting and time.time() < deadline:
        time.sleep(0.5)
    assert runs.load_run(launched[0].path).state == "done"


def test_augmentation_settings_flow_to_the_train_form(full_roots, launched):
    app = open_page("augment")
    app.selectbox(key="preset").set_value("strong").run()
    assert app.select_slider(key="aug_rotation").value == 25
    app.select_slider(key="aug_rotation").set_value(40).run()
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
    from catdog.use import explain

    calls = []
    original = explain.explain
    monkeypatch.setattr(explain, "explain", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    photo = make_image(full_roots / "slider.png", 1, seed=7)
    app = open_page("predict")
    app.file_uploader[0].set_value(("slider.png", photo.read_bytes(), "image/png")).run()
    app.toggle(key="gradcam").set_value(True).run()
    app.select_slider[0].set_value(0.9).run()
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
    photos = [i for i in app.get("image") if i.proto.imgs and i.proto.imgs[0].caption.startswith("P(cats) ")]
    assert len(photos) == min(count, 24)  # each says what its number is: the probability of the class


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


def test_a_run_picked_in_the_sidebar_stays_picked_and_a_new_one_is_offered(full_roots):
    """One's own laptop: with no pick, the newest run is the model, and a run that finishes while
    the app is open takes its place; a run picked by hand stays picked when another finishes, which
    is offered instead (issue 27: Predict said another model than the teacher had chosen)."""
    from webui.loaders import listed_runs

    models = full_roots / "models"
    [first] = runs.list_runs(models)
    older = _copy_run(models, first, "20000101-000000-older")
    app = open_page("predict")
    picker = app.sidebar.selectbox[2]
    assert picker.value == first.id
    label = en(f"backbone.{first.config.backbone}")  # the backbone's name, not its registry id
    assert any(label in caption.value and first.id in caption.value for caption in app.caption)
    newer = _copy_run(models, first, "29990101-000000-newer")  # no pick yet: the newest is shown
    listed_runs.clear()
    app.run()
    assert app.sidebar.selectbox[2].value == newer
    app.sidebar.selectbox[2].set_value(older).run()
    app.run()
    assert app.sidebar.selectbox[2].value == older and app.session_state["run"] == older  # picked by hand
    newest = _copy_run(models, first, "29990101-000001-newest")  # finished meanwhile (the trainer, a CLI)
    listed_runs.clear()
    app.run()
    assert app.sidebar.selectbox[2].value == older and app.session_state["run"] == older  # still the pick
    assert [info.value for info in app.sidebar.info] == [en("side.new_run", run=newest)]
    app.sidebar.button(key="use-new-run").click().run()
    assert app.sidebar.selectbox[2].value == newest and not app.sidebar.info
    assert not app.exception


def test_leaderboard_ranks_the_runs_once_the_trainer_scored_them(full_roots):
    from catdog import runs
    from catdog.classroom import leaderboard
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
    assert en("col.owner") not in table.columns  # one person on a laptop: no "Student -" column


# --- issue 14: small things (helper) ---


def test_predict_table_has_no_empty_cells_and_an_error_keeps_its_three_parts_apart(full_roots):
    good = make_image(full_roots / "good.png", 1)
    app = open_page("predict")
    app.file_uploader[0].set_value([("good.png", good.read_bytes(), "image/png"),
                                    ("fake.jpg", b"this is text", "image/jpeg")]).run()
    assert not app.exception
    [table] = [d.value for d in app.dataframe]
    cells = [str(value) for value in table.to_numpy().ravel()]
    assert not table.isna().any().any() and "None" not in cells and "nan" not in cells
    bad = table[table[en("col.photo")] == "fake.jpg"].iloc[0]
    assert (bad[en("col.prediction")], bad[en("col.confidence")]) == ("-", "-")
    [error] = app.error
    what, expected, fix = error.value.split("\n\n")  # three paragraphs: markdown joins single newlines
    assert what.startswith("fake.jpg: not a readable image")
    assert expected == f"**{en('error.expected')}:** JPEG, PNG, WebP, BMP, GIF or TIFF"
    assert fix.startswith(f"**{en('error.fix')}:** check that the file really is a photo")


def _colours(chart) -> dict[str, str]:
    """{trace name: colour} of a plotly chart as the page sent it."""
    spec = json.loads(chart.proto.spec)
    return {trace["name"]: trace["marker"]["color"] for trace in spec["data"]}


def test_each_class_has_its_own_colour_the_same_in_every_chart(full_roots):
    from webui.charts import CLASS_COLOURS

    expected = {"cats": CLASS_COLOURS[0], "dogs": CLASS_COLOURS[1]}
    app = open_page("dataset")
    charts = app.get("plotly_chart")
    assert len(charts) == 3 and all(_colours(chart) == expected for chart in charts)
    photo = make_image(full_roots / "upload.png", 1)
    app = open_page("predict")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    assert _colours(app.get("plotly_chart")[0]) == expected  # the probabilities: the same colours as Dataset


def _draws(app) -> list[str]:
    """The augmented grid's images (AppTest names each image by a hash of its pixels)."""
    captions = {en("aug.draw", n=n) for n in range(1, 13)}
    return [image.proto.imgs[0].url for image in app.get("image") if image.proto.imgs[0].caption in captions]


def test_the_augmentation_grid_is_the_draw_of_the_seed_in_the_box(full_roots, monkeypatch):
    seeds = []  # the seed of every grid the page draws
    draw = augment.augment_batch
    monkeypatch.setattr(augment, "augment_batch", lambda photos, config, seed=0: seeds.append(seed) or
                        draw(photos, config, seed=seed))
    app = open_page("augment")
    box = lambda: app.number_input(key="aug_seed_box")
    box().set_value(11).run()
    first = _draws(app)
    assert len(first) == 12 and seeds[-1] == 11
    box().set_value(12).run()
    assert _draws(app) != first and seeds[-1] == 12
    box().set_value(11).run()
    assert _draws(app) == first and seeds[-1] == 11  # typed back: exactly the first draw
    app.button(key="new_draw").click().run()
    shown = box().value
    assert shown != 11 and seeds[-1] == shown  # the box shows the seed of the grid, not the one before
    drawn = _draws(app)
    app.select_slider(key="aug_rotation").set_value(30).run()
    app.select_slider(key="aug_rotation").set_value(20).run()  # back to the preset's rotation
    assert box().value == shown and _draws(app) == drawn


def test_export_page_offers_the_model_and_its_card_in_the_readers_language(full_roots):
    app = open_page("export", language="pt")
    assert not app.exception and not app.error
    assert [s.value for s in app.subheader] == [S[key]["pt"] for key in ("export.keras", "export.card",
                                                                         "export.tflite")]
    [card] = [m.value for m in app.markdown if m.value.startswith("# ")]
    assert card.startswith("# Ficha do modelo: ") and "## Limites" in card
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == [S["export.download"]["pt"], S["export.card_download"]["pt"]]


def test_export_page_makes_a_tflite_file_and_says_what_it_compared(full_roots):
    app = open_page("export")
    app.button(key="make_tflite").click().run()
    assert not app.exception and not app.error
    [success] = [s.value for s in app.success]
    # All 16 of the run's validation photos (8 cats, 8 dogs), and the tolerance a float file is held to.
    assert "Compared with the Keras model on 16 validation photos: the same top class on 16 of 16" in success
    assert success.endswith("(allowed: 0.001).")
    assert [b.proto.label for b in app.get("download_button")][-1] == en("export.tflite_download")


def test_export_page_refuses_a_quantized_file_that_changes_answers_and_says_why(full_roots, monkeypatch):
    from catdog.use import export

    monkeypatch.setattr(export, "parity", lambda run, flatbuffer, photos, quantize: {
        "photos": 20, "quantized": quantize, "same_top_class": 17, "max_abs_difference": 0.31, "tolerance": None})
    app = open_page("export", language="pt")
    app.toggle(key="quantize").set_value(True).run()
    app.button(key="make_tflite").click().run()
    assert not app.exception and not app.success
    [error] = [e.value for e in app.error]
    assert error.split("\n\n") == [
        "O modelo TensorFlow Lite quantizado escolhe uma classe diferente da do modelo Keras em 3 de 20 fotos "
        "(as probabilidades deles diferem em até 0,31).",  # a Brazilian decimal comma
        "**Esperado:** a mesma classe mais provável que o modelo Keras em todas as 20 fotos",
        "**Como resolver:** exporte sem quantização: um arquivo maior, com as mesmas respostas que o modelo Keras."]
    assert len(app.get("download_button")) == 2  # the .keras and the card; no .tflite


# --- issue 14: a newcomer's first hour ---

def _copy_run(models, source: runs.Run, run_id: str, state: str = "done", history: list[dict] | None = None,
              **settings) -> str:
    """A copy of a finished run under another id, with other settings, state or curves."""
    target = models / run_id
    shutil.copytree(source.path, target)
    config = {**json.loads((target / "config.json").read_text()), **settings}
    (target / "config.json").write_text(json.dumps(config))
    status = {**json.loads((target / "status.json").read_text()), "state": state}
    (target / "status.json").write_text(json.dumps(status))
    if history is not None:
        runs.write_history(target, history)
    return run_id


def _history(*pairs) -> list[dict]:
    return [{"epoch": i, "accuracy": a, "val_accuracy": v, "loss": 1 - a, "val_loss": 1 - v}
            for i, (a, v) in enumerate(pairs)]


def test_curves_open_on_the_latest_finished_runs_and_explain_their_gaps(full_roots):
    models = full_roots / "models"
    source = runs.list_runs(models)[0]
    widening = _history((0.6, 0.6), (0.8, 0.75), (0.95, 0.8), (1.0, 0.8), (1.0, 0.8))
    _copy_run(models, source, "20990101-000001-a", history=widening)
    _copy_run(models, source, "20990101-000002-b", history=_history((0.7, 0.8), (0.8, 0.9), (0.85, 0.92)),
              augmentation={**augment.preset("seed recipe").__dict__})
    _copy_run(models, source, "20990101-000003-c", state="cancelled", history=_history((0.5, 0.5)))
    app = open_page("curves")
    assert not app.exception, [e.value for e in app.exception]
    assert app.multiselect(key="compare").value == ["20990101-000002-b", "20990101-000001-a"]  # not the cancelled one
    assert app.multiselect(key="compare").placeholder == en("curves.pick")  # not Streamlit's "Choose options"
    infos = [i.value for i in app.info]
    assert en("gap.negative", runs="20990101-000002-b") in infos
    assert en("gap.overfitting", runs="20990101-000001-a") in infos
    differ = app.dataframe[-1].value
    rotation = differ[differ[en("col.setting")] == en("aug.rotation")]  # as the Augmentation page names it
    assert rotation[en("col.change")].tolist() == ["20 → 0"]  # readable rows, not a cut-off dict
    names = differ[en("col.setting")].tolist()
    assert "data_dir" not in names and en("setting.data_dir") not in names
    assert not [name for name in names if "_" in name or "augmentation." in name]  # no field names


def test_curves_lists_a_damaged_run_apart_with_its_reason_and_deletes_it(full_roots):
    """A truncated status.json once hid nothing but was trained again; now it is named, not trained."""
    models = full_roots / "models"
    source = runs.list_runs(models)[0]
    damaged = _copy_run(models, source, "20990101-000004-d")
    (models / damaged / "status.json").write_text('{"state": "do')
    app = open_page("curves")
    assert not app.exception, [e.value for e in app.exception]
    assert any(damaged in e.value and "not JSON" in e.value for e in app.error)
    assert app.multiselect(key="compare").value == [source.id]  # the others are shown as before
    app.button(key=f"delete-damaged-{damaged}").click().run()
    assert not (models / damaged).exists() and not app.error


def test_the_twin_and_the_overfitting_experiment_open_beside_their_source(full_roots, launched):
    models = full_roots / "models"
    source = runs.list_runs(models)[0]
    app = open_page("curves")
    app.button(key=f"twin-{source.id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    twin = runs.list_runs(models)[0]
    assert launched[-1].augmentation == augment.preset("seed recipe") and twin.id != source.id
    assert app.multiselect(key="compare").value == [source.id, twin.id]
    app.button(key="overfit").click().run()
    overfit, augmented = launched[-2:]
    assert (overfit.photos_per_class, overfit.pooling, overfit.dense_units, overfit.dropout) == \
        (50, "flatten", 512, 0.0)
    assert not overfit.augmentation.enabled and augmented.augmentation.enabled
    assert overfit.backbone == "mobilenet_v1_025"  # the lesson's backbone, whose weights are here
    assert len(app.multiselect(key="compare").value) == 2


def test_home_shows_an_imported_dataset_at_once_and_offline_points_to_the_upload(empty_roots, monkeypatch):
    import io
    import zipfile

    from catdog.data import folders
    from catdog.errors import NO_INTERNET, CatdogError

    buffer = io.BytesIO()
    photos = make_image(empty_roots / "p.png", 0).read_bytes()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for label in ("cats", "dogs"):
            for i in range(3):
                zipped.writestr(f"{label}/{i}.png", photos)
    app = open_page("home")
    app.file_uploader[0].set_value(("pets.zip", buffer.getvalue(), "application/zip")).run()
    app.text_input[0].set_value("pets").run()
    app.button[[b.label for b in app.button].index(en("home.import"))].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success][0] == en("home.imported", count=6, classes="cats, dogs")
    assert app.sidebar.selectbox[1].value == "pets"  # the sidebar, drawn before the page, has it now
    assert not [c for c in app.sidebar.caption if c.value == en("side.no_dataset")]

    def offline(**kwargs):
        raise CatdogError("download_failed", url="https://x", reason=NO_INTERNET, root="/srv/data")

    monkeypatch.setattr(folders, "download_sample", offline)
    app.button[[b.label for b in app.button].index(en("home.download"))].click().run()
    assert [w.value for w in app.warning][0] == en("home.offline") and not app.error


def test_predict_says_when_the_run_in_use_was_deleted(full_roots):
    models = full_roots / "models"
    source = runs.list_runs(models)[0]
    newer = _copy_run(models, source, "20990101-000001-a")
    app = open_page("predict")
    assert app.session_state["run"] == newer
    runs.delete_run(newer, models)
    from webui.loaders import listed_runs

    listed_runs.clear()
    app.run()
    assert not app.exception
    assert [w.value for w in app.warning] == [en("common.run_gone", run=newer) + " " +
                                              en("common.now_using", run=source.id)]


# --- issue 15: interactivity ---

def test_the_first_grid_and_the_first_model_load_say_what_they_wait_for_in_each_language(full_roots, monkeypatch):
    """After a server start both wait for TensorFlow: a spinner says so, in the reader's language."""
    import streamlit as st

    from catdog.use.predict import CACHE

    said = []
    spinner = st.spinner
    monkeypatch.setattr(st, "spinner", lambda text="", *args, **kwargs: said.append(text) or spinner(text, *args,
                                                                                                     **kwargs))
    photo = make_image(full_roots / "first.png", 0)
    for language in ("en", "pt"):
        CACHE.clear()  # as after a start: the model is not loaded yet
        assert not open_page("augment", language=language).exception
        app = open_page("predict", language=language)
        app.file_uploader[0].set_value(("first.png", photo.read_bytes(), "image/png")).run()
        assert not app.exception
        assert S["aug.drawing"][language] in said and S["common.loading_model"][language] in said


def test_the_dataset_grid_shows_small_jpegs_of_the_class_chosen(full_roots):
    app = open_page("dataset")
    thumbnails = lambda: [image.proto.imgs[0].url for image in app.get("image") if not image.proto.imgs[0].caption]
    cats = thumbnails()
    assert len(cats) == 5 and all(url.endswith(".jpg") for url in cats)  # JPEG: a PNG took longer to make
    next(box for box in app.selectbox if box.label == en("data.class")).set_value("dogs").run()
    assert not app.exception and len(thumbnails()) == 5 and not set(thumbnails()) & set(cats)


@pytest.mark.parametrize("epochs, words", [(1, "1 epoch)"), (2, "2 epochs)")])
def test_the_job_line_counts_epochs_in_words_that_agree(full_roots, epochs, words):
    models = full_roots / "models"
    source = runs.list_runs(models)[0]
    run_id = _copy_run(models, source, "29990101-000000-count", epochs=epochs, fine_tune_epochs=0)
    app = open_page("train")
    assert not app.exception
    line = next(m.value for m in app.markdown if m.value.startswith(f"**{run_id}**"))
    assert line.endswith(words)


def test_a_probability_reads_the_same_on_its_bar_and_in_its_hover(full_roots):
    from webui.charts import probabilities_figure

    figure = probabilities_figure({"cats": 0.995, "dogs": 0.005})
    assert all("%{x:.1%}" in trace.hovertemplate for trace in figure.data)  # not the axis's 100% for 99.5%


def test_a_curves_point_says_its_epoch_and_value_in_words(full_roots):
    from webui.charts import curves_figure

    figure = curves_figure(runs.list_runs(full_roots / "models")[:1])
    assert {trace.hovertemplate for trace in figure.data} == {en("fig.epoch") + " %{x}: %{y:.3f}"}
    assert {trace.hoverlabel.namelength for trace in figure.data} == {-1}  # the run id whole


def test_home_shows_a_single_user_the_folders_whose_names_hide_and_deletes_one(empty_roots):
    make_dataset(empty_roots / "data" / "_h1", per_class=2)
    make_dataset(empty_roots / "data" / "pets", per_class=2)
    app = open_page("home")
    assert not app.exception, [e.value for e in app.exception]
    assert en("home.misnamed", names="_h1") in [w.value for w in app.warning]
    app.button(key="misnamed-_h1").click().run()
    assert not (empty_roots / "data" / "_h1").exists() and (empty_roots / "data" / "pets").is_dir()


def test_the_train_form_says_how_long_a_job_will_take_and_offers_a_faster_way(full_roots):
    app = open_page("train")
    estimate_line = en("train.estimate", time="").split(":")[0]
    assert any(caption.value.startswith(estimate_line) for caption in app.caption)
    assert not [b for b in app.button if b.key == "use-faster"]  # no augmentation: nothing streams
    app.slider(key="epochs").set_value(50)  # (a few photos: long enough for the cached views to pay off)
    app.selectbox(key="augmentation_preset").set_value("light").run()  # augmentation streams every epoch
    faster = [b for b in app.button if b.key == "use-faster"]
    assert faster and faster[0].label == en("train.use_faster", views=5)
    faster[0].click().run()
    assert not app.exception
    assert app.number_input(key="augmented_views").value == 5
    assert not [b for b in app.button if b.key == "use-faster"]  # the form now trains the faster way
