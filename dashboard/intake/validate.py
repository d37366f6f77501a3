"""Every input row ends in exactly one status: new, update, unchanged, or rejected with its reasons.

`validate` reads a `RawTable` through a column mapping against the current store and returns
a `Report`: one result per row (with every issue, in the user's language on demand) and the
`Changes` that committing would make. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.data.contract import INNOVATIONS, Entity
from dashboard.data.dataset import Dataset
from dashboard.intake import coords
from dashboard.intake.comparison import merged, same_record
from dashboard.intake.duplicates import EarlierRows, identity_of
from dashboard.intake.issues import FLAG, REJECT, Issue
from dashboard.intake.mapping import Mapping, suggest
from dashboard.intake.matching import natural_key
from dashboard.intake.outcomes import Outcome
from dashboard.intake.records import Lookups, Texts
from dashboard.intake.report import NEW, UNCHANGED, UPDATE, Report
from dashboard.intake.row_context import RowContext
from dashboard.intake.row_point import shown_point
from dashboard.intake.row_record import RecordBuilder, community_record, defaults, incomplete, innovation_record

if TYPE_CHECKING:
    from dashboard.intake.readers.table import RawTable

PROGRESS_STEP = 500
CHUNK = 10_000  # rows whose cells are read into Python at a time
PROGRESS_FROM = 2000  # rows: a longer file shows a progress bar while it is checked (page and CLI)


def _mapped_columns(frame: pd.DataFrame, mapping: Mapping, start: int) -> list[tuple[str, list]]:
    """Each mapped target with the cells of rows `start` … `start + CHUNK` as a plain list."""
    # Read a chunk at a time: a Python string per cell of a 200,000-row file would cost hundreds of megabytes.
    return [
        (target, frame[column].iloc[start : start + CHUNK].tolist())
        for column, target in mapping.items()
        if target and column in frame
    ]


def _texts(columns: list[tuple[str, list]], position: int) -> Texts:
    """The non-empty text of one row under its targets."""
    texts = {}
    for target, cells in columns:
        value = cells[position]
        if isinstance(value, str) and (value := value.strip()):
            texts[target] = value
    return texts


def _check_row(
    texts: Texts, ctx: RowContext, row: int, build: RecordBuilder
) -> tuple[str, str | None, dict, list[Issue], tuple | None]:
    """One readable row: its status, the stored id it matched, the whole record to store, its issues and natural key."""
    record, issues = build(texts, ctx, row)
    source_key = texts.get("source_key")
    key = natural_key(ctx.entity, record)
    match = ctx.matcher.find(record, source_key, row, ctx.columns.get(ctx.entity.id_field), key)
    if match.issue is not None:
        issues.append(match.issue)
    existing = ctx.matcher.record(match.record_id) if match.record_id is not None else None
    issues += shown_point(record, texts, existing, ctx, row)
    whole = merged(record, existing, ctx.entity)
    if existing is None:
        issues += defaults(whole, ctx, row)
        issues += incomplete(whole, ctx, row, set(texts)) if match.issue is None else []
        return NEW, record.get(ctx.entity.id_field), whole, issues, key
    whole[ctx.entity.id_field] = match.record_id
    status = UNCHANGED if same_record(whole, existing, ctx.entity) else UPDATE
    return status, match.record_id, whole, issues, key


class _FileCheck:
    """One file's rows checked in order: each against the store, then against the file's earlier rows."""

    def __init__(self, table: RawTable, mapping: Mapping, ctx: RowContext, outcome: Outcome) -> None:
        self.table, self.mapping, self.ctx, self.outcome = table, mapping, ctx, outcome
        self.build = innovation_record if ctx.entity is INNOVATIONS else community_record
        self.early: dict[int | None, list[Issue]] = {}  # the reader's issues, by row
        for issue in table.issues:
            self.early.setdefault(issue.row, []).append(issue)
        self.earlier = EarlierRows(self._again)

    def _again(self, position: int) -> dict:
        """The whole record the row at `position` makes, read from the file again."""
        return _check_row(
            _texts(_mapped_columns(self.table.frame, self.mapping, position), 0), self.ctx, 0, self.build
        )[2]

    def row(self, row: int, position: int, columns: list[tuple[str, list]]) -> None:
        """The result of the row at `position`, whose chunk of mapped `columns` holds its cells."""
        issues = list(self.early.get(row, []))
        if any(i.severity == REJECT for i in issues):  # the reader could not split the row into its cells
            self.outcome.reject(row, None, issues)
            return
        given = _texts(columns, position % CHUNK)
        status, record_id, whole, more, key = _check_row(given, self.ctx, row, self.build)
        issues += more
        source_key = given.get("source_key")
        identities = [
            i
            for i in (
                identity_of(record_id, whole, source_key, key, self.ctx.entity),
                ("source_key", source_key) if source_key else None,
            )
            if i is not None
        ]
        repeated, twice = self.earlier.check(identities, whole, row, self.ctx)
        if twice is not None:
            issues.append(twice)
        if any(i.severity == REJECT for i in issues):
            self.outcome.reject(row, record_id if status != NEW else None, issues)
            return
        self.earlier.remember(identities, row, position)
        self.outcome.accept(row, UNCHANGED if repeated else status, record_id, whole, source_key, issues)


def validate(
    table: RawTable,
    mapping: Mapping,
    data: Dataset,
    *,
    entity: Entity = INNOVATIONS,
    default_zone: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check every row of `table` (a readers.RawTable) mapped by `mapping` against the store `data`.

    Every problem of a row is listed, not only the first. `progress`, if given, is told how many
    more rows were checked, every `PROGRESS_STEP` rows.
    """
    ctx = RowContext(
        entity,
        data,
        Lookups(data),
        {target: col for col, target in mapping.items() if target},
        default_zone,
        coords.RegionShapes(data.boundaries),
    )
    outcome = Outcome(data, entity)
    check = _FileCheck(table, mapping, ctx, outcome)
    for position, row in enumerate(table.rows):
        if progress is not None and position and position % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
        if position % CHUNK == 0:
            columns = _mapped_columns(table.frame, mapping, position)
        check.row(row, position, columns)
    unmapped = tuple(column for column, target in mapping.items() if not target)
    return outcome.report(table.source, (*check.early.get(None, []), *_unmapped(mapping, entity)), unmapped)


def _unmapped(mapping: Mapping, entity: Entity) -> list[Issue]:
    """The columns left out, said: each that looks like a field with how to map it, the others together."""
    taken = {target for target in mapping.values() if target}
    hinted, plain = [], []
    for column, target in mapping.items():
        if target:
            continue
        probable = suggest(str(column), entity, taken)
        if probable:
            hinted.append(
                Issue(
                    None,
                    column,
                    "validate.unmapped_hint",
                    {"column": column, "target": probable, "field": probable},
                    FLAG,
                )
            )
        else:
            plain.append(str(column))
    together = [Issue(None, None, "validate.unmapped", {"columns": ", ".join(f"«{c}»" for c in plain)}, FLAG)]
    return hinted + (together if plain else [])
