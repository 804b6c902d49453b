"""Two-phase training writes a complete run record; cancel stops it at the next batch."""

import json

import numpy as np
import pytest

from catdog import jobs, runs
from catdog.config import TrainConfig
from catdog.data import augment

FAST = dict(weights="none", image_size=32, batch_size=4, learning_rate=1e-2)


def _train(dataset, models, **settings):
    return jobs.run_in_foreground(TrainConfig(data_dir=str(dataset), **{**FAST, **settings}), models)


def test_feature_cached_run_leaves_a_complete_record(tiny_dataset, models_dir):
    run = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=3, fine_tune_epochs=2,
                 early_stopping_patience=0)
    assert run.state == "done", run.status
    names = {p.name for p in run.path.iterdir()}
    assert {"config.json", "status.json", "history.csv", "metrics.json", "model.keras", "class_names", "logs"} <= names
    assert not [n for n in names if n.endswith(".tmp") or "partial" in n]
    assert TrainConfig(**json.loads((run.path / "config.json").read_text())) == run.config
    assert run.metrics["feature_cache"] is True
    assert [row["phase"] for row in run.history] == [1, 1, 1, 2, 2]
    assert [row["epoch"] for row in run.history] == list(range(1, len(run.history) + 1))
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(run.history[0])
    assert run.class_names == ["cats", "dogs"]
    assert 0.0 <= run.metrics["val_accuracy"] <= 1.0
    assert any((run.path / "logs").rglob("events.out.tfevents*"))


def test_tiny_dataset_is_learned_from_scratch(tiny_dataset, models_dir):
    """The classes differ by colour, so even the from-scratch CNN must separate them."""
    run = _train(tiny_dataset, models_dir, backbone="simple_cnn", epochs=8, learning_rate=3e-3)
    assert run.state == "done"
    assert run.metrics["feature_cache"] is False
    assert run.metrics["val_accuracy"] >= 0.9


@pytest.mark.parametrize("name", [n for n in augment.PRESETS if n != "none"])
def test_training_with_each_augmentation_preset_runs(tiny_dataset, models_dir, name):
    run = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1,
                 augmentation=augment.preset(name))
    assert run.state == "done", run.status
    assert run.metrics["feature_cache"] is False  # augmented images differ every epoch


def test_bad_photo_is_skipped_and_reported_not_fatal(tiny_dataset, models_dir):
    (tiny_dataset / "train" / "cats" / "truncated.jpg").write_bytes(b"\xff\xd8\xff\xe0 nothing")
    run = _train(tiny_dataset, models_dir, backbone="simple_cnn", epochs=1)
    assert run.state == "done"
    assert [s["path"].endswith("truncated.jpg") for s in run.metrics["skipped_files"]] == [True]


def test_cancel_request_stops_at_the_next_batch(tiny_dataset, models_dir, monkeypatch):
    from catdog.training import reporter

    original = reporter.Reporter.batch

    def cancel_after_first_batch(self, epoch, batch, logs, batches=None):
        (self.run_dir / "cancel").write_text("test")
        original(self, epoch, batch, logs, batches)

    monkeypatch.setattr(reporter.Reporter, "batch", cancel_after_first_batch)
    run = _train(tiny_dataset, models_dir, backbone="simple_cnn", epochs=50)
    assert run.state == "cancelled"
    assert len(run.history) <= 1  # stopped inside the first epoch, not after fifty
    assert not run.has_model


def test_a_crash_records_its_traceback_in_the_run(tiny_dataset, models_dir, monkeypatch):
    import catdog.training.features

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catdog.training.features, "extract", explode)
    with pytest.raises(RuntimeError):
        _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1)
    run = runs.list_runs(models_dir)[0]
    assert run.state == "failed" and "boom" in run.status["error"]
    assert "RuntimeError: boom" in (run.path / "traceback.txt").read_text()


def test_relaunch_reuses_cached_features_until_the_network_changes(tiny_dataset, models_dir):
    first = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=2)
    assert first.metrics["features_reused_from_disk"] == 0
    other_head = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=3, dropout=0.5)
    assert other_head.metrics["features_reused_from_disk"] == 24  # every photo, both splits
    same = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=2)
    assert same.metrics["val_accuracy"] == first.metrics["val_accuracy"]  # cached == computed
    bigger = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1, image_size=48)
    assert bigger.metrics["features_reused_from_disk"] == 0


def test_changed_photo_is_extracted_again(tiny_dataset, models_dir):
    _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1)
    from helpers import make_image

    make_image(tiny_dataset / "train" / "cats" / "cats.0.jpg", 0, seed=999)  # new content, same name
    again = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1)
    assert again.metrics["features_reused_from_disk"] == 23


def test_augmented_views_train_the_head_on_cached_features_one_view_per_epoch(tiny_dataset, models_dir):
    run = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=3, augmented_views=2,
                 augmentation=augment.preset("strong"), early_stopping_patience=0)
    assert run.state == "done", run.status
    assert run.metrics["feature_cache"] is True and len(run.history) == 3


def test_view_batches_switch_view_every_epoch_and_cover_every_photo():
    import numpy as np

    from catdog.data.views import ViewBatches

    views = np.stack([np.zeros((5, 2)), np.ones((5, 2))])
    batches = ViewBatches(views, np.arange(5), batch_size=2, seed=0)
    first = np.concatenate([batches[i][0] for i in range(len(batches))])
    assert len(batches) == 3 and first.shape == (5, 2) and (first == 0).all()
    assert sorted(np.concatenate([batches[i][1] for i in range(len(batches))])) == [0, 1, 2, 3, 4]
    batches.on_epoch_end()
    assert (np.concatenate([batches[i][0] for i in range(len(batches))]) == 1).all()


@pytest.mark.parametrize("settings, route, fine_tune", [
    (dict(), "cached", False),
    (dict(fine_tune_epochs=2), "cached", True),
    (dict(augmentation=augment.preset("light")), "streaming", False),
    (dict(augmentation=augment.preset("light"), augmented_views=3), "views", False),
    (dict(backbone="simple_cnn", fine_tune_epochs=2), "scratch", False),  # nothing pretrained to fine-tune
    (dict(strategy="multiworker"), "multiworker", False),
])
def test_the_plan_names_the_route_each_kind_of_run_takes(settings, route, fine_tune):
    from catdog.training.plan import plan_training

    plan = plan_training(TrainConfig(data_dir="d", **settings))
    assert (plan.route.value, plan.fine_tune) == (route, fine_tune)
    assert plan.features_cached == (route in ("cached", "views"))
    assert plan.describe().startswith(route)


def test_the_run_records_the_route_it_took(tiny_dataset, models_dir):
    run = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1, augmented_views=2,
                 augmentation=augment.preset("light"))
    assert run.metrics["route"] == "views"
    assert "views:" in (run.path / "train.log").read_text()  # the run's own log says what it did


def test_a_split_batch_makes_the_same_update_as_the_whole_batch(monkeypatch):
    """A shared server passes a big batch in parts (bounded memory); the update must not change."""
    import keras

    from catdog.data import pipeline
    from catdog.training.train import _compile

    photos, labels = np.random.default_rng(0).normal(size=(8, 5)).astype("float32"), np.array([0, 1] * 4)

    def weights_after_one_update(step_photos: int):
        monkeypatch.setenv("CATDOG_HOSTED", "1")
        monkeypatch.setenv("CATDOG_MAX_STEP_PHOTOS", str(step_photos))
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2, activation="softmax")])
        _compile(model, TrainConfig(), 0.1, batch_size=8)
        model.fit(photos, labels, batch_size=pipeline.step_split(8)[0], epochs=1, shuffle=False, verbose=0)
        return model.get_weights()

    whole, halves = weights_after_one_update(8), weights_after_one_update(4)
    assert pipeline.step_split(8) == (4, 2)  # the second model saw 8 photos in 2 passes of 4
    for a, b in zip(whole, halves):
        np.testing.assert_allclose(a, b, atol=1e-6)
    keras.utils.set_random_seed(1)
    moved = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2, activation="softmax")]).get_weights()
    assert not np.allclose(moved[0], whole[0])  # the update did change the weights


def test_progress_counts_the_passes_of_a_split_batch(tiny_dataset, models_dir, monkeypatch):
    """On a shared server a batch takes several passes; the page must not read 'batch 9 of 3'."""
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_STEP_PHOTOS", "2")
    seen = []
    config = TrainConfig(data_dir=str(tiny_dataset), backbone="simple_cnn", image_size=32, batch_size=4, epochs=2)
    run = jobs.run_in_foreground(config, models_dir, listener=seen.append)
    assert run.state == "done"
    fitting = [p for p in seen if p.batch is not None]
    assert fitting and all(p.batch <= p.batches == 6 for p in fitting)  # 12 photos, 2 a pass
    fractions = [p.fraction for p in fitting]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_photos_per_class_trains_on_that_many_and_validates_on_all(tiny_dataset, models_dir):
    from catdog.data import folders

    everything = folders.load_dataset(tiny_dataset)
    run = _train(tiny_dataset, models_dir, backbone="mobilenet_v1_025", epochs=1, photos_per_class=2)
    assert run.state == "done", run.status
    assert run.metrics["train_images"] == 4 < len(everything.train.paths)
    assert run.metrics["validation_images"] == len(everything.validation.paths)


def test_a_job_past_the_servers_time_ends_done_with_its_best_weights_and_says_so(tiny_dataset, models_dir,
                                                                               monkeypatch):
    """One student's 40-minute job held the only trainer while the class waited."""
    from catdog import jobs

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_JOB_MINUTES", "0.0001")  # past after the first epoch
    config = TrainConfig(data_dir=str(tiny_dataset), backbone="simple_cnn", image_size=32, batch_size=4, epochs=5,
                         fine_tune_epochs=0, early_stopping_patience=3)
    run = jobs.run_in_foreground(config, models_dir)
    assert run.state == "done" and run.has_model
    assert run.metrics["epochs_run"] == 1 and run.metrics["cut_short_minutes"] == 0.0001
