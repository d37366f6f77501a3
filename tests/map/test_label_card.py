"""The record card names the Local Contexts labels a community applied and shows their shipped badges."""

from __future__ import annotations

import dataclasses
import html
from html.parser import HTMLParser

import pytest

from dashboard.data.dataset import Dataset
from dashboard.data.localcontexts import badge_data_uri, description
from dashboard.data.vocab import VOCABULARIES
from dashboard.map.details import badges_html, innovation_details, labels_of
from tests.handmade import handmade_dataset

HOSTILE = '<img src=x onerror="alert(1)"> & «TK»'


def labelled(data: Dataset, labels: dict[str, list[str]]) -> Dataset:
    """`data` with the given labels on the named innovations and none on the others."""
    ids = data.innovations["innovation_id"]
    return dataclasses.replace(data, innovations=data.innovations.assign(labels=[labels.get(i, []) for i in ids]))


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.sources.append(dict(attrs)["src"])


@pytest.fixture(scope="module")
def data() -> Dataset:
    return labelled(handmade_dataset(), {"INN-A": ["tk_attribution", "bc_provenance"], "INN-F": ["tk_notice"]})


@pytest.mark.parametrize(
    ("lang", "row", "expected"),
    [
        ("es", 0, "TK Atribución, BC Procedencia"),
        ("en", 0, "TK Attribution, BC Provenance"),
        ("es", 5, "Aviso TK"),  # a restricted record still says which labels its community applied
        ("es", 1, None),
    ],
)
def test_the_card_names_the_records_labels(data, lang, row, expected):
    card = innovation_details(data, row, lang, {})
    heading = "Etiquetas de Local Contexts" if lang == "es" else "Local Contexts labels"
    assert card.get(heading) == expected


def test_the_card_shows_each_badge_with_its_name_and_meaning(data):
    codes = labels_of(data, 0)
    shown = badges_html(codes, "es")
    parser = _Images()
    parser.feed(shown)
    assert parser.sources == [badge_data_uri("tk_attribution"), badge_data_uri("bc_provenance")]
    assert "TK Atribución" in shown and html.escape(description("bc_provenance", "es")) in shown
    assert badges_html([], "es") == "" and labels_of(data, 99) == []


def test_names_reach_the_card_escaped(data, monkeypatch):
    monkeypatch.setitem(VOCABULARIES["label"].labels, "tk_attribution", (HOSTILE, HOSTILE))
    shown = badges_html(["tk_attribution"], "es")
    parser = _Images()
    parser.feed(shown)
    assert parser.sources == [badge_data_uri("tk_attribution")]  # the name added no image
    assert html.escape(HOSTILE) in shown and HOSTILE not in shown
