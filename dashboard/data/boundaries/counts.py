"""Which administrative boundary of one level each point falls in, and how many points each holds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from dashboard.data.contract import CRS
from dashboard.data.vocab import BOUNDARY_LEVEL

OUTSIDE, NO_POINT = -1, -2  # what `locate` says of a point in no polygon, and of a missing point


def locate(boundaries: gpd.GeoDataFrame, points: gpd.GeoSeries, level: str) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The polygons of `level`, and for each of `points` the position of the polygon it falls in.

    A point on a shared border goes to the first of its polygons in frame order; a point in none is
    `OUTSIDE`, a missing or empty point `NO_POINT`.
    """
    if level not in BOUNDARY_LEVEL:
        raise ValueError(f"unknown boundary level {level!r}; expected {BOUNDARY_LEVEL.codes}")
    polygons = boundaries[boundaries["level"].astype("string") == level].reset_index(drop=True)
    if points.crs is not None and not points.crs.equals(CRS):
        points = points.to_crs(CRS)
    present = (points.notna() & ~points.is_empty).to_numpy()
    where = np.where(present, OUTSIDE, NO_POINT)
    # "intersects" keeps a point lying on a border; "within" would lose it from both sides
    point_at, polygon_at = polygons.sindex.query(np.asarray(points.values)[present], predicate="intersects")
    order = np.lexsort((polygon_at, point_at))
    located, first = np.unique(point_at[order], return_index=True)
    where[np.flatnonzero(present)[located]] = polygon_at[order][first]
    return polygons, where


def tally(where: np.ndarray, polygons: int) -> tuple[np.ndarray, int]:
    """Points per polygon from `locate`'s positions, and how many points fall in none."""
    return np.bincount(where[where >= 0], minlength=polygons).astype("int64"), int((where == OUTSIDE).sum())


def count_by_boundary(boundaries: gpd.GeoDataFrame, points: gpd.GeoSeries, level: str) -> tuple[gpd.GeoDataFrame, int]:
    """The polygons of `level` with `count`: how many of `points` fall in each (each point once);
    and how many of `points` fall in none of them (points without geometry are not counted at all).
    """
    polygons, where = locate(boundaries, points, level)
    counts, outside = tally(where, len(polygons))
    return polygons.assign(count=counts), outside
