"""The layout holds: layers import only downward, only the views and the state module use Streamlit,
and no module grows past 300 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.paths import PACKAGE

ROOT = PACKAGE.parent
# Lowest first; a module may import its own layer and the ones before it, never one after it.
LAYERS = (
    ("dashboard.paths", "dashboard.i18n", "dashboard.safe_text", "dashboard.palette", "dashboard.auth"),
    ("dashboard.room",),  # the room's address and QR code (reads the palette)
    ("dashboard.media",),  # uploaded photos made safe to keep (reads the catalogue); the store will keep them
    ("dashboard.data",),
    ("dashboard.filtering",),
    ("dashboard.summary", "dashboard.map"),
    ("dashboard.pack", "dashboard.intake"),
    ("dashboard.address",),
    ("dashboard.cli", "dashboard.state", "dashboard.__main__"),
    ("dashboard.views",),
    ("dashboard.app",),
)
STREAMLIT_ALLOWED = ("dashboard.app", "dashboard.state", "dashboard.views")
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _layer(module: str) -> int:
    for number, names in enumerate(LAYERS):
        if any(module == name or module.startswith(f"{name}.") for name in names):
            return number
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _imports(path: Path) -> set[str]:
    """Every dashboard module `path` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("dashboard")}


def _resolved(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("module", sorted(_modules()))
def test_a_module_imports_only_its_layer_and_those_below(module):
    modules = _modules()
    upward = sorted(
        found
        for name in _imports(modules[module])
        if (found := _resolved(name, modules)) and found != "dashboard" and _layer(found) > _layer(module)
    )
    assert upward == [], f"{module} imports a layer above its own"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_grows_past_300_lines(module):
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


def test_only_the_views_and_the_state_module_use_streamlit():
    plain = [
        m for m in _modules() if m != "dashboard" and not m.startswith(STREAMLIT_ALLOWED) and m != "dashboard.__main__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {plain!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'streamlit' not in sys.modules, name\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_tests_mirror_the_packages():
    packages = {m.split(".")[1] for m in _modules() if m.count(".") == 1 and (PACKAGE / m.split(".")[1]).is_dir()}
    folders = {p.name for p in (ROOT / "tests").iterdir() if (p / "__init__.py").exists()}
    assert folders and folders <= packages, sorted(folders - packages)
