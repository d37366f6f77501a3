"""The Mapa page's points with a keyboard and the first click on a lone cluster, in a real headless Chromium."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pytest
from playwright.sync_api import expect

from dashboard.data import demo, store
from dashboard.data.privacy import public_points
from dashboard.data.vocab import DOMAIN
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.i18n import t
from dashboard.map.view import fit
from tests.browser import MAP_FRAME, Watch, running_servers, watched_page

pytestmark = pytest.mark.browser

POINTS = "path.leaflet-interactive"  # the innovations drawn one by one (not clustered)
ZOOM = "() => Object.values(window).find(v => v instanceof L.Map).getZoom()"
TABS = 60  # more than the sidebar and the Mapa page's widgets before the map


@pytest.fixture(scope="module")
def keyboard_data(tmp_path_factory):
    """The 60-innovation demo store the other browser tests use."""
    data = demo.build(60, seed=11)
    path = tmp_path_factory.mktemp("keyboard") / "atlas.gpkg"
    store.write(data, path)
    return path, store.load(path)


@pytest.fixture(scope="module")
def server(keyboard_data, tmp_path_factory):
    yield from running_servers(keyboard_data[0], tmp_path_factory.mktemp("log") / "streamlit.log")


@pytest.fixture()
def page(chromium):
    """A page in the shared Chromium (conftest: `chromium_or_skip`, so CI fails without it), internet shut out."""
    watch = Watch()
    context, page = watched_page(chromium, watch, height=800)
    yield page
    context.close()
    assert watch.outside == [], f"requests left loopback: {watch.outside[:5]}"
    assert watch.dialogs == [] and watch.errors == [], (watch.dialogs, watch.errors)


def _open_map(page, url: str):
    """Open the Mapa page at `url`; the map's frame once its points are drawn."""
    page.goto(url)
    page.wait_for_selector("[data-testid=stAppViewContainer] h1")
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
    frame = page.wait_for_selector(MAP_FRAME).content_frame()
    frame.wait_for_selector(f".marker-cluster, {POINTS}")
    return frame


def _details_title(page) -> str:
    return page.wait_for_selector("[data-testid=stHeading] h3").inner_text()


def test_tab_reaches_a_point_and_enter_opens_its_details(page, server, keyboard_data):
    _, data = keyboard_data
    index = FilterIndex.build(data.innovations, data.communities)
    row, title = next(
        (row, title)
        for row, title in enumerate(data.innovations["title"])
        if mask(data.innovations, index, Filters(text=title)).sum() == 1
    )
    frame = _open_map(page, f"{server.url}/?{urlencode({'q': title})}")
    assert frame.locator(POINTS).count() == 1  # one innovation: a point of its own, not a cluster
    for _ in range(TABS):  # from the top of the page, as a keyboard user goes
        page.keyboard.press("Tab")
        if frame.evaluate(f"() => document.activeElement.matches('{POINTS}')"):
            break
    point = frame.locator(f"{POINTS}:focus")
    assert point.count() == 1, f"{TABS} presses of Tab never reached the point"
    domain = DOMAIN.label(str(data.innovations["domain"].iloc[row]), "es")
    expect(point).to_have_accessible_name(t("map.keyboard.point", "es", domain=domain))
    expect(point).to_have_role("button")
    page.keyboard.press("Enter")
    assert _details_title(page) == title


def _lone_cluster(data) -> tuple[str, int]:
    """The district whose innovations are most numerous among those drawn as one cluster at their fitted view."""
    points = public_points(data.innovations, data.communities)
    districts = data.innovations.groupby("district", observed=True).size().sort_values(ascending=False)
    for district, count in districts.items():
        inside = (data.innovations["district"] == district).to_numpy()
        lat, lon = points.y.to_numpy()[inside], points.x.to_numpy()[inside]
        _, zoom = fit(lat, lon)
        pixels = 256 * 2**zoom / 360 * max(np.ptp(lon), np.ptp(lat))  # the points' spread on screen, roughly
        if count > 1 and pixels < 20:  # well inside one cluster's 45-pixel radius
            return str(district), int(count)
    raise AssertionError("no district draws as a single cluster")


def test_the_lone_cluster_opens_on_the_first_click_and_its_points_can_be_clicked(page, server, keyboard_data):
    _, data = keyboard_data
    district, count = _lone_cluster(data)
    frame = _open_map(page, f"{server.url}/?{urlencode({'distrito': district})}")
    cluster = frame.locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    assert cluster.inner_text() == str(count) and frame.locator(POINTS).count() == 0
    start = frame.evaluate(ZOOM)
    box = page.locator(MAP_FRAME).bounding_box()
    assert box["y"] + box["height"] > page.viewport_size["height"]  # the map runs past the window, as on a laptop
    cluster.click()  # a real press and release of the mouse, once
    frame.wait_for_function(
        f"z => ({ZOOM})() > z || document.querySelectorAll('{POINTS}').length > 0", arg=start, timeout=15_000
    )
    frame.wait_for_selector(POINTS)
    point = frame.locator(POINTS).first
    point.click()
    titles = set(data.innovations.loc[data.innovations["district"] == district, "title"])
    assert _details_title(page) in titles
