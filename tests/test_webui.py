"""The web layer: one registry names every page, pages go through the entry point, imports stay light."""

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from helpers import ROOT
from webui.navigation import ENTRY, PAGES
from webui.text import S


def test_the_registry_names_every_page_file_once():
    assert sorted(Path(info.script).name for info in PAGES.values()) == sorted(
        path.name for path in (ROOT / "pages").glob("*.py"))


def test_a_page_run_without_the_entry_point_goes_through_it_and_back(empty_roots):
    """AppTest from the repository root starts each run in Streamlit's legacy mode of a
    `pages/` folder, where a page runs alone, as on a fresh server: the page must detour
    through the entry point and come back with the app's sidebar."""
    app = AppTest.from_file(str(ENTRY), default_timeout=60).run()
    app.switch_page(PAGES["curves"].script).run()
    assert not app.exception, [e.value for e in app.exception]
    assert [title.value for title in app.title] == [S["curves.title"]["en"]]
    assert app.selectbox(key="language").value == "en"  # drawn by the entry point
    assert "_requested_page" not in app.session_state


def test_importing_the_web_layer_changes_nothing_and_loads_no_tensorflow():
    code = ("import webui.navigation, webui.sidebar, webui.loaders, webui.charts, webui.feedback, webui.startup, sys; "
            "print(webui.startup._tuned, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
