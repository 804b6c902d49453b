"""Distributed training on a CPU: MirroredStrategy over two logical CPU devices trains a model
that predicts like a single-device run; two workers on loopback train one model together."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import ROOT, free_ports

SETTINGS = ["--backbone", "mobilenet_v1_025", "--weights", "none", "--image-size", "32", "--epochs", "3",
            "--batch-size", "8", "--dropout", "0", "--patience", "0", "--quiet", "--json"]


def _probabilities(run_dir, photos) -> np.ndarray:
    from catdog import runs
    from catdog.use.predict import Predictor

    return np.array([list(r.probabilities.values()) for r in Predictor(runs.load_run(run_dir)).predict(photos)])


@pytest.mark.slow
def test_mirrored_over_two_logical_cpus_predicts_like_a_single_device(tiny_dataset, tmp_path):
    script = textwrap.dedent(f"""
        import sys, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        assert len(tf.config.list_logical_devices("CPU")) == 2
        from catdog.cli import main
        sys.exit(main(["train", "--data", "{tiny_dataset}", "--strategy", sys.argv[1], "--models-dir", sys.argv[2],
                       *{SETTINGS!r}]))
    """)
    results = {}
    for strategy in ("mirrored", "single"):
        out = subprocess.run([sys.executable, "-c", script, strategy, str(tmp_path / strategy)], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        results[strategy] = json.loads(out.stdout)["run_dir"]
    photos = sorted((tiny_dataset / "validation").rglob("*.jpg"))
    mirrored, single = (_probabilities(results[s], photos) for s in ("mirrored", "single"))
    assert np.allclose(mirrored, single, atol=1e-3), np.abs(mirrored - single).max()


@pytest.mark.slow
def test_two_workers_on_loopback_train_one_model_in_step(tiny_dataset, tmp_path):
    """Two processes, as two machines would be: worker 0 keeps the run, both end with the same weights."""
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    settings = [*SETTINGS, "--fine-tune-epochs", "1"]
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "catdog", "train", "--data", str(tiny_dataset), "--strategy", "multiworker",
             "--models-dir", str(tmp_path / f"models{index}"), *settings],
            cwd=ROOT, env={**os.environ, "TF_CONFIG": json.dumps(config)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
    outputs = [process.communicate(timeout=600) for process in processes]
    for process, (_out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-3000:]
    chief, worker = (json.loads(out) for out, _ in outputs)
    assert chief["state"] == worker["state"] == "done" and worker["run_dir"] is None
    assert chief["epochs_run"] == 4 and chief["val_loss"] == pytest.approx(worker["val_loss"], abs=1e-6)
    run = Path(chief["run_dir"])
    assert {"config.json", "history.csv", "metrics.json", "model.keras"} <= {p.name for p in run.iterdir()}
    assert not (tmp_path / "models1").exists()  # the other worker kept nothing
    probabilities = _probabilities(run, sorted((tiny_dataset / "validation").rglob("*.jpg")))
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_multiworker_without_tf_config_says_how_to_set_it(tiny_dataset, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    out = subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(tiny_dataset), "--strategy",
                          "multiworker", "--models-dir", str(tmp_path / "models"), *SETTINGS], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "set e.g. TF_CONFIG=" in out.stdout + out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "models").exists()  # refused before any run folder was made


@pytest.mark.slow
def test_cancelling_worker_0_stops_every_worker(tiny_dataset, tmp_path):
    """A cancel reaches worker 0 only; the others must stop at the same step, not wait forever."""
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    settings = [arg if arg != "3" else "200" for arg in SETTINGS]  # --epochs 200: runs until cancelled
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "catdog", "train", "--data", str(tiny_dataset), "--strategy", "multiworker",
             "--models-dir", str(tmp_path / "models"), *settings],
            cwd=ROOT, env={**os.environ, "TF_CONFIG": json.dumps(config)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
    deadline = time.time() + 300
    while time.time() < deadline and not list((tmp_path / "models").glob("*/history.csv")):
        time.sleep(0.5)  # wait until an epoch is done
    (run,) = [path.parent for path in (tmp_path / "models").glob("*/history.csv")]
    (run / "cancel").touch()
    outputs = [process.communicate(timeout=120) for process in processes]
    chief, worker = (json.loads(out) for out, _ in outputs)
    assert chief["state"] == worker["state"] == "cancelled", [err[-2000:] for _, err in outputs]
    assert 1 <= len((run / "history.csv").read_text().splitlines()) - 1 < 200
