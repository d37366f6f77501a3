"""The Resumen charts in Chromium: bars re-sort when the filter changes, and a chosen bar can be released."""

from __future__ import annotations

import re
import shutil

import pytest

from dashboard.data import store
from dashboard.data.viewers import PUBLIC, viewed
from dashboard.data.vocab import CROP, region_label
from dashboard.paths import DEMO_STORE
from tests.browser import BAR, Watch, running_servers, watched_page
from tests.views.test_browser import _bar_centre, _choose, _open, _settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    shutil.copy(DEMO_STORE, folder / "atlas.gpkg")
    yield from running_servers(folder / "atlas.gpkg", folder / "streamlit.log")


def _region_chart(page):
    return page.locator("[data-testid=stVegaLiteChart]", has=page.get_by_text("Innovaciones por región", exact=True))


def _labels(page) -> list[str]:
    """The region chart's bar labels, top to bottom, as drawn."""
    return (
        _region_chart(page)
        .locator(".role-axis-label")
        .last.locator("text")
        .evaluate_all("texts => texts.map(t => t.textContent)")
    )


def _drawn(page, bars: int) -> list[str]:
    """The region chart's labels once it draws `bars` bars (the chart redraws a moment after the rerun)."""
    for _ in range(120):
        labels = _labels(page)
        if len(labels) == bars:
            return labels
        page.wait_for_timeout(250)
    return _labels(page)


def _ranking(innovations) -> list[str]:
    counts = innovations["region"].dropna().astype(str).value_counts()  # hidden in a whole country: no region
    frame = counts.rename("count").reset_index()
    frame["label"] = [region_label(code) for code in frame["region"]]
    return list(frame.sort_values(["count", "label"], ascending=[False, True])["label"])


def test_bars_re_sort_when_the_filter_changes_and_a_chosen_bar_is_released(chromium, demo_server):
    innovations = viewed(store.load(DEMO_STORE), PUBLIC).innovations  # the page as the public sees it
    everything = _ranking(innovations)
    crops = sorted({crop for grown in innovations["crops"] for crop in grown})
    rankings = {crop: _ranking(innovations[[crop in grown for grown in innovations["crops"]]]) for crop in crops}
    reordered = next(c for c, ranked in rankings.items() if ranked != [r for r in everything if r in ranked])
    watch = Watch()
    context, page = watched_page(chromium, watch)
    _open(page, f"{demo_server.url}/resumen")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart] svg').length >= 2")
    assert _labels(page) == everything[:15]

    _choose(page, "Cultivo", CROP.label(reordered, "es"))
    expected = rankings[reordered]
    drawn = _drawn(page, len(expected))
    assert drawn == expected, (drawn, expected)  # re-sorted: the new first is on top

    chart = _region_chart(page)
    chart.scroll_into_view_if_needed()
    page.mouse.click(*_bar_centre(chart, BAR))  # the top bar: the region is chosen on every page
    _settle(page)
    page.wait_for_function("() => location.search.includes('region=')")
    x, y = _bar_centre(chart, BAR)
    page.mouse.dblclick(x, y)  # released again: back to the crop alone
    page.wait_for_function("() => !location.search.includes('region=')")
    _settle(page)
    assert _labels(page) == expected
    context.close()
    assert watch.outside == [] and watch.dialogs == []


def test_the_wall_poster_downloads_from_resumen_with_the_filter_in_its_name(chromium, demo_server, tmp_path):
    import io

    import pypdf

    watch = Watch()
    context, page = watched_page(chromium, watch)
    _open(page, f"{demo_server.url}/resumen?region=PE-AYA")
    button = page.get_by_role("button", name="Cartel A3 para la pared (PDF)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as waiting:
        button.click()
    download = waiting.value
    assert re.fullmatch(r"cartel-a3-ayacucho-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    reader = pypdf.PdfReader(io.BytesIO(saved.read_bytes()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 1191)  # A3 upright, in points
    assert "Ayacucho" in reader.pages[0].extract_text()
    context.close()
    assert watch.outside == [] and watch.dialogs == []
