"""Consent withdrawn on the editing page takes effect at once: the next load, the next export, the app's cache.

And the purge's rule for free text: each mention of the innovator's name goes, and nothing else.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.data.backend import open_store
from dashboard.data.changes import Source
from dashboard.data.contract import INNOVATIONS
from dashboard.data.purge import cleared_record
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.intake import edits
from dashboard.pack.downloads import PACK

RECORD = "INN-000004"  # in the small store: public consent, public name, its own point


def _public_csv(path) -> str:
    """The public CSV of every innovation, built from the store at `path` read afresh."""
    data = open_store(path).load()
    selection = Selection.of(data, FilterIndex.build(data.innovations, data.communities), Filters())
    return PACK["csv"].make(selection, "es").decode("utf-8-sig")


def _point_shown(csv: str) -> tuple[float, float]:
    """The longitude and latitude the CSV gives RECORD."""
    table = pd.read_csv(io.StringIO(csv), dtype=str).set_index(t("export.column.innovation_id", "es"))
    shown = table.loc[RECORD]
    return float(shown[t("export.column.longitude", "es")]), float(shown[t("export.column.latitude", "es")])


def _withdraw(path) -> str:
    """Untick "public consent" for RECORD as the editing page does: the form's change, saved with the revision seen."""
    data = open_store(path).load()
    record = data.innovations.set_index(INNOVATIONS.id_field, drop=False).loc[RECORD]
    seen = edits.revision_seen(data, INNOVATIONS, RECORD)
    lat, lon = edits.shown_point(INNOVATIONS, record)
    entered = {"community_id": record["community_id"], "consent_public": False}
    changes, problems = edits.form_change(INNOVATIONS, RECORD, record, entered, lat, lon, data, seen, "es")
    assert problems == []
    entry, refusal = edits.save(changes, Source("edit", RECORD), "Ana", "es", open_store(path))
    assert refusal is None
    return entry


def test_withdrawn_consent_hides_the_name_and_the_exact_point_in_the_next_export(atlas):
    stored = open_store(atlas).load().innovations.set_index(INNOVATIONS.id_field).loc[RECORD]
    name, exact = stored["innovator_name"], (stored.geometry.x, stored.geometry.y)
    before = _public_csv(atlas)
    assert name in before and _point_shown(before) == pytest.approx(exact)  # with consent, the export shows both

    _withdraw(atlas)

    after = _public_csv(atlas)
    assert name not in after
    assert _point_shown(after) != pytest.approx(exact)
    kept = open_store(atlas).load().innovations.set_index(INNOVATIONS.id_field).loc[RECORD]
    assert kept["innovator_name"] == name and (kept.geometry.x, kept.geometry.y) == exact  # the store keeps them


def test_the_apps_cached_load_reads_the_store_again_once_it_is_written(atlas):
    from dashboard import state  # the app's cache: keyed by the store's location and revision
    from dashboard.data.viewers import Viewer

    committee = Viewer("editor")  # sees the stored flags as they are
    state._load.clear()
    state._stored.clear()
    store = open_store(atlas)
    before = store.revision()
    state._load(store.location, before, committee)

    _withdraw(atlas)

    after = store.revision()
    assert after != before
    data, _ = state._load(store.location, after, committee)
    assert not data.innovations.set_index(INNOVATIONS.id_field).loc[RECORD, "consent_public"]
    state._load.clear()
    state._stored.clear()


NAME = "Ana Quispe"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Lo inventó Ana Quispe en 1998.", "Lo inventó […] en 1998."),
        ("Idea de ANA QUISPE y su familia", "Idea de […] y su familia"),  # any case
        ("Ananás y quispes: Ana Quispes", "Ananás y quispes: Ana Quispes"),  # whole words only
        ("Con papa nativa.", "Con papa nativa."),
        (None, None),
    ],
)
def test_a_purge_takes_each_mention_of_the_name_out_of_the_free_text(description, expected):
    record = {"title": "Semillero", "title_local": None, "description": description, "innovator_name": NAME}
    record |= {"consent_public": True, "name_public": True}
    cleared, named = cleared_record(record, [NAME])
    assert cleared["description"] == expected and named == (["description"] if description != expected else [])
    assert cleared["innovator_name"] is None and not cleared["consent_public"] and not cleared["name_public"]
    assert cleared["title"] == "Semillero"
