"""The bookkeeping tables beside the records: revisions, the audit of imports and edits, and the trash.

All three are plain text tables (see `contract.BOOKKEEPING_TABLES`); this module owns their columns,
reads and stamps revisions, numbers audit entries and new records, and turns a record into JSON text
and back for the trash.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import shapely.geometry

from dashboard.data.contract import BOOKKEEPING_TABLES, Entity
from dashboard.intake.changes import Key

RECORDS, IMPORTS, TRASH = BOOKKEEPING_TABLES
COLUMNS: dict[str, tuple[str, ...]] = {
    RECORDS: ("entity", "id", "revision", "updated_at", "updated_by", "source_key"),
    # undoes: the entry an undo reverses; records: JSON [[layer, id, action, revision set], ...]
    IMPORTS: ("id", "kind", "editor", "time", "file", "sha256", "counts", "backup", "undone_by", "undoes",
              "records"),
    TRASH: ("entity", "id", "deleted_at", "deleted_by", "record"),
}
ENTRY_PREFIX, ENTRY_WIDTH = "CHG-", 6
# how a record added without an id is numbered: a prefix (filled from the record) and the padding
# used while the store has no such id; otherwise the store's highest number and its padding continue
ID_FORMATS: dict[str, tuple[str, int]] = {
    "partners": ("PAR-", 3),
    "communities": ("{region}-", 3),  # like the demo's PE-AYA-001: numbered within each region
    "innovations": ("INN-", 6),  # like the demo's INN-000001
}
ACTIONS = ("added", "updated", "deleted", "restored")
Touch = tuple[str, str, str, int]  # (layer, id, action, revision it was given)


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


def stamp(
    records: pd.DataFrame, touched: Iterable[tuple[str, str, str]], when: str, editor: str,
    source_keys: dict[Key, str],
) -> tuple[pd.DataFrame, list[Touch]]:
    """`records` with the revision of every touched (layer, id, action) bumped, and what each got."""
    rows = {(r["entity"], r["id"]): dict(r) for r in records.to_dict("records")}
    given = []
    for layer, record_id, action in touched:
        key = (layer, record_id)
        row = rows.get(key)
        revision = int(row["revision"]) + 1 if row else (1 if action == "added" else 2)
        source_key = source_keys.get(key, row["source_key"] if row else "")
        rows[key] = {"entity": layer, "id": record_id, "revision": str(revision), "updated_at": when,
                     "updated_by": editor, "source_key": source_key or ""}
        given.append((layer, record_id, action, revision))
    return pd.DataFrame(list(rows.values()), columns=COLUMNS[RECORDS], dtype=object), given


def next_entry(imports: pd.DataFrame) -> str:
    """The id of the next audit entry, e.g. CHG-000007."""
    return next_ids(imports["id"], ENTRY_PREFIX, ENTRY_WIDTH, 1)[0]


def next_ids(taken: Iterable[str], prefix: str, width: int, count: int) -> list[str]:
    """`count` new ids after the highest `<prefix><number>` in `taken`, keeping its zero padding."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    numbers = [m.group(1) for m in map(pattern.fullmatch, map(str, taken)) if m]
    highest = max(numbers, key=int, default=None)
    start, width = (int(highest), len(highest)) if highest else (0, width)
    return [f"{prefix}{n:0{width}d}" for n in range(start + 1, start + count + 1)]


class Numbering:
    """Fresh ids for the records of one layer added without one: each prefix continues from its highest number.

    The ids already taken are read once per prefix, so numbering n records costs one pass, not n.
    """

    def __init__(self, layer: str, taken: set[str]) -> None:
        self.template, self.width = ID_FORMATS[layer]
        self.taken = taken
        self.last: dict[str, tuple[int, int]] = {}  # prefix -> (last number given, its padding)
        # the record's fields the prefix is made of ("region" for a community; none for an innovation)
        self.fields = tuple(name for _, name, _, _ in string.Formatter().parse(self.template) if name)

    def new_id(self, record: dict) -> str:
        """A fresh id for `record`; it joins the taken ids."""
        prefix = self.template.format_map({k: "" if v is None else v for k, v in record.items()})
        if prefix not in self.last:
            first = next_ids(self.taken, prefix, self.width, 1)[0]
            self.last[prefix] = (int(first[len(prefix):]) - 1, len(first) - len(prefix))
        number, width = self.last[prefix]
        record_id = f"{prefix}{number + 1:0{width}d}"
        while record_id in self.taken:  # an id written by hand above the highest number's padding
            number += 1
            record_id = f"{prefix}{number + 1:0{width}d}"
        self.last[prefix] = (number + 1, width)
        self.taken.add(record_id)
        return record_id


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
    values = {f.name: [str(v) for v in record[f.name]] if f.multi else _json_value(record[f.name], f.type)
              for f in entity.fields}
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
