"""The class leaderboard: the teacher's hidden test set, runs scored on it by the trainer, ranked."""

import shutil

import pytest

from catdog import jobs, runs, storage
from catdog.access import Identity
from catdog.classroom import leaderboard
from catdog.config import TrainConfig
from catdog.errors import CatdogError
from helpers import make_dataset

ANA, TEACHER = Identity("a" * 40, "Ana"), Identity("t" * 40, "Teacher", teacher=True)


@pytest.fixture
def classroom(tmp_path, trained_run, monkeypatch):
    """Two finished runs (Ana's and an ownerless one) and a test set `exam` in the data root."""
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    data, models = tmp_path / "data", tmp_path / "models"
    make_dataset(data / "exam", per_class=3, splits=("",))
    for name, owner in (("20260101-000000-a", ANA), ("20260101-000001-b", None)):
        shutil.copytree(trained_run.path, models / name)
        runs.update_status(models / name, owner=owner and owner.id, owner_name=owner and owner.name)
    monkeypatch.setenv("CATDOG_DATA_DIR", str(data))
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(models))
    return data, models


def test_only_the_teacher_chooses_the_test_set(classroom):
    data, models = classroom
    with pytest.raises(CatdogError) as refused:
        leaderboard.choose_test_set("exam", ANA, models, data)
    assert refused.value.key == "teacher_only_test_set" and leaderboard.test_set(models) is None
    with pytest.raises(CatdogError, match="no dataset called nope"):
        leaderboard.choose_test_set("nope", TEACHER, models, data)
    chosen = leaderboard.choose_test_set("exam", TEACHER, models, data)
    assert leaderboard.test_set(models) == chosen and chosen.path == (data / "exam").resolve()


def test_finished_runs_are_scored_once_and_ranked_with_their_student(classroom):
    data, models = classroom
    test = leaderboard.choose_test_set("exam", TEACHER, models, data)
    assert len(leaderboard.unscored(runs.list_runs(models), test)) == 2
    first = leaderboard.score_next(models)
    assert first.id == "20260101-000000-a"  # the oldest first
    assert leaderboard.score_next(models).id == "20260101-000001-b"
    assert leaderboard.score_next(models) is None  # nothing scored twice
    listed = runs.list_runs(models)
    scores = {run.id: run.test_score for run in listed}
    assert all(score["photos"] == 6 and 0 <= score["accuracy"] <= 1 for score in scores.values())
    rows = leaderboard.ranking(listed, test)
    # Copies of one model: the same photos right, so they share the first place.
    assert [row.rank for row in rows] == [1, 1] and {row.student for row in rows} == {"Ana", "-"}
    assert leaderboard.has_ties(rows)
    assert rows[0].test_accuracy >= rows[1].test_accuracy and rows[0].settings["backbone"] == listed[0].config.backbone


def test_new_photos_in_the_test_set_score_every_run_again(classroom):
    data, models = classroom
    leaderboard.choose_test_set("exam", TEACHER, models, data)
    while leaderboard.score_next(models):
        pass
    make_dataset(data / "exam", per_class=4, splits=("",))  # one more photo per class
    test = leaderboard.choose_test_set("exam", TEACHER, models, data)
    assert len(leaderboard.unscored(runs.list_runs(models), test)) == 2


def test_a_run_whose_classes_differ_is_recorded_as_not_scored_not_retried(classroom):
    data, models = classroom
    make_dataset(data / "birds", per_class=2, classes=("owls", "larks"), splits=("",))
    test = leaderboard.choose_test_set("birds", TEACHER, models, data)
    leaderboard.score_next(models)
    scored = [run for run in runs.list_runs(models) if run.test_score]
    assert scored[0].test_score["error_key"] == "evaluation_unknown_classes"
    assert leaderboard.ranking(runs.list_runs(models), test) == []
    assert len(leaderboard.unscored(runs.list_runs(models), test)) == 1


def test_a_student_cannot_train_on_the_test_set(classroom):
    data, models = classroom
    leaderboard.choose_test_set("exam", TEACHER, models, data)
    config = TrainConfig(data_dir=str(data / "exam"), weights="none", image_size=32)
    with pytest.raises(CatdogError) as refused:
        jobs.start(config, models, owner=ANA)
    assert refused.value.key == "test_set_hidden"


def test_settings_that_differ_are_readable_rows():
    import dataclasses

    from catdog.data import augment

    base = TrainConfig(weights="none")
    twin = dataclasses.replace(base, epochs=30, augmentation=augment.preset("seed recipe"))

    class Fake:
        def __init__(self, config):
            self.config = config

    differ = leaderboard.settings_that_differ([Fake(base), Fake(twin)])
    assert differ["epochs"] == [20, 30]
    assert differ["augmentation.rotation"][0] != differ["augmentation.rotation"][1]
    assert "backbone" not in differ and "data_dir" not in differ and "dataset" not in differ
    other_data = dataclasses.replace(base, data_dir="/srv/data/colours")
    assert leaderboard.settings_that_differ([Fake(base), Fake(other_data)]) == {"dataset": ["", "colours"]}


def test_the_trainer_is_started_to_score_when_runs_wait_for_a_score(classroom, monkeypatch):
    data, models = classroom
    started = []
    monkeypatch.setattr(jobs, "spawn_worker", lambda root: started.append(root))
    jobs.kick(models)
    assert started == []  # no test set: nothing to do
    leaderboard.choose_test_set("exam", TEACHER, models, data)
    jobs.kick(models)
    assert len(started) == 1


def test_a_frozen_backbone_run_scores_from_cached_features_as_a_full_evaluation_would(tiny_dataset, models_dir,
                                                                                       keras_home):
    from catdog.training.features import cache_for
    from catdog.use.evaluate import evaluate

    config = TrainConfig(data_dir=str(tiny_dataset), backbone="mobilenet_v1_025", epochs=3, batch_size=4,
                         learning_rate=1e-2)
    run = jobs.run_in_foreground(config, models_dir)
    test = leaderboard.choose_test_set(tiny_dataset.name, None, models_dir, tiny_dataset.parent)
    probabilities, labels = leaderboard.cached_probabilities(run, test)
    full = evaluate(run.path, test.path)
    expected = [[photo.probabilities[name] for name in full.class_names] for photo in full.photos]
    assert len(labels) == len(full.photos) and len(set(probabilities[:, 0].round(3))) > 1  # not a constant model
    assert abs(probabilities - expected).max() < 1e-4
    shards = sorted(cache_for(config, models_dir).folder.glob("*.npz"))
    leaderboard.cached_probabilities(run, test)  # a second run, or the same again: nothing extracted anew
    assert sorted(cache_for(config, models_dir).folder.glob("*.npz")) == shards


def test_a_run_trained_on_the_test_set_is_neither_scored_nor_ranked(classroom):
    data, models = classroom
    test = leaderboard.choose_test_set("exam", TEACHER, models, data)
    [newest, oldest] = runs.list_runs(models)
    config = dict(newest.config.to_dict(), data_dir=str(data / "exam"))
    storage.write_json(newest.path / "config.json", config)  # as if trained on the exam photos
    while leaderboard.score_next(models):
        pass
    listed = runs.list_runs(models)
    assert [row.run_id for row in leaderboard.ranking(listed, test)] == [oldest.id]
    assert leaderboard.unscored(listed, test) == []


def test_deleting_the_test_set_forgets_it_so_a_new_dataset_of_that_name_is_not_hidden(classroom):
    from catdog.classroom import datasets

    data, models = classroom
    leaderboard.choose_test_set("exam", TEACHER, models, data)
    datasets.delete_dataset("exam", TEACHER, data)
    assert leaderboard.chosen_name(models) == "exam" and leaderboard.test_set(models) is None
    leaderboard.forget_deleted_test_set("exam", models)  # what the page that deletes it calls
    assert leaderboard.chosen_name(models) is None


def test_equal_scores_share_a_rank_and_the_next_one_counts_them(classroom):
    data, models = classroom
    test = leaderboard.choose_test_set("exam", TEACHER, models, data)
    for name, accuracy, seconds in (("20260101-000000-a", 0.975, 30), ("20260101-000001-b", 0.975, 20)):
        runs.write_test_score(models / name, {"fingerprint": test.fingerprint, "accuracy": accuracy, "photos": 40})
        storage.write_json(models / name / "metrics.json", {**runs.load_run(models / name).metrics, "seconds": seconds})
    third = models / "20260101-000002-c"
    shutil.copytree(models / "20260101-000000-a", third)
    runs.write_test_score(third, {"fingerprint": test.fingerprint, "accuracy": 0.95, "photos": 40})
    rows = leaderboard.ranking(runs.list_runs(models), test)
    assert [(row.rank, row.run_id) for row in rows] == [
        (1, "20260101-000001-b"), (1, "20260101-000000-a"), (3, "20260101-000002-c")]  # the faster first

