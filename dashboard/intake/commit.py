"""Import a checked file all or nothing: the file is checked again on the store under its lock, then written.

Matching rows to records and giving ids happen on the store as it is when the lock is held, so two
imports of one file started together add it once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from dashboard.data.backend import AtlasStore, open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.dataset import Dataset
from dashboard.data.refusals import CommitError
from dashboard.intake.report import Report


def commit_checked(
    check: Callable[[Dataset], Report],
    source: Source,
    editor: str,
    *,
    store: AtlasStore | None = None,
    expected: dict[str, int] | None = None,
    now: datetime | None = None,
) -> tuple[Report, str | None]:
    """Check a file against the store and write what it finds under the lock; the report and the entry's id."""
    # `expected`, the counts of the report a person confirmed, refuses the import if checking again now
    # would do something else; the entry is None when there was nothing to write
    checked: list[Report] = []

    def plan(dataset: Dataset) -> tuple[Changes, Source]:
        report = check(dataset)
        if expected is not None and report.counts() != expected:
            raise CommitError("commit.report_changed", **report.counts())
        checked.append(report)
        return report.changes, dataclasses.replace(source, counts={**report.counts(), **source.counts})

    entry = (store if store is not None else open_store()).commit_planned(plan, editor, now=now)
    return checked[-1], entry
