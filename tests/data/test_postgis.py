"""The PostGIS backend's own promises, beyond the contract every store keeps (tests/data/test_store_contract.py):
its schema by migrations, its lock, a write cut short, its backups, its address, two processes at once."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC, datetime

import psycopg
import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard.data import history
from dashboard.data.backend import open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.conform import ContractError
from dashboard.data.postgis import migrations, tables
from dashboard.data.postgis.store import PostGISStore
from dashboard.data.refusals import CommitError
from dashboard.data.starter import empty_atlas
from dashboard.paths import ROOT
from tests.handmade import handmade_dataset
from tests.postgis import every_row

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def atlas(postgis_url) -> PostGISStore:
    store = open_store(postgis_url)
    store.create(handmade_dataset())
    return store


def _retitle(store, record_id: str, title: str, editor: str = "Ana") -> str:
    data = store.load()
    row = data.innovations[data.innovations["innovation_id"] == record_id].reset_index(drop=True)
    row["title"] = [title]
    seen = history.revision(data.tables, ("innovations", record_id))
    changes = Changes(updated={"innovations": row}, seen={("innovations", record_id): seen})
    return store.commit(changes, Source("edit", record_id), editor, now=NOW)


def test_migrations_build_the_schema_once_and_are_recorded(postgis_url):
    store = open_store(postgis_url)
    assert not store.exists() and store.revision() == "absent"
    assert store.migrate() == [m.label for m in migrations.known()] == ["0001_atlas"]
    assert store.migrate() == []
    with psycopg.connect(postgis_url) as connection:
        assert connection.execute("SELECT version, name FROM schema_migrations").fetchall() == [(1, "atlas")]
    assert not store.exists()  # a schema is not yet an atlas
    with pytest.raises(ContractError) as caught:
        store.load()
    assert caught.value.key == "store.no_atlas"


def test_a_pending_migration_is_named_until_it_is_applied(atlas, monkeypatch):
    later = migrations.Migration(2, "sources", "ALTER TABLE innovations ADD COLUMN source text")
    monkeypatch.setattr(migrations, "known", lambda: [migrations.Migration(1, "atlas", ""), later])
    with pytest.raises(ContractError) as caught:
        atlas.load()
    assert "0002_sources" in caught.value.message("en")
    assert atlas.migrate() == ["0002_sources"]
    assert len(atlas.load().innovations) == 6


def test_a_migration_that_fails_applies_none(postgis_url, monkeypatch):
    released = migrations.known()
    broken = migrations.Migration(2, "broken", "ALTER TABLE no_such_table ADD COLUMN x text")
    monkeypatch.setattr(migrations, "known", lambda: [*released, broken])
    with pytest.raises(ContractError) as caught:
        open_store(postgis_url).migrate()
    assert "0002_broken" in caught.value.message("en") and "no_such_table" in caught.value.message("en")
    assert every_row(postgis_url) == {}  # not even the first one, nor its record


def test_the_address_is_never_shown_with_its_password(postgis_cluster):
    address = postgis_cluster.url("postgres").replace("postgres@", "postgres:secreto@") + "?password=secreto"
    store = open_store(address)
    assert "secreto" not in store.location and store.location.startswith("postgresql://postgres@127.0.0.1:")
    assert "secreto" not in repr(store)
    unreachable = open_store("postgres://ana:secreto@127.0.0.1:1/atlas?password=secreto&connect_timeout=2")
    with pytest.raises(ContractError) as caught:
        unreachable.load()
    assert "secreto" not in caught.value.message("es") and "ana@127.0.0.1:1/atlas" in caught.value.message("es")


def test_a_write_waits_for_the_lock_then_is_busy_and_writes_nothing(atlas, postgis_url):
    before, revision = every_row(postgis_url), atlas.revision()
    waiting = PostGISStore(atlas.address, timeout=0.3)
    with psycopg.connect(postgis_url) as holder:
        holder.execute("SELECT revision FROM atlas_state FOR UPDATE")  # another writer, mid-write
        with pytest.raises(CommitError) as caught:
            _retitle(waiting, "INN-A", "bloqueada")
        assert caught.value.reason == "commit.busy" and atlas.location in caught.value.message("en")
    assert every_row(postgis_url) == before and atlas.revision() == revision
    _retitle(waiting, "INN-A", "libre")  # the lock released, the write goes through
    assert atlas.history()["file"].tolist() == ["INN-A"]


def test_a_write_cut_short_after_its_backup_leaves_every_table_as_it_was(atlas, postgis_url, monkeypatch):
    _retitle(atlas, "INN-B", "primera")
    before, revision = every_row(postgis_url), atlas.revision()
    write = tables.write

    def failing(connection, name, frame, location):
        if name == "innovations":  # partners and communities are rewritten already, the backup taken
            raise OSError("disk full")
        write(connection, name, frame, location)

    monkeypatch.setattr(tables, "write", failing)
    with pytest.raises(OSError):
        _retitle(atlas, "INN-A", "a medias")
    assert every_row(postgis_url) == before and atlas.revision() == revision


def test_a_read_sees_a_write_whole_or_not_at_all(atlas, postgis_url):
    before = every_row(postgis_url)
    _retitle(atlas, "INN-A", "vista")
    assert every_row(postgis_url) != before  # what `raw` reads does see a write


def test_only_the_newest_backups_are_kept(atlas, postgis_url):
    store = PostGISStore(atlas.address, keep_backups=2)
    entries = [_retitle(store, "INN-A", f"título {n}") for n in range(3)]
    assert [b.entry for b in store.backups()] == entries[1:]
    with psycopg.connect(postgis_url) as connection:
        schemas = connection.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'atlas_backup_%'")
        assert sorted(row[0] for row in schemas) == ["atlas_backup_2", "atlas_backup_3"]


WRITER = """
import sys
from dashboard.data import history
from dashboard.data.backend import open_store
from dashboard.data.changes import Changes, Source

store, record = open_store(sys.argv[1]), sys.argv[2]
for n in range(3):
    data = store.load()
    row = data.innovations[data.innovations["innovation_id"] == record].reset_index(drop=True)
    row["title"] = [f"{record} {n}"]
    seen = history.revision(data.tables, ("innovations", record))
    changes = Changes(updated={"innovations": row}, seen={("innovations", record): seen})
    store.commit(changes, Source("edit", record), record)
"""


def test_two_processes_writing_at_once_both_land_and_nothing_is_lost(atlas):
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, atlas.address, record], cwd=ROOT, stderr=subprocess.PIPE)
        for record in ("INN-A", "INN-B")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read().decode()
    log = atlas.history()
    assert sorted(log["id"]) == [f"CHG-{n:06d}" for n in range(1, 7)]
    assert sorted(log["editor"]) == ["INN-A"] * 3 + ["INN-B"] * 3
    titles = dict(zip(atlas.load().innovations["innovation_id"], atlas.load().innovations["title"], strict=True))
    assert (titles["INN-A"], titles["INN-B"]) == ("INN-A 2", "INN-B 2")
    assert len(atlas.backups()) == 6


def test_a_column_the_schema_lacks_is_refused_by_name_and_nothing_is_written(atlas, postgis_url):
    data = atlas.load()
    extra = {"atlas_imports": history.table({}, "atlas_imports").assign(reviewer=[])}
    before = every_row(postgis_url)
    with pytest.raises(ContractError) as caught:
        atlas.create(dataclasses.replace(data, tables=extra))
    assert (caught.value.layer, caught.value.field, caught.value.key) == (
        "atlas_imports",
        "reviewer",
        "store.no_column",
    )
    assert every_row(postgis_url) == before


def test_an_empty_atlas_loads_as_it_loads_from_a_geopackage(postgis_url, tmp_path):
    empty = empty_atlas(partners=True)
    open_store(postgis_url).create(empty)
    open_store(tmp_path / "vacio.gpkg").create(empty)
    loaded, expected = open_store(postgis_url).load(), open_store(tmp_path / "vacio.gpkg").load()
    for name in ("partners", "communities", "innovations"):
        assert_geodataframe_equal(getattr(loaded, name), getattr(expected, name))
    assert len(loaded.partners) == 8 and loaded.innovations.empty
    assert loaded.metadata == expected.metadata and loaded.boundaries is None and loaded.tables == {}
