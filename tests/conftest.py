"""Shared fixtures: a small demo dataset and a GeoPackage written from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.data import demo, store
from dashboard.data.dataset import Dataset


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    """80 illustrative innovations over the curated communities (seed 11)."""
    return demo.build(80, seed=11)


@pytest.fixture(scope="session")
def small_store(small_dataset, tmp_path_factory) -> Path:
    """The small dataset written as a GeoPackage; tests must not modify it."""
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    store.write(small_dataset, path)
    return path


@pytest.fixture()
def atlas(small_store, tmp_path) -> Path:
    """A private copy of the small store (80 innovations, INN-000001 … INN-000080) that a test may change."""
    import shutil

    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    return target


@pytest.fixture(scope="session")
def data() -> Dataset:
    """The six hand-made innovations whose figures the tests count by hand (tests/handmade.py)."""
    from tests.handmade import handmade_dataset

    return handmade_dataset()


@pytest.fixture(scope="session")
def index(data):
    from dashboard.filtering.index import FilterIndex

    return FilterIndex.build(data.innovations, data.communities)


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium for the browser tests (a failure, not a skip, when CI=true and it is missing)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import chromium_or_skip, launch

    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def postgis_cluster():
    """A throwaway PostgreSQL + PostGIS server (a failure, not a skip, when CI=true and it is missing)."""
    from tests.postgis import Cluster, binaries_or_skip

    cluster = Cluster(binaries_or_skip())
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def postgis_url(postgis_cluster) -> str:
    """The address of a fresh database with PostGIS enabled, for this test alone."""
    return postgis_cluster.database()
