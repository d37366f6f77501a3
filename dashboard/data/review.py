"""Review before publishing: which status each role may give a record, and the four-eyes rule.

A record moves borrador → en revisión → publicado (and retirado). Editors add and edit drafts and
send them for review; reviewers and administrators publish and withdraw. Nobody publishes the
version they wrote themselves: someone else must have written what is published.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.data.changes import Changes
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import RECORD_STATUS

EDITOR_STATUSES = ("draft", "in_review")  # what an editor may give a record
PUBLISHED = "published"


def statuses(role: str, current: str | None) -> tuple[str, ...]:
    """The statuses `role` may choose for a record now at `current` (None: a new record), current first."""
    offered = RECORD_STATUS.codes if role in ("reviewer", "admin") else EDITOR_STATUSES
    if current is None:
        return offered
    return (current, *(code for code in offered if code != current))


def refusal(role: str, who: str, old: str | None, new: str, written_by: str | None) -> str | None:
    """Why `who` (of `role`) may not move a record from `old` to `new`, as a catalogue key; None if they may.

    `written_by`: who wrote the version being saved (None for a new record: `who` writes it).
    """
    if new == old:
        return None
    if new not in statuses(role, old):
        return "review.not_allowed"
    if new == PUBLISHED and (written_by is None or written_by == who):
        return "review.four_eyes"
    return None


def _same(old: object, new: object) -> bool:
    if isinstance(old, list | tuple) or isinstance(new, list | tuple):
        return list(old if isinstance(old, list | tuple) else []) == list(new or [])
    missing_old = old is None or (not isinstance(old, str) and pd.isna(old)) or old == ""
    missing_new = new is None or (not isinstance(new, str) and pd.isna(new)) or new == ""
    if missing_old or missing_new:
        return missing_old and missing_new
    return str(old) == str(new) or (isinstance(new, int | float) and float(old) == float(new))


def written_by(data: Dataset, layer: str, record: pd.Series | None, entered: dict, who: str) -> str | None:
    """Who wrote the version a save would keep: the last person to change the record when `who` changes
    nothing but its status, else `who` (None for a new record)."""
    if record is None:
        return None
    if any(not _same(record.get(name), value) for name, value in entered.items() if name != "status"):
        return who
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return None  # nobody is known to have written it: it cannot be published without a change
    found = records[(records["entity"] == layer) & (records["id"] == str(record.name))]
    return None if found.empty else str(found["updated_by"].iloc[-1])


def as_drafts(changes: Changes) -> Changes:
    """`changes` with every innovation it adds or updates landing as a draft, for someone to review."""

    def drafted(frames: dict) -> dict:
        return {
            layer: frame.assign(status="draft") if layer == "innovations" else frame for layer, frame in frames.items()
        }

    return replace(changes, added=drafted(changes.added), updated=drafted(changes.updated))


def may_undo(role: str, who: str, author: str) -> bool:
    """Whether `who` may undo a change `author` made: their own, or anyone's for a reviewer or administrator."""
    return role in ("reviewer", "admin") or who == author
