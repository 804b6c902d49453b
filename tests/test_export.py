"""Export: TFLite probabilities agree with Keras; the model card says what the model can't do."""

import numpy as np
import pytest

from catdog import runs
from catdog.use import export


@pytest.mark.parametrize("quantize", [False, True])
def test_tflite_gives_the_keras_answers_and_reports_what_it_compared(trained_run, session_dataset, tmp_path,
                                                                     quantize):
    photos = sorted((session_dataset / "validation" / "cats").iterdir())[:4]
    out = tmp_path / "model.tflite"
    result = export.export_tflite(trained_run.path, out, quantize=quantize, photos=photos)
    assert out.stat().st_size == result["bytes"] > 1000
    # Checked here from the written file, independently of export's own check.
    from catdog.data import images
    from catdog.use import predict

    batch = np.stack([images.load_for_model(p, trained_run.config.image_size) for p in photos])
    keras_probabilities = predict.predictor_for(trained_run.path).forward(batch, mirror=False)
    lite_probabilities = export.tflite_probabilities(out.read_bytes(), batch)
    difference = np.abs(keras_probabilities - lite_probabilities).max()
    assert result["max_abs_difference"] == pytest.approx(difference, abs=1e-7)  # it reports what it measured
    assert result["photos"] == result["same_top_class"] == 4
    assert (keras_probabilities.argmax(1) == lite_probabilities.argmax(1)).all()
    assert result["tolerance"] == (None if quantize else export.FLOAT_TOLERANCE)
    if not quantize:
        assert difference < 1e-4  # a float flatbuffer computes the same function


def _check(quantized: bool, same: int, difference: float) -> dict:
    """What `parity` measures, for 20 photos."""
    return {"photos": 20, "quantized": quantized, "same_top_class": same, "max_abs_difference": difference,
            "tolerance": None if quantized else export.FLOAT_TOLERANCE}


def test_a_quantized_model_passes_on_the_same_answers_however_far_its_probabilities_moved():
    export.check_parity(_check(quantized=True, same=20, difference=0.2))  # the same answers: accepted


def test_a_quantized_model_that_changes_one_answer_is_refused_with_a_clear_message():
    from catdog.errors import CatdogError

    with pytest.raises(CatdogError) as refused:
        export.check_parity(_check(quantized=True, same=19, difference=0.16))
    assert refused.value.key == "tflite_top_class_differs"
    assert refused.value.what == ("The quantized TensorFlow Lite model picks a different class from the Keras "
                                  "model on 1 of 20 photos (their probabilities differ by up to 0.16).")
    assert refused.value.fix.startswith("export without quantization")


def test_a_float_model_must_match_the_keras_probabilities_closely():
    from catdog.errors import CatdogError

    export.check_parity(_check(quantized=False, same=20, difference=9e-4))
    with pytest.raises(CatdogError) as refused:  # the same answers, but not the same function: a broken conversion
        export.check_parity(_check(quantized=False, same=20, difference=0.02))
    assert refused.value.key == "tflite_float_differs" and "differ by up to 0.02" in refused.value.what
    with pytest.raises(CatdogError, match="differ by up to nan"):  # a conversion gone wrong altogether
        export.check_parity(_check(quantized=False, same=20, difference=float("nan")))


def test_a_refused_model_writes_no_file(trained_run, session_dataset, tmp_path, monkeypatch):
    from catdog.errors import CatdogError

    photos = sorted((session_dataset / "validation" / "dogs").iterdir())[:2]
    out = tmp_path / "model.tflite"
    monkeypatch.setattr(export, "parity", lambda *args: _check(quantized=False, same=20, difference=0.5))
    with pytest.raises(CatdogError, match="does not compute what the Keras model computes"):
        export.export_tflite(trained_run.path, out, photos=photos)
    assert not out.exists()


def test_model_card_names_data_classes_settings_metrics_and_limits(trained_run):
    card = export.model_card(trained_run.path)
    for expected in ("# Model card", "cats, dogs", "mobilenet_v1_025", "| batch_size | 8 |", "Accuracy:",
                     "## Limits", "still gets one of these answers"):
        assert expected in card
    assert trained_run.config.test_time_mirror and "batch[:, :, ::-1]" in card  # how catdog's own answers differ


def test_the_file_is_compared_with_the_model_on_one_view_not_catdogs_mirror_average(trained_run, monkeypatch):
    """The file holds the model; catdog may average each photo with its mirror (test_time_mirror),
    which on a real run is 0.05 away from one view: a faithful float file was refused for it."""

    one_view, averaged = np.array([[0.9, 0.1]]), np.array([[0.85, 0.15]])

    class Predictor:
        def forward(self, batch, mirror=None):
            return averaged if mirror in (None, True) else one_view  # the run's default: averaged

    monkeypatch.setattr(export, "predictor_for", lambda path: Predictor())
    monkeypatch.setattr(export, "tflite_probabilities", lambda flatbuffer, batch: one_view)
    monkeypatch.setattr(export.images, "load_for_model", lambda path, size: np.zeros((size, size, 3), np.uint8))
    check = export.parity(trained_run, b"", ["photo.jpg"], quantize=False)
    assert check["max_abs_difference"] == 0.0 and check["same_top_class"] == 1


def test_exporting_a_run_without_a_model_is_a_clear_error(models_dir):
    from catdog.config import TrainConfig
    from catdog.errors import CatdogError

    run_dir = runs.create_run(TrainConfig(), models_dir)
    with pytest.raises(CatdogError, match="no model to export"):
        export.to_tflite(runs.load_run(run_dir))


def test_model_card_snippet_runs_in_a_fresh_python_without_catdog(trained_run, tmp_path):
    """Test that the card's own code loads the model, by the name the Export page's download gives it,
    with only Keras, and predicts every class."""
    import ast
    import shutil
    import subprocess
    import sys

    from helpers import make_image

    card = export.model_card(trained_run.path)
    assert "## How to use this model" in card and "(N, 32, 32, 3)" in card and "class order: cats, dogs" in card
    snippet = card.split("```python\n")[1].split("```")[0]
    shutil.copy(trained_run.model_path, tmp_path / export.download_name(trained_run))  # as downloaded
    make_image(tmp_path / "photo.jpg", kind=1)
    check = "import importlib.util\nassert importlib.util.find_spec('catdog') is None, 'catdog is importable'\n"
    done = subprocess.run([sys.executable, "-I", "-c", check + snippet], check=False, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    probabilities = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert list(probabilities) == ["cats", "dogs"] and abs(sum(probabilities.values()) - 1) < 1e-5


def test_a_students_model_card_names_the_dataset_not_where_it_lives(trained_run):
    card = export.model_card(trained_run.path, full_paths=False)
    assert str(trained_run.config.data_dir) not in card
    assert f"`{trained_run.config.data_dir.rsplit('/', 1)[-1]}`" in card


def test_every_line_of_the_model_card_exists_in_both_languages_with_the_same_placeholders():
    import string

    from catdog.use.card_text import CARD, LANGUAGES

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in CARD.items():
        assert set(texts) == set(LANGUAGES), key
        assert fields(texts["en"]) == fields(texts["pt"]), key


def test_the_model_card_in_portuguese_has_the_same_facts_and_code_in_other_words(trained_run):
    english = export.model_card(trained_run.path)
    portuguese = export.model_card(trained_run.path, language="pt")
    for expected in ("# Ficha do modelo", "## Dados", "## Ajustes", "| ajuste | valor |", "| batch_size | 8 |",
                     "## Métricas (fotos de validação)", "- Acurácia:", "## Como usar este modelo",
                     "nesta ordem de classes: cats, dogs", "## Limites", "ainda recebe uma destas respostas"):
        assert expected in portuguese
    for english_only in ("Model card", "## Data", "## Settings", "Accuracy", "## Limits", "Training photos"):
        assert english_only not in portuguese
    snippet = lambda card: card.split("```python\n")[1].split("```")[0]
    assert snippet(portuguese) == snippet(english)
    accuracy = f"{trained_run.metrics['val_accuracy']:.4f}"
    assert f"Accuracy: {accuracy};" in english and f"Acurácia: {accuracy.replace('.', ',')};" in portuguese
    learning_rate = f"{trained_run.config.learning_rate:g}"
    assert f"| learning_rate | {learning_rate.replace('.', ',')} |" in portuguese  # numbers as Brazil writes them
    assert f"| data_dir | {trained_run.config.data_dir} |" in portuguese  # a path keeps its dots
    assert len(portuguese.splitlines()) == len(english.splitlines())  # line for line, nothing left out


def test_a_model_card_in_an_unknown_language_is_a_clear_error(trained_run):
    from catdog.errors import CatdogError

    with pytest.raises(CatdogError, match="No model card in the language 'fr'"):
        export.model_card(trained_run.path, language="fr")


def test_the_command_line_writes_the_card_in_english_unless_told_otherwise(trained_run, tmp_path):
    from catdog import cli

    assert cli.main(["export", str(trained_run.path), "--format", "card", "--out", str(tmp_path / "en.md")]) == 0
    assert cli.main(["export", str(trained_run.path), "--format", "card", "--language", "pt",
                     "--out", str(tmp_path / "pt.md")]) == 0
    assert (tmp_path / "en.md").read_text().startswith("# Model card: ")
    assert (tmp_path / "pt.md").read_text().startswith("# Ficha do modelo: ")
