"""The boundaries a Dataset holds, level by level: replace the imported levels, compare them, restore them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import BOUNDARY_LEVEL


def _level_order(levels: pd.Series) -> pd.Categorical:
    """Levels as a categorical in the vocabulary's order (region, province, district)."""
    return pd.Categorical(levels.astype(str), categories=BOUNDARY_LEVEL.codes)


def with_boundaries(dataset: Dataset, boundaries: gpd.GeoDataFrame) -> Dataset:
    """A new Dataset whose boundaries of the imported levels are replaced; other levels stay."""
    return _replaced(dataset, set(boundaries["level"].astype(str)), boundaries)


def same_levels(dataset: Dataset, boundaries: gpd.GeoDataFrame) -> bool:
    """Whether the store already holds exactly these polygons (codes, names, shapes) for their levels."""
    current = dataset.boundaries
    if current is None:
        return False
    stored = current[current["level"].astype(str).isin(set(boundaries["level"].astype(str)))]
    if len(stored) != len(boundaries):
        return False
    left, right = (frame.sort_values("boundary_id").reset_index(drop=True) for frame in (stored, boundaries))
    columns = ["boundary_id", "level", "code", "name"]
    # topological equality: the store writes every polygon as a MultiPolygon
    return bool(
        left[columns].astype(str).equals(right[columns].astype(str))
        and shapely.equals(left.geometry.values, right.geometry.values).all()
    )


def restore_levels(dataset: Dataset, before: Dataset, levels: Iterable[str]) -> Dataset:
    """A new Dataset whose boundaries of `levels` are those of `before` (none where it had none)."""
    levels = set(levels)
    old = before.boundaries
    return _replaced(dataset, levels, None if old is None else old[old["level"].astype(str).isin(levels)])


def _replaced(dataset: Dataset, levels: set[str], boundaries: gpd.GeoDataFrame | None) -> Dataset:
    """`dataset` with its boundaries of `levels` swapped for `boundaries`; None if no boundary is left."""
    current = dataset.boundaries
    kept = None if current is None else current[~current["level"].astype(str).isin(levels)]
    parts = [part for part in (kept, boundaries) if part is not None and len(part)]
    if not parts:
        return dataclasses.replace(dataset, boundaries=None)
    combined = pd.concat(parts)
    # ordered by level (region, province, district) so the store does not depend on import order
    combined = combined.sort_values("level", key=_level_order, kind="stable").reset_index(drop=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=CRS)
    return dataclasses.replace(dataset, boundaries=combined)
