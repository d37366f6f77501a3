"""Small numbers do not identify people: per district or community, a count below ATLAS_MIN_CELL is "<5",
and no shown total gives it back."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import date

import geopandas as gpd
import pandas as pd
import pypdf
import pytest
import shapely

from dashboard.data.conform import conform_layer
from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS
from dashboard.data.dataset import Dataset, assemble
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.map import shapes
from dashboard.map.layers import build_layers
from dashboard.pack import brief
from dashboard.pack.brief import policy_brief
from dashboard.pack.staticcharts import bar_figure, bar_png, place_counts
from dashboard.summary import small
from dashboard.summary.summaries import summarise
from tests.handmade import handmade_dataset

# One province of Ayacucho, three districts of one community each: 2, 7 and 9 innovations.
DISTRICTS = {"Socos": (2, -74.29, -13.21), "Vinchos": (7, -74.40, -13.10), "Tambillo": (9, -74.10, -13.20)}
TODAY = date(2026, 3, 3)


def _completed(entity, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`frame` with every field of the contract it leaves out, empty, indexed by row number from 1."""
    frame = frame.assign(**{f.name: None for f in entity.scalar_fields if f.name not in frame.columns})
    frame.index = range(1, len(frame) + 1)
    return frame


@pytest.fixture(scope="module")
def huamanga() -> Dataset:
    """18 innovations in the districts of `DISTRICTS`, with a square boundary around each district."""
    handmade = handmade_dataset()
    communities = gpd.GeoDataFrame(
        [
            {
                "community_id": f"k{k}",
                "name": f"Comunidad de {district}",
                "country": "PE",
                "region": "PE-AYA",
                "province": "Huamanga",
                "district": district,
                "altitude_m": 3300,
                "people": "quechua",
                "location_source": "gps",
                "geometry": shapely.Point(x, y),
            }
            for k, (district, (_, x, y)) in enumerate(DISTRICTS.items())
        ],
        crs=CRS,
    )
    rows = [(f"k{k}", n) for k, (n, _, _) in enumerate(DISTRICTS.values()) for n in range(n)]
    innovations = gpd.GeoDataFrame(
        [
            {
                "innovation_id": f"INN-{i:03d}",
                "title": f"Innovación {i}",
                "kind": "technical",
                "domain": "water_irrigation",
                "community_id": community,
                "year_documented": 2020,
                "pid_stage": "documented",
                "innovator_type": "community",
                "consent_public": True,
                "name_public": False,
                "geometry": None,
            }
            for i, (community, _) in enumerate(rows, start=1)
        ],
        geometry="geometry",
        crs=CRS,
    )
    typed = conform_layer(INNOVATIONS, _completed(INNOVATIONS, innovations), "small")
    typed["crops"], typed["livestock"], typed["partners"] = [["quinua"]] * 18, [[]] * 18, [["wn"]] * 18
    data = assemble(
        handmade.partners, conform_layer(COMMUNITIES, _completed(COMMUNITIES, communities), "small"), typed, {}, "small"
    )
    outlines = gpd.GeoDataFrame(
        {"boundary_id": list(DISTRICTS), "level": "district", "code": list(DISTRICTS), "name": list(DISTRICTS)},
        geometry=[shapely.Point(x, y).buffer(0.04, cap_style="square") for _, x, y in DISTRICTS.values()],
        crs=CRS,
    )
    return dataclasses.replace(data, boundaries=outlines)


@pytest.fixture()
def selection(huamanga) -> Selection:
    return Selection.of(huamanga, FilterIndex.build(huamanga.innovations, huamanga.communities), Filters())


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([2, 7, 9], [True, True, False]),  # a lone small count: the next-smallest hides with it
        ([6, 7, 8], [False, False, False]),
        ([0, 0, 3, 8], [False, False, True, True]),  # zero stays shown and is never a complement
        ([0, 2, 3, 9, 10], [False, True, True, False, False]),  # 2 + 3 = 5 could be 1 + 4 or 2 + 3 …
        ([1, 1, 9], [True, True, True]),  # … but 1 + 1 = 2 names both
        ([4, 4, 20], [True, True, True]),  # and so does 4 + 4 = 8
        ([1, 5, 9], [True, True, True]),  # "<5" + "≥5" = 6 would leave only 1 + 5
        ([3], [True]),  # nothing to hide it among: hidden still
    ],
)
def test_small_counts_and_their_complements_are_hidden(counts, hidden):
    assert small.suppressed(pd.Series(counts), 5).tolist() == hidden


def test_a_hidden_count_is_written_with_the_threshold():
    assert small.shown_cells(pd.Series([2, 7, 9, 0]), "es", 5).tolist() == ["<5", "≥5", "9", "0"]
    assert (small.cell_label("en", 5), small.prose_label("es", 5), small.prose_label("en", 5)) == (
        "<5",
        "menos de 5",
        "fewer than 5",
    )


@pytest.mark.parametrize(("setting", "threshold"), [(None, 5), ("", 5), ("3", 3), (" 10 ", 10)])
def test_the_threshold_comes_from_the_environment(monkeypatch, setting, threshold):
    if setting is None:
        monkeypatch.delenv(small.SETTING, raising=False)
    else:
        monkeypatch.setenv(small.SETTING, setting)
    assert small.min_cell() == threshold
    assert small.cell_label("es") == f"<{threshold}"


@pytest.mark.parametrize("setting", ["cinco", "2", "0", "-5", "4.5"])
def test_a_bad_threshold_is_a_clear_error(monkeypatch, setting):
    monkeypatch.setenv(small.SETTING, setting)
    with pytest.raises(ValueError, match=rf"ATLAS_MIN_CELL='{re.escape(setting)}'.*whole number of 3 or more"):
        small.min_cell()


def test_a_chart_of_districts_hides_the_small_count_so_the_total_cannot_give_it_back(selection, monkeypatch):
    monkeypatch.delenv(small.SETTING, raising=False)
    level, table = place_counts(selection, "es")
    assert level == "district"
    assert dict(zip(table["label"], table["shown"], strict=True)) == {"Tambillo": "9", "Socos": "<5", "Vinchos": "≥5"}
    assert list(table["label"]) == ["Tambillo", "Socos", "Vinchos"]  # hidden ones last, by name: order tells nothing
    assert 2 not in table["count"].dropna().tolist()
    total = summarise(selection.index, selection.keep).headline.innovations  # the brief's first figure
    left = total - int(table["count"].sum())  # what the total leaves for the hidden ones
    assert left == 9 != 2  # 2 + 7: "<5" could be anything from 1 to 4


def test_a_raised_threshold_hides_more(selection, monkeypatch):
    monkeypatch.setenv(small.SETTING, "8")
    _, table = place_counts(selection, "en")  # two hidden counts making 9: 2 + 7, 3 + 6 … no complement needed
    assert dict(zip(table["label"], table["shown"], strict=True)) == {"Tambillo": "9", "Socos": "<8", "Vinchos": "<8"}


def test_counts_by_region_are_not_hidden(data, index):
    level, table = place_counts(Selection.of(data, index, Filters()), "es")
    assert level == "region" and "shown" not in table
    assert sorted(table["count"]) == [1, 2, 3]  # La Paz, Puno, Ayacucho: exact, regions are not district-level


def test_the_choropleth_sends_no_district_count_below_the_threshold(selection):
    (group,) = build_layers(("choropleth",), selection, "es", "district")
    layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
    assert layer.counts == ["<5", "≥5", 9]  # in the shapes' order: Socos, Vinchos, Tambillo
    assert all(edge == 0 or edge >= 5 for edge in layer.bins)  # no class edge tells a hidden count
    sent = json.loads(re.search(r"var counts = (\[.*?\]),", layer._template.module.script(layer)).group(1))
    assert sent == ["<5", "≥5", 9]  # what reaches the browser: no number from 1 to 4, nor the 7 that would give it


def test_the_brief_draws_a_district_s_small_count_as_a_labelled_stub(selection, monkeypatch):
    drawn = []

    def recorded(counts, title, *args, **kwargs):
        drawn.append(counts)
        return bar_png(counts, title, *args, **kwargs)

    monkeypatch.setattr(brief, "bar_png", recorded)
    pdf = pypdf.PdfReader(io.BytesIO(policy_brief(selection, "es", TODAY)))
    text = "".join(page.extract_text() for page in pdf.pages)
    places = drawn[0]
    assert places["label"].tolist() == ["Tambillo", "Socos", "Vinchos"]
    assert places["shown"].tolist() == ["9", "<5", "≥5"] and places["count"].isna().tolist() == [False, True, True]
    assert "«<5»" in text and "«≥5»" in text  # the note under the charts says how they read
    figure = bar_figure(places, "Por distrito", "Sin datos")
    axes = figure.axes[0]
    assert [x.get_text().strip() for x in axes.texts] == ["9", "<5", "≥5"]
    assert [bar.get_width() for bar in axes.patches] == [9, 5, 5]  # stubs of the threshold's length
    assert [bool(bar.get_hatch()) for bar in axes.patches] == [False, True, True]
