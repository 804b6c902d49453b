"""Importing the core stays light: never streamlit, and no TensorFlow for file-only modules."""

import subprocess
import sys

from helpers import ROOT


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}; import sys; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_catdog_does_not_import_streamlit():
    loaded = _modules_after("import catdog, catdog.cli, catdog.train, catdog.predict, catdog.evaluate, catdog.jobs")
    assert "catdog.train" in loaded
    assert not any(name == "streamlit" or name.startswith("streamlit.") for name in loaded)


def test_file_only_modules_do_not_import_tensorflow():
    loaded = _modules_after("import catdog.runs, catdog.data, catdog.config, catdog.backbones, catdog.jobs, "
                            "catdog.plan, catdog.progress, catdog.predict, catdog.evaluate")
    assert "catdog.runs" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_the_web_pages_helpers_do_not_import_tensorflow():
    """The server loads TensorFlow only when a page asks for a model, not to show a job's plan."""
    loaded = _modules_after("import webui.feedback, webui.sidebar, webui.navigation, webui.loaders, webui.charts")
    assert "webui.feedback" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded
