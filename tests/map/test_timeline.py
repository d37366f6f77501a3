"""The year player: where innovations had been documented by each year, in the app and in the offline file."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map.layers import LAYERS, build_layers
from dashboard.map.timeline import YearPlayer, year_tally
from dashboard.pack.standalone import standalone_map
from tests.browser import ARTIFACTS, Watch

LOCAL = ("file", "data", "blob", "about")


def _selection(data, filters: Filters | None = None) -> Selection:
    filters = filters or Filters()
    index = FilterIndex.build(data.innovations, data.communities)
    names = dict(zip(data.partners["partner_id"], data.partners["name"], strict=True))
    return Selection(data, index, filters, mask(data.innovations, index, filters), names)


def _by_place_and_year(selection: Selection) -> pd.Series:
    """Innovations per (lat, lon, year), counted by hand from the selected rows."""
    rows = selection.rows
    frame = pd.DataFrame(
        {
            "lat": np.round(selection.index.y[rows], 4),
            "lon": np.round(selection.index.x[rows], 4),
            "year": selection.data.innovations["year_documented"].iloc[rows].to_numpy(int),
        }
    )
    return frame.value_counts()


def test_the_tally_counts_each_selected_innovation_once_at_its_place_and_year(small_dataset):
    chosen = _selection(small_dataset, Filters(regions=("PE-AYA", "PE-PUN")))
    tally = year_tally(chosen)
    expected = _by_place_and_year(chosen)
    found = {
        (lat, lon, tally.first + j): int(tally.counts[k, j])
        for k, (lat, lon) in enumerate(zip(tally.lat, tally.lon, strict=True))
        for j in range(tally.counts.shape[1])
        if tally.counts[k, j]
    }
    assert found == expected.to_dict()
    assert tally.counts.sum() == int(chosen.keep.sum())
    middle = (tally.first + tally.last) // 2
    assert tally.up_to(middle).sum() == int((expected.index.get_level_values("year") <= middle).astype(int) @ expected)


def test_nothing_selected_draws_no_player(small_dataset):
    chosen = _selection(small_dataset, Filters(text="ninguna-innovacion-se-llama-asi"))
    assert year_tally(chosen) is None
    assert build_layers(("years",), chosen, "es") == []


def test_the_player_speaks_the_chosen_language(small_dataset):
    (group,) = build_layers(("years",), _selection(small_dataset), "en")
    player = next(c for c in group._children.values() if isinstance(c, YearPlayer))
    assert player.words["play"] == "Play the years" and "{total}" in player.words["summary"]
    assert [s.label for s in LAYERS["years"].legend(_selection(small_dataset), "en").swatches] == [
        t("map.years.existing", "en"),
        t("map.years.new", "en"),
    ]


@pytest.fixture()
def page(chromium, tmp_path):
    """A page of Chromium that may open files only; anything else it asks for fails the test."""
    watch, outside = Watch(), []
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(60_000)

    def only_files(route) -> None:
        if route.request.url.split(":", 1)[0] in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    opened = context.new_page()
    watch.attach(opened)
    yield opened
    context.close()
    assert outside == [] and watch.errors == [] and watch.dialogs == []


def _state(page) -> dict:
    return page.evaluate("""() => ({
        year: document.querySelector('.atlas-years-year').textContent,
        summary: document.querySelector('.atlas-years-summary').textContent,
        circles: document.querySelectorAll('path.leaflet-interactive').length,
    })""")


def _expected(chosen: Selection, year: int) -> dict:
    counts = _by_place_and_year(chosen)
    years = counts.index.get_level_values("year")
    total, new = int(counts[years <= year].sum()), int(counts[years == year].sum())
    places = counts[years <= year].groupby(level=["lat", "lon"]).size()
    summary = t("map.years.summary", "es", total=total, new=new, year=year)
    return {"year": str(year), "summary": summary, "circles": len(places)}


@pytest.mark.browser
def test_the_offline_file_steps_and_plays_through_the_years(page, small_dataset, tmp_path):
    chosen = _selection(small_dataset)
    tally = year_tally(chosen)
    html = standalone_map(chosen, "es", "Todas", ("years",), made=datetime.date(2026, 12, 7))
    (tmp_path / "anos.html").write_bytes(html)
    page.goto((tmp_path / "anos.html").as_uri())
    page.wait_for_selector(".atlas-years-summary")
    assert _state(page) == _expected(chosen, tally.last)  # it opens on the whole span
    back = page.get_by_role("button", name=t("map.years.back", "es"))
    shots = {tally.last: None}
    for year in range(tally.last - 1, tally.first - 1, -1):
        back.click()
        assert _state(page) == _expected(chosen, year)
        if year in (tally.first, (tally.first + tally.last) // 2):
            shots[year] = None
    for year in sorted(shots):
        page.locator(".atlas-years-slider").fill(str(year))
        page.screenshot(path=ARTIFACTS / f"anos-{year}.png")
        assert _state(page) == _expected(chosen, year)
    page.locator(".atlas-years-slider").fill(str(tally.first))
    page.get_by_role("button", name=t("map.years.play", "es")).click()  # plays on from the first year
    page.wait_for_function(f"() => document.querySelector('.atlas-years-year').textContent === '{tally.first + 2}'")
    page.get_by_role("button", name=t("map.years.pause", "es")).click()
    paused = _state(page)
    page.wait_for_timeout(2_000)
    assert _state(page) == paused == _expected(chosen, int(paused["year"]))


@pytest.mark.browser
def test_the_offline_map_download_carries_the_player_switched_off(page, small_dataset, tmp_path):
    from dashboard.pack.downloads import PACK

    chosen = _selection(small_dataset)
    (tmp_path / "mapa.html").write_bytes(PACK["html"].make(chosen, "es"))
    page.goto((tmp_path / "mapa.html").as_uri())
    page.wait_for_selector(".leaflet-control-layers")
    assert page.locator(".atlas-years").count() == 0  # the points and regions show first
    page.get_by_label(LAYERS["years"].label("es")).check()
    page.wait_for_selector(".atlas-years-summary")
    assert _state(page)["summary"] == _expected(chosen, year_tally(chosen).last)["summary"]
    page.get_by_label(LAYERS["years"].label("es")).uncheck()
    page.wait_for_selector(".atlas-years", state="detached")  # the player leaves with its layer
