"""The Your own classes page (AppTest), and Predict, Evaluate and Grad-CAM with three classes of any name."""

import io
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from catdog.classroom import collect
from catdog.data import folders
from helpers import en, make_image, open_page
from webui.navigation import PAGES
from webui.text import S

CLASSES = ("rock", "paper", "scissors")




def _photo(kind: int, seed: int, fmt: str = "PNG") -> bytes:
    """A photo whose class shows in its colour: kind 0 red, 1 green, 2 blue."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (40, 48, 3), dtype=np.uint8)
    pixels[..., kind] += 150
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt)
    return buffer.getvalue()


def _three_classes(root, per_class: int, splits=("train", "validation")):
    for split_number, split in enumerate(splits):
        for kind, name in enumerate(CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True)
            for i in range(per_class):
                (folder / f"{name}{i}.png").write_bytes(_photo(kind, 1000 * split_number + 100 * kind + i))
    return root


@pytest.fixture(scope="module")
def three_class_run(tmp_path_factory):
    """A finished tiny run (random weights) on three classes that are not cats and dogs."""
    from catdog import jobs
    from catdog.config import TrainConfig

    dataset = _three_classes(tmp_path_factory.mktemp("data") / "rps", per_class=6)
    config = TrainConfig(data_dir=str(dataset), backbone="mobilenet_v1_025", weights="none", image_size=32,
                         epochs=2, batch_size=8, learning_rate=1e-2)
    run = jobs.run_in_foreground(config, tmp_path_factory.mktemp("models"))
    assert run.state == "done", run.status
    return run


@pytest.fixture
def three_class_roots(empty_roots, three_class_run):
    shutil.copytree(three_class_run.config.data_dir, empty_roots / "data" / "rps")
    shutil.copytree(three_class_run.path, empty_roots / "models" / three_class_run.id)
    return empty_roots


def _create(app, name="rps", classes=CLASSES):
    app.text_input[0].set_value(name)
    app.text_area[0].set_value("\n".join(classes))
    app.button[0].click().run()  # the form's submit button
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_make_a_dataset_add_photos_by_upload_and_webcam_and_train_on_it(empty_roots):
    app = _create(open_page("classes"))
    assert [c.name for c in collect.get("rps").classes] == list(CLASSES)  # in the order typed
    assert app.info[0].value.startswith(en("classes.need", classes=2, minimum=10, missing="")[:40])
    for kind, name in enumerate(CLASSES):
        app.segmented_control(key="class-rps").set_value(name).run()
        files = [(f"{name}{i}.png", _photo(kind, i), "image/png") for i in range(9)]
        app.file_uploader[0].set_value(files).run()
        assert not app.exception, [e.value for e in app.exception]
        assert en("classes.added", count=9, name=name) in [s.value for s in app.success]
    assert not [b for b in app.button if b.label == en("classes.train")]  # 9 of 10: not yet
    for kind, name in enumerate(CLASSES):  # one webcam shot each
        app.segmented_control(key="class-rps").set_value(name).run()
        app.toggle(key="collect-webcam").set_value(True).run()
        app.camera_input[0].set_value(("image.jpg", _photo(kind, 50 + kind, "JPEG"), "image/jpeg")).run()
        assert en("classes.added", count=1, name=name) in [s.value for s in app.success]
    assert [len(c.photos) for c in collect.get("rps").classes] == [10, 10, 10]
    assert en("classes.ready", minimum=10) in [s.value for s in app.success]
    [train] = [b for b in app.button if b.label == en("classes.train")]
    train.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == en(PAGES["train"].title_key)
    assert app.session_state["dataset"].endswith("rps")
    assert sorted(folders.load_dataset(empty_roots / "data" / "rps").class_names) == sorted(CLASSES)


def test_a_bad_file_is_refused_with_its_reason_and_a_class_can_be_renamed_and_deleted(empty_roots):
    app = _create(open_page("classes"))
    app.segmented_control(key="class-rps").set_value("rock").run()
    app.file_uploader[0].set_value([("notes.jpg", b"not a photo", "image/jpeg"),
                                    ("rock.png", _photo(0, 1), "image/png")]).run()
    assert not app.exception
    assert [e.value.split(":")[0] for e in app.error] == ["notes.jpg"]
    assert len(collect.get("rps").classes[0].photos) == 1  # rock: typed first
    app.button(key=f"remove-{collect.get('rps').classes[0].photos[0].name}").click().run()
    assert collect.get("rps").classes[0].photos == []
    app.text_input(key="rename-rock").set_value("stone")
    app.button(key="do-rename-rock").click().run()
    assert [c.name for c in collect.get("rps").classes] == ["stone", "paper", "scissors"]  # in its place
    app.segmented_control(key="class-rps").set_value("paper").run()
    app.button(key="delete-paper").click().run()
    assert [c.name for c in collect.get("rps").classes] == ["stone", "scissors"]
    app.text_input(key="new-class").set_value("train")  # a split's name: refused
    app.button(key="do-add-class").click().run()
    assert len(app.error) == 1 and "'train' cannot be a class name" in app.error[0].value


def test_the_page_reads_in_portuguese(empty_roots):
    app = _create(open_page("classes", language="pt"), classes=("pedra", "papel"))
    assert not app.exception
    assert app.title[0].value == S["classes.title"]["pt"]
    assert app.info[0].value.startswith("O treino fica disponível")


def _chart_probabilities(chart) -> list[float]:
    spec = json.loads(chart.proto.spec)
    values = []
    for trace in spec["data"]:
        x = trace["x"]
        if isinstance(x, dict):  # plotly's typed binary
            import base64
            x = list(np.frombuffer(base64.b64decode(x["bdata"]), x["dtype"]))
        values += list(x)
    return values


def test_try_it_live_predicts_each_new_shot_over_every_class(three_class_roots):
    collect.create("mine", CLASSES)  # the run learned rps, the same classes
    app = open_page("classes")
    app.toggle(key="live").set_value(True).run()
    for shot in range(2):
        app.camera_input[0].set_value(("image.jpg", _photo(shot, shot, "JPEG"), "image/jpeg")).run()
        assert not app.exception, [e.value for e in app.exception]
        probabilities = _chart_probabilities(app.get("plotly_chart")[0])
        assert len(probabilities) == 3 and sum(probabilities) == pytest.approx(1.0, abs=1e-5)
    shots = [c.value for c in app.caption if c.value.startswith("Shot 1:")]
    assert len(shots) == 1 and " · Shot 2: " in shots[0]  # both shots listed, newest last


def test_predict_with_three_classes_shows_three_bars_and_grad_cam_for_each(three_class_roots):
    photo = make_image(three_class_roots / "upload.png", 0)
    app = open_page("predict")
    app.file_uploader[0].set_value(("upload.png", photo.read_bytes(), "image/png")).run()
    assert not app.exception, [e.value for e in app.exception]
    probabilities = _chart_probabilities(app.get("plotly_chart")[0])
    assert len(probabilities) == 3 and sum(probabilities) == pytest.approx(1.0, abs=1e-5)
    app.toggle(key="gradcam").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert sorted(app.radio[0].options) == sorted(CLASSES)
    app.radio[0].set_value("scissors").run()
    assert not app.exception and not app.error


def test_evaluate_with_three_classes_draws_a_three_by_three_matrix_and_no_roc(three_class_roots):
    app = open_page("evaluate")
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert len(app.get("pills")[0].proto.options) == 9  # every (true, predicted) cell
    assert en("eval.roc") not in [s.value for s in app.subheader]
    assert sorted(app.dataframe[0].value.index) == sorted(CLASSES)
