"""The criterion registry: a criterion declared once shows up in the mask, the sidebar, the address,
the charts and the filter sentence, with nothing else to change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import address
from dashboard.data import store
from dashboard.filtering.criteria import CRITERIA, CodedCriterion
from dashboard.filtering.filters import Filters, describe, mask
from dashboard.filtering.index import FilterIndex
from dashboard.i18n import catalogue
from dashboard.paths import PACKAGE, STORE_ENV
from dashboard.summary import charts
from dashboard.summary.summaries import summarise

APP = str(PACKAGE / "app.py")
# the innovation's kind (technical or socio-institutional) is in the contract but not yet a criterion
KINDS = CodedCriterion("kinds", "kind", "tipo", "filter_kind", "filters.kind", 9, more=True, chart="kind")
STRINGS = {
    "es": {
        "filters.kind": "Tipo de innovación",
        "describe.kinds": "de tipo {values}",
        "summary.by_kind": "Innovaciones por tipo",
    },
    "en": {
        "filters.kind": "Kind of innovation",
        "describe.kinds": "of kind {values}",
        "summary.by_kind": "Innovations by kind",
    },
}


@pytest.fixture()
def kinds(monkeypatch):
    """The registry with one more criterion, and its catalogue strings: all a new criterion needs."""
    monkeypatch.setitem(CRITERIA, KINDS.name, KINDS)
    for lang, strings in STRINGS.items():
        for key, text in strings.items():
            monkeypatch.setitem(catalogue(lang), key, text)
    monkeypatch.setattr(charts, "CHARTS", charts.specs())  # the chart registry is derived at import
    return KINDS


@pytest.fixture()
def kinds_store(kinds, small_store: Path, tmp_path: Path) -> Path:
    """A store path the app has not cached yet, so its index is built with the new criterion."""
    path = tmp_path / "atlas.gpkg"
    path.write_bytes(small_store.read_bytes())
    return path


def test_a_new_criterion_filters_the_innovations(kinds, small_dataset):
    innovations = small_dataset.innovations
    index = FilterIndex.build(innovations, small_dataset.communities)
    for code in ("technical", "socio_institutional"):
        kept = mask(innovations, index, Filters(kinds=(code,)))
        assert kept.sum() > 0
        assert np.array_equal(kept, (innovations["kind"] == code).to_numpy())
    both = mask(innovations, index, Filters(kinds=("technical",), regions=("PE-AYA",)))
    assert np.array_equal(both, ((innovations["kind"] == "technical") & (innovations["region"] == "PE-AYA")).to_numpy())


def test_a_new_criterion_travels_in_the_address(kinds):
    chosen = Filters(kinds=("socio_institutional",), regions=("PE-PUN",))
    params = address.encode(chosen, address.MapView())
    assert params == {"tipo": "socio_institutional", "region": "PE-PUN"}
    assert address.decode(params) == (chosen, address.MapView(), [])
    _, _, notices = address.decode({"tipo": "technical,magic"})
    assert notices == [address.Notice("tipo", "magic", address.BAD_VALUE)]


def test_a_new_criterion_is_said_in_the_sentence(kinds):
    chosen = Filters(kinds=("technical",), crops=("quinua",))
    assert describe(chosen, "es", {}) == "Innovaciones de quinua de tipo técnica"
    assert describe(chosen, "en", {}) == "Innovations on quinoa of kind technical"


def test_a_new_criterion_has_a_chart_whose_bars_set_it(kinds, small_dataset):
    index = FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    summary = summarise(index, mask(small_dataset.innovations, index, Filters(regions=("PE-AYA",))))
    bars = charts.summary_chart("kind", summary, "es", {}).to_dict()["datasets"]
    values = next(iter(bars.values()))
    ayacucho = small_dataset.innovations[small_dataset.innovations["region"] == "PE-AYA"]
    assert {v["label"]: v["count"] for v in values} == {
        {"technical": "técnica", "socio_institutional": "socio-institucional"}[code]: count
        for code, count in ayacucho["kind"].value_counts().items()
        if count
    }
    before = Filters(text="riego")
    assert charts.picked_filters("kind", [{"code": "technical"}], before) == Filters(text="riego", kinds=("technical",))


def test_a_new_criterion_gets_its_sidebar_widget_and_filters_every_page(kinds_store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(kinds_store))
    at = AppTest.from_file(APP, default_timeout=60).run()
    widget = at.multiselect(key="filter_kind")
    assert widget.label == "Tipo de innovación"
    assert widget.options == ["técnica", "socio-institucional"]
    innovations = store.load(kinds_store).innovations
    social = int((innovations["kind"] == "socio_institutional").sum())
    widget.set_value(["socio_institutional"]).run()
    assert not at.exception
    assert any(f"{social} de {len(innovations)} innovaciones" in m.value for m in at.markdown)
    assert any("Innovaciones de tipo socio\\-institucional" in m.value for m in at.markdown)  # escaped Markdown
    assert at.query_params["tipo"] == "socio_institutional"


def test_the_cached_index_cannot_be_patched(small_dataset):
    index = FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    for array in (index.x, index.year, index.community, index.patterns["crops"][1], index.coded["domain"][0]):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[0]
