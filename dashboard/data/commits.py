"""What each write makes of the store, whatever backend holds it: the whole next dataset, with its audit entry.

A backend reads its store under its lock, names the write (`Writing`: audit entry, editor, time and the
backup it takes first) and hands the dataset it read to one of these. Each either refuses, raising
CommitError before anything is written, or returns the new store, checked by the contract, with the
revisions of every record it touched and its audit entry; the backend then writes it all or nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from dashboard.data import drafts, history
from dashboard.data.boundaries.levels import restore_levels, same_levels, with_boundaries
from dashboard.data.changes import Changes, Key, Source
from dashboard.data.contract import ENTITIES
from dashboard.data.dataset import Dataset
from dashboard.data.history import IMPORTS, RECORDS, TRASH
from dashboard.data.refusals import (
    LAYERS,
    CommitError,
    refuse_changed,
    refuse_conflicts,
    refuse_dangling,
    refuse_unknown_layers,
    undoable,
)

BOUNDARIES_KIND = "boundaries"  # audit kind of a boundaries change; it touches ("boundaries", level)
RESTORE_KIND = "restore_backup"  # audit kind of a whole store brought back from one of its backups
PURGE_KIND = "purge"  # audit kind of personal fields cleared (data/purge.py): it names the record, never the values
ReadBackup = Callable[[str], Dataset | None]  # a backup's name -> the store it holds (None if not kept)


@dataclass(frozen=True)
class Writing:
    """One write: its audit entry's id, who makes it, when (UTC text), and the backup taken before it."""

    entry: str
    editor: str
    when: str
    backup: str


def next_entry(dataset: Dataset) -> str:
    """The id the next audit entry of `dataset` gets, e.g. CHG-000012."""
    return history.next_entry(history.table(dataset.tables, IMPORTS))


def changed(dataset: Dataset, changes: Changes, source: Source, writing: Writing, location: str) -> Dataset:
    """`dataset` with `changes` applied, if every record is as the user saw it; refused otherwise."""
    refuse_unknown_layers(changes)
    refuse_conflicts(dataset, changes)
    draft, taken = drafts.draft_of(dataset, location), _taken(dataset, changes)
    for entity in ENTITIES:
        drafts.apply(draft, entity, changes, taken[entity.layer], source.name, writing.editor, writing.when)
    refuse_dangling(draft, {layer: set(ids) for layer, ids in changes.deleted.items()})
    records, given = history.stamp(
        history.table(dataset.tables, RECORDS),
        draft.touched,
        writing.when,
        writing.editor,
        {**draft.source_keys, **changes.source_keys},
    )
    counts = {a: sum(1 for g in given if g[2] == a) for a in history.ACTIONS}
    row = _row(writing, source.kind, given, {**source.counts, **counts}, file=source.name, sha256=source.sha256 or "")
    return _finished(dataset, draft, records, row, writing, location)


def undone(dataset: Dataset, import_id: str, read_backup: ReadBackup, writing: Writing, location: str) -> Dataset:
    """`dataset` with the audit entry `import_id` reversed from its backup, if none of its records changed since."""
    # records it added go, records it updated or deleted come back as they were, records it restored go
    # back to the trash, boundary levels it replaced come back
    imports = history.table(dataset.tables, IMPORTS)
    original = undoable(imports, import_id)
    if original["kind"] == PURGE_KIND:  # what it removed is kept nowhere, on purpose
        raise CommitError("purge.final", entry=import_id)
    refuse_changed(imports, history.table(dataset.tables, RECORDS), import_id)
    before = read_backup(original["backup"] or "")
    if before is None:
        raise CommitError("commit.no_backup", entry=import_id, file=original["backup"] or "—")
    keys = [(layer, i) for layer, i, *_ in history.touched_of(original)]
    dataset, draft, records, given = _reverted(dataset, before, keys, "undone", writing, location)
    marked = imports.assign(undone_by=imports["undone_by"].mask(imports["id"] == import_id, writing.entry))
    dataset = dataclasses.replace(dataset, tables={**dataset.tables, IMPORTS: marked})
    row = _row(writing, "undo", given, {"undone": len(keys)}, file=original["file"] or "", undoes=import_id)
    return _finished(dataset, draft, records, row, writing, location)


def restored(dataset: Dataset, backup: str, read_backup: ReadBackup, writing: Writing, location: str) -> Dataset:
    """`dataset` with every record, the trash and the boundaries as the backup `backup` holds them."""
    # the history is kept and gains the entry; every record gets a new revision, so a form opened before
    # the restore is refused as a conflict, and the restore can itself be undone
    before = read_backup(backup)
    if before is None:
        raise CommitError("store.unknown_backup", backup=backup)
    keys = list(dict.fromkeys([*_keys(before), *_keys(dataset)]))
    dataset, draft, records, given = _reverted(dataset, before, keys, "reverted", writing, location)
    row = _row(writing, RESTORE_KIND, given, {"reverted": len(keys)}, file=backup)
    return _finished(dataset, draft, records, row, writing, location)


def boundaries_replaced(
    dataset: Dataset, boundaries: gpd.GeoDataFrame, source: Source, writing: Writing, location: str
) -> Dataset | None:
    """`dataset` with its boundaries of the levels in `boundaries` replaced; None if it holds exactly these."""
    if boundaries.empty:
        raise CommitError("commit.nothing")
    if same_levels(dataset, boundaries):  # the same file again: nothing to write
        return None
    levels = list(dict.fromkeys(boundaries["level"].astype(str)))
    stored = set() if dataset.boundaries is None else set(dataset.boundaries["level"].astype(str))
    # each level is one record to the audit, so a later change of the same level blocks an undo
    touched = [(BOUNDARIES_KIND, level, "updated" if level in stored else "added") for level in levels]
    records, given = history.stamp(history.table(dataset.tables, RECORDS), touched, writing.when, writing.editor, {})
    counts = {**source.counts, "level": ", ".join(levels), "count": len(boundaries)}
    row = _row(writing, BOUNDARIES_KIND, given, counts, file=source.name, sha256=source.sha256 or "")
    dataset = with_boundaries(dataset, boundaries)
    return _finished(dataset, drafts.draft_of(dataset, location), records, row, writing, location)


def purged(dataset: Dataset, draft: drafts.Draft, key: Key, writing: Writing, location: str) -> Dataset:
    """`dataset` with `draft`, in which the record `key` had its personal fields cleared, and the audit entry."""
    # the record's revision moves on, so a form opened before the purge cannot save the old name back
    records, given = history.stamp(
        history.table(dataset.tables, RECORDS), [(*key, "purged")], writing.when, writing.editor, {}
    )
    row = _row(writing, PURGE_KIND, given, {"purged": len(given)}, file="")
    return _finished(dataset, draft, records, row, writing, location)


def _taken(dataset: Dataset, changes: Changes) -> dict[str, set[str]]:
    """Ids no new record may get, by layer: live, in the trash, ever recorded, or given in the changes."""
    tables = [history.table(dataset.tables, name) for name in (RECORDS, TRASH)]
    return {
        layer: {
            *dataset.frame(entity)[entity.id_field],
            *(i for t in tables for i in history.ids_in(t, layer)),
            *(i for i in drafts.given_ids(changes.added.get(layer), entity) if i),
        }
        for layer, entity in LAYERS.items()
    }


def _keys(dataset: Dataset) -> list[Key]:
    """Every record of `dataset`, live or in the trash, and every boundary level it holds."""
    trash = history.table(dataset.tables, TRASH)
    keys = [(e.layer, i) for e in ENTITIES for i in dataset.frame(e)[e.id_field]]
    keys += list(zip(trash["entity"], trash["id"], strict=True))
    if dataset.boundaries is not None:
        keys += [(BOUNDARIES_KIND, level) for level in dict.fromkeys(dataset.boundaries["level"].astype(str))]
    return keys


def _reverted(
    dataset: Dataset, before: Dataset, keys: list[Key], action: str, writing: Writing, location: str
) -> tuple[Dataset, drafts.Draft, pd.DataFrame, list[history.Touch]]:
    """The records and boundary levels among `keys` as `before` holds them, each stamped with `action`."""
    draft, removed = drafts.revert(dataset, before, keys, location)
    levels = [level for layer, level in keys if layer == BOUNDARIES_KIND]
    dataset = restore_levels(dataset, before, levels) if levels else dataset
    refuse_dangling(draft, removed)
    records, given = history.stamp(
        history.table(dataset.tables, RECORDS), [(*key, action) for key in keys], writing.when, writing.editor, {}
    )
    return dataset, draft, records, given


def _row(writing: Writing, kind: str, given: list[history.Touch], counts: dict, **values: str) -> dict[str, str]:
    """The audit row of this write, naming its backup."""
    return history.entry_row(
        writing.entry,
        kind,
        writing.editor,
        writing.when,
        backup=writing.backup,
        counts=json.dumps(counts),
        records=history.touched_json(given),
        **values,
    )


def _finished(
    dataset: Dataset, draft: drafts.Draft, records: pd.DataFrame, row: dict[str, str], writing: Writing, location: str
) -> Dataset:
    """The new store: the draft's records checked and typed, the revisions, the trash, the audit with its entry."""
    imports = pd.concat([history.table(dataset.tables, IMPORTS), pd.DataFrame([row], dtype=object)], ignore_index=True)
    result = drafts.assembled(
        dataset, draft, {RECORDS: records, IMPORTS: imports, TRASH: draft.trash}, writing.when, location
    )
    draft.plains.clear()  # the typed layers of `result` replace the plain copies: let them go before writing
    return result
