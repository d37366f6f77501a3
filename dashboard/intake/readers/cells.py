"""Cells as the text a person sees, and a header plus records turned into one all-text frame."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.intake.issues import FLAG, IntakeError, Issue
from dashboard.intake.limits import Limits

Cell = str | None
# Above this an integer-valued float is shown in exponent form by spreadsheets, and so here.
LARGEST_WHOLE = 1e16
# What no stored text may hold: NUL (SQLite and GDAL end a string there) and lone surrogates (a JSON "\ud800"
# escape), which cannot be written as UTF-8.
UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def number_text(value: float) -> str:
    """A number without a spurious ".0", and with at most the 15 digits a spreadsheet shows."""
    if value.is_integer() and abs(value) < LARGEST_WHOLE:
        return str(int(value))
    return f"{value:.15g}"


def _time_text(value: dt.datetime) -> str:
    """ISO 8601; a midnight with no zone is a date, as a date cell or date field shows it."""
    if value.tzinfo is None and value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")


def cell_text(value: object) -> str | None:
    """One value as text: None for missing or empty, true/false, numbers and dates as written above."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple | dict):  # a GDAL list field, or nested JSON
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None or pd.isna(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return number_text(float(value)) if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):  # pd.Timestamp is one
        return _time_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def repaired(text: str) -> str:
    """`text` without NUL characters, each lone surrogate (a broken character) replaced by U+FFFD "�"."""
    return UNWRITABLE.sub(lambda found: "" if found.group() == "\x00" else REPLACEMENT, text)


def _unique(name: str, taken: set[str], last: dict[str, int]) -> str:
    """`name` with the first free suffix `_2`, `_3`, …; `last` remembers where each name's search stopped.

    Every suffix below the remembered one is taken, and stays taken, so a name repeated n times costs n probes
    in all, not n²/2.
    """
    number = last.get(name, 1) + 1
    while f"{name}_{number}" in taken:
        number += 1
    last[name] = number
    return f"{name}_{number}"


def _header_name(cell: str | None, position: int, issues: list[Issue]) -> str:
    """A header cell as a name: trimmed, and repaired (with a flag) if it holds a NUL or a broken character."""
    name = (cell or "").replace("\ufeff", "").strip()
    if UNWRITABLE.search(name):
        name = repaired(name).strip()
        issues.append(Issue(None, name, "readers.hostile.name_repaired", {"column": name, "position": position}, FLAG))
    return name


def column_names(header: Sequence[str | None], filled: Sequence[bool]) -> tuple[list[str | None], list[Issue]]:
    """Header cells as unique column names; None for a nameless column that holds nothing (dropped).

    A nameless column with data is called `column_<n>` (1-based position) and a repeated name gets a
    suffix `_2`, `_3`, …; both are flagged so the report says which column got which name.
    """
    names: list[str | None] = []
    issues: list[Issue] = []
    taken: set[str] = set()
    last: dict[str, int] = {}
    for position, (cell, has_data) in enumerate(zip(header, filled, strict=True), start=1):
        name = _header_name(cell, position, issues)
        if not name and not has_data:
            names.append(None)
            continue
        if not name:
            name = f"column_{position}"
            issues.append(Issue(None, name, "readers.header.unnamed", {"column": name, "position": position}, FLAG))
        if name in taken:
            renamed = _unique(name, taken, last)
            issues.append(Issue(None, name, "readers.header.duplicate", {"column": name, "renamed": renamed}, FLAG))
            name = renamed
        taken.add(name)
        names.append(name)
    return names, issues


def frame_of_columns(
    header: Sequence[str | None], columns: Sequence[Sequence[Cell]], length: int
) -> tuple[pd.DataFrame, list[Issue]]:
    """An object-dtype frame of `length` rows from a header and its columns (each `length` long); nothing converted."""
    filled = [column.count(None) < len(column) for column in columns]
    names, issues = column_names(header, filled)
    data = {name: column for name, column in zip(names, columns, strict=True) if name is not None}
    frame = pd.DataFrame(data, dtype=object) if data else pd.DataFrame(index=range(length), dtype=object)
    return frame, issues


def build_frame(header: Sequence[str | None], records: Sequence[Sequence[Cell]]) -> tuple[pd.DataFrame, list[Issue]]:
    """An object-dtype frame from a header and records padded to its width; nothing is converted."""
    width = len(header)
    if any(len(record) != width for record in records):
        records = [[*record, *[None] * (width - len(record))] for record in records]
    columns = [[record[i] for record in records] for i in range(width)]  # faster than zip(*records)
    return frame_of_columns(header, columns, len(records))


def repair(frame: pd.DataFrame, rows: Sequence[int]) -> tuple[pd.DataFrame, list[Issue]]:
    """Cells holding a NUL (databases cut text there) or a broken character, repaired and each flagged.

    The text is kept: "Pru\\0eba" becomes "Prueba", with an issue that names its row and column.
    """
    issues: list[Issue] = []
    for column in frame.columns:
        values = frame[column].tolist()
        if not UNWRITABLE.search("".join(filter(None, values))):  # one C-speed scan per column in the usual case
            continue
        for index, value in enumerate(values):
            if value is not None and UNWRITABLE.search(value):
                reason = "readers.hostile.nul_removed" if "\x00" in value else "readers.hostile.character_replaced"
                values[index] = repaired(value) or None
                issues.append(
                    Issue(
                        rows[index],
                        column,
                        reason,
                        {"row": rows[index], "column": column, "value": values[index] or ""},
                        FLAG,
                    )
                )
        frame = frame.assign(**{column: pd.Series(values, index=frame.index, dtype=object)})
    return frame, issues


class Columns:
    """Text columns filled record by record; a column first seen late starts with None for the records before it.

    The table is counted as it grows: one record more than `limits.max_rows`, or one that takes the full table
    (columns × records, `reserved` columns more to come) past `limits.max_cells`, refuses the file there, so
    a file whose every record brings a new key cannot fill memory with padding.
    """

    def __init__(self, limits: Limits, source: str, reserved: int = 0) -> None:
        self.data: dict[str, list[Cell]] = {}
        self.length = 0
        self.limits, self.source, self.reserved = limits, source, reserved

    def _check(self, width: int, length: int) -> None:
        if length > self.limits.max_rows:
            raise IntakeError(self.source, "readers.limits.too_many_rows", limit=self.limits.max_rows)
        if (width + self.reserved) * length > self.limits.max_cells:
            raise IntakeError(self.source, "readers.hostile_archive.too_many_cells", limit=self.limits.max_cells)

    def add(self, record: dict[str, Cell]) -> None:
        """One more record (its keys the column names), refused when the table would outgrow the limits."""
        row = self.length
        self._check(len(self.data), row + 1)
        for key, value in record.items():
            column = self.data.get(key)
            if column is None:
                self._check(len(self.data) + 1, row + 1)
                column = self.data[key] = [None] * row
            elif len(column) < row:
                column.extend([None] * (row - len(column)))
            column.append(value)
        self.length = row + 1

    def padded(self) -> dict[str, list[Cell]]:
        """Every column, as long as the table."""
        for column in self.data.values():
            column.extend([None] * (self.length - len(column)))
        return self.data


def is_blank(record: Sequence[Cell]) -> bool:
    """Whether a record holds nothing at all (a spreadsheet's empty line)."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in record)
