"""Why a write is refused as a whole, and the checks that find it: conflicts, dangling references, bad undos."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data import drafts, history
from dashboard.data.changes import Changes, Key
from dashboard.data.contract import ENTITIES
from dashboard.data.dataset import Dataset
from dashboard.data.history import RECORDS, TRASH
from dashboard.i18n import DEFAULT_LANGUAGE, t

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
        return t(
            self.reason,
            lang,
            layer=self.layer,
            id=self.id,
            seen=self.seen,
            revision=self.revision,
            editor=self.editor or t("commit.someone", lang),
            when=self.when or "—",
        )


class ConflictError(CommitError):
    """Records changed, vanished or already exist since the user saw them: refused, naming each one."""

    def __init__(self, conflicts: Iterable[Conflict], reason: str = "commit.conflict", **params: object) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__(reason, **params)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The headline and every conflicting record, in `lang`."""
        return t(self.reason, lang, records="; ".join(c.message(lang) for c in self.conflicts), **self.params)


def refuse_unknown_layers(changes: Changes) -> None:
    """Refuse changes that name a layer which holds no records."""
    for layer in [*changes.added, *changes.updated, *changes.deleted, *changes.restored, *(k[0] for k in changes.seen)]:
        if layer not in LAYERS:
            raise CommitError("commit.unknown_layer", layer=layer)


def refuse_conflicts(dataset: Dataset, changes: Changes) -> None:
    """Refuse changes that cannot apply to the records as the user saw them, naming every such record."""
    records, trashed = history.table(dataset.tables, RECORDS), history.table(dataset.tables, TRASH)
    found = []
    for key, seen in changes.seen.items():
        revision, editor, when = history.last_change(records, key)
        if revision != seen:
            found.append(Conflict(*key, "commit.stale", seen, revision, editor, when))
    for layer, entity in LAYERS.items():
        live, binned = set(dataset.frame(entity)[entity.id_field]), history.ids_in(trashed, layer)
        changed = [*drafts.given_ids(changes.updated.get(layer), entity), *changes.deleted.get(layer, ())]
        found += [Conflict(layer, i, "commit.gone") for i in changed if i not in live]
        added = [i for i in drafts.given_ids(changes.added.get(layer), entity) if i]
        found += [Conflict(layer, i, "commit.exists") for n, i in enumerate(added) if i in live or i in added[:n]]
        found += [Conflict(layer, i, "commit.in_trash") for i in added if i in binned]
        found += [
            Conflict(layer, i, "commit.exists" if i in live else "commit.not_in_trash")
            for i in changes.restored.get(layer, ())
            if i in live or i not in binned
        ]
    if found:
        raise ConflictError(dict.fromkeys(found))


def refuse_dangling(draft: drafts.Draft, removed: dict[str, set[str]]) -> None:
    """Refuse to remove a record that a live record still names (an innovation's community or partner)."""
    found = drafts.referrers(draft.plains, removed)
    if found:
        layer, record_id, referrer, ids = found
        raise CommitError(
            "commit.referenced",
            layer=layer,
            id=record_id,
            referrer=referrer,
            count=len(ids),
            ids=", ".join(ids[:5]) + (" …" if len(ids) > 5 else ""),
        )


def undoable(imports: pd.DataFrame, import_id: str) -> pd.Series:
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


def refuse_changed(imports: pd.DataFrame, records: pd.DataFrame, import_id: str) -> None:
    """Refuse an undo if a record the entry touched was changed again by a later entry still in effect.

    Later entries that were undone, and their undos, cancel out: undoing the newest first works.
    """
    position = int(np.flatnonzero(imports["id"] == import_id)[0])
    later = imports.iloc[position + 1 :]
    undone_later = set(later["id"])
    in_effect: set[Key] = set()
    for _, entry in later.iterrows():
        if not (entry["undone_by"] or entry["undoes"] in undone_later):  # neither undone nor undoing a later one
            in_effect.update((layer, i) for layer, i, *_ in history.touched_of(entry))
    touched = [(layer, i) for layer, i, *_ in history.touched_of(imports.iloc[position])]
    found = [
        Conflict(*key, "commit.changed", None, *history.last_change(records, key))
        for key in touched
        if key in in_effect
    ]
    if found:
        raise ConflictError(found, "commit.changed_since", entry=import_id)
