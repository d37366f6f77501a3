"""Small numbers do not identify people: a public count of 1 to n−1 per district or community is not shown.

Primary suppression hides a count from 1 to n−1 (n: `min_cell()`, `ATLAS_MIN_CELL`, default 5); it is
written "<5". A total shown beside the cells would give a lone hidden count back (the total minus the
shown cells), so complementary suppression then hides the smallest other non-zero cells of the group,
written "≥5", until no hidden count can be worked out. "Worked out" is judged as a reader who knows
this rule would: each "<n" lies in 1…n−1, each "≥n" in n…total, and together they make the total
minus the shown cells; every hidden count must keep at least two possible values. A lone small cell
gets one complement; two cells of 1, or of n−1, get one more, since their sum alone would name them.

Zero stays 0: it describes no person, and drawing empty places as empty is what a map and a ranking
are for. The bounds above already count on it (a hidden count is never 0), which is why n is at least 3:
with n = 2, "<2" beside the zeros could only mean 1.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard.data.viewers import seen_in_part
from dashboard.filtering.selection import Selection
from dashboard.i18n import number, t
from dashboard.summary.summaries import Summary

FINE_LEVELS = ("district", "community")  # places small enough that a count may point at a person
SETTING = "ATLAS_MIN_CELL"
DEFAULT_MIN_CELL = 5
LOWEST_MIN_CELL = 3


def min_cell() -> int:
    """The smallest count a public cell shows, from `ATLAS_MIN_CELL` (default 5); a bad value is an error."""
    raw = os.environ.get(SETTING, "").strip()
    if not raw:
        return DEFAULT_MIN_CELL
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < LOWEST_MIN_CELL:
        raise ValueError(
            f"{SETTING}={raw!r} is not valid: give a whole number of {LOWEST_MIN_CELL} or more "
            f"(the smallest count shown per district or community; default {DEFAULT_MIN_CELL})"
        )
    return value


def is_fine(level: str) -> bool:
    """Whether counts per place of `level` are protected (district or finer)."""
    return level in FINE_LEVELS


def guarded(summary: Summary, selection: Selection) -> Summary:
    """The summary as a page outside the committee shows it: when the filter chooses districts, its headline
    is a district-level cell, so its counts of innovations from 1 to n−1 are written "<n"."""
    if not (seen_in_part(selection.data) and selection.filters.chosen("districts")):
        return summary
    return replace(summary, headline=replace(summary.headline, small=min_cell()))


def _exposed(values: np.ndarray, hidden: np.ndarray, small: np.ndarray, n: int) -> bool:
    """Whether a reader who sees the shown cells, the labels and the total can tell some hidden count."""
    if not hidden.any():
        return False
    total = int(values[hidden].sum())
    low = np.where(small, 1, n)[hidden]
    high = np.where(small, n - 1, total)[hidden]
    lowest = np.maximum(low, total - (high.sum() - high))
    highest = np.minimum(high, total - (low.sum() - low))
    return bool((highest <= lowest).any())


def suppressed(counts: pd.Series, n: int | None = None) -> pd.Series:
    """Which counts of one group (cells that add up to a shown total) are hidden: the small ones and their
    complements, as a boolean series on the same index."""
    n = min_cell() if n is None else n
    values = counts.fillna(0).to_numpy(np.int64)
    small = (values > 0) & (values < n)
    return pd.Series(_complemented(values, small.copy(), small, n), index=counts.index)


def suppressed_within(counts: pd.Series, groups: pd.Series, n: int | None = None) -> pd.Series:
    """`suppressed` for cells in several groups (districts by province): each group protected against its own
    total, then all of them against the overall total."""
    n = min_cell() if n is None else n
    values = counts.fillna(0).to_numpy(np.int64)
    hidden = np.zeros(len(values), dtype=bool)
    for positions in pd.Series(range(len(values))).groupby(groups.to_numpy(), dropna=False).indices.values():
        hidden[positions] = suppressed(pd.Series(values[positions]), n).to_numpy()
    small = (values > 0) & (values < n)
    return pd.Series(_complemented(values, hidden, small, n), index=counts.index)


def _complemented(values: np.ndarray, hidden: np.ndarray, small: np.ndarray, n: int) -> np.ndarray:
    """`hidden` with the smallest shown non-zero cells added until no hidden count can be worked out."""
    for position in np.argsort(np.where(hidden | (values == 0), np.iinfo(np.int64).max, values), kind="stable"):
        if not _exposed(values, hidden, small, n) or hidden[position] or values[position] == 0:
            break
        hidden[position] = True
    return hidden


def cell_label(lang: str, n: int | None = None, *, complement: bool = False) -> str:
    """How a table or chart writes a hidden count: "<5" (a small one) or "≥5" (its complement)."""
    key = "small_numbers.complement_cell" if complement else "small_numbers.cell"
    return t(key, lang, n=min_cell() if n is None else n)


def prose_label(lang: str, n: int | None = None, *, complement: bool = False) -> str:
    """How a sentence says a hidden count: "menos de 5" / "fewer than 5" (or "5 o más" / "5 or more")."""
    key = "small_numbers.complement_prose" if complement else "small_numbers.prose"
    return t(key, lang, n=min_cell() if n is None else n)


def hidden_note(lang: str, n: int | None = None) -> str:
    """A sentence saying how hidden counts read, for under a chart or a table that has some."""
    n = min_cell() if n is None else n
    return t("small_numbers.note", lang, n=n, last=n - 1)


def shown_cells(counts: pd.Series, lang: str, n: int | None = None) -> pd.Series:
    """Each count of one group as a public cell writes it: the number, "<5" or "≥5"."""
    n = min_cell() if n is None else n
    hidden = suppressed(counts, n).to_numpy()
    values = counts.fillna(0).to_numpy(np.int64)
    small = (values > 0) & (values < n)
    text = [
        (cell_label(lang, n, complement=not low) if hide else number(int(value), lang))
        for value, hide, low in zip(values, hidden, small, strict=True)
    ]
    return pd.Series(text, index=counts.index, dtype=object)
