"""Shared fixtures: a small demo dataset and a GeoPackage written from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import demo, store


@pytest.fixture(scope="session")
def small_dataset() -> store.Dataset:
    """80 illustrative innovations over the curated communities (seed 11)."""
    return demo.build(80, seed=11)


@pytest.fixture(scope="session")
def small_store(small_dataset, tmp_path_factory) -> Path:
    """The small dataset written as a GeoPackage; tests must not modify it."""
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    store.write(small_dataset, path)
    return path
