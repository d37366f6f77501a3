"""Summary charts as Vega-Lite specs: fields, order, labels per language, and what a click picks."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.data.vocab import PID_STAGE
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.summary.charts import CHARTS, PICK, Look, picked_filters, presented, summary_chart
from dashboard.summary.summaries import summarise
from tests.handmade import PARTNER_NAMES, handmade_dataset


@pytest.fixture(scope="module")
def summary():
    data = handmade_dataset()
    index = FilterIndex.build(data.innovations, data.communities)
    return summarise(index, mask(data.innovations, index, Filters()))


def _spec(name, summary, lang):
    return summary_chart(name, summary, lang, PARTNER_NAMES).to_dict()


def _values(spec):
    return next(iter(spec["datasets"].values()))


def _params(spec):
    """Selection parameters, whether on the chart or hoisted from a layer to the top."""
    layers = spec.get("layer", [])
    return spec.get("params", []) + [p for layer in layers for p in layer.get("params", [])]


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_can_be_clicked_to_pick_what_a_bar_stands_for(summary, name):
    spec = _spec(name, summary, "es")
    (pick,) = _params(spec)
    assert pick["name"] == PICK and pick["select"]["type"] == "point"
    assert "code" in pick["select"]["fields"]


@pytest.mark.parametrize(
    ("name", "lang", "title", "rows"),
    [
        ("crop", "es", "Innovaciones por cultivo", [("papa nativa", 3), ("quinua", 2), ("oca", 1)]),
        ("crop", "en", "Innovations by crop", [("native potato", 3), ("quinoa", 2), ("oca", 1)]),
        ("partner", "es", "Innovaciones por socio", [("WN", 4), ("CEDAP", 3), ("ABA", 2)]),
        ("region", "en", "Innovations by region", [("Ayacucho", 3), ("Puno", 2), ("La Paz", 1)]),
        ("natural_region", "es", "Innovaciones por región natural", [("quechua", 3), ("suni", 2), ("puna", 1)]),
    ],
)
def test_ranking_charts_list_labels_most_first_in_the_chosen_language(summary, name, lang, title, rows):
    spec = _spec(name, summary, lang)
    assert spec["title"] == title
    values = [(v["label"], v["count"]) for v in _values(spec)]
    assert values[: len(rows)] == rows
    assert spec["encoding"]["y"]["field"] == "label" and spec["encoding"]["y"]["sort"] is None
    assert spec["encoding"]["x"]["field"] == "count"


def test_the_pid_stage_funnel_keeps_stage_order_and_shows_empty_stages(summary):
    spec = _spec("pid_stage", summary, "es")
    values = _values(spec)
    assert [v["code"] for v in values] == list(PID_STAGE.codes)
    assert {v["code"]: v["count"] for v in values} == {
        "identified": 1,
        "documented": 3,
        "prioritised": 1,
        "joint_experimentation": 0,
        "results_shared": 0,
        "spreading": 1,
    }
    assert spec["layer"][0]["encoding"]["y"]["sort"][0] == "identificada"


def test_the_yearly_chart_stacks_domains_in_the_maps_colours(summary):
    spec = _spec("year", summary, "en")
    values = _values(spec)
    assert sorted((v["year"], v["code"], v["count"]) for v in values) == [
        (2008, "water_irrigation", 1),
        (2010, "water_irrigation", 1),
        (2015, "seeds_varieties", 1),
        (2018, "seeds_varieties", 1),
        (2020, "livestock_health", 1),
        (2022, "marketing_organisation", 1),
    ]
    colour = spec["encoding"]["color"]
    assert colour["field"] == "label" and len(colour["scale"]["domain"]) == len(colour["scale"]["range"]) == 11
    assert "water management and irrigation" in colour["scale"]["domain"]


def test_an_empty_selection_draws_empty_charts():
    data = handmade_dataset()
    index = FilterIndex.build(data.innovations, data.communities)
    empty = summarise(index, np.zeros(len(data.innovations), dtype=bool))
    assert _values(_spec("crop", empty, "es")) == []
    assert all(v["count"] == 0 for v in _values(_spec("pid_stage", empty, "es")))


@pytest.mark.parametrize(
    ("name", "picked", "expected"),
    [
        ("region", [{"code": "PE-AYA"}], {"regions": ("PE-AYA",)}),
        ("crop", [{"code": "quinua"}, {"code": "oca"}], {"crops": ("quinua", "oca")}),
        ("pid_stage", [{"code": "spreading"}], {"pid_stages": ("spreading",)}),
        (
            "year",
            [{"year": 2015, "code": "seeds_varieties"}],
            {"domains": ("seeds_varieties",), "year_from": 2015, "year_to": 2015},
        ),
        (
            "year",
            [{"year": 2018, "code": "a"}, {"year": 2010, "code": "b"}],
            {"domains": ("a", "b"), "year_from": 2010, "year_to": 2018},
        ),
        ("partner", [], {"partners": ()}),  # a double-click released the bar: every partner again
        ("partner", [{"code": None}], {"partners": ()}),
        ("year", [], {"domains": (), "year_from": None, "year_to": None}),
    ],
)
def test_a_click_becomes_filter_criteria(name, picked, expected):
    assert picked_filters(name, picked, Filters()) == Filters(**expected)
    before = Filters(text="riego", partners=("aba",), regions=("BO-L",))
    assert picked_filters(name, picked, before) == before.replaced(**expected)  # the rest of the filter stays


def test_presented_charts_use_projector_sized_text_and_write_their_counts(summary):
    look = Look(numbers=True, label_limit=20 * 14)
    spec = presented(
        summary_chart("region", summary, "es", PARTNER_NAMES, top=6, look=look), 20, "Por región"
    ).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == 20 and spec["config"]["text"]["fontSize"] == 20
    assert spec["config"]["title"]["fontSize"] >= 20 and spec["title"] == "Por región"
    assert spec["config"]["axisX"]["disable"]  # no count axis: the bars carry their numbers
    layer = spec["layer"]
    written = [part for part in layer if part["mark"]["type"] == "text"]
    assert written and written[0]["encoding"]["text"]["field"] == "count"
    assert [len(rows) for rows in spec["datasets"].values()] == [min(6, summary.headline.regions)]
    assert layer[0]["encoding"]["y"]["axis"]["labelLimit"] == 280  # long labels are not cut
