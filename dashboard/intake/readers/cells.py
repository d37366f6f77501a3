"""Cells as the text a person sees, and a header plus records turned into one all-text frame."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.intake.issues import FLAG, Issue

Cell = str | None
# Above this an integer-valued float is shown in exponent form by spreadsheets, and so here.
LARGEST_WHOLE = 1e16


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


def _unique(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def column_names(header: Sequence[str | None], filled: Sequence[bool]) -> tuple[list[str | None], list[Issue]]:
    """Header cells as unique column names; None for a nameless column that holds nothing (dropped).

    A nameless column with data is called `column_<n>` (1-based position) and a repeated name gets a
    suffix `_2`, `_3`, …; both are flagged so the report says which column got which name.
    """
    names: list[str | None] = []
    issues: list[Issue] = []
    taken: set[str] = set()
    for position, (cell, has_data) in enumerate(zip(header, filled, strict=True), start=1):
        name = (cell or "").replace("\ufeff", "").strip()
        if not name and not has_data:
            names.append(None)
            continue
        if not name:
            name = f"column_{position}"
            issues.append(Issue(None, name, "readers.header.unnamed", {"column": name, "position": position}, FLAG))
        if name in taken:
            renamed = _unique(name, taken)
            issues.append(Issue(None, name, "readers.header.duplicate", {"column": name, "renamed": renamed}, FLAG))
            name = renamed
        taken.add(name)
        names.append(name)
    return names, issues


def build_frame(header: Sequence[str | None], records: Sequence[Sequence[Cell]]) -> tuple[pd.DataFrame, list[Issue]]:
    """An object-dtype frame from a header and records padded to its width; nothing is converted."""
    width = len(header)
    filled = [any(len(r) > i and r[i] is not None for r in records) for i in range(width)]
    names, issues = column_names(header, filled)
    keep = [i for i, name in enumerate(names) if name is not None]
    columns = {names[i]: [r[i] if i < len(r) else None for r in records] for i in keep}
    frame = pd.DataFrame(columns, dtype=object) if columns else pd.DataFrame(index=range(len(records)), dtype=object)
    return frame, issues


def is_blank(record: Sequence[Cell]) -> bool:
    """Whether a record holds nothing at all (a spreadsheet's empty line)."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in record)
