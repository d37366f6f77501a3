"""Administrative boundaries: import polygons from any GDAL vector file, count points per polygon.

The polygons (INEI's regions, provinces or districts, or any other source) are optional;
with them the map can draw a choropleth. Import happens once, here, at the edge: a file
that cannot become the BOUNDARIES layer raises ContractError naming the file, its layer,
the row and the file's own column. Empty geometries, missing and repeated codes are all
collected and reported together (BoundaryProblems), unless the import is told to skip the
empty features or to merge the features that share a code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from dashboard.data.conform import ContractError, conform_layer
from dashboard.data.contract import BOUNDARIES, CRS
from dashboard.data.store import Dataset
from dashboard.data.vocab import BOUNDARY_LEVEL
from dashboard.i18n import DEFAULT_LANGUAGE, t

# GDAL errors that mean "this is not a file (or layer) I can read"
_UNREADABLE = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


def boundary_error(source, layer, row, field, key: str, **params) -> ContractError:
    """A ContractError whose explanation lives in the catalogue's [boundaries] table."""
    return ContractError(source, layer, row, field, f"boundaries.{key}", **params)


@dataclasses.dataclass(frozen=True)
class Problem:
    """Features of a boundaries file that cannot become a boundary as they are, and why."""

    reason: str  # catalogue key under [boundaries_check]: empty_geometry, no_code, repeated_code
    code: str  # the file's own code value ("" when it has none)
    features: tuple[int, ...]  # feature numbers: rows of the file, from 1, in file order

    def message(self, lang: str, column: str) -> str:
        """The features and what is wrong with them, in `lang`, naming the file's code column."""
        return t(
            f"boundaries_check.{self.reason}",
            lang,
            column=column,
            code=self.code or "—",
            features=", ".join(map(str, self.features)),
            count=len(self.features),
        )


_REMEDIES = ("empty_geometry", "repeated_code")  # problems an import option gets past


class BoundaryProblems(ContractError):
    """Every feature that stops a boundaries import, in one error, with the options that would let it in."""

    def __init__(self, source: str, layer: str, column: str, problems: Iterable[Problem]) -> None:
        self.column, self.problems = column, tuple(problems)
        super().__init__(source, layer, None, None, "boundaries_check.problems", count=len(self.problems))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The headline, one line per problem, then the remedies, in `lang`."""
        reasons = {p.reason for p in self.problems}
        lines = [super().message(lang), *(f"  - {p.message(lang, self.column)}" for p in self.problems)]
        lines += [t(f"boundaries_check.remedy.{r}", lang) for r in _REMEDIES if r in reasons]
        return "\n".join(lines)


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


def read_boundaries(
    path: Path | str,
    level: str,
    code_column: str,
    name_column: str,
    layer: str | None = None,
    *,
    skip_empty: bool = False,
    dissolve_duplicates: bool = False,
) -> gpd.GeoDataFrame:
    """Polygons of one `level` from any GDAL vector file, as the contract's BOUNDARIES layer."""
    return read_boundary_file(
        path, level, code_column, name_column, layer, skip_empty=skip_empty, dissolve_duplicates=dissolve_duplicates
    ).boundaries


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
    problems = _problems(frame, repeats=not dissolve_duplicates)
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


def _problems(frame: gpd.GeoDataFrame, repeats: bool) -> list[Problem]:
    """Every feature without geometry or code, and (if `repeats`) every code given to several, in file order."""
    code = frame["code"].fillna("")
    empty = frame.geometry.isna() | frame.geometry.is_empty
    found = [Problem("empty_geometry", c, (int(row),)) for row, c in code[empty].items()]
    found += [Problem("no_code", "", (int(row),)) for row in code.index[code == ""]]
    if repeats:
        present = code[code != ""]
        repeated = present[present.duplicated(keep=False)]
        found += [
            Problem("repeated_code", str(c), tuple(int(r) for r in rows.index))
            for c, rows in repeated.groupby(repeated, sort=False)
        ]
    return sorted(found, key=lambda problem: problem.features[0])


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
