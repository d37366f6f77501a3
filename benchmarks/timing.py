"""Median wall-clock time of a callable, timed by the standard library's `timeit`."""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Median of `repeat` timed calls of `work`, after one untimed warm-up call."""
    work()
    return round(statistics.median(timeit.repeat(work, repeat=repeat, number=1)), 4)
