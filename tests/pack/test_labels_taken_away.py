"""The Local Contexts labels travel with the records: CSV (in words), Excel, GeoJSON (codes) and the PDF brief."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date

import numpy as np
import openpyxl
import pandas as pd
import pypdf
import pytest

from dashboard.data.dataset import Dataset
from dashboard.data.privacy import public_view
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.pack.brief import policy_brief
from dashboard.pack.downloads import PACK
from tests.handmade import PARTNER_NAMES, handmade_dataset

LABELS = {"INN-A": ["tk_attribution", "bc_provenance"], "INN-D": ["tk_notice"]}


@pytest.fixture(scope="module")
def data() -> Dataset:
    base = handmade_dataset()
    innovations = base.innovations.assign(labels=[LABELS.get(i, []) for i in base.innovations["innovation_id"]])
    return dataclasses.replace(base, innovations=innovations)


@pytest.fixture(scope="module")
def view(data) -> Dataset:
    return public_view(data, np.ones(len(data.innovations), bool), editor=False)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def _brief(data: Dataset, filters: Filters, lang: str = "es") -> str:
    index = FilterIndex.build(data.innovations, data.communities)
    keep = mask(data.innovations, index, filters)
    selection = Selection(data=data, index=index, filters=filters, keep=keep, partner_names=PARTNER_NAMES)
    return _text(policy_brief(selection, lang, today=date(2026, 3, 3)))


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        ("es", "Etiquetas de Local Contexts", "TK Atribución; BC Procedencia"),
        ("en", "Local Contexts labels", "TK Attribution; BC Provenance"),
    ],
)
def test_the_csv_writes_the_labels_in_words(view, lang, header, expected):
    frame = pd.read_csv(io.BytesIO(PACK["csv"].write(view, lang)), encoding="utf-8-sig", dtype=str)
    by_id = frame.set_index(frame.columns[0])[header]
    assert by_id["INN-A"] == expected
    assert pd.isna(by_id["INN-B"])


def test_the_geojson_keeps_the_codes_and_their_names(view):
    features = json.loads(PACK["geojson"].write(view, "es"))["features"]
    by_id = {f["properties"]["innovation_id"]: f["properties"] for f in features}
    assert by_id["INN-A"]["labels"] == ["tk_attribution", "bc_provenance"]
    assert by_id["INN-A"]["label_names"] == ["TK Atribución", "BC Procedencia"]
    assert by_id["INN-D"]["labels"] == ["tk_notice"] and by_id["INN-B"]["labels"] == []


def test_the_workbook_holds_the_labels_column(view):
    book = openpyxl.load_workbook(io.BytesIO(PACK["xlsx"].write(view, "es")))
    rows = list(book["innovaciones"].iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert first["Etiquetas de Local Contexts (códigos)"] == "tk_attribution; bc_provenance"
    assert first["Etiquetas de Local Contexts"] == "TK Atribución; BC Procedencia"


def test_the_brief_lists_the_labels_of_the_selection(data):
    text = _brief(data, Filters())
    assert "Etiquetas de Local Contexts en esta selección: TK Atribución, BC Procedencia, Aviso TK." in text
    assert "localcontexts.org" in text
    english = _brief(data, Filters(), "en")
    assert "Local Contexts labels in this selection: TK Attribution, BC Provenance, TK Notice." in english


def test_the_brief_names_only_the_labels_of_the_kept_records(data):
    only_d = _brief(data, Filters(labels=("tk_notice",)))
    assert "en esta selección: Aviso TK." in only_d and "TK Atribución" not in only_d
    unlabelled = dataclasses.replace(data, innovations=data.innovations.assign(labels=[[]] * len(data.innovations)))
    assert "Local Contexts" not in _brief(unlabelled, Filters())


def test_the_brief_names_the_collections_labels_in_its_sources(data):
    collection = dataclasses.replace(data, metadata={"collection_labels": "bc_notice, tk_seasonal"})
    text = _brief(collection, Filters())
    assert "Etiquetas de Local Contexts de toda la colección: Aviso BC, TK Estacional." in text
