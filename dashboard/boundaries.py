"""Administrative boundaries: import polygons from any GDAL vector file, count points per polygon.

The polygons (INEI's regions, provinces or districts, or any other source) are optional;
with them the map can draw a choropleth. Import happens once, here, at the edge: a file
that cannot become the BOUNDARIES layer raises ContractError naming the file, its layer,
the row and the file's own column.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from dashboard.conform import ContractError, conform_layer
from dashboard.contract import BOUNDARIES, CRS
from dashboard.store import Dataset
from dashboard.vocab import BOUNDARY_LEVEL

# GDAL errors that mean "this is not a file (or layer) I can read"
_UNREADABLE = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


def boundary_error(source, layer, row, field, key: str, **params) -> ContractError:
    """A ContractError whose explanation lives in the catalogue's [boundaries] table."""
    return ContractError(source, layer, row, field, f"boundaries.{key}", **params)


def _is_local(source: str) -> bool:
    """Whether `source` names a local path (not a URI such as zip:// or a GDAL /vsi path)."""
    return "://" not in source and not source.startswith("/vsi")


def _layer_name(source: str, layer: str | None) -> str:
    """The layer to read: `layer` if the file has it, else the file's only layer."""
    try:
        names = [str(name) for name, _ in pyogrio.list_layers(source)]
    except _UNREADABLE as error:
        raise boundary_error(source, layer, None, None, "unreadable", detail=str(error)) from None
    if layer is None:
        # guessing among several layers could silently import the wrong level
        if len(names) != 1:
            raise boundary_error(source, None, None, None, "choose_layer", count=len(names),
                                layers=", ".join(names))
        return names[0]
    if layer not in names:
        raise ContractError(source, layer, None, None, "missing_layer")
    return layer


def _code_text(raw: pd.Series, source: str, layer: str, column: str) -> pd.Series:
    """The code column as text; a column GDAL typed as numbers is refused."""
    # a ubigeo read as the number 50101 has lost its leading zero, and nothing can tell it back
    numeric = pd.api.types.is_numeric_dtype(raw) or pd.api.types.infer_dtype(raw, skipna=True) in (
        "integer", "floating", "mixed-integer-float", "decimal",
    )
    if numeric:
        raise boundary_error(source, layer, None, column, "code_is_number", type=str(raw.dtype))
    return raw.astype("string").str.strip()


def read_boundaries(
    path: Path | str, level: str, code_column: str, name_column: str, layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Polygons of one `level` from any GDAL vector file, as the contract's BOUNDARIES layer."""
    # a str keeps URIs such as "zip:///data/limites.zip" intact (Path would fold the slashes)
    source = str(path)
    if level not in BOUNDARY_LEVEL:
        raise ContractError(source, None, None, "level", "unknown_code", value=level)
    if _is_local(source) and not Path(source).exists():
        raise ContractError(source, None, None, None, "no_store")
    name = _layer_name(source, layer)
    try:
        raw = pyogrio.read_dataframe(source, layer=name)
    except _UNREADABLE as error:
        raise boundary_error(source, name, None, None, "unreadable", detail=str(error)) from None
    if not isinstance(raw, gpd.GeoDataFrame):
        raise boundary_error(source, name, None, "geometry", "no_geometry")
    if raw.empty:
        raise boundary_error(source, name, None, None, "empty")
    for column in (code_column, name_column):
        if column not in raw.columns:
            columns = ", ".join(str(c) for c in raw.columns if c != raw.geometry.name)
            raise boundary_error(source, name, None, column, "missing_column", columns=columns)
    if raw.crs is None:
        # without a CRS the coordinates may be metres or degrees; a guess would misplace everything
        raise boundary_error(source, name, None, "geometry", "no_crs")
    # rows numbered from 1 in file order, whatever the driver's fid base, so errors name the row
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    code = _code_text(raw[code_column], source, name, code_column)
    frame = gpd.GeoDataFrame(
        {
            "boundary_id": f"{level}-" + code,
            "level": level,
            "code": code,
            "name": raw[name_column],
        },
        # the map draws in 2-D, and a layer mixing 2-D and 3-D parts would be written as 3-D
        # INEI shapefiles often hold self-intersecting rings, which would miscount points
        geometry=shapely.make_valid(shapely.force_2d(raw.to_crs(CRS).geometry.values)),
        crs=CRS,
        index=raw.index,
    )
    # the contract's names mean nothing to whoever made the file: report its own columns
    columns = {"boundary_id": code_column, "code": code_column, "name": name_column}
    try:
        conformed = conform_layer(BOUNDARIES, frame, source)
    except ContractError as error:
        field = columns.get(error.field, error.field)
        raise ContractError(source, name, error.row, field, error.key, **error.params) from None
    return conformed.reset_index(drop=True)


def _level_order(levels: pd.Series) -> pd.Categorical:
    """Levels as a categorical in the vocabulary's order (region, province, district)."""
    return pd.Categorical(levels.astype(str), categories=BOUNDARY_LEVEL.codes)


def with_boundaries(dataset: Dataset, boundaries: gpd.GeoDataFrame) -> Dataset:
    """A new Dataset whose boundaries of the imported levels are replaced; other levels stay."""
    if dataset.boundaries is None:
        combined = boundaries
    else:
        levels = boundaries["level"].astype("string").unique()
        kept = dataset.boundaries[~dataset.boundaries["level"].astype("string").isin(levels)]
        combined = pd.concat([kept, boundaries])
    # ordered by level (region, province, district) so the store does not depend on import order
    combined = combined.sort_values("level", key=_level_order, kind="stable").reset_index(drop=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=CRS)
    return dataclasses.replace(dataset, boundaries=combined)


def count_by_boundary(
    boundaries: gpd.GeoDataFrame, points: gpd.GeoSeries, level: str,
) -> gpd.GeoDataFrame:
    """The polygons of `level` with `count`: how many of `points` fall in each (each point once)."""
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
    return result
