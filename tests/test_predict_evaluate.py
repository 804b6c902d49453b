"""Prediction (probabilities for every class, a warm model) and evaluation figures."""

import numpy as np
import pytest

from catdog.errors import CatdogError
from catdog.use import evaluate, predict


def test_probabilities_cover_every_class_and_sum_to_one(trained_run, session_dataset):
    photo = next((session_dataset / "validation" / "dogs").iterdir())
    for source in (photo, str(photo), photo.read_bytes()):
        [result] = predict.predict(trained_run.path, [source])
        assert list(result.probabilities) == ["cats", "dogs"]  # the model's class order
        assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert result.top_class == max(result.probabilities, key=result.probabilities.get)
        assert result.confidence == result.probabilities[result.top_class]


def test_the_model_is_loaded_once_per_run(trained_run):
    assert predict.predictor_for(trained_run.path) is predict.predictor_for(trained_run.path)


def test_an_unreadable_file_is_reported_while_the_others_are_answered(trained_run, session_dataset, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_text("text")
    photo = next((session_dataset / "validation" / "cats").iterdir())
    good, broken = predict.predict(trained_run.path, [photo, bad])
    assert good.error is None and good.top_class in ("cats", "dogs")
    assert "not a readable image" in str(broken.error) and broken.probabilities == {}
    assert broken.top_class is None and broken.confidence is None


def test_prediction_matches_a_direct_model_call_on_the_same_pixels(trained_run, session_dataset):
    from catdog.data.images import load_for_model

    predictor = predict.predictor_for(trained_run.path)
    photo = next((session_dataset / "validation" / "cats").iterdir())
    pixels = load_for_model(photo, trained_run.config.image_size)[None].astype("float32")
    expected = np.asarray(predictor.model.predict(pixels, verbose=0))[0]
    [result] = predictor.predict([photo])
    assert np.allclose(list(result.probabilities.values()), expected, atol=1e-5)


def test_confusion_matrix_counts_match_the_predictions(trained_run, session_dataset):
    result = evaluate.evaluate(trained_run.path, session_dataset / "validation")
    names = result.class_names
    matrix = np.array(result.confusion_matrix)
    assert matrix.sum() == len(result.photos) == 16
    for i, true in enumerate(names):
        for j, guess in enumerate(names):
            count = sum(p.true_class == true and p.predicted_class == guess for p in result.photos)
            assert matrix[i, j] == count == len(result.cell(true, guess))
    assert result.accuracy == pytest.approx(np.trace(matrix) / matrix.sum())
    assert len(result.misclassified) == matrix.sum() - np.trace(matrix)
    confidences = [w.confidence for w in result.misclassified]
    assert confidences == sorted(confidences, reverse=True)


def test_per_class_scores_from_a_known_matrix():
    matrix = np.array([[8, 2], [1, 9]])
    scores = evaluate.per_class(matrix, ["a", "b"])
    assert scores["a"].precision == pytest.approx(8 / 9)
    assert scores["a"].recall == pytest.approx(8 / 10)
    assert scores["b"].f1 == pytest.approx(2 * (9 / 11) * (9 / 10) / (9 / 11 + 9 / 10))
    assert (scores["a"].support, scores["b"].support) == (10, 10)


def test_evaluating_on_a_dataset_root_uses_its_validation_split(trained_run, session_dataset):
    assert evaluate.evaluate(trained_run.path, session_dataset).folder.endswith("validation")


def test_evaluating_on_folders_with_unknown_classes_is_refused(trained_run, tmp_path):
    from helpers import make_image

    make_image(tmp_path / "eval" / "birds" / "1.jpg", 0)
    with pytest.raises(CatdogError, match="birds"):
        evaluate.evaluate(trained_run.path, tmp_path / "eval")


def test_roc_of_a_perfect_and_of_a_reversed_ranking():
    labels = np.array([0, 0, 1, 1])
    assert evaluate.roc_curve(labels, np.array([0.1, 0.2, 0.8, 0.9])).auc == pytest.approx(1.0)
    assert evaluate.roc_curve(labels, np.array([0.9, 0.8, 0.2, 0.1])).auc == pytest.approx(0.0)
    # AUC = P(a positive outranks a negative): 1 of the 4 pairs here.
    quarter = evaluate.roc_curve(np.array([0, 1, 0, 1]), np.array([0.9, 0.8, 0.2, 0.1])).auc
    assert quarter == pytest.approx(0.25)


def test_two_class_evaluation_reports_a_roc_curve(trained_run, session_dataset):
    roc = evaluate.evaluate(trained_run.path, session_dataset / "validation").roc
    assert roc.positive_class == "dogs"
    assert roc.false_positive_rate[0] == 0 and roc.true_positive_rate[-1] == 1 and 0 <= roc.auc <= 1
    assert evaluate.roc_curve(np.array([1, 1]), np.array([0.2, 0.9])) is None  # no negatives: no curve


def test_the_model_cache_keeps_at_most_its_bound_and_frees_the_rest(trained_run, tmp_path):
    """Ten runs' models loaded in one process: at most the bound stay, the others are freed."""
    import gc
    import shutil
    import weakref

    from catdog import runs

    cache = predict.ModelCache(max_models=3, max_bytes=10**12)
    loaded = []
    for index in range(10):
        copy = shutil.copytree(trained_run.path, tmp_path / f"run-{index}", ignore=shutil.ignore_patterns("logs"))
        loaded.append(weakref.ref(cache.get(runs.load_run(copy))))
        assert len(cache) <= 3
    gc.collect()
    alive = [index for index, ref in enumerate(loaded) if ref() is not None]
    assert alive == [7, 8, 9]  # the least recently used went first, and nothing holds them
    assert cache.get(runs.load_run(tmp_path / "run-8")) is loaded[8]()  # a hit, not a reload


def test_the_model_cache_is_bounded_by_the_bytes_of_the_weights_too(trained_run, tmp_path):
    import shutil

    from catdog import runs

    first = predict.ModelCache(max_models=10, max_bytes=10**12).get(runs.load_run(trained_run.path))
    cache = predict.ModelCache(max_models=10, max_bytes=int(first.weight_bytes * 2.5))
    for index in range(4):
        cache.get(runs.load_run(shutil.copytree(trained_run.path, tmp_path / f"run-{index}",
                                                ignore=shutil.ignore_patterns("logs"))))
    assert len(cache) == 2 and cache.used_bytes <= first.weight_bytes * 2.5


def test_a_dataset_the_run_split_itself_is_evaluated_on_its_validation_photos_only(tmp_path):
    """A folder of class folders: the run trained on most of it, so its evaluation must use the
    photos the split kept aside, not all of them (which would flatter the model)."""
    from catdog import jobs
    from catdog.config import TrainConfig
    from catdog.data import folders
    from catdog.use.evaluate import evaluate
    from helpers import make_dataset

    folder = make_dataset(tmp_path / "pets", per_class=10, splits=("",))
    config = TrainConfig(data_dir=str(folder), backbone="simple_cnn", image_size=32, epochs=1, batch_size=4)
    run = jobs.run_in_foreground(config, tmp_path / "models")
    kept_aside = folders.load_dataset(folder, config.validation_fraction, config.seed).validation
    result = evaluate(run.path, folder)
    assert sorted(p.path for p in result.photos) == sorted(kept_aside.paths)
    assert len(result.photos) == 4 < 20


def test_mirror_averaging_is_one_switch_in_predict_and_evaluate(session_dataset, tmp_path, keras_home):
    """mirror=True gives the mean of the photo's and its mirror's probabilities, in both functions."""
    from PIL import Image

    from catdog import jobs
    from catdog.config import TrainConfig
    from catdog.use.evaluate import evaluate

    run = jobs.run_in_foreground(TrainConfig(data_dir=str(session_dataset), backbone="mobilenet_v1_025",
                                             image_size=64, epochs=2, learning_rate=1e-2), tmp_path / "m")
    photo = next((session_dataset / "validation" / "dogs").iterdir())
    flipped = tmp_path / "flipped.png"
    Image.open(photo).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(flipped)
    alone, mirror = predict.predict(run.path, [photo, flipped], mirror=False)
    [both] = predict.predict(run.path, [photo], mirror=True)
    assert alone.probabilities != mirror.probabilities
    for name in both.probabilities:
        expected = (alone.probabilities[name] + mirror.probabilities[name]) / 2
        assert both.probabilities[name] == pytest.approx(expected, abs=2e-3)  # PNG vs JPEG decoding aside
    assert run.config.test_time_mirror  # the default: predict without a switch averages
    assert predict.predict(run.path, [photo])[0].probabilities == both.probabilities
    on, off = (evaluate(run.path, session_dataset, mirror=m) for m in (True, False))
    assert [p.probabilities for p in on.photos] != [p.probabilities for p in off.photos]
    assert on.accuracy == pytest.approx(run.metrics["val_accuracy"])  # what training reported, the same way
