"""What every store backend promises, written against `AtlasStore` alone and run on each backend.

A backend joins by adding one entry to BACKENDS: a function that makes a fresh store holding the
hand-made atlas and says how to read everything it holds, so "unchanged" can be checked byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from dashboard.data.backend import AtlasStore, Backup, open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.conform import ContractError
from dashboard.data.contract import ENTITIES
from dashboard.data.dataset import Dataset
from dashboard.data.refusals import CommitError, ConflictError
from dashboard.paths import STORE_ENV
from tests.handmade import handmade_dataset

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2025, 5, 2, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Made:
    """A fresh store, and everything its backend holds (files, tables), read raw."""

    store: AtlasStore
    raw: Callable[[], object]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes; lock files hold no data."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def _geopackage(request: pytest.FixtureRequest) -> Made:
    folder = request.getfixturevalue("tmp_path") / "geopackage"
    folder.mkdir()
    atlas = open_store(folder / "atlas.gpkg")
    atlas.create(handmade_dataset())
    return Made(atlas, lambda: _files(folder))


def _postgis(request: pytest.FixtureRequest) -> Made:
    from tests.postgis import every_row

    address = request.getfixturevalue("postgis_url")
    atlas = open_store(address)
    atlas.create(handmade_dataset())
    return Made(atlas, lambda: every_row(address))


# backend -> a fresh store holding the hand-made atlas (the factory asks for the fixtures it needs)
BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Made]] = {"geopackage": _geopackage, "postgis": _postgis}


@pytest.fixture(params=list(BACKENDS))
def made(request) -> Made:
    return BACKENDS[request.param](request)


def _record(store: AtlasStore, record_id: str, **values) -> gpd.GeoDataFrame:
    """One innovation as the store holds it, with `values` changed."""
    innovations = store.load().innovations
    row = innovations[innovations["innovation_id"] == record_id].reset_index(drop=True)
    for name, value in values.items():
        row[name] = [value]
    return row


def _edit(store: AtlasStore, record_id: str, editor: str, seen: int = 1, now: datetime = NOW, **values) -> str:
    changes = Changes(
        updated={"innovations": _record(store, record_id, **values)}, seen={("innovations", record_id): seen}
    )
    return store.commit(changes, Source("edit", record_id), editor, now=now)


def _titles(data: Dataset) -> dict[str, str]:
    return dict(zip(data.innovations["innovation_id"], data.innovations["title"], strict=True))


def _same_records(left: Dataset, right: Dataset) -> None:
    for entity in ENTITIES:
        assert_geodataframe_equal(left.frame(entity), right.frame(entity))


def test_it_is_an_atlas_store_that_loads_what_it_was_given(made):
    assert isinstance(made.store, AtlasStore) and made.store.exists()
    _same_records(made.store.load(), handmade_dataset())
    assert made.store.history().empty and made.store.trash().empty and made.store.backups() == []


def test_a_commit_is_what_loads_next_and_changes_the_revision(made):
    store = made.store
    before = store.revision()
    added = _record(store, "INN-A", title="Qocha nueva").assign(innovation_id=None)
    changes = Changes(
        added={"innovations": added},
        updated={"innovations": _record(store, "INN-B", title="Otra")},
        seen={("innovations", "INN-B"): 1},
    )
    entry = store.commit(changes, Source("import", "campo.csv", "ab" * 32, {"new": 1}), "Ana", now=NOW)
    assert entry == "CHG-000001" and store.revision() != before
    titles = _titles(store.load())
    assert titles["INN-B"] == "Otra" and titles["INN-000001"] == "Qocha nueva" and len(titles) == 7
    assert store.metadata()["updated"] == "2025-05-01T12:00:00Z"
    reread = store.revision()
    store.load(), store.history(), store.trash(), store.backups()
    assert store.revision() == reread  # reading is not writing


FAILING = {
    "refused": lambda store: store.commit(Changes(deleted={"communities": ("c1",)}), Source("delete", "c1"), "Ana"),
    "conflict": lambda store: store.commit(
        Changes(added={"innovations": _record(store, "INN-A")}), Source("import", "a.csv"), "Ana"
    ),
    "breaks the contract": lambda store: _edit(store, "INN-A", "Ana", domain="not_a_domain"),
    "unknown layer": lambda store: store.commit(Changes(deleted={"regions": ("PE-AYA",)}), Source("edit", "x"), "Ana"),
    "nothing": lambda store: store.commit(Changes(), Source("edit", "x"), "Ana"),
    "plan fails": lambda store: store.commit_planned(lambda data: 1 / 0, "Ana"),
    "unknown entry": lambda store: store.undo("CHG-999999", "Ana"),
    "unknown backup": lambda store: store.restore("atlas-20200101T000000Z-CHG-000099.gpkg", "Ana"),
    "not a backup": lambda store: store.restore("../atlas.gpkg", "Ana"),
}


@pytest.mark.parametrize("failing", list(FAILING))
def test_a_failing_write_leaves_the_store_byte_for_byte_unchanged(made, failing):
    _edit(made.store, "INN-C", "Ana", title="Antes")  # a store with history and a backup
    before, revision = made.raw(), made.store.revision()
    with pytest.raises((CommitError, ContractError, ZeroDivisionError)):
        FAILING[failing](made.store)
    assert made.raw() == before and made.store.revision() == revision


def test_a_stale_revision_is_refused_naming_who_changed_the_record(made):
    _edit(made.store, "INN-A", "Ana", title="Primera corrección")
    before = made.raw()
    with pytest.raises(ConflictError) as caught:
        _edit(made.store, "INN-A", "Ben", seen=1, title="Sobre datos viejos")
    (conflict,) = caught.value.conflicts
    assert (conflict.id, conflict.seen, conflict.revision, conflict.editor) == ("INN-A", 1, 2, "Ana")
    assert made.raw() == before and _titles(made.store.load())["INN-A"] == "Primera corrección"
    _edit(made.store, "INN-A", "Ben", seen=2, title="Sobre la revisión 2")
    assert _titles(made.store.load())["INN-A"] == "Sobre la revisión 2"


def test_history_lists_each_change_with_who_when_and_what(made):
    first = _edit(made.store, "INN-A", "Ana", title="uno")
    second = made.store.commit(
        Changes(deleted={"innovations": ("INN-F",)}), Source("delete", "INN-F"), "Ben", now=LATER
    )
    log = made.store.history()
    assert log["id"].tolist() == [second, first]
    assert log[["kind", "editor", "time", "file"]].values.tolist() == [
        ["delete", "Ben", "2025-05-02T09:30:00Z", "INN-F"],
        ["edit", "Ana", "2025-05-01T12:00:00Z", "INN-A"],
    ]
    assert json.loads(log["records"][0]) == [["innovations", "INN-F", "deleted", 2]]
    assert made.store.trash()[["entity", "id", "deleted_by"]].values.tolist() == [["innovations", "INN-F", "Ben"]]


def test_a_planned_commit_writes_what_the_plan_finds_on_the_store_under_the_lock(made):
    seen: list[int] = []

    def plan(data: Dataset) -> tuple[Changes, Source]:
        seen.append(len(data.innovations))
        row = data.innovations.head(1).assign(innovation_id=None, title="Del plan")
        return Changes(added={"innovations": row}), Source("import", "plan.csv", counts={"new": 1})

    assert made.store.commit_planned(plan, "Ana", now=NOW) == "CHG-000001"
    assert seen == [6] and "Del plan" in _titles(made.store.load()).values()
    assert json.loads(made.store.history()["counts"][0])["new"] == 1
    before = made.raw()
    assert made.store.commit_planned(lambda data: (Changes(), Source("import", "igual.csv")), "Ana") is None
    assert made.raw() == before


def test_undo_restores_the_records_and_the_trash_as_they_were(made):
    before = made.store.load()
    changes = Changes(
        added={"innovations": _record(made.store, "INN-A", title="nueva").assign(innovation_id=None)},
        updated={"innovations": _record(made.store, "INN-B", title="cambiada", partners=["cedap"])},
        deleted={"innovations": ("INN-C",)},
    )
    entry = made.store.commit(changes, Source("import", "lote.csv"), "Ana", now=NOW)
    reverse = made.store.undo(entry, "Ben", now=LATER)
    _same_records(made.store.load(), before)
    assert made.store.trash().empty
    log = made.store.history().set_index("id")
    assert log.at[entry, "undone_by"] == reverse and log.at[reverse, "undoes"] == entry
    assert log.at[reverse, "editor"] == "Ben"
    with pytest.raises(CommitError) as caught:
        made.store.undo(entry, "Ben")
    assert caught.value.reason == "commit.already_undone"


def test_undo_is_refused_while_a_later_change_to_the_same_record_stands(made):
    first = _edit(made.store, "INN-A", "Ana", title="primera")
    _edit(made.store, "INN-A", "Ben", seen=2, title="segunda")
    before = made.raw()
    with pytest.raises(ConflictError):
        made.store.undo(first, "Ana")
    assert made.raw() == before


def test_backups_are_listed_and_one_brings_the_store_back(made):
    first = _edit(made.store, "INN-A", "Ana", title="uno")
    after_first = made.store.load()
    second = _edit(made.store, "INN-B", "Ana", title="dos", now=LATER)
    backups = made.store.backups()
    assert [b.entry for b in backups] == [first, second]
    assert all(isinstance(b, Backup) for b in backups)
    assert [b.taken for b in backups] == ["2025-05-01T12:00:00Z", "2025-05-02T09:30:00Z"]

    entry = made.store.restore(backups[1].name, "Ben", now=LATER)  # taken before the second change
    _same_records(made.store.load(), after_first)
    latest = made.store.history().iloc[0]
    assert (latest["id"], latest["kind"], latest["editor"], latest["file"]) == (
        entry,
        "restore_backup",
        "Ben",
        backups[1].name,
    )
    with pytest.raises(ConflictError):  # a form opened before the restore is out of date
        _edit(made.store, "INN-A", "Ana", seen=2, title="tarde")
    made.store.undo(entry, "Ben")
    assert _titles(made.store.load())["INN-B"] == "dos"


def _boxes(level: str, codes: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"boundary_id": [f"{level}-{c}" for c in codes], "level": level, "code": codes, "name": codes},
        geometry=[shapely.box(-75 + n, -14, -74.5 + n, -13.5) for n, _ in enumerate(codes)],
        crs="EPSG:4326",
    )


def test_boundaries_are_replaced_by_level_once_and_an_undo_brings_back_the_old_ones(made):
    regions = _boxes("region", ["PE-AYA", "PE-PUN"])
    entry = made.store.replace_boundaries(regions, Source("boundaries", "regiones.gpkg"), "Ana", now=NOW)
    assert made.store.load().boundaries["code"].tolist() == ["PE-AYA", "PE-PUN"]
    before = made.raw()
    assert made.store.replace_boundaries(regions, Source("boundaries", "otra vez"), "Ana") is None
    assert made.raw() == before
    made.store.replace_boundaries(_boxes("province", ["Huanta"]), Source("boundaries", "provincias"), "Ana")
    assert sorted(made.store.load().boundaries["level"].astype(str)) == ["province", "region", "region"]
    assert made.store.history()["kind"].tolist() == ["boundaries", "boundaries"]
    made.store.undo(made.store.history()["id"][0], "Ana")
    made.store.undo(entry, "Ana")
    assert made.store.load().boundaries is None


def test_open_store_reads_the_configured_location(made, monkeypatch):
    monkeypatch.setenv(STORE_ENV, made.store.location)
    configured = open_store()
    assert configured.location == made.store.location and configured.revision() == made.store.revision()


def test_a_location_no_backend_can_open_is_a_clear_error():
    with pytest.raises(ContractError) as caught:
        open_store("nosuch://ana:secreto@servidor/atlas")
    assert "nosuch://" in caught.value.message("en") and "secreto" not in caught.value.message("en")
