"""How many points fall in each administrative boundary of one level, and how many in none."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from dashboard.data.contract import CRS
from dashboard.data.vocab import BOUNDARY_LEVEL


def count_by_boundary(boundaries: gpd.GeoDataFrame, points: gpd.GeoSeries, level: str) -> tuple[gpd.GeoDataFrame, int]:
    """The polygons of `level` with `count`: how many of `points` fall in each (each point once);
    and how many of `points` fall in none of them (points without geometry are not counted at all).
    """
    if level not in BOUNDARY_LEVEL:
        raise ValueError(f"unknown boundary level {level!r}; expected {BOUNDARY_LEVEL.codes}")
    polygons = boundaries[boundaries["level"].astype("string") == level].reset_index(drop=True)
    if points.crs is not None and not points.crs.equals(CRS):
        points = points.to_crs(CRS)
    present = (points.notna() & ~points.is_empty).to_numpy()
    located = np.asarray(points.values)[present]
    # "intersects" keeps a point lying on a border; "within" would lose it from both sides
    point_at, polygon_at = polygons.sindex.query(located, predicate="intersects")
    # a point on a shared border matches both polygons: keep its first polygon in frame order
    order = np.lexsort((polygon_at, point_at))
    _, first = np.unique(point_at[order], return_index=True)
    counts = np.bincount(polygon_at[order][first], minlength=len(polygons))
    result = polygons.copy()
    result["count"] = counts.astype("int64")
    return result, len(located) - len(first)
