"""Which stored record a file row stands for: by atlas id, by submission key or by natural key, never by guess.

A row matches a stored record only through one of three keys, tried in this order:

1. its **atlas id** (`innovation_id`, `community_id`), when the store has it;
2. its **source key**, the submission's key in the tool that collected it (KoboToolbox `_uuid`,
   ODK `instanceID`/`KEY`), when the store has seen it; an empty key is no key;
3. its **natural key**, what makes a record itself in the field:
   - a community: country + region + name (ignoring case, accents and spacing); when several stored
     communities share it, the row's province and district tell them apart;
   - an innovation: its community + title (ignoring case and accents); when several stored innovations
     share it, the row's year documented tells them apart.

A natural key that still points at several records, or at a record that came from another submission,
is not resolved: the row is refused with the ids to choose from. A row that matches nothing is new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.data.contract import Entity
from dashboard.data.dataset import Dataset
from dashboard.intake.issues import Issue
from dashboard.intake.mapping import fold

BY_ID, BY_SOURCE_KEY, BY_NATURAL_KEY = "id", "source_key", "natural_key"
NATURAL_KEYS = {"communities": ("country", "region", "name"), "innovations": ("community_id", "title")}
# fields that tell apart stored records sharing a natural key, when the row gives them
TIEBREAKERS = {"communities": ("province", "district"), "innovations": ("year_documented",)}


def normalised_text(value: object) -> str | None:
    """A key part as compared: folded text, or None when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    folded = fold(value)
    return folded or None


def natural_key(entity: Entity, record: dict) -> tuple[str, ...] | None:
    """A record's natural key (see the module's docstring); None while a part of it is missing."""
    names = NATURAL_KEYS[entity.layer]
    parts = tuple(normalised_text(record.get(n)) for n in names)
    return None if None in parts else parts


def _same_part(given: object, stored: object) -> bool:
    return normalised_text(given) == normalised_text(stored)


@dataclass(frozen=True)
class Match:
    """The stored record a row stands for (None: a new record), how it was found, or why it cannot be told."""

    record_id: str | None = None
    how: str | None = None
    issue: Issue | None = None


@dataclass
class Matcher:
    """The keys of the stored records of one entity, to find the record a row stands for."""

    entity: Entity
    data: Dataset
    stored: pd.DataFrame = field(init=False)
    source_keys: dict[str, str] = field(init=False)  # source key -> record id
    keys_of: dict[str, str] = field(init=False)  # record id -> its source key

    def __post_init__(self) -> None:
        self.stored = self.data.frame(self.entity).set_index(self.entity.id_field, drop=False)
        records = self.data.tables.get("atlas_records")
        self.source_keys, self.keys_of = {}, {}
        if records is not None and not records.empty:
            mine = records[records["entity"] == self.entity.layer]
            for record_id, key in zip(mine["id"], mine["source_key"], strict=True):
                if isinstance(key, str) and key.strip() and record_id in self.stored.index:
                    self.source_keys[key.strip()] = record_id
                    self.keys_of[record_id] = key.strip()

    @cached_property
    def by_natural_key(self) -> dict[tuple[str, ...], list[str]]:
        """Natural key -> the stored ids that share it; built once, on the first row without id or known key."""
        names = NATURAL_KEYS[self.entity.layer]
        found: dict[tuple[str, ...], list[str]] = {}
        for record_id, *values in zip(self.stored[self.entity.id_field], *(self.stored[n] for n in names), strict=True):
            key = natural_key(self.entity, dict(zip(names, values, strict=True)))
            if key is not None:
                found.setdefault(key, []).append(record_id)
        return found

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        return {c: self.stored[c].to_numpy(dtype=object) for c in self.stored.columns}

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {record_id: n for n, record_id in enumerate(self.stored[self.entity.id_field])}

    def record(self, record_id: str) -> dict:
        """The stored record `record_id` as a plain dict (read from whole columns: no row object per call)."""
        position = self._positions[record_id]
        return {column: values[position] for column, values in self._columns.items()}

    def find(
        self, record: dict, source_key: str | None, row: int, column: str | None, key: tuple[str, ...] | None = None
    ) -> Match:
        """The stored record `record` (one parsed row, with its `source_key` and natural `key`) stands for."""
        given = record.get(self.entity.id_field)
        if given is not None and given in self.stored.index:
            return Match(given, BY_ID)
        if given is not None:
            return Match()  # a new record with the id the file gives it
        if source_key and source_key in self.source_keys:
            return Match(self.source_keys[source_key], BY_SOURCE_KEY)
        return self._by_natural_key(record, source_key, row, column, key)

    def _by_natural_key(
        self, record: dict, source_key: str | None, row: int, column: str | None, key: tuple[str, ...] | None
    ) -> Match:
        candidates = self.by_natural_key.get(key, []) if key is not None else []
        for name in TIEBREAKERS[self.entity.layer]:
            if len(candidates) > 1 and record.get(name) is not None:
                candidates = [c for c in candidates if _same_part(record[name], self.stored.at[c, name])]
        if not candidates:
            return Match()
        if len(candidates) > 1:
            return Match(
                issue=Issue(
                    row, column, "matching.ambiguous", {"ids": ", ".join(candidates), "id_field": self.entity.id_field}
                )
            )
        found = candidates[0]
        other = self.keys_of.get(found)
        if source_key and other and other != source_key:
            return Match(
                issue=Issue(row, column, "matching.other_submission", {"id": found, "key": source_key, "other": other})
            )
        return Match(found, BY_NATURAL_KEY)
