"""Importing the core stays light: never streamlit, and no TensorFlow for file-only modules."""

import subprocess
import sys

from helpers import ROOT


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}; import sys; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_catdog_does_not_import_streamlit():
    loaded = _modules_after("import catdog, catdog.cli, catdog.training.train, catdog.use.predict, "
                            "catdog.use.evaluate, catdog.jobs")
    assert "catdog.training.train" in loaded
    assert not any(name == "streamlit" or name.startswith("streamlit.") for name in loaded)


def test_file_only_modules_do_not_import_tensorflow():
    loaded = _modules_after("import catdog.runs, catdog.settings, catdog.storage, catdog.data.folders, catdog.config, "
                            "catdog.network.backbones, catdog.network.weights, catdog.jobs, catdog.training.plan, "
                            "catdog.training.reporter, catdog.use.predict, catdog.use.evaluate, "
                            "catdog.classroom.leaderboard, catdog.classroom.datasets")
    assert "catdog.runs" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_the_web_pages_helpers_do_not_import_tensorflow():
    """The server loads TensorFlow only when a page asks for a model, not to show a job's plan."""
    loaded = _modules_after("import webui.feedback, webui.sidebar, webui.navigation, webui.loaders, webui.charts")
    assert "webui.feedback" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_keras_imported_after_catdog_leaves_scikit_learn_and_pandas_alone_and_they_still_import():
    """Keras imports both when installed (0.8-1.2 s of its import); catdog uses neither through it."""
    loaded = _modules_after("import catdog, keras; keras.layers.Dense(2)")
    assert "keras" in loaded
    assert "sklearn" not in loaded and "pandas" not in loaded
    loaded = _modules_after("import catdog, keras, sklearn.decomposition, pandas; "
                            "sklearn.decomposition.PCA(2).fit_transform(pandas.DataFrame([[1, 2], [3, 5], [4, 4]]))")
    assert {"sklearn.decomposition", "pandas"} <= loaded


def test_keras_finds_scikit_learn_when_catdog_is_not_imported():
    """The guard is catdog's own, not a change to the environment."""
    assert "sklearn" in _modules_after("import keras")


def test_tensorflows_import_runs_without_the_collector_and_leaves_its_objects_frozen():
    """catdog.import_tensorflow (the server's and the trainer's): no collection during the import
    (0.35 s of it), none of its objects scanned by later full collections, the collector on again."""
    code = ("import gc, catdog; runs = []; "
            "gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == 'start' else None); "
            "catdog.import_tensorflow(); import sys; "
            "print(len(runs), gc.get_freeze_count() > 100000, gc.isenabled(), 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True", "True", "True"]
