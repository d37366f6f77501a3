"""A headline of chosen districts is a district-level cell: outside the committee its small counts read "<5"."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest

from dashboard.data.viewers import PUBLIC, Viewer, viewed
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.pack.brief import policy_brief
from dashboard.summary.figures import HEADLINE, headline_figures, shown_figure
from dashboard.summary.narrative import paragraph
from dashboard.summary.small import guarded
from dashboard.summary.summaries import summarise
from tests.summary.test_small_numbers import huamanga  # noqa: F401  (the fixture: districts of 2, 7 and 9)

READER = Viewer("reader", "wn")


def _selection(store, viewer: Viewer, filters: Filters) -> Selection:
    data = viewed(store, viewer)
    return Selection.of(data, FilterIndex.build(data.innovations, data.communities), filters)


def _figures(selection: Selection, lang: str = "es") -> dict[str, str]:
    summary = guarded(summarise(selection.index, selection.keep), selection)
    return {name: shown_figure(summary.headline, name, lang) for name in HEADLINE}


@pytest.mark.parametrize("viewer", [PUBLIC, READER])
def test_one_small_district_s_headline_hides_its_count_outside_the_committee(huamanga, viewer):  # noqa: F811
    figures = _figures(_selection(huamanga, viewer, Filters(districts=("Socos",))))
    assert figures["innovations"] == "<5"
    assert figures["advanced"] == "0 (0\u00a0%)"  # none is advanced: zero names no one
    assert figures["communities"] == "1"  # a count of places, not of people


def test_the_committee_reads_the_true_count(huamanga):  # noqa: F811
    figures = _figures(_selection(huamanga, Viewer("editor"), Filters(districts=("Socos",))))
    assert figures["innovations"] == "2"


def test_a_district_of_five_or_more_and_a_province_show_their_counts(huamanga):  # noqa: F811
    assert _figures(_selection(huamanga, PUBLIC, Filters(districts=("Vinchos",))))["innovations"] == "7"
    assert _figures(_selection(huamanga, PUBLIC, Filters(districts=("Socos", "Vinchos"))))["innovations"] == "9"
    # a small count of a province or region is no district cell
    assert _figures(_selection(huamanga, PUBLIC, Filters(text="Innovación 1")))["innovations"] != "<5"


def test_the_paragraph_says_fewer_than_five_in_both_languages(huamanga):  # noqa: F811
    selection = _selection(huamanga, PUBLIC, Filters(districts=("Socos",)))
    summary = guarded(summarise(selection.index, selection.keep), selection)
    spanish, english = paragraph(summary, "es", {}), paragraph(summary, "en", {})
    assert "menos de 5 innovaciones" in spanish and "fewer than 5 innovations" in english
    assert not re.search(r"\b2\b", spanish + english), (spanish, english)


def test_the_brief_of_one_small_district_prints_no_count_below_five(huamanga):  # noqa: F811
    selection = _selection(huamanga, PUBLIC, Filters(districts=("Socos",)))
    summary = guarded(summarise(selection.index, selection.keep), selection)
    assert headline_figures(summary, "es")["innovations"] == "<5"
    pdf = pypdf.PdfReader(io.BytesIO(policy_brief(selection, "es", date(2026, 3, 3))))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "<5" in text and "menos de 5 innovaciones" in text
