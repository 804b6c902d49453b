"""Export: TFLite probabilities agree with Keras; the model card says what the model can't do."""

import numpy as np
import pytest

from catdog import export, runs


@pytest.mark.parametrize("quantize", [False, True])
def test_tflite_agrees_with_keras_within_the_stated_tolerance(trained_run, session_dataset, tmp_path, quantize):
    photos = sorted((session_dataset / "validation" / "cats").iterdir())[:4]
    out = tmp_path / "model.tflite"
    result = export.export_tflite(trained_run.path, out, quantize=quantize, photos=photos)
    assert out.stat().st_size == result["bytes"] > 1000
    # Checked here from the written file, independently of export's own check.
    from catdog import images, predict

    batch = np.stack([images.load_for_model(p, trained_run.config.image_size) for p in photos])
    keras_probabilities = predict.predictor_for(trained_run.path).forward(batch)
    lite_probabilities = export.tflite_probabilities(out.read_bytes(), batch)
    difference = np.abs(keras_probabilities - lite_probabilities).max()
    assert result["max_abs_difference"] == pytest.approx(difference, abs=1e-7)  # it reports what it measured
    assert (keras_probabilities.argmax(1) == lite_probabilities.argmax(1)).all()
    if not quantize:
        assert difference < 1e-4  # a float flatbuffer computes the same function


def test_model_card_names_data_classes_settings_metrics_and_limits(trained_run):
    card = export.model_card(trained_run.path)
    for expected in ("# Model card", "cats, dogs", "mobilenet_v1_025", "| batch_size | 8 |", "Accuracy:",
                     "## Limits", "still gets one of these answers"):
        assert expected in card


def test_exporting_a_run_without_a_model_is_a_clear_error(models_dir):
    from catdog.config import TrainConfig
    from catdog.errors import CatdogError

    run_dir = runs.create_run(TrainConfig(), models_dir)
    with pytest.raises(CatdogError, match="no model to export"):
        export.to_tflite(runs.load_run(run_dir))


def test_model_card_snippet_runs_in_a_fresh_python_without_catdog(trained_run, tmp_path):
    """Test that the card's own code loads the run's model.keras with only Keras and predicts every class."""
    import ast
    import shutil
    import subprocess
    import sys

    from helpers import make_image

    card = export.model_card(trained_run.path)
    assert "## How to use this model" in card and "(N, 32, 32, 3)" in card and "class order: cats, dogs" in card
    snippet = card.split("```python\n")[1].split("```")[0]
    shutil.copy(trained_run.model_path, tmp_path / "model.keras")
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
