"""Distributed training on a CPU: MirroredStrategy over two logical CPU devices trains a model
that predicts like a single-device run."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT

SETTINGS = ["--backbone", "mobilenet_v1_025", "--weights", "none", "--image-size", "32", "--epochs", "3",
            "--batch-size", "8", "--dropout", "0", "--patience", "0", "--quiet", "--json"]


def _probabilities(run_dir, photos) -> np.ndarray:
    from catdog import runs
    from catdog.predict import Predictor

    return np.array([list(r["probabilities"].values()) for r in Predictor(runs.load_run(run_dir)).predict(photos)])


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


def test_multiworker_is_refused_with_the_upstream_reason(tiny_dataset, tmp_path):
    """Two workers on loopback crash inside Keras 3's fit (keras-team/keras#20585): say so up front."""
    out = subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(tiny_dataset), "--strategy",
                          "multiworker", "--models-dir", str(tmp_path), *SETTINGS], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "keras-team/keras#20585" in out.stdout and "Traceback" not in out.stderr
