"""The bookkeeping tables beside the records: revisions, the audit of imports and edits, and the trash.

All three are plain text tables (see `contract.BOOKKEEPING_TABLES`) that every store keeps with its
records; this module owns their columns, reads and stamps revisions, numbers audit entries, and turns
a record into JSON text and back for the trash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd
import shapely.geometry

from dashboard.data.changes import Key
from dashboard.data.contract import BOOKKEEPING_TABLES, Entity
from dashboard.data.numbering import next_ids

RECORDS, IMPORTS, TRASH = BOOKKEEPING_TABLES
COLUMNS: dict[str, tuple[str, ...]] = {
    RECORDS: ("entity", "id", "revision", "updated_at", "updated_by", "source_key"),
    # undoes: the entry an undo reverses; records: JSON [[layer, id, action, revision set], ...]
    IMPORTS: ("id", "kind", "editor", "time", "file", "sha256", "counts", "backup", "undone_by", "undoes", "records"),
    TRASH: ("entity", "id", "deleted_at", "deleted_by", "record"),
}
ENTRY_PREFIX, ENTRY_WIDTH = "CHG-", 6
ACTIONS = ("added", "updated", "deleted", "restored")
Touch = tuple[str, str, str, int]  # (layer, id, action, revision it was given)


def utc(now: datetime | None) -> datetime:
    """`now` in UTC (a naive time is taken as UTC); the current time if None."""
    now = now or datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def utc_text(when: datetime) -> str:
    """A UTC time as ISO text, e.g. 2025-05-01T12:00:00Z."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The bookkeeping table `name` as text (None where empty), with all its columns, even if the store has none."""
    frame = tables.get(name)
    frame = pd.DataFrame(columns=COLUMNS[name]) if frame is None else frame.reset_index(drop=True)
    frame = frame.astype(object).where(frame.notna(), None)
    for column in COLUMNS[name]:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def newest_first(imports: pd.DataFrame) -> pd.DataFrame:
    """The audit of imports, edits and undos, newest first."""
    return imports.iloc[::-1].reset_index(drop=True)


def by_deletion(trash: pd.DataFrame) -> pd.DataFrame:
    """The trash, most recently deleted first."""
    return trash.iloc[::-1].sort_values("deleted_at", ascending=False, kind="stable").reset_index(drop=True)


def ids_in(frame: pd.DataFrame, layer: str) -> set[str]:
    """The record ids of `layer` that a records or trash table names."""
    return set(frame.loc[frame["entity"] == layer, "id"])


def last_change(records: pd.DataFrame, key: Key) -> tuple[int, str | None, str | None]:
    """Revision, last editor and time of a record; a record never edited is at revision 1."""
    row = records[(records["entity"] == key[0]) & (records["id"] == key[1])]
    if row.empty:
        return 1, None, None
    latest = row.iloc[-1]
    return int(latest["revision"]), latest["updated_by"] or None, latest["updated_at"] or None


def revision(tables: dict[str, pd.DataFrame], key: Key) -> int:
    """The revision a record of a loaded store is at (1 if it was never changed)."""
    return last_change(table(tables, RECORDS), key)[0]


def stamp(
    records: pd.DataFrame, touched: Iterable[tuple[str, str, str]], when: str, editor: str, source_keys: dict[Key, str]
) -> tuple[pd.DataFrame, list[Touch]]:
    """`records` with the revision of every touched (layer, id, action) bumped, and what each got."""
    rows = {(r["entity"], r["id"]): dict(r) for r in records.to_dict("records")}
    given = []
    for layer, record_id, action in touched:
        key = (layer, record_id)
        row = rows.get(key)
        number = int(row["revision"]) + 1 if row else (1 if action == "added" else 2)
        source_key = source_keys.get(key, row["source_key"] if row else "")
        rows[key] = {
            "entity": layer,
            "id": record_id,
            "revision": str(number),
            "updated_at": when,
            "updated_by": editor,
            "source_key": source_key or "",
        }
        given.append((layer, record_id, action, number))
    return pd.DataFrame(list(rows.values()), columns=COLUMNS[RECORDS], dtype=object), given


def next_entry(imports: pd.DataFrame) -> str:
    """The id of the next audit entry, e.g. CHG-000007."""
    return next_ids(imports["id"], ENTRY_PREFIX, ENTRY_WIDTH, 1)[0]


def entry_row(entry: str, kind: str, editor: str, when: str, **values: str) -> dict[str, str]:
    """One audit row: everything not given is empty."""
    row = dict.fromkeys(COLUMNS[IMPORTS], "")
    row.update(id=entry, kind=kind, editor=editor, time=when, **values)
    return row


def touched_json(touched: list[Touch]) -> str:
    """The records an entry touched, as JSON text."""
    return json.dumps([list(t) for t in touched], ensure_ascii=False)


def touched_of(entry: pd.Series) -> list[Touch]:
    """The records an audit entry touched, read back from its JSON text."""
    return [tuple(t) for t in json.loads(entry["records"] or "[]")]


def _json_value(value: object, kind: str) -> object:
    if value is None or pd.isna(value):
        return None
    if kind in ("int", "year"):
        return int(value)
    return bool(value) if kind == "bool" else str(value)


def record_json(entity: Entity, record: dict) -> str:
    """A stored record as JSON text: typed values, lists as lists, its own geometry as GeoJSON (or null)."""
    values = {
        f.name: [str(v) for v in record[f.name]] if f.multi else _json_value(record[f.name], f.type)
        for f in entity.fields
    }
    geometry = record.get("geometry")
    present = geometry is not None and not geometry.is_empty
    values["geometry"] = shapely.geometry.mapping(geometry) if present else None
    return json.dumps(values, ensure_ascii=False)


def record_from_json(entity: Entity, text: str) -> dict:
    """A record written by `record_json`, with its geometry as a shapely object."""
    values = json.loads(text)
    record = {f.name: values.get(f.name, [] if f.multi else None) for f in entity.fields}
    record["geometry"] = shapely.geometry.shape(values["geometry"]) if values.get("geometry") else None
    return record
