"""Presentation mode on a projector: measured in Chromium at 1280×720 and 1920×1080 on the whole demo atlas."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image

from dashboard.data import store
from dashboard.paths import DEMO_STORE
from tests.browser import ARTIFACTS, BAR, MAP_FRAME, Watch, running_servers, watched_page

pytestmark = pytest.mark.browser

FONT_PX = 24  # the smallest text a projector shows readably
PRESENTED_BARS = 6  # the charts' bars at most, as the presentation page draws them
# What a projector must show whole: the title, the exit, the figures, the map, its legend and the charts.
SHOWN = """frame => {
    const parts = [['title', document.querySelector('h2')],
                   ['exit', document.querySelector('.block-container button')],
                   ['map', document.querySelector(frame)],
                   ...[...document.querySelectorAll('[data-testid=stMetric]')].map(m => ['figure', m]),
                   ...[...document.querySelectorAll('[data-testid=stHtml]')].filter(h => h.querySelector('span'))
                      .map(h => ['legend', h]),
                   ...[...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map(c => ['chart', c])];
    return parts.map(([name, element]) => {
        if (!element) return [name, null];
        const box = element.getBoundingClientRect();
        return [name, [box.left, box.top, box.right, box.bottom]];
    });
}"""
# Every piece of text on the page outside the map frame, the charts' SVG text included, with its size.
TEXT_SIZES = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), found = [];
    while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!node.textContent.trim() || !parent || parent.closest('style, script')) continue;
        const box = parent.getBoundingClientRect();
        if (!box.width || !box.height || getComputedStyle(parent).visibility === 'hidden') continue;
        found.push([node.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(parent).fontSize)]);
    }
    return found;
}"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The bundled demo atlas: every domain and region, the fullest legend and charts."""
    folder = tmp_path_factory.mktemp("presentation")
    shutil.copy(DEMO_STORE, folder / "atlas.gpkg")
    yield from running_servers(folder / "atlas.gpkg", folder / "streamlit.log")


def _bars(chart) -> int:
    """How many bars `chart` draws: the bands of rows holding the bar colour in its screenshot."""
    pixels = np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB")).astype(int)
    rows = np.flatnonzero((np.abs(pixels - np.array(BAR)).sum(axis=2) < 30).sum(axis=1) > 3)
    return int(len(rows) > 0) + int((np.diff(rows) > 1).sum())


@pytest.mark.parametrize("width,height,lang", [(1280, 720, "es"), (1920, 1080, "es"), (1280, 720, "en")])
def test_presentation_mode_fits_a_projector_whole(chromium, demo_server, width, height, lang):
    data = store.load(DEMO_STORE)
    watch = Watch()
    context, page = watched_page(chromium, watch, width, height)
    page.goto(f"{demo_server.url}/presentacion?idioma={lang}")
    page.wait_for_selector("[data-testid=stMetric]")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-control-zoom").wait_for()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart] svg.marks').length == 2")
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    page.wait_for_timeout(1500)  # the charts' last layout pass
    page.screenshot(path=ARTIFACTS / f"presentacion-{width}x{height}-{lang}.png")

    assert page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [
        width,
        height,
    ]  # nothing to scroll to
    parts = page.evaluate(SHOWN, MAP_FRAME)
    names = [name for name, _ in parts]
    assert names.count("figure") == 4 and names.count("chart") == 2 and names.count("legend") == 1
    for name, box in parts:
        assert box is not None, f"{name} is missing"
        left, top, right, bottom = box
        assert right > left and bottom > top, f"{name} is not drawn"
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, f"{name} leaves the screen: {box}"

    charts = page.locator("[data-testid=stVegaLiteChart]")
    regions = data.innovations["region"].nunique()
    stages = (data.innovations["pid_stage"].value_counts() > 0).sum()
    assert _bars(charts.nth(0)) == min(PRESENTED_BARS, regions)  # every bar of the region chart
    assert _bars(charts.nth(1)) == stages  # every stage of the funnel

    small = [(text, size) for text, size in page.evaluate(TEXT_SIZES) if size < FONT_PX]
    assert small == [], f"text under {FONT_PX} px: {small[:8]}"
    assert frame.locator(".leaflet-draw").count() == 0  # nothing to draw while presenting
    legend = page.locator("[data-testid=stHtml]", has=page.locator("span"))
    assert legend.inner_text().strip().count("\n") == 1  # two entries: the points and the circles
    context.close()
    assert watch.outside == [] and watch.dialogs == []
