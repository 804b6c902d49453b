"""`python -m catdog`: the whole job from a terminal, and bad input without tracebacks."""

import json
import os
import subprocess
import sys

import pytest

from helpers import ROOT, SHARED_PHOTOS, needs_shared


def cli(*args, cwd=ROOT, env=None):
    # A trainer started by `train` waits for the next command; in tests, not for long.
    environment = {**os.environ, "CATDOG_TRAINER_IDLE_SECONDS": "3", **(env or {})}
    return subprocess.run([sys.executable, "-m", "catdog", *map(str, args)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_train_predict_evaluate_runs_from_the_command_line(tiny_dataset, tmp_path):
    models = tmp_path / "models"
    trained = cli("train", "--data", tiny_dataset, "--backbone", "simple_cnn", "--epochs", "2",
                  "--batch-size", "4", "--image-size", "32", "--models-dir", models, "--json")
    assert trained.returncode == 0, trained.stderr
    summary = json.loads(trained.stdout)
    assert summary["state"] == "done" and 0 <= summary["val_accuracy"] <= 1
    photo = next((tiny_dataset / "validation" / "cats").iterdir())
    predicted = cli("predict", "latest", photo, "--models-dir", models, "--json")
    [result] = json.loads(predicted.stdout)
    assert sum(result["probabilities"].values()) == pytest.approx(1, abs=1e-5)
    evaluated = cli("evaluate", summary["run_id"], "--data", tiny_dataset / "validation",
                    "--models-dir", models, "--json")
    assert len(json.loads(evaluated.stdout)["photos"]) == 12
    listed = json.loads(cli("runs", "--models-dir", models, "--json").stdout)
    assert [r["id"] for r in listed] == [summary["run_id"]]
    text = cli("runs", "--models-dir", models)
    assert summary["run_id"] in text.stdout and "done" in text.stdout


def test_predict_reports_the_bad_file_answers_the_rest_and_exits_non_zero(trained_run, session_dataset, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    photo = next((session_dataset / "validation" / "dogs").iterdir())
    out = cli("predict", trained_run.path, photo, bad, "--json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    good, broken = json.loads(out.stdout)
    assert good["error"] is None and "not a readable image" in broken["error"]


@pytest.mark.parametrize("args, message", [
    (["train", "--data", "/no/such/folder"], "does not exist"),
    (["train", "--data", "{one_class}"], "at least two class folders"),
    (["train", "--data", "{data}", "--backbone", "alexnet"], "Unknown backbone"),
    (["train", "--data", "{data}", "--epochs", "0"], "epochs = 0 is out of range"),
    (["train", "--data", "{data}", "--batch-size", "99999"], "batch_size = 99999 is out of range"),
    (["train", "--data", "{data}", "--augment", "wild"], "Unknown augmentation preset"),
    (["predict", "nope", "x.jpg"], "No run called"),
    (["evaluate", "latest", "--data", "{data}"], "no finished run"),
    (["data", "inspect", "/no/such/folder"], "does not exist"),
    (["train", "--data", "{data}", "--augment", "light,rotation=-99999"], "rotation cannot be -99999"),
    (["export", "latest", "--format", "card", "--out", "/missing/dir/card.md"], "does not exist"),
    (["export", "latest", "--format", "card", "--out", "{data}"], "is a folder"),
    (["explain", "latest", "x.jpg", "--out", "/missing/x.png"], "does not exist"),
])
def test_bad_input_gets_a_message_and_exit_code_not_a_traceback(tiny_dataset, tmp_path, args, message):
    from helpers import make_image

    make_image(tmp_path / "one" / "cats" / "1.jpg", 0)
    filled = [a.format(data=tiny_dataset, one_class=tmp_path / "one") for a in args]
    out = cli(*filled, "--models-dir", tmp_path / "m") if args[0] != "data" else cli(*filled)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr


def test_a_models_folder_that_cannot_be_made_is_an_error_not_a_traceback(tiny_dataset, tmp_path):
    (tmp_path / "file").write_text("x")
    for models in (tmp_path / "file", "/proc/x"):
        out = cli("train", "--data", tiny_dataset, "--foreground", "--models-dir", models)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr


def test_train_without_weights_offline_explains_where_to_put_them(tiny_dataset, tmp_path):
    out = cli("train", "--data", tiny_dataset, "--backbone", "resnet50", "--epochs", "1",
              "--models-dir", tmp_path / "m", env={"KERAS_HOME": str(tmp_path / "empty_home"),
                                                  "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"})
    assert out.returncode == 2 and "Traceback" not in out.stderr + out.stdout  # refused before a run exists
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in out.stderr
    assert not list((tmp_path / "m").glob("2*"))


def test_data_inspect_counts_the_classes(tiny_dataset):
    out = cli("data", "inspect", tiny_dataset, "--json")
    assert json.loads(out.stdout)["counts"]["validation"] == {"cats": 6, "dogs": 6}


@pytest.mark.slow
@needs_shared
def test_tiny_backbone_on_the_shared_photos_reaches_95_percent(tmp_path):
    """The acceptance run of the core issue: real photos, real ImageNet weights, 10 epochs."""
    out = cli("train", "--data", SHARED_PHOTOS, "--backbone", "mobilenet_v1_025", "--epochs", "10",
              "--batch-size", "32", "--models-dir", tmp_path / "m", "--json", "--quiet")
    assert out.returncode == 0, out.stderr[-3000:]
    run_id = json.loads(out.stdout)["run_id"]
    evaluated = cli("evaluate", run_id, "--data", SHARED_PHOTOS / "validation", "--models-dir", tmp_path / "m",
                    "--json")
    assert json.loads(evaluated.stdout)["accuracy"] >= 0.95


def test_train_help_lists_every_train_config_field():
    import dataclasses

    from catdog.config import TrainConfig

    out = cli("train", "--help")
    assert out.returncode == 0
    for field in dataclasses.fields(TrainConfig):
        assert f"--{field.name.replace('_', '-')}" in out.stdout, field.name


def test_every_flag_reaches_the_config_with_the_config_defaults_elsewhere():
    from catdog import cli as catdog_cli
    from catdog.config import TrainConfig
    from catdog.data import augment

    args = catdog_cli.parser().parse_args(
        ["train", "--data", "d", "--pooling", "flatten", "--dense-units", "64", "--fine-tune-at", "7",
         "--fine-tune-learning-rate", "3e-5", "--validation-fraction", "0.3", "--augmentation", "light,rotation=15",
         "--mixed-precision"])
    config = catdog_cli.config_from_args(args)
    expected = TrainConfig(data_dir="d", pooling="flatten", dense_units=64, fine_tune_at=7,
                           fine_tune_learning_rate=3e-5, validation_fraction=0.3, mixed_precision=True,
                           augmentation=augment.AugmentConfig(rotation=15, zoom=0.1, horizontal_flip=True))
    assert config == expected


def test_progress_in_a_log_is_one_line_per_phase_not_a_bar():
    import io

    from catdog.cli import TerminalProgress
    from catdog.run_state import Phase, Progress

    log = io.StringIO()  # not a terminal
    shown = TerminalProgress(stream=log, every=3600)
    shown(Progress(Phase.EXTRACTING, 0.1, split="train", images_done=10, images_total=100))
    shown(Progress(Phase.EXTRACTING, 0.5, split="train", images_done=50, images_total=100))
    shown(Progress(Phase.TRAINING_HEAD, 0.2, total_epochs=10, epoch=2, batch=1, batches=5, loss=0.5, accuracy=0.8))
    assert log.getvalue().splitlines() == ["extracting features (train): 10%", "training head, epoch 2/10: 20%"]


def test_train_keeps_info_logs_off_the_terminal_unless_verbose(tiny_dataset, tmp_path):
    args = ("train", "--data", tiny_dataset, "--backbone", "simple_cnn", "--epochs", "1", "--batch-size", "4",
            "--image-size", "32", "--models-dir", tmp_path / "m", "--quiet")
    quiet, verbose = cli(*args), cli(*args, "--verbose")
    assert quiet.returncode == verbose.returncode == 0
    assert "INFO" not in quiet.stderr
    assert "INFO catdog.training.train" in verbose.stderr and "INFO catdog.training.reporter" in verbose.stderr

def test_the_terminal_bar_waits_for_a_phase_to_say_how_much_work_it_has(tmp_path):
    """Regression: a tqdm bar drawn before the photo count was known crashed on a terminal."""
    from catdog.cli import TerminalProgress
    from catdog.run_state import Phase, Progress

    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    terminal = Terminal()
    shown = TerminalProgress(stream=terminal)
    shown(Progress(Phase.EXTRACTING, total_epochs=10))  # as set_phase sends it, before any count
    shown(Progress(Phase.EXTRACTING, 0.5, split="train", images_done=50, images_total=100))
    shown(Progress(Phase.TRAINING_HEAD, 0.2, total_epochs=10))
    shown(Progress(Phase.TRAINING_HEAD, 0.2, total_epochs=10, epoch=2, batch=1, batches=5, loss=0.5, accuracy=0.8))
    shown.close()
    assert "extracting features (train)" in terminal.text and "50/100" in terminal.text
    assert "training head, epoch 2/10" in terminal.text


def test_leaderboard_chooses_a_test_set_scores_and_ranks_from_the_command_line(trained_run, tmp_path):
    import shutil

    from helpers import make_dataset

    models = tmp_path / "models"
    shutil.copytree(trained_run.path, models / trained_run.id)
    make_dataset(tmp_path / "data" / "exam", per_class=2, splits=("",))
    missing = cli("leaderboard", "--models-dir", models)
    assert missing.returncode == 2 and "has not chosen a test set" in missing.stderr
    ranked = cli("leaderboard", "--test-set", "exam", "--root", tmp_path / "data", "--models-dir", models, "--json")
    assert ranked.returncode == 0, ranked.stderr
    [row] = json.loads(ranked.stdout)
    assert row["run_id"] == trained_run.id and row["rank"] == 1 and 0 <= row["test_accuracy"] <= 1
    assert "test set: exam" in cli("leaderboard", "--models-dir", models).stdout  # remembered
    assert cli("leaderboard", "--test-set", "", "--models-dir", models).returncode == 0  # no leaderboard


def test_train_says_its_estimated_time_and_the_faster_flags_before_it_starts(tiny_dataset, tmp_path, capsys):
    from catdog import cli
    from catdog.config import TrainConfig
    from catdog.data import augment, folders

    config = TrainConfig(data_dir=str(tiny_dataset), augmentation=augment.preset("light"), epochs=300)
    cli._print_estimate(config, folders.load_dataset(config.data_dir), tmp_path / "models")
    said = capsys.readouterr().err
    assert "estimated time here: about" in said and "--augmented-views 5" in said
