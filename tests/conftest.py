"""Shared fixtures: tiny generated datasets, a temp KERAS_HOME, one small trained run."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_PHOTOS = SHARED / "data" / "catsdogs"
SHARED_WEIGHTS = SHARED / "keras_home" / "models"

# Keras reads KERAS_HOME once, when it is imported: point it, before any test imports
# Keras, at a temp copy of the shared weights (tests never write into ../shared).
KERAS_HOME = Path(tempfile.mkdtemp(prefix="catdog-keras-home-"))
if SHARED_WEIGHTS.is_dir():
    shutil.copytree(SHARED_WEIGHTS, KERAS_HOME / "models")
os.environ["KERAS_HOME"] = str(KERAS_HOME)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

def free_ports(count: int = 1) -> list[int]:
    """`count` distinct free loopback ports (all held open while choosing, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    for held in sockets:
        held.bind(("127.0.0.1", 0))
    ports = [held.getsockname()[1] for held in sockets]
    for held in sockets:
        held.close()
    return ports


needs_shared = pytest.mark.skipif(not SHARED_PHOTOS.is_dir(), reason="../shared photos not present")


def make_image(path: Path, kind: int, size=(48, 40), seed: int = 0) -> Path:
    """A photo-like noisy image whose class is visible: kind 0 is reddish, kind 1 bluish."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 90, (size[1], size[0], 3), dtype=np.uint8)
    pixels[..., 0 if kind == 0 else 2] += 150
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def make_dataset(root: Path, per_class: int = 6, classes=("cats", "dogs"), splits=("train", "validation")) -> Path:
    for s, split in enumerate(splits):
        for kind, name in enumerate(classes):
            for i in range(per_class):
                make_image(root / split / name / f"{name}.{i}.jpg", kind % 2, seed=1000 * s + 100 * kind + i)
    return root


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    return make_dataset(tmp_path / "tiny")


@pytest.fixture(scope="session")
def session_dataset(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("data") / "tiny", per_class=8)


@pytest.fixture
def models_dir(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "models"
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def keras_home() -> Path:
    """The temp KERAS_HOME holding the shared MobileNet 0.25 weights."""
    if not SHARED_WEIGHTS.is_dir():
        pytest.skip("../shared/keras_home not present")
    return KERAS_HOME


@pytest.fixture(scope="session")
def trained_run(session_dataset, tmp_path_factory):
    """A finished run of the tiny backbone (random weights) on the tiny dataset, trained once."""
    from catdog import jobs
    from catdog.config import TrainConfig

    models = tmp_path_factory.mktemp("models")
    config = TrainConfig(data_dir=str(session_dataset), backbone="mobilenet_v1_025", weights="none",
                         image_size=32, epochs=2, batch_size=8, learning_rate=1e-2)
    run = jobs.run_in_foreground(config, models)
    assert run.state == "done", run.status
    return run


@pytest.fixture
def empty_roots(tmp_path, monkeypatch):
    monkeypatch.setenv("CATDOG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path


@pytest.fixture
def full_roots(tmp_path, monkeypatch, trained_run):
    data = tmp_path / "data"
    make_dataset(data / "pets", per_class=5)
    models = tmp_path / "models"
    shutil.copytree(trained_run.path, models / trained_run.id)
    monkeypatch.setenv("CATDOG_DATA_DIR", str(data))
    monkeypatch.setenv("CATDOG_MODELS_DIR", str(models))
    return tmp_path


