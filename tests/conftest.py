"""Shared fixtures: tiny generated datasets, a temp KERAS_HOME, one small trained run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import KERAS_HOME, SHARED_WEIGHTS, make_dataset

# The tests never reach the internet, even where it is there: a backbone's weights are "ready"
# (the shared MobileNet 0.25 in the temp KERAS_HOME) or "offline", never "download". Servers the
# browser tests start inherit it.
os.environ["CATDOG_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _forget_form_choices():
    """The Train form's remembered choices live in the server's memory: one test's must not
    become the next one's defaults (AppTest runs every page in this process)."""
    from webui import form_memory

    form_memory._choices.clear()


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


@pytest.fixture
def root(empty_roots) -> Path:
    """The empty data root itself."""
    return empty_roots / "data"


@pytest.fixture
def launched(monkeypatch) -> list:
    """The configs a page launches: each is queued as a run folder, and nothing trains."""
    from catdog import jobs, runs

    configs = []

    def start(config, models_dir=None, owner=None):
        configs.append(config)
        return runs.load_run(runs.create_run(config, models_dir, owner))

    monkeypatch.setattr(jobs, "start", start)
    monkeypatch.setattr(jobs, "kick", lambda *args, **kwargs: None)  # the sidebar would start a worker
    return configs
