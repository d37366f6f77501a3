"""`purge` clears an innovation's personal fields from the store, its trash and every backup, for good."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data.backend import open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.contract import INNOVATIONS
from dashboard.data.history import revision
from dashboard.data.refusals import ConflictError
from dashboard.data.store import SIDECARS

RECORD, BINNED = "INN-000002", "INN-000005"
NAME, OTHER = "Zenobia Qhapaq Huamaní", "Eulogio Ccori Mamani"  # in no demo record


def _files(atlas: Path) -> list[Path]:
    """The store, its SQLite sidecars if any, and every file of its backups folder."""
    sidecars = [atlas.with_name(atlas.name + sidecar) for sidecar in SIDECARS]
    folder = atlas.parent / "backups"
    return [f for f in [atlas, *sidecars, *(sorted(folder.iterdir()) if folder.is_dir() else [])] if f.is_file()]


def _holding(atlas: Path, name: str) -> list[str]:
    """The files whose raw bytes hold `name`: as SQLite keeps text (UTF-8, any case) or as escaped JSON."""
    forms = {name.lower().encode(), json.dumps(name.lower())[1:-1].encode()}
    return [f.name for f in _files(atlas) if any(form in f.read_bytes().lower() for form in forms)]


def _name(atlas: Path, record: str, name: str, description: str | None = None) -> str:
    """Give `record` an innovator's name (and a description) through the store, as the editing page does."""
    store = open_store(atlas)
    data = store.load()
    row = data.innovations[data.innovations[INNOVATIONS.id_field] == record].copy()
    row["innovator_name"] = name
    if description is not None:
        row["description"] = description
    seen = {(INNOVATIONS.layer, record): revision(data.tables, (INNOVATIONS.layer, record))}
    return store.commit(Changes(updated={INNOVATIONS.layer: row}, seen=seen), Source("edit", record), "Ana")


def _purge(atlas: Path, record: str, *extra: str):
    return CliRunner().invoke(main, ["purge", record, "--editor", "Luis", "--store", str(atlas), *extra])


def _stored(atlas: Path, record: str):
    return open_store(atlas).load().innovations.set_index(INNOVATIONS.id_field).loc[record]


@pytest.fixture()
def named(atlas: Path) -> Path:
    """The small store where RECORD carries NAME in two later edits, so the store and a backup hold it."""
    _name(atlas, RECORD, NAME, f"Semillero que cuida la familia de {NAME.upper()} en su chacra.")
    _name(atlas, RECORD, NAME, f"Semillero de {NAME}.")
    return atlas


def test_a_purge_takes_the_name_out_of_every_byte_and_keeps_the_record(named):
    before = _stored(named, RECORD)
    count = len(open_store(named).load().innovations)
    holding = _holding(named, NAME)
    assert named.name in holding and len(holding) == 2  # the store and the backup taken before the second edit

    result = _purge(named, RECORD, "--yes")

    assert result.exit_code == 0, result.output
    assert _holding(named, NAME) == []
    assert "2 copia(s)" in result.output and "Descripción" in result.output  # both backups held the record
    after = _stored(named, RECORD)
    assert pd.isna(after["innovator_name"]) and not after["consent_public"] and not after["name_public"]
    assert after["description"] == "Semillero de […]."
    assert (after["title"], after["pid_stage"], after.geometry) == (
        before["title"],
        before["pid_stage"],
        before.geometry,
    )
    assert len(open_store(named).load().innovations) == count
    entry = open_store(named).history().iloc[0]
    assert (entry["kind"], entry["editor"], entry["id"]) == ("purge", "Luis", result.output.split("(")[1].split(")")[0])
    assert json.loads(entry["records"])[0][:3] == ["innovations", RECORD, "purged"]
    assert NAME not in json.dumps(entry.to_dict(), ensure_ascii=False)


def test_a_record_in_the_trash_is_purged_there_and_comes_back_without_its_name(atlas):
    _name(atlas, BINNED, OTHER)
    store = open_store(atlas)
    seen = {(INNOVATIONS.layer, BINNED): revision(store.load().tables, (INNOVATIONS.layer, BINNED))}
    store.commit(Changes(deleted={INNOVATIONS.layer: (BINNED,)}, seen=seen), Source("delete", BINNED), "Ana")
    assert atlas.name in _holding(atlas, OTHER)

    result = _purge(atlas, BINNED, "--yes", "--lang", "en")

    assert result.exit_code == 0, result.output
    assert _holding(atlas, OTHER) == [] and BINNED in set(store.trash()["id"])
    store.commit(Changes(restored={INNOVATIONS.layer: (BINNED,)}), Source("restore", BINNED), "Ana")
    back = _stored(atlas, BINNED)
    assert pd.isna(back["innovator_name"]) and not back["consent_public"]


def test_no_undo_and_no_form_opened_before_the_purge_brings_the_name_back(named):
    data = open_store(named).load()
    opened = data.innovations[data.innovations[INNOVATIONS.id_field] == RECORD].copy()
    seen = {(INNOVATIONS.layer, RECORD): revision(data.tables, (INNOVATIONS.layer, RECORD))}
    assert _purge(named, RECORD, "--yes").exit_code == 0
    purge_entry, named_entry = open_store(named).history()["id"].iloc[[0, 1]]

    with pytest.raises(ConflictError):  # the editor saves the form with the name still in it
        open_store(named).commit(Changes(updated={INNOVATIONS.layer: opened}, seen=seen), Source("edit", RECORD), "Ana")
    undo_purge = CliRunner().invoke(main, ["undo", purge_entry, "--editor", "Ana", "--store", str(named)])
    undo_edit = CliRunner().invoke(main, ["undo", named_entry, "--editor", "Ana", "--store", str(named)])

    assert undo_purge.exit_code == 1 and "borró datos personales" in undo_purge.output
    assert undo_edit.exit_code == 1 and RECORD in undo_edit.output
    assert _holding(named, NAME) == []


@pytest.mark.parametrize("record", ["INN-999999", "COM-000001"])  # no such innovation; a community has no name
def test_an_unknown_record_is_refused_by_its_id_and_nothing_changes(named, record):
    stored = {f.name: f.read_bytes() for f in _files(named)}

    result = _purge(named, record, "--yes")

    assert result.exit_code == 1 and f"No hay ninguna innovación «{record}»" in result.output
    assert {f.name: f.read_bytes() for f in _files(named)} == stored


def test_the_editor_is_asked_first_and_a_no_changes_nothing(named):
    stored = {f.name: f.read_bytes() for f in _files(named)}

    result = CliRunner().invoke(main, ["purge", RECORD, "--editor", "Luis", "--store", str(named)], input="n\n")

    assert result.exit_code == 1 and "No se puede deshacer" in result.output
    assert {f.name: f.read_bytes() for f in _files(named)} == stored


def test_a_rewrite_of_a_backup_cut_short_is_swept_up_by_the_next_write(named):
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    backup = next((named.parent / "backups").glob("*.gpkg"))
    leftover = backup.with_name(f".{backup.stem}.{int(ended.stdout)}.0123abcd.tmp.gpkg")  # store.write's temporary
    leftover.write_bytes(b"half a rewrite")

    _name(named, RECORD, OTHER)

    assert not leftover.exists() and backup.exists()
