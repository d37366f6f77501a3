"""Filtering by a Local Contexts label keeps exactly the records that carry it; the collection's labels filter
nothing; the filter is said in words and survives a shared link."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dashboard.address import MapView, decode, encode
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters, describe, mask
from dashboard.filtering.index import FilterIndex
from tests.handmade import handmade_dataset

LABELS = {"INN-A": ["tk_attribution", "bc_provenance"], "INN-C": ["tk_attribution"], "INN-F": ["tk_notice"]}


@pytest.fixture(scope="module")
def data():
    base = handmade_dataset()
    ids = base.innovations["innovation_id"]
    innovations = base.innovations.assign(labels=[LABELS.get(i, []) for i in ids])
    # the collection's labels apply to every record, but are not the record's own
    return dataclasses.replace(base, innovations=innovations, metadata={"collection_labels": "bc_notice,tk_seasonal"})


def _kept(data, filters: Filters) -> list[str]:
    index = FilterIndex.build(data.innovations, data.communities)
    return list(data.innovations["innovation_id"][mask(data.innovations, index, filters)])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ((), ["INN-A", "INN-B", "INN-C", "INN-D", "INN-E", "INN-F"]),
        (("tk_attribution",), ["INN-A", "INN-C"]),
        (("bc_provenance",), ["INN-A"]),
        (("tk_notice", "bc_provenance"), ["INN-A", "INN-F"]),
        (("tk_women_restricted",), []),
        (("bc_notice",), []),  # a collection label: no record carries it as its own
        (("tk_seasonal",), []),
    ],
)
def test_a_label_keeps_exactly_the_records_that_carry_it(data, labels, expected):
    assert _kept(data, Filters(labels=labels)) == expected


def test_a_label_narrows_other_criteria(data):
    both = Filters(labels=("tk_attribution",), crops=("papa_nativa",))
    kept = _kept(data, both)
    assert kept and set(kept) <= {"INN-A", "INN-C"}
    assert set(kept) == set(_kept(data, Filters(crops=("papa_nativa",)))) & {"INN-A", "INN-C"}


def test_the_criterion_sits_in_more_filters_and_offers_every_label(data):
    criterion = CRITERIA["labels"]
    index = FilterIndex.build(data.innovations, data.communities)
    assert criterion.more and criterion.widget == "filter_label"
    assert "tk_attribution" in criterion.options(data, index, Filters()) and criterion.valid("bc_notice")
    assert not criterion.valid("no_such_label")


def test_the_filter_sentence_names_the_label(data):
    assert "con la etiqueta TK Atribución o BC Procedencia" in describe(
        Filters(labels=("tk_attribution", "bc_provenance")), "es", {}
    )
    assert "with the label TK Notice" in describe(Filters(labels=("tk_notice",)), "en", {})


def test_a_shared_link_carries_the_label_filter(data):
    filters = Filters(labels=("tk_attribution", "bc_notice"), crops=("oca",))
    params = encode(filters, MapView())
    assert params["etiqueta"] == "tk_attribution,bc_notice"
    decoded, _, notices = decode(params)
    assert decoded == filters and notices == []
    unknown, _, notices = decode({"etiqueta": "tk_attribution,invented"})
    assert unknown.labels == ("tk_attribution",) and notices
    assert np.array_equal(_kept(data, decoded), _kept(data, filters))
