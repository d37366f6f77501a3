"""Local Contexts labels: a complete bilingual vocabulary, a valid shipped badge per code, and old stores that
load without the labels table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyogrio
import pytest

from dashboard.data import store
from dashboard.data.contract import INNOVATIONS
from dashboard.data.localcontexts import (
    BADGES,
    DESCRIPTIONS,
    LABEL_NAMES,
    SHORT,
    badge_data_uri,
    badge_path,
    badge_svg,
    collection_labels,
    description,
    family,
)
from dashboard.data.vocab import VOCABULARIES, vocabulary_of
from dashboard.i18n import LANGUAGES
from dashboard.paths import ROOT

ASKED_FOR = (
    "tk_attribution",
    "tk_non_commercial",
    "tk_community_voice",
    "tk_culturally_sensitive",
    "tk_seasonal",
    "tk_women_restricted",
    "tk_men_restricted",
    "tk_secret_sacred",
    "tk_verified",
    "tk_non_verified",
    "bc_provenance",
    "bc_consent_verified",
    "bc_multiple_communities",
    "bc_research_use",
    "tk_notice",
    "bc_notice",
)
SVG = "{http://www.w3.org/2000/svg}svg"


def test_the_labels_field_names_the_registered_vocabulary():
    assert INNOVATIONS.field("labels").type == "codes"
    assert vocabulary_of("labels") is VOCABULARIES["label"]
    assert VOCABULARIES["label"].codes == ASKED_FOR


@pytest.mark.parametrize("code", ASKED_FOR)
def test_every_label_has_a_name_and_one_sentence_in_every_language(code):
    names = [VOCABULARIES["label"].label(code, lang) for lang in LANGUAGES]
    assert all(name and name != code for name in names)
    for lang in LANGUAGES:
        sentence = description(code, lang)
        assert sentence.endswith(".") and ". " not in sentence, sentence
    assert description(code, "es") != description(code, "en")
    assert code in SHORT and family(code) in ("tk", "bc", "notice")


def test_names_are_distinct_and_every_table_covers_the_same_codes():
    for lang in range(len(LANGUAGES)):
        names = [pair[lang] for pair in LABEL_NAMES.values()]
        assert len(set(names)) == len(names)
    assert set(DESCRIPTIONS) == set(SHORT) == set(LABEL_NAMES)


@pytest.mark.parametrize("code", ASKED_FOR)
def test_every_label_ships_its_own_valid_svg_badge(code):
    path = badge_path(code)
    root = ET.fromstring(path.read_bytes())  # parses: well-formed XML
    assert root.tag == SVG and root.get("viewBox") == "0 0 48 48"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert SHORT[code] in texts
    assert not any(element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") for element in root.iter())
    # the shipped file is the one the code draws (palette colours); rewrite with localcontexts.write_badges()
    assert path.read_text(encoding="utf-8") == badge_svg(code)
    assert badge_data_uri(code).startswith("data:image/svg+xml;base64,")


def test_the_badge_folder_holds_exactly_one_file_per_label():
    assert sorted(p.stem for p in BADGES.iterdir()) == sorted(ASKED_FOR)


def test_the_readme_says_where_the_official_wording_is():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "localcontexts.org" in readme and "Local Contexts Hub" in readme


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, ()),
        ({"collection_labels": ""}, ()),
        ({"collection_labels": "tk_notice"}, ("tk_notice",)),
        ({"collection_labels": " bc_provenance, tk_attribution ,bc_provenance"}, ("bc_provenance", "tk_attribution")),
        ({"collection_labels": "tk_attribution,no_such_label"}, ("tk_attribution",)),
    ],
)
def test_collection_labels_are_read_from_the_metadata(given, expected):
    assert collection_labels(given) == expected


def test_labels_round_trip_through_their_link_table(small_dataset, small_store):
    assert "innovation_labels" in {str(name) for name, _ in pyogrio.list_layers(small_store)}
    loaded = store.load(small_store)
    assert loaded.innovations["labels"].tolist() == small_dataset.innovations["labels"].tolist()
    assert loaded.innovations["labels"].map(len).sum() > 0


def test_a_store_written_before_labels_existed_loads_with_empty_labels(small_store, tmp_path):
    old = tmp_path / "antiguo.gpkg"
    for name, _ in pyogrio.list_layers(small_store):
        if name != "innovation_labels":
            pyogrio.write_dataframe(pyogrio.read_dataframe(small_store, layer=name), old, layer=name)
    loaded = store.load(old)
    assert len(loaded.innovations) == len(store.load(small_store).innovations)
    assert loaded.innovations["labels"].tolist() == [[] for _ in range(len(loaded.innovations))]
