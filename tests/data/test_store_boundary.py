"""Outside `dashboard/data/`, the store is reached only through `AtlasStore`: the sources are read to check it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.paths import ROOT

# the GeoPackage backend and the parts every backend writes with: only `dashboard/data/` uses them
IMPLEMENTATION = {
    "dashboard.data.geopackage",
    "dashboard.data.backup_files",
    "dashboard.data.commits",
    "dashboard.data.drafts",
    *(f"dashboard.data.postgis{m}" for m in ("", ".store", ".tables", ".backups", ".migrations", ".connection")),
}
# libraries that open a store's file or database, or lock it
STORAGE_LIBRARIES = {"pyogrio", "fiona", "sqlite3", "fcntl", "psycopg", "psycopg2", "sqlalchemy"}
# the GeoPackage file's own reader and writer in `dashboard.data.store`
FILE_FUNCTIONS = {"load", "write", "read_metadata", "temporaries"}
# where a storage library reads or writes files that are not the store
OTHER_FILES = {"dashboard/intake/readers": "the readers open the files people upload, never the store"}
# where the GeoPackage writer writes a file that is not the store
NOT_THE_STORE = {"dashboard/pack/exports.py": "writes a GeoPackage download, a file people take away"}
# modules that still read the store file themselves; each entry goes once it loads through `open_store`


def _sources() -> list[Path]:
    files = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    return sorted(f for f in files if (ROOT / "dashboard" / "data") not in f.parents)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(tree: ast.AST) -> list[str]:
    """Every module a source imports, and every `module.name` it imports from one."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return found


def _file_calls(tree: ast.AST) -> list[str]:
    """Uses of the GeoPackage file's reader and writer: `store.load(...)` and the like, or importing them."""
    modules = {
        alias.asname or "store"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "dashboard.data"
        for alias in node.names
        if alias.name == "store"
    }
    found = [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr in FILE_FUNCTIONS
    ]
    found += [
        f"dashboard.data.store.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "dashboard.data.store"
        for alias in node.names
        if alias.name in FILE_FUNCTIONS
    ]
    return found


def _problems(path: Path) -> list[str]:
    tree, name = ast.parse(path.read_text(encoding="utf-8")), _name(path)
    found = [f"imports {m}" for m in _imports(tree) if m in IMPLEMENTATION]
    if not any(name.startswith(folder) for folder in OTHER_FILES):
        found += [f"imports {m}" for m in _imports(tree) if m.split(".")[0] in STORAGE_LIBRARIES]
    if name not in NOT_THE_STORE:
        found += [f"uses {call}" for call in _file_calls(tree)]
    return sorted(set(found))


@pytest.mark.parametrize("path", _sources(), ids=_name)
def test_only_the_data_package_opens_the_store_itself(path):
    problems = _problems(path)
    assert problems == [], f"{_name(path)} reaches the store without `open_store`: {problems}"


def test_the_scan_finds_what_it_looks_for(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import sqlite3\nfrom dashboard.data import store as s\n"
        "from dashboard.data.geopackage import GeoPackageStore\nfrom dashboard.data.store import write\n"
        "s.load(path)\ns.Dataset\n",
        encoding="utf-8",
    )
    tree = ast.parse(source.read_text(encoding="utf-8"))
    assert sorted(_file_calls(tree)) == ["dashboard.data.store.write", "s.load"]
    assert {"sqlite3", "dashboard.data.geopackage"} <= set(_imports(tree))
