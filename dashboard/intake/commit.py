"""Apply `Changes` to the store all or nothing: under a lock, refusing conflicts, after a backup, with an audit.

Every commit and undo takes the store's exclusive lock, reads the store afresh, checks the records the
user saw against their current revisions, copies the store file into `backups/` beside it, writes the
whole store atomically (`store.write`) and records itself in `atlas_imports`. Deleted records go to
`atlas_trash` as JSON text and can be restored; an entry can be undone from its backup while none of
the records it touched has changed since.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from dashboard.data import store
from dashboard.data.boundaries import restore_levels, same_levels, with_boundaries
from dashboard.data.conform import ContractError
from dashboard.data.contract import ENTITIES
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.intake import audit, backups, drafts
from dashboard.intake.audit import IMPORTS, RECORDS, TRASH
from dashboard.intake.changes import Changes, Key, Source
from dashboard.intake.report import Report
from dashboard.paths import store_path

LOCK_TIMEOUT = 60.0  # seconds a commit waits for another importer or editor to finish
LAYERS = {entity.layer: entity for entity in ENTITIES}


class CommitError(Exception):
    """A commit or undo refused as a whole: nothing was written."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason, self.params = reason, params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The reason as a sentence in `lang`."""
        return t(self.reason, lang, **self.params)


@dataclass(frozen=True)
class Conflict:
    """One record that stops a commit or an undo, with who changed it last, and when."""

    layer: str
    id: str
    reason: str  # catalogue key: commit.stale, commit.gone, commit.exists, commit.in_trash, ...
    seen: int | None = None
    revision: int | None = None
    editor: str | None = None
    when: str | None = None

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The record and what happened to it, in `lang`."""
        return t(self.reason, lang, layer=self.layer, id=self.id, seen=self.seen, revision=self.revision,
                 editor=self.editor or t("commit.someone", lang), when=self.when or "—")


class ConflictError(CommitError):
    """Records changed, vanished or already exist since the user saw them: refused, naming each one."""

    def __init__(self, conflicts: Iterable[Conflict], reason: str = "commit.conflict", **params: object) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__(reason, **params)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The headline and every conflicting record, in `lang`."""
        return t(self.reason, lang, records="; ".join(c.message(lang) for c in self.conflicts), **self.params)


def commit(
    changes: Changes, source: Source, editor: str, *, path: Path | None = None, keep_backups: int = 10,
    now: datetime | None = None, timeout: float = LOCK_TIMEOUT,
) -> str:
    """Apply `changes` to the store all or nothing; returns the new audit entry's id (e.g. CHG-000012)."""
    path, now = _resolve(path), _utc(now)
    if changes.empty:
        raise CommitError("commit.nothing")
    for layer in [*changes.added, *changes.updated, *changes.deleted, *changes.restored, *(k[0] for k in changes.seen)]:
        if layer not in LAYERS:
            raise CommitError("commit.unknown_layer", layer=layer)
    with locked(path, timeout):
        return _apply(store.load(path), changes, source, editor, path, now, keep_backups)


def commit_checked(
    check: Callable[[store.Dataset], Report], source: Source, editor: str, *, path: Path | None = None,
    expected: dict[str, int] | None = None, keep_backups: int = 10, now: datetime | None = None,
    timeout: float = LOCK_TIMEOUT,
) -> tuple[Report, str | None]:
    """Check a file against the store and apply what the check finds, both under the store's lock.

    Matching rows to records and giving ids happen on the store as it is when the lock is held, so two
    imports of one file started together add it once. `expected`, the counts of the report a person
    confirmed, refuses the import if checking again now would do something else. Returns the report
    and the new audit entry's id (None when there was nothing to write).
    """
    path, now = _resolve(path), _utc(now)
    with locked(path, timeout):
        dataset = store.load(path)
        report = check(dataset)
        if expected is not None and report.counts() != expected:
            raise CommitError("commit.report_changed", **report.counts())
        if report.changes.empty:
            return report, None
        source = dataclasses.replace(source, counts={**report.counts(), **source.counts})
        return report, _apply(dataset, report.changes, source, editor, path, now, keep_backups)


def _apply(dataset: store.Dataset, changes: Changes, source: Source, editor: str, path: Path, now: datetime,
           keep_backups: int) -> str:
    """Apply `changes` to `dataset`, read under the lock the caller holds, and save it; returns the entry's id."""
    conflicts = _conflicts(dataset, changes)
    if conflicts:
        raise ConflictError(conflicts)
    when, draft, taken = audit.utc_text(now), drafts.draft_of(dataset, path), _taken(dataset, changes)
    for entity in ENTITIES:
        drafts.apply(draft, entity, changes, taken[entity.layer], source.name, editor, when)
    _refuse_dangling(draft, {layer: set(ids) for layer, ids in changes.deleted.items()})
    records, given = audit.stamp(audit.table(dataset.tables, RECORDS), draft.touched, when, editor,
                                 {**draft.source_keys, **changes.source_keys})
    counts = {a: sum(1 for g in given if g[2] == a) for a in audit.ACTIONS}
    entry = audit.next_entry(audit.table(dataset.tables, IMPORTS))
    row = audit.entry_row(entry, source.kind, editor, when, file=source.name, sha256=source.sha256 or "",
                          counts=json.dumps({**source.counts, **counts}), records=audit.touched_json(given))
    _save(dataset, draft, records, row, path, now, keep_backups)
    return entry


def undo(
    import_id: str, editor: str, *, path: Path | None = None, keep_backups: int = 10,
    now: datetime | None = None, timeout: float = LOCK_TIMEOUT,
) -> str:
    """Reverse the audit entry `import_id` from its backup, if none of its records changed since; returns the undo's id.

    Records it added are removed, records it updated or deleted come back as they were before it,
    records it restored go back to the trash.
    """
    path, now = _resolve(path), _utc(now)
    with locked(path, timeout):
        dataset = store.load(path)
        imports, records = audit.table(dataset.tables, IMPORTS), audit.table(dataset.tables, RECORDS)
        original = _undoable(imports, import_id)
        _refuse_changed(imports, records, import_id)
        keys = [(layer, i) for layer, i, *_ in audit.touched_of(original)]
        before = _backup_of(path, original)
        draft, removed = drafts.revert(dataset, before, keys, path)
        dataset = _boundaries_back(dataset, before, keys)  # a boundaries entry's levels, as they were
        _refuse_dangling(draft, removed)
        when, entry = audit.utc_text(now), audit.next_entry(imports)
        records, given = audit.stamp(records, [(*key, "undone") for key in keys], when, editor, {})
        undone = imports.assign(undone_by=imports["undone_by"].mask(imports["id"] == import_id, entry))
        dataset = dataclasses.replace(dataset, tables={**dataset.tables, IMPORTS: undone})
        row = audit.entry_row(entry, "undo", editor, when, file=original["file"] or "", undoes=import_id,
                              counts=json.dumps({"undone": len(keys)}), records=audit.touched_json(given))
        _save(dataset, draft, records, row, path, now, keep_backups)
    return entry


def history(path: Path | None = None) -> pd.DataFrame:
    """The audit of imports, edits and undos, newest first (all text; counts and records as JSON)."""
    return _read_table(path, IMPORTS).iloc[::-1].reset_index(drop=True)


def trash(path: Path | None = None) -> pd.DataFrame:
    """The deleted records that can be restored, most recently deleted first (each record as JSON text)."""
    table = _read_table(path, TRASH).iloc[::-1]
    return table.sort_values("deleted_at", ascending=False, kind="stable").reset_index(drop=True)


@contextmanager
def locked(path: Path | None = None, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the store's exclusive lock (`<store>.lock` beside it), waiting up to `timeout` seconds for it."""
    path = _resolve(path)
    if not path.is_file():
        raise ContractError(path, None, None, None, "no_store")
    with path.with_name(f"{path.name}.lock").open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CommitError("commit.busy", file=path.name, seconds=timeout) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _resolve(path: Path | None) -> Path:
    return Path(path) if path is not None else store_path()


def _utc(now: datetime | None) -> datetime:
    """`now` in UTC (a naive time is taken as UTC); the current time if None."""
    now = now or datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _read_table(path: Path | None, name: str) -> pd.DataFrame:
    """One bookkeeping table straight from the store file, without reading and checking every record."""
    path = _resolve(path)
    if not path.is_file():
        raise ContractError(path, None, None, None, "no_store")
    present = {str(layer) for layer, _ in pyogrio.list_layers(path)}
    return audit.table({name: pyogrio.read_dataframe(path, layer=name)} if name in present else {}, name)


def _conflicts(dataset: store.Dataset, changes: Changes) -> list[Conflict]:
    """Every record the changes cannot apply to as the user saw it."""
    records, trashed = audit.table(dataset.tables, RECORDS), audit.table(dataset.tables, TRASH)
    found = []
    for key, seen in changes.seen.items():
        revision, editor, when = audit.last_change(records, key)
        if revision != seen:
            found.append(Conflict(*key, "commit.stale", seen, revision, editor, when))
    for layer, entity in LAYERS.items():
        live, binned = set(dataset.frame(entity)[entity.id_field]), audit.ids_in(trashed, layer)
        changed = [*drafts.given_ids(changes.updated.get(layer), entity), *changes.deleted.get(layer, ())]
        found += [Conflict(layer, i, "commit.gone") for i in changed if i not in live]
        added = [i for i in drafts.given_ids(changes.added.get(layer), entity) if i]
        found += [Conflict(layer, i, "commit.exists") for n, i in enumerate(added) if i in live or i in added[:n]]
        found += [Conflict(layer, i, "commit.in_trash") for i in added if i in binned]
        found += [Conflict(layer, i, "commit.exists" if i in live else "commit.not_in_trash")
                  for i in changes.restored.get(layer, ()) if i in live or i not in binned]
    return list(dict.fromkeys(found))


def _taken(dataset: store.Dataset, changes: Changes) -> dict[str, set[str]]:
    """Ids no new record may get, by layer: live, in the trash, ever recorded, or given in the changes."""
    tables = [audit.table(dataset.tables, name) for name in (RECORDS, TRASH)]
    return {layer: {*dataset.frame(entity)[entity.id_field], *(i for t in tables for i in audit.ids_in(t, layer)),
                    *(i for i in drafts.given_ids(changes.added.get(layer), entity) if i)}
            for layer, entity in LAYERS.items()}


def _refuse_dangling(draft: drafts.Draft, removed: dict[str, set[str]]) -> None:
    """Refuse to remove a record that a live record still names (an innovation's community or partner)."""
    found = drafts.referrers(draft.plains, removed)
    if found:
        layer, record_id, referrer, ids = found
        raise CommitError("commit.referenced", layer=layer, id=record_id, referrer=referrer, count=len(ids),
                          ids=", ".join(ids[:5]) + (" …" if len(ids) > 5 else ""))


def _undoable(imports: pd.DataFrame, import_id: str) -> pd.Series:
    """The audit entry `import_id`, if it can be undone."""
    match = imports[imports["id"] == import_id]
    if match.empty:
        raise CommitError("commit.unknown_entry", entry=import_id)
    entry = match.iloc[0]
    if entry["undoes"]:
        raise CommitError("commit.undo_of_undo", entry=import_id)
    if entry["undone_by"]:
        raise CommitError("commit.already_undone", entry=import_id, undo=entry["undone_by"])
    return entry


def _refuse_changed(imports: pd.DataFrame, records: pd.DataFrame, import_id: str) -> None:
    """Refuse an undo if a record the entry touched was changed again by a later entry still in effect.

    Later entries that were undone, and their undos, cancel out: undoing the newest first works.
    """
    position = int(np.flatnonzero(imports["id"] == import_id)[0])
    later = imports.iloc[position + 1:]
    undone_later = set(later["id"])
    in_effect: set[Key] = set()
    for _, entry in later.iterrows():
        if not (entry["undone_by"] or entry["undoes"] in undone_later):  # neither undone nor undoing a later one
            in_effect.update((layer, i) for layer, i, *_ in audit.touched_of(entry))
    touched = [(layer, i) for layer, i, *_ in audit.touched_of(imports.iloc[position])]
    found = [Conflict(*key, "commit.changed", None, *audit.last_change(records, key))
             for key in touched if key in in_effect]
    if found:
        raise ConflictError(found, "commit.changed_since", entry=import_id)


def _backup_of(path: Path, entry: pd.Series) -> store.Dataset:
    """The store as it was before `entry`, read from the backup taken for it."""
    file = path.parent / backups.FOLDER / (entry["backup"] or "-")
    if not file.is_file():
        raise CommitError("commit.no_backup", entry=entry["id"], file=entry["backup"] or "—")
    return store.load(file)


def _save(dataset: store.Dataset, draft: drafts.Draft, records: pd.DataFrame, row: dict[str, str], path: Path,
          now: datetime, keep_backups: int) -> None:
    """Check the new store, copy the old one to `backups/`, write the new one atomically, prune old copies."""
    name = backups.name_for(path, row["id"], now)
    imports = audit.table(dataset.tables, IMPORTS)
    imports = pd.concat([imports, pd.DataFrame([{**row, "backup": name}], dtype=object)], ignore_index=True)
    result = drafts.assembled(dataset, draft, {RECORDS: records, IMPORTS: imports, TRASH: draft.trash},
                              row["time"], path)
    draft.plains.clear()  # the typed layers of `result` replace the plain copies: let them go before writing
    backups.sweep(path)
    backups.take(path, name)
    store.write(result, path, assembled=True)
    backups.prune(path, keep_backups)


BOUNDARIES_KIND = "boundaries"  # audit kind of a boundaries change; it touches ("boundaries", level)


def replace_boundaries(
    boundaries_frame: gpd.GeoDataFrame, source: Source, editor: str, *, path: Path | None = None,
    keep_backups: int = 10, now: datetime | None = None, timeout: float = LOCK_TIMEOUT,
) -> str | None:
    """Replace the store's boundaries of the levels in `boundaries_frame`, other levels kept, with a backup
    and an audit entry like a commit's; returns the entry's id (None if the store already held exactly these).
    Undoing it brings those levels back.
    """
    path, now = _resolve(path), _utc(now)
    if boundaries_frame.empty:
        raise CommitError("commit.nothing")
    levels = list(dict.fromkeys(boundaries_frame["level"].astype(str)))
    with locked(path, timeout):
        dataset = store.load(path)
        if same_levels(dataset, boundaries_frame):  # the same file again: nothing to write
            return None
        stored = set() if dataset.boundaries is None else set(dataset.boundaries["level"].astype(str))
        # each level is one record to the audit, so a later change of the same level blocks an undo
        touched = [(BOUNDARIES_KIND, level, "updated" if level in stored else "added") for level in levels]
        when, entry = audit.utc_text(now), audit.next_entry(audit.table(dataset.tables, IMPORTS))
        records, given = audit.stamp(audit.table(dataset.tables, RECORDS), touched, when, editor, {})
        counts = {**source.counts, "level": ", ".join(levels), "count": len(boundaries_frame)}
        row = audit.entry_row(entry, BOUNDARIES_KIND, editor, when, file=source.name, sha256=source.sha256 or "",
                              counts=json.dumps(counts), records=audit.touched_json(given))
        dataset = with_boundaries(dataset, boundaries_frame)
        _save(dataset, drafts.draft_of(dataset, path), records, row, path, now, keep_backups)
    return entry


def _boundaries_back(dataset: store.Dataset, before: store.Dataset, keys: list[Key]) -> store.Dataset:
    """`dataset` with the boundary levels among `keys` as they were in `before` (no change if there are none)."""
    levels = [level for layer, level in keys if layer == BOUNDARIES_KIND]
    return restore_levels(dataset, before, levels) if levels else dataset
