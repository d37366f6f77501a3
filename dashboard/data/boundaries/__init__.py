"""Administrative boundaries: import polygons from any GDAL vector file as the BOUNDARIES layer.

The polygons (INEI's regions, provinces or districts, or any other source) are optional;
with them the map can draw a choropleth. Import happens once, here, at the edge: a file
that cannot become the BOUNDARIES layer raises ContractError naming the file, its layer,
the row and the file's own column. Empty geometries, missing and repeated codes are all
collected and reported together (BoundaryProblems), unless the import is told to skip the
empty features or to merge the features that share a code.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from dashboard.data.boundaries.problems import BoundaryProblems, boundary_error, find_problems
from dashboard.data.conform import ContractError, conform_layer
from dashboard.data.contract import BOUNDARIES, CRS
from dashboard.data.vocab import BOUNDARY_LEVEL

# GDAL errors that mean "this is not a file (or layer) I can read"
_UNREADABLE = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


@dataclasses.dataclass(frozen=True)
class BoundaryFile:
    """Boundaries read from a file, and what was done to let them in."""

    boundaries: gpd.GeoDataFrame
    skipped: tuple[int, ...] = ()  # features left out for lack of geometry (skip_empty)
    merged: dict[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)  # code -> features made one (dissolve)


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
            raise boundary_error(source, None, None, None, "choose_layer", count=len(names), layers=", ".join(names))
        return names[0]
    if layer not in names:
        raise ContractError(source, layer, None, None, "missing_layer")
    return layer


def _code_text(raw: pd.Series, source: str, layer: str, column: str) -> pd.Series:
    """The code column as text; a column GDAL typed as numbers is refused."""
    # a ubigeo read as the number 50101 has lost its leading zero, and nothing can tell it back
    numeric = pd.api.types.is_numeric_dtype(raw) or pd.api.types.infer_dtype(raw, skipna=True) in (
        "integer",
        "floating",
        "mixed-integer-float",
        "decimal",
    )
    if numeric:
        raise boundary_error(source, layer, None, column, "code_is_number", type=str(raw.dtype))
    return raw.astype("string").str.strip()


def read_boundary_file(
    path: Path | str,
    level: str,
    code_column: str,
    name_column: str,
    layer: str | None = None,
    *,
    skip_empty: bool = False,
    dissolve_duplicates: bool = False,
) -> BoundaryFile:
    """The BOUNDARIES layer of one `level` from a file, and the features skipped or merged to get it.

    Without the options, every feature with an empty geometry or a repeated code is reported in one
    BoundaryProblems; `skip_empty` leaves out the features without geometry, `dissolve_duplicates`
    merges the features sharing a code into one (multi)polygon with the first one's name.
    """
    # a str keeps URIs such as "zip:///data/limites.zip" intact (Path would fold the slashes)
    source = str(path)
    raw, name = _read_layer(source, level, code_column, name_column, layer)
    code = _code_text(raw[code_column], source, name, code_column)
    frame = gpd.GeoDataFrame(
        {"boundary_id": f"{level}-" + code, "level": level, "code": code, "name": raw[name_column]},
        # the map draws in 2-D, and a layer mixing 2-D and 3-D parts would be written as 3-D
        # INEI shapefiles often hold self-intersecting rings, which would miscount points
        geometry=shapely.make_valid(shapely.force_2d(raw.to_crs(CRS).geometry.values)),
        crs=CRS,
        index=raw.index,
    )
    empty = (frame.geometry.isna() | frame.geometry.is_empty).to_numpy()
    skipped = tuple(int(row) for row in frame.index[empty]) if skip_empty else ()
    if skip_empty:
        frame = frame[~empty]
    problems = find_problems(frame, repeats=not dissolve_duplicates)
    if problems:
        raise BoundaryProblems(source, name, code_column, problems)
    if frame.empty:
        raise boundary_error(source, name, None, None, "empty")
    frame, merged = _dissolved(frame) if dissolve_duplicates else (frame, {})
    # the contract's names mean nothing to whoever made the file: report its own columns
    columns = {"boundary_id": code_column, "code": code_column, "name": name_column}
    try:
        conformed = conform_layer(BOUNDARIES, frame, source)
    except ContractError as error:
        field = columns.get(error.field, error.field)
        raise ContractError(source, name, error.row, field, error.key, **error.params) from None
    return BoundaryFile(conformed.reset_index(drop=True), skipped, merged)


def _read_layer(
    source: str, level: str, code_column: str, name_column: str, layer: str | None
) -> tuple[gpd.GeoDataFrame, str]:
    """The file's layer, its rows numbered from 1, and the layer's name; refused if it cannot hold boundaries."""
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
    # rows numbered from 1 in file order, whatever the driver's fid base, so errors name the feature
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    return raw, name


def _dissolved(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, tuple[int, ...]]]:
    """Features sharing a code merged into one, with the first one's name and place; and which were merged."""
    repeated = frame["code"].duplicated(keep=False).to_numpy()
    if not repeated.any():
        return frame, {}
    rows = frame.index[repeated].to_series()
    merged = {str(c): tuple(int(r) for r in group) for c, group in rows.groupby(frame["code"][repeated], sort=False)}
    # only the repeated ones go through the union, so every other polygon stays exactly as read
    one = frame[repeated].dissolve(by="code", aggfunc="first", sort=False).reset_index()
    one.index = pd.Index([merged[c][0] for c in one["code"]])
    return pd.concat([frame[~repeated], one[frame.columns]]).sort_index(), merged
