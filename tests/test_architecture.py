"""The house keeps its shape: no import circles, one reader of the environment, run states as an
enum, and `pip install .` ships every subpackage."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from catdog.run_state import State
from helpers import ROOT

CORE = ROOT / "catdog"


def _module_name(path: Path, base: Path = ROOT) -> str:
    parts = path.relative_to(base).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in CORE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The catdog modules `path` imports, at the top or inside a function (a package's own
    `__init__` is not counted when a module of it is named: `from catdog.data import images`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module:
            named = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
            found |= named or ({node.module} & modules.keys())
    return found - {_module_name(path)}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), plus modules importing themselves."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                circles.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return circles


def test_the_core_has_no_import_circles_even_through_imports_inside_functions():
    modules = _modules()
    graph = {name: _imports(path, modules) for name, path in modules.items()}
    assert _circles(graph) == []
    # The arrows a newcomer follows: 163 after the move, 218 with #26's hardening and the turns jobs
    # take (turns, streaming, context, estimate). A budget, to be spent knowingly.
    assert sum(map(len, graph.values())) < 230


STAGES = ("data", "network", "training", "use", "inside", "classroom")  # in the order they may import
WAYS_IN = ("catdog.cli", "catdog.jobs", "catdog.privacy", "catdog.__main__")
UPWARD_ALLOWED = {("catdog.config", "catdog.data.augment"), ("catdog.config", "catdog.network.backbones")}


def _stage(module: str) -> int:
    """0 for the base, 1.. for the stages in order, last for the ways in."""
    part = module.split(".")[1] if module.count(".") >= 2 else ""
    return STAGES.index(part) + 1 if part in STAGES else len(STAGES) + 1 if module in WAYS_IN else 0


def test_a_stage_imports_only_the_base_and_the_stages_before_it():
    modules = _modules()
    upward = {(name, imported) for name, path in modules.items() for imported in _imports(path, modules)
              if _stage(imported) > _stage(name)}
    assert upward == UPWARD_ALLOWED


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _environment_reads(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv", "unsetenv"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for alias in node.names if alias.name in ("environ", "getenv", "putenv")]
    return lines


def test_only_settings_reads_or_sets_the_environment():
    readers = {str(path.relative_to(ROOT)): _environment_reads(path) for path in CORE.rglob("*.py")}
    assert {name: lines for name, lines in readers.items() if lines} == {
        "catdog/settings.py": readers["catdog/settings.py"]}
    assert readers["catdog/settings.py"]  # the check does see a reader


def _state_literals(path: Path) -> list[tuple[int, str]]:
    """String constants equal to a run state, except catalogue entries ({"en": ..., "pt": ...})."""
    tree = ast.parse(path.read_text())
    catalogue_values = {id(value) for node in ast.walk(tree) if isinstance(node, ast.Dict)
                        for key, value in zip(node.keys, node.values)
                        if isinstance(key, ast.Constant) and key.value in ("en", "pt")}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in State._value2member_map_
            and id(node) not in catalogue_values]


def test_pages_and_web_helpers_name_run_states_by_the_enum():
    web = [*ROOT.glob("pages/*.py"), *ROOT.glob("webui/*.py"), ROOT / "streamlit_app.py"]
    found = {str(path.relative_to(ROOT)): _state_literals(path) for path in web}
    assert {name: lines for name, lines in found.items() if lines} == {}
    example = ROOT / "tests" / "test_architecture.py"
    assert _state_literals(example)  # the check does see a literal (State's own tests below use them)


def test_states_read_from_disk_are_the_enum_and_say_whether_they_wait():
    assert State("running") is State.RUNNING and State.RUNNING == "running"
    assert [state.value for state in State if state.waiting] == ["queued", "running"]
    assert [state.value for state in State if state.finished] == ["done", "failed", "cancelled"]


def test_pip_install_ships_every_subpackage_and_the_catdog_command_lists_runs(tmp_path):
    """`packages = ["catdog"]` alone would have left catdog.data, catdog.training... out."""
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ beside the sources
    shutil.copytree(CORE, source / "catdog", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-cache-dir", "--target", str(target), str(source)], check=True, capture_output=True)
    installed = {_module_name(path, target) for path in (target / "catdog").rglob("*.py")}
    assert installed == set(_modules())
    environment = {**os.environ, "PYTHONPATH": str(target), "CATDOG_MODELS_DIR": str(tmp_path / "models")}
    listed = subprocess.run([sys.executable, str(target / "bin" / "catdog"), "runs"], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "no runs yet"
