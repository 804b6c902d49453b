"""Export: TFLite probabilities agree with Keras; the model card says what the model can't do."""

import pytest

from catdog import export, runs


@pytest.mark.parametrize("quantize", [False, True])
def test_tflite_agrees_with_keras_within_the_stated_tolerance(trained_run, session_dataset, tmp_path, quantize):
    photos = sorted((session_dataset / "validation" / "cats").iterdir())[:4]
    out = tmp_path / "model.tflite"
    result = export.export_tflite(trained_run.path, out, quantize=quantize, photos=photos)
    assert out.stat().st_size == result["bytes"] > 1000
    assert result["max_abs_difference"] <= export.TOLERANCE[quantize]
    assert result["top_class_agreement"] >= export.MIN_TOP_CLASS_AGREEMENT


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
