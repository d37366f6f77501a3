"""An empty atlas greets its users, and imported boundaries colour the map at the level they choose, in Chromium."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import demo, store
from dashboard.data.boundaries.levels import with_boundaries
from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.i18n import t
from dashboard.map.shapes import outside_boundaries
from tests.browser import ARTIFACTS, MAP_FRAME, Watch, running_servers, watched_page

pytestmark = pytest.mark.browser


def _boundaries(data: Dataset) -> gpd.GeoDataFrame:
    """A polygon around the communities of each region, and of every other province: some records fall outside."""
    parts = []
    for level, column in (("region", "region"), ("province", "province")):
        groups = sorted(data.communities.groupby(data.communities[column].astype(str)), key=lambda g: g[0])
        if level == "province":
            groups = groups[::2]
        for code, group in groups:
            shape = shapely.convex_hull(shapely.MultiPoint(list(group.geometry))).buffer(0.05)
            parts.append(
                {"boundary_id": f"{level}-{code}", "level": level, "code": code, "name": code, "geometry": shape}
            )
    return gpd.GeoDataFrame(parts, geometry="geometry", crs=CRS)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own")
    empty = folder / "mi-atlas.gpkg"
    assert CliRunner().invoke(main, ["init", "--out", str(empty), "--partners"]).exit_code == 0
    data = demo.build(60, seed=11)
    levels = folder / "limites.gpkg"
    store.write(with_boundaries(data, _boundaries(data)), levels)
    return empty, levels


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")


def test_an_empty_atlas_opens_on_its_welcome_page(chromium, stores, tmp_path_factory):
    watch = Watch()
    for server in running_servers(stores[0], tmp_path_factory.mktemp("log") / "streamlit.log"):
        context, page = watched_page(chromium, watch)
        page.goto(server.url)
        heading = page.wait_for_selector("[data-testid=stAppViewContainer] h1")
        _settle(page)
        assert heading.inner_text() == t("welcome.heading")
        body = page.inner_text("[data-testid=stMain]")
        assert body.index("Importe primero las comunidades") < body.index("Luego importe las innovaciones")
        assert "Datos de demostración" not in body
        page.screenshot(path=ARTIFACTS / "bienvenida-atlas-vacio.png", full_page=True)
        context.close()
    assert watch.outside == [] and watch.dialogs == []


@pytest.mark.parametrize("level", ["region", "province"])
def test_the_choropleth_colours_by_the_chosen_level_and_counts_what_lies_outside(
    chromium, stores, level, tmp_path_factory
):
    from dashboard.filtering.filters import Filters
    from dashboard.filtering.index import FilterIndex
    from dashboard.filtering.selection import Selection

    data = store.load(stores[1])
    selection = Selection.of(data, FilterIndex.build(data.innovations, data.communities), Filters())
    outside = outside_boundaries(selection, level)
    watch = Watch()
    for server in running_servers(stores[1], tmp_path_factory.mktemp("log") / "streamlit.log"):
        context, page = watched_page(chromium, watch)
        page.goto(f"{server.url}/?capas=choropleth&nivel={level}")
        page.wait_for_selector("[data-testid=stAppViewContainer] h1")
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".leaflet-container").wait_for()
        _settle(page)
        page.get_by_text(t("boundaries_check.outside", "es", count=outside)).wait_for()
        page.screenshot(path=ARTIFACTS / f"coropletica-{level}.png", full_page=True)
        expected = int((data.boundaries["level"].astype(str) == level).sum())
        shaded = frame.locator("path.leaflet-interactive")  # the outlines background is not interactive
        shaded.nth(expected - 1).wait_for()  # the shapes arrive from the app after the counts
        assert shaded.count() == expected
        context.close()
    assert watch.outside == [] and watch.dialogs == []
