"""Consent withdrawn: an innovation's personal fields cleared from the store, its trash and every backup.

A purge is the one write that takes no backup and cannot be undone: a copy of the store as it was would
hold what it removes. Under the store's lock it rewrites every backup that holds the record (each file
written afresh, so no free page keeps the old text), then writes the store with one audit entry of kind
`purge` that says who, when and which record, never what was removed. A purge cut short leaves the store
as it was; running it again finishes it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboard.data import backup_files, commits, drafts, history, store
from dashboard.data.backend import AtlasStore
from dashboard.data.contract import INNOVATIONS
from dashboard.data.dataset import Dataset
from dashboard.data.geopackage import GeoPackageStore
from dashboard.data.history import TRASH
from dashboard.data.refusals import CommitError

PERSONAL_FIELDS = ("innovator_name",)  # cleared
WITHDRAWN = {"consent_public": False, "name_public": False}  # no public view shows the record's name or point
# free text that may name the innovator as well: each mention of a name the record held is replaced
TEXT_FIELDS = ("title", "title_local", "description")
NAME_REMOVED = "[…]"


@dataclass(frozen=True)
class Purged:
    """What a purge did: its audit entry, the record, the backups rewritten and the free-text fields that named them."""

    entry: str
    record: str
    in_trash: bool
    backups: tuple[str, ...]
    text_fields: tuple[str, ...]
    others: tuple[str, ...]  # live innovations that carry the same innovator's name (not purged)


@dataclass
class _Found:
    """Where a draft holds the record (a row of the live layer, rows of the trash) and the names it carries."""

    row: int | None
    binned: list[int]
    names: set[str]

    @property
    def any(self) -> bool:
        return self.row is not None or bool(self.binned)


def purge(atlas: AtlasStore, record_id: str, editor: str, *, now: datetime | None = None) -> Purged:
    """Clear the personal fields of the innovation `record_id` everywhere the store at `atlas` keeps them."""
    if not isinstance(atlas, GeoPackageStore):
        raise CommitError("purge.not_supported", store=atlas.location)
    when = history.utc(now)
    with atlas.locked():
        dataset = atlas.load()
        draft = drafts.draft_of(dataset, atlas.location)
        found = _find(draft, record_id)
        if not found.any:
            raise CommitError("purge.unknown", record=record_id)
        text_fields = _clear(draft, found, found.names)
        others = _others(draft, record_id, found.names)
        writing = commits.Writing(commits.next_entry(dataset), editor, history.utc_text(when), "")
        result = commits.purged(dataset, draft, (INNOVATIONS.layer, record_id), writing, atlas.location)
        del dataset
        backup_files.sweep(atlas.path)
        rewritten = [
            file.name for file in backup_files.listed(atlas.path) if _purge_backup(file, record_id, found.names)
        ]
        store.write(result, atlas.path, assembled=True)
    return Purged(writing.entry, record_id, found.row is None, tuple(rewritten), tuple(text_fields), others)


def _find(draft: drafts.Draft, record_id: str) -> _Found:
    """Where `draft` holds the innovation `record_id`, and every name it carries there."""
    frame, trash = draft.plains[INNOVATIONS.layer], draft.trash
    rows = [int(i) for i in frame.index[frame[INNOVATIONS.id_field] == record_id]]
    binned = [int(i) for i in trash.index[(trash["entity"] == INNOVATIONS.layer) & (trash["id"] == record_id)]]
    records = [frame.loc[i].to_dict() for i in rows]
    records += [history.record_from_json(INNOVATIONS, trash.at[i, "record"]) for i in binned]
    names = {r[f] for r in records for f in PERSONAL_FIELDS if isinstance(r[f], str) and r[f].strip()}
    return _Found(rows[0] if rows else None, binned, names)


def _clear(draft: drafts.Draft, found: _Found, names: set[str]) -> list[str]:
    """Clear the record in `draft`, live or in the trash; the free-text fields where a name was removed."""
    frame, trash, fields = draft.plains[INNOVATIONS.layer], draft.trash, []
    if found.row is not None:
        cleared, fields = cleared_record(frame.loc[found.row].to_dict(), names)
        for name in [*PERSONAL_FIELDS, *WITHDRAWN, *TEXT_FIELDS]:
            frame.at[found.row, name] = cleared[name]
    for i in found.binned:
        cleared, named = cleared_record(history.record_from_json(INNOVATIONS, trash.at[i, "record"]), names)
        trash.at[i, "record"] = history.record_json(INNOVATIONS, cleared)
        fields += [f for f in named if f not in fields]
    return fields


def cleared_record(record: dict, names: Iterable[str]) -> tuple[dict, list[str]]:
    """`record` with its personal fields cleared, consent withdrawn and `names` taken out of its free text."""
    pattern = _mentions(names)
    texts = {f: record.get(f) for f in TEXT_FIELDS if isinstance(record.get(f), str)}
    named = [f for f, text in texts.items() if pattern and pattern.search(text)]
    replaced = {f: pattern.sub(NAME_REMOVED, texts[f]) for f in named}
    return {**record, **dict.fromkeys(PERSONAL_FIELDS), **WITHDRAWN, **replaced}, named


def _mentions(names: Iterable[str]) -> re.Pattern[str] | None:
    """Any of `names` as a whole word (so "Ana" leaves "ananás" alone), in any case; None without names."""
    words = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)  # the longest first
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _others(draft: drafts.Draft, record_id: str, names: set[str]) -> tuple[str, ...]:
    """The other live innovations whose innovator carries one of `names`."""
    frame, wanted = draft.plains[INNOVATIONS.layer], {n.strip().casefold() for n in names}
    same = [str(n).strip().casefold() in wanted if isinstance(n, str) else False for n in frame["innovator_name"]]
    return tuple(i for i, hit in zip(frame[INNOVATIONS.id_field], same, strict=True) if hit and i != record_id)


def _purge_backup(file: Path, record_id: str, names: set[str]) -> bool:
    """Rewrite the backup `file` with the record cleared, if it holds it; whether it did."""
    before = store.load(file)
    draft = drafts.draft_of(before, file)
    found = _find(draft, record_id)
    if not found.any:
        return False
    _clear(draft, found, names | found.names)  # a backup may hold a name the store no longer does
    store.write(_backup_of(before, draft, file), file, assembled=True)  # a fresh file: no free page keeps old text
    return True


def _backup_of(before: Dataset, draft: drafts.Draft, file: Path) -> Dataset:
    """The backup as it was, the cleared record apart: its own time stamp, revisions and audit."""
    result = drafts.assembled(before, draft, {TRASH: draft.trash}, before.metadata.get("updated", ""), file)
    return dataclasses.replace(result, metadata=before.metadata)
