"""Committing changes to a real GeoPackage: round trips, new ids, conflicts, trash, backups, audit, undo, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard.data import backup_files, drafts, history, numbering, store
from dashboard.data.changes import Changes, Source
from dashboard.data.contract import COMMUNITIES, ENTITIES, INNOVATIONS, PARTNERS
from dashboard.data.geopackage import GeoPackageStore
from dashboard.data.refusals import CommitError, ConflictError
from dashboard.paths import ROOT
from tests.handmade import handmade_dataset

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
WAIT = 180  # seconds a subprocess may take to start, import and commit on a busy machine
OWN_POINT_AND_LISTS = "INN-000012"  # in the small store: own point, crops, local title, start year


def _only(frame: gpd.GeoDataFrame, column: str, value: str) -> gpd.GeoDataFrame:
    return frame[frame[column] == value].reset_index(drop=True)


def _edited(path: Path, record_id: str, **values) -> gpd.GeoDataFrame:
    """One innovation as the store has it, with `values` changed."""
    row = _only(store.load(path).innovations, "innovation_id", record_id)
    for name, value in values.items():
        row[name] = [value]
    return row


def _edit(path: Path, record_id: str, editor: str, seen: int | None = None, **values) -> str:
    seen_map = {} if seen is None else {("innovations", record_id): seen}
    changes = Changes(updated={"innovations": _edited(path, record_id, **values)}, seen=seen_map)
    return GeoPackageStore(path).commit(changes, Source("edit", "formulario"), editor, now=NOW)


def _new_innovations(path: Path, titles: list[str]) -> gpd.GeoDataFrame:
    rows = store.load(path).innovations.head(len(titles)).copy()
    rows["innovation_id"] = None
    rows["title"] = titles
    return rows


def test_add_update_delete_restore_round_trip(atlas):
    before = store.load(atlas)
    added = _new_innovations(atlas, ["Qocha nueva", "Semillero nuevo"])
    added["source_key"] = ["uuid:a", "uuid:b"]
    updated = _edited(atlas, "INN-000003", title="Título corregido", crops=["quinua", "oca"])
    changes = Changes(
        added={"innovations": added},
        updated={"innovations": updated},
        deleted={"innovations": (OWN_POINT_AND_LISTS,)},
        seen={("innovations", "INN-000003"): 1},
    )
    GeoPackageStore(atlas).commit(changes, Source("import", "campo.csv", "ab" * 32, {"new": 2}), "ana", now=NOW)

    after = store.load(atlas)
    ids = list(after.innovations["innovation_id"])
    assert len(ids) == 80 + 2 - 1 and OWN_POINT_AND_LISTS not in ids
    assert ids[-2:] == ["INN-000081", "INN-000082"] and ids.index("INN-000003") == 2
    by_id = after.innovations.set_index("innovation_id")
    assert by_id.at["INN-000081", "title"] == "Qocha nueva" and by_id.at["INN-000082", "title"] == "Semillero nuevo"
    assert by_id.at["INN-000003", "title"] == "Título corregido"
    assert by_id.at["INN-000003", "crops"] == ["quinua", "oca"]
    records = after.tables["atlas_records"].set_index("id")
    assert records.loc["INN-000003", ["revision", "updated_by", "updated_at"]].tolist() == [
        "2",
        "ana",
        "2025-05-01T12:00:00Z",
    ]
    assert records.loc[["INN-000081", OWN_POINT_AND_LISTS], "source_key"].tolist() == ["uuid:a", ""]
    assert after.metadata["updated"] == "2025-05-01T12:00:00Z"
    binned = GeoPackageStore(atlas).trash()
    assert binned[["entity", "id", "deleted_by"]].values.tolist() == [["innovations", OWN_POINT_AND_LISTS, "ana"]]

    GeoPackageStore(atlas).commit(
        Changes(restored={"innovations": (OWN_POINT_AND_LISTS,)}), Source("restore", "papelera"), "ben"
    )
    restored = store.load(atlas)
    assert GeoPackageStore(atlas).trash().empty and len(restored.innovations) == 82
    assert_geodataframe_equal(
        _only(restored.innovations, "innovation_id", OWN_POINT_AND_LISTS),
        _only(before.innovations, "innovation_id", OWN_POINT_AND_LISTS),
    )


@pytest.mark.parametrize(
    ("taken", "prefix", "width", "expected"),
    [
        ({"INN-000001", "INN-000080"}, "INN-", 6, "INN-000081"),
        ({"INN-7", "INN-12"}, "INN-", 6, "INN-13"),  # the store's own (lack of) padding continues
        ({"INN-000999"}, "INN-", 6, "INN-001000"),
        ({"INN-999"}, "INN-", 6, "INN-1000"),
        (set(), "INN-", 6, "INN-000001"),
        ({"INN-A", "INN-B"}, "INN-", 6, "INN-000001"),
        ({"PE-AYA-001", "PE-AYA-014", "PE-AYA-G00031", "PE-PUN-010"}, "PE-AYA-", 3, "PE-AYA-015"),
        ({"PE-AYA-001"}, "PE-PUN-", 3, "PE-PUN-001"),
    ],
)
def test_new_ids_continue_the_highest_number_with_its_padding(taken, prefix, width, expected):
    assert numbering.next_ids(taken, prefix, width, 2)[0] == expected


def test_records_added_without_ids_get_unique_padded_ids(atlas):
    before = store.load(atlas)
    community = _only(before.communities, "region", "PE-AYA").head(2).copy()
    community["community_id"] = None
    partner = before.partners.head(1).copy()
    partner["partner_id"] = None
    changes = Changes(
        added={
            "innovations": _new_innovations(atlas, ["uno", "dos", "tres"]),
            "communities": community,
            "partners": partner,
        }
    )
    GeoPackageStore(atlas).commit(changes, Source("import", "nuevos.xlsx"), "ana", now=NOW)
    after = store.load(atlas)
    assert after.innovations["innovation_id"].tail(3).tolist() == ["INN-000081", "INN-000082", "INN-000083"]
    assert after.communities["community_id"].tail(2).tolist() == ["PE-AYA-015", "PE-AYA-016"]
    assert after.partners["partner_id"].iat[-1] == "PAR-001"
    for entity in ENTITIES:
        assert after.frame(entity)[entity.id_field].is_unique


def test_ids_of_deleted_records_are_never_given_again(atlas):
    atlas_store = GeoPackageStore(atlas)
    atlas_store.commit(Changes(deleted={"innovations": ("INN-000080",)}), Source("delete", "INN-000080"), "ana")
    added = Changes(added={"innovations": _new_innovations(atlas, ["otra"])})
    atlas_store.commit(added, Source("edit", "nueva"), "ana")
    assert store.load(atlas).innovations["innovation_id"].iat[-1] == "INN-000081"


def test_a_stale_revision_is_a_conflict_and_writes_nothing(atlas):
    _edit(atlas, "INN-000003", "ana", seen=1, title="Primera corrección")
    before = atlas.read_bytes()
    with pytest.raises(ConflictError) as caught:
        _edit(atlas, "INN-000003", "ben", seen=1, title="Corrección sobre datos viejos")
    assert atlas.read_bytes() == before
    (conflict,) = caught.value.conflicts
    assert (conflict.id, conflict.seen, conflict.revision, conflict.editor) == ("INN-000003", 1, 2, "ana")
    english = caught.value.message("en")
    assert "INN-000003" in english and "ana" in english and "2025-05-01T12:00:00Z" in english
    assert "INN-000003" in str(caught.value) and "revisión 2" in str(caught.value)


def _moved(atlas: Path, record_id: str, new_id: str) -> gpd.GeoDataFrame:
    return _edited(atlas, record_id).assign(innovation_id=new_id)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param(
            lambda atlas: Changes(updated={"innovations": _moved(atlas, "INN-000003", "INN-999")}),
            "commit.gone",
            id="update-missing",
        ),
        pytest.param(lambda atlas: Changes(deleted={"innovations": ("INN-999",)}), "commit.gone", id="delete-missing"),
        pytest.param(
            lambda atlas: Changes(added={"innovations": _edited(atlas, "INN-000003")}),
            "commit.exists",
            id="add-existing",
        ),
        pytest.param(
            lambda atlas: Changes(added={"innovations": _moved(atlas, "INN-000002", "INN-000001")}),
            "commit.exists",
            id="add-existing-other-row",
        ),
        pytest.param(
            lambda atlas: Changes(restored={"innovations": ("INN-000003",)}), "commit.exists", id="restore-live"
        ),
        pytest.param(
            lambda atlas: Changes(restored={"innovations": ("INN-999",)}), "commit.not_in_trash", id="restore-unknown"
        ),
    ],
)
def test_records_that_are_gone_or_already_exist_are_conflicts(atlas, changes, reason):
    before = atlas.read_bytes()
    with pytest.raises(ConflictError) as caught:
        GeoPackageStore(atlas).commit(changes(atlas), Source("edit", "formulario"), "ana")
    assert [c.reason for c in caught.value.conflicts] == [reason]
    assert atlas.read_bytes() == before


def test_adding_a_record_whose_id_is_in_the_trash_is_a_conflict(atlas):
    row, atlas_store = _edited(atlas, "INN-000080"), GeoPackageStore(atlas)
    atlas_store.commit(Changes(deleted={"innovations": ("INN-000080",)}), Source("delete", "INN-000080"), "ana")
    with pytest.raises(ConflictError, match="papelera"):
        atlas_store.commit(Changes(added={"innovations": row}), Source("import", "otra vez.csv"), "ben")


def test_deleting_a_community_still_named_by_an_innovation_is_refused(atlas):
    before = atlas.read_bytes()
    with pytest.raises(CommitError) as caught:
        GeoPackageStore(atlas).commit(
            Changes(deleted={"communities": ("PE-AYA-006",)}), Source("delete", "PE-AYA-006"), "ana"
        )
    assert caught.value.reason == "commit.referenced" and atlas.read_bytes() == before
    assert "INN-000001" in caught.value.message("en") and "PE-AYA-006" in str(caught.value)
    named_by = tuple(_only(store.load(atlas).innovations, "community_id", "PE-AYA-006")["innovation_id"])
    GeoPackageStore(atlas).commit(
        Changes(deleted={"communities": ("PE-AYA-006",), "innovations": named_by}), Source("delete", "todo"), "ana"
    )
    assert "PE-AYA-006" not in set(store.load(atlas).communities["community_id"])
    assert len(GeoPackageStore(atlas).trash()) == 1 + len(named_by)


def test_a_backup_is_taken_before_each_write_and_old_ones_pruned(atlas):
    original = atlas.read_bytes()
    first = _edit(atlas, "INN-000001", "ana", title="uno")
    (backup,) = backup_files.listed(atlas)
    assert backup.name == f"atlas-20250501T120000Z-{first}.gpkg" and backup.parent.name == "backups"
    assert backup.read_bytes() == original
    second = _edit(atlas, "INN-000002", "ana", title="dos")
    changes = Changes(updated={"innovations": _edited(atlas, "INN-000004", title="cuatro")})
    third = GeoPackageStore(atlas, keep_backups=2).commit(changes, Source("edit", "formulario"), "ana", now=NOW)
    assert [p.name for p in backup_files.listed(atlas)] == [f"atlas-20250501T120000Z-{e}.gpkg" for e in (second, third)]


def test_the_audit_records_who_when_which_file_its_hash_and_counts(atlas):
    digest = "0123456789abcdef" * 4
    added = _new_innovations(atlas, ["a", "b"])
    changes = Changes(added={"innovations": added}, deleted={"innovations": ("INN-000005",)})
    counts = {"new": 2, "update": 0, "unchanged": 78, "rejected": 1}
    entry = GeoPackageStore(atlas).commit(changes, Source("import", "kobo.xlsx", digest, counts), "ana", now=NOW)
    second = _edit(atlas, "INN-000001", "ben", title="otra")
    log = GeoPackageStore(atlas).history()
    assert log["id"].tolist() == [second, entry] == ["CHG-000002", "CHG-000001"]
    row = log.iloc[1]
    assert row[["kind", "editor", "time", "file", "sha256", "undone_by", "undoes"]].tolist() == [
        "import",
        "ana",
        "2025-05-01T12:00:00Z",
        "kobo.xlsx",
        digest,
        "",
        "",
    ]
    assert json.loads(row["counts"]) == {**counts, "added": 2, "updated": 0, "deleted": 1, "restored": 0}
    assert row["backup"] == f"atlas-20250501T120000Z-{entry}.gpkg"
    assert sorted(map(tuple, json.loads(row["records"]))) == [
        ("innovations", "INN-000005", "deleted", 2),
        ("innovations", "INN-000081", "added", 1),
        ("innovations", "INN-000082", "added", 1),
    ]


def test_undo_restores_exactly_the_previous_data(atlas):
    before = store.load(atlas)
    changes = Changes(
        added={"innovations": _new_innovations(atlas, ["nueva"])},
        updated={"innovations": _edited(atlas, "INN-000003", title="cambiada", partners=["cedap"])},
        deleted={"innovations": (OWN_POINT_AND_LISTS, "INN-000040"), "communities": ("PE-AYA-005",)},
    )
    entry = GeoPackageStore(atlas).commit(changes, Source("import", "lote.csv"), "ana", now=NOW)
    reverse = GeoPackageStore(atlas).undo(entry, "ben", now=NOW)
    after = store.load(atlas)
    for entity in ENTITIES:
        assert_geodataframe_equal(after.frame(entity), before.frame(entity))
    assert GeoPackageStore(atlas).trash().empty
    log = GeoPackageStore(atlas).history().set_index("id")
    assert log.at[entry, "undone_by"] == reverse and log.at[reverse, "undoes"] == entry
    assert log.at[reverse, "kind"] == "undo" and log.at[reverse, "editor"] == "ben"
    for target, reason in (
        (entry, "commit.already_undone"),
        (reverse, "commit.undo_of_undo"),
        ("CHG-999999", "commit.unknown_entry"),
    ):
        with pytest.raises(CommitError) as caught:
            GeoPackageStore(atlas).undo(target, "ben")
        assert caught.value.reason == reason and target in caught.value.message("en")


def test_undo_of_a_restore_puts_the_record_back_in_the_trash(atlas):
    atlas_store = GeoPackageStore(atlas)
    atlas_store.commit(Changes(deleted={"innovations": ("INN-000007",)}), Source("delete", "INN-000007"), "ana")
    binned = atlas_store.trash()
    entry = atlas_store.commit(
        Changes(restored={"innovations": ("INN-000007",)}), Source("restore", "INN-000007"), "ana"
    )
    atlas_store.undo(entry, "ana")
    assert "INN-000007" not in set(store.load(atlas).innovations["innovation_id"])
    assert GeoPackageStore(atlas).trash().equals(binned)


def test_undo_is_refused_after_a_later_change_to_the_same_record(atlas):
    first = _edit(atlas, "INN-000003", "ana", title="primera")
    later = _edit(atlas, "INN-000003", "ben", title="segunda")
    before = atlas.read_bytes()
    with pytest.raises(ConflictError) as caught:
        GeoPackageStore(atlas).undo(first, "ana")
    assert atlas.read_bytes() == before
    assert [(c.id, c.editor) for c in caught.value.conflicts] == [("INN-000003", "ben")]
    assert first in caught.value.message("en") and "INN-000003" in caught.value.message("en")
    GeoPackageStore(atlas).undo(later, "ana")  # newest first: then the first can be undone too
    GeoPackageStore(atlas).undo(first, "ana")
    assert _only(store.load(atlas).innovations, "innovation_id", "INN-000003")["title"].iat[0] != "primera"


def test_undo_needs_the_backup_of_its_entry(atlas):
    first = _edit(atlas, "INN-000001", "ana", title="uno")
    _edit(atlas, "INN-000002", "ana", title="dos")
    changes = Changes(updated={"innovations": _edited(atlas, "INN-000004", title="x")})
    GeoPackageStore(atlas, keep_backups=1).commit(changes, Source("edit", "f"), "ana")
    with pytest.raises(CommitError) as caught:
        GeoPackageStore(atlas).undo(first, "ana")
    assert caught.value.reason == "commit.no_backup"


def test_a_busy_store_is_a_clear_error_after_the_timeout(atlas):
    before = atlas.read_bytes()
    changes = Changes(deleted={"innovations": ("INN-000001",)})
    with GeoPackageStore(atlas).locked(), pytest.raises(CommitError) as caught:  # another importer holds the lock
        GeoPackageStore(atlas, timeout=0.2).commit(changes, Source("delete", "INN-000001"), "ana")
    assert caught.value.reason == "commit.busy" and "atlas.gpkg" in caught.value.message("en")
    assert atlas.read_bytes() == before


def test_nothing_to_commit_and_an_unknown_layer_are_refused(atlas):
    with pytest.raises(CommitError, match="No hay cambios"):
        GeoPackageStore(atlas).commit(Changes(), Source("edit", "vacío"), "ana")
    with pytest.raises(CommitError) as caught:
        GeoPackageStore(atlas).commit(Changes(deleted={"regions": ("PE-AYA",)}), Source("edit", "x"), "ana")
    assert caught.value.reason == "commit.unknown_layer"


@pytest.mark.parametrize("entity", [PARTNERS, COMMUNITIES, INNOVATIONS], ids=lambda e: e.layer)
def test_a_record_survives_the_trash_as_json(entity):
    rows = drafts.plain(entity, handmade_dataset().frame(entity), "handmade")
    for record in rows.to_dict("records"):
        back = history.record_from_json(entity, history.record_json(entity, record))
        assert back.pop("geometry") == record.pop("geometry")
        assert back == record
        assert json.loads(history.record_json(entity, {**record, "geometry": None}))["geometry"] is None


# A commit that stops, like a power cut would, after store.write has written and verified its temporary
# file but before os.replace puts it in place; the test then kills it.
KILLED_COMMIT = """
import os, sys, time
from pathlib import Path
from dashboard.data import store
from dashboard.data.changes import Changes, Source
from dashboard.data.geopackage import GeoPackageStore

atlas, ready = Path(sys.argv[1]), Path(sys.argv[2])
replace = os.replace

def pause_before_rename(source, target):
    if str(source).endswith(".tmp.gpkg"):
        ready.with_name("ready.part").write_text(str(source))
        replace(ready.with_name("ready.part"), ready)  # whole or absent: the test reads it once it exists
        time.sleep(600)
    replace(source, target)

os.replace = pause_before_rename
row = store.load(atlas).innovations.head(1).copy()
row["title"] = "Nunca guardado"
GeoPackageStore(atlas).commit(Changes(updated={"innovations": row}), Source("edit", "corte"), "killed")
"""

# An importer that reads the store, waits for the signal to go, then adds rows without ids.
IMPORTER = """
import sys, time
from pathlib import Path
from dashboard.data import store
from dashboard.data.changes import Changes, Source
from dashboard.data.geopackage import GeoPackageStore

atlas, ready, go, tag = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
rows = store.load(atlas).innovations.head(3).copy()
rows["innovation_id"] = None
rows["title"] = [f"{tag} {n}" for n in range(len(rows))]
ready.touch()
deadline = time.monotonic() + 120
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
print(GeoPackageStore(atlas).commit(Changes(added={"innovations": rows}), Source("import", f"{tag}.csv"), tag))
"""


def _python(script: str, *args: Path | str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(done, processes: list[subprocess.Popen]) -> None:
    """Wait (at most WAIT seconds) until `done()`; fail at once if a process ends first."""
    deadline = time.monotonic() + WAIT
    while not done():
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"the subprocess ended early:\n{process.communicate()[1]}")
        assert time.monotonic() < deadline, "timed out waiting for the subprocess"
        time.sleep(0.05)


def test_a_commit_killed_before_the_rename_leaves_the_store_intact(atlas, tmp_path):
    before_bytes, before = atlas.read_bytes(), store.load(atlas)
    ready = tmp_path / "ready"
    process = _python(KILLED_COMMIT, atlas, ready)
    _wait_for(ready.exists, [process])
    assert Path(ready.read_text()).is_file()  # the verified temporary file, not yet renamed
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=WAIT)

    assert atlas.read_bytes() == before_bytes
    loaded = store.load(atlas)
    for entity in ENTITIES:
        assert_geodataframe_equal(loaded.frame(entity), before.frame(entity))
    assert list(tmp_path.glob(".atlas.*.tmp.gpkg"))  # what the killed writer left behind
    _edit(atlas, "INN-000002", "ana", title="Después del corte")
    assert not list(tmp_path.glob(".atlas.*.tmp.gpkg")) and not list(tmp_path.glob("backups/.*"))
    assert "Después del corte" in set(store.load(atlas).innovations["title"])


def test_two_concurrent_importers_lose_no_rows(atlas, tmp_path):
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{tag}" for tag in ("uno", "dos")]
    processes = [_python(IMPORTER, atlas, ready, go, tag) for ready, tag in zip(readies, ("uno", "dos"), strict=True)]
    _wait_for(lambda: all(r.exists() for r in readies), processes)  # both read the store before either writes
    go.touch()
    outputs = [p.communicate(timeout=WAIT) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    assert sorted(out.strip() for out, _ in outputs) == ["CHG-000001", "CHG-000002"]
    innovations = store.load(atlas).innovations
    assert len(innovations) == 80 + 6 and innovations["innovation_id"].is_unique
    new = innovations.tail(6)
    assert sorted(new["innovation_id"]) == [f"INN-{n:06d}" for n in range(81, 87)]
    assert sorted(new["title"]) == sorted(f"{tag} {n}" for tag in ("uno", "dos") for n in range(3))
