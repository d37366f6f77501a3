"""The pages show and edit Local Contexts labels: Acerca de names the collection's, the sidebar filters by
label, the edit form saves a record's."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import store
from dashboard.data.localcontexts import badge_data_uri
from dashboard.paths import PACKAGE, STORE_ENV
from dashboard.views.editing import field_key
from tests.editors import signed_in

APP = str(PACKAGE / "app.py")


@pytest.fixture()
def labelled_store(small_dataset, tmp_path) -> Path:
    """The small store with two labels on the whole collection."""
    path = tmp_path / "atlas.gpkg"
    metadata = {**small_dataset.metadata, "collection_labels": "tk_notice,bc_provenance"}
    store.write(dataclasses.replace(small_dataset, metadata=metadata), path)
    return path


def test_about_shows_the_collections_labels_once_with_their_badges(labelled_store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(labelled_store))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/acerca.py").run()
    assert not at.exception
    assert [h.value for h in at.header].count("Etiquetas de la comunidad (Local Contexts)") == 1
    shown = " ".join(element.proto.body for element in at.get("html"))
    assert badge_data_uri("tk_notice") in shown and "Aviso TK" in shown and "BC Procedencia" in shown
    assert any("localcontexts.org" in c.value and "Local Contexts Hub" in c.value for c in at.caption)


def test_the_sidebar_filters_by_label(labelled_store, small_dataset, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(labelled_store))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/datos.py").run()
    total = len(small_dataset.innovations)
    for label in ("tk_attribution", "bc_provenance"):  # bc_provenance is also a collection label: it adds nobody
        at.multiselect(key="filter_label").set_value([label]).run()
        carrying = int(small_dataset.innovations["labels"].map(lambda codes, c=label: c in codes).sum())
        assert 0 < carrying < total
        assert any(m.value == f"{carrying} de {total} innovaciones" for m in at.markdown), [
            m.value for m in at.markdown
        ]


def test_the_edit_form_saves_a_records_labels(small_store, tmp_path, monkeypatch):
    path = tmp_path / "editado.gpkg"
    path.write_bytes(small_store.read_bytes())
    at = signed_in(path, monkeypatch)
    record = store.load(path).innovations.iloc[1]
    at.selectbox(key="edit_choice_innovations").set_value(record["innovation_id"]).run()
    labels = at.multiselect(key=field_key("innovations", record["innovation_id"], "labels"))
    assert labels.value == list(record["labels"])
    labels.set_value(["tk_seasonal", "bc_research_use"])
    at.button(key="edit_save").click().run()
    assert not at.exception, at.exception
    saved = store.load(path).innovations.set_index("innovation_id").loc[record["innovation_id"]]
    assert saved["labels"] == ["tk_seasonal", "bc_research_use"] and saved["crops"] == record["crops"]
