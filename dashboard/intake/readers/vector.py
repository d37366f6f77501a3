"""GeoPackage, Shapefile and KML read through GDAL (pyogrio), attributes as text and points as longitude/latitude.

Each layer's features are counted (GDAL reads only its index or scans the file) before any is read, so a layer
past `limits.max_rows` or `limits.max_cells` is refused without loading it, as is one that repeats a field
name. KML field names are read as written: GDAL would otherwise turn <Data name="Año"> into "A__o", which no
longer maps (and can clash).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from dashboard.intake.issues import FLAG, REJECT, IntakeError, Issue
from dashboard.intake.readers.cells import Columns, cell_text, frame_of_columns
from dashboard.intake.readers.coordinates import Point, assemble, locate, parse_crs
from dashboard.intake.readers.table import RawTable, Request

SQLITE_MAGIC = b"SQLite format 3\x00"
# Columns LIBKML adds to every placemark: styling, never data.
KML_STYLING = ("tessellate", "extrude", "visibility", "altitudeMode", "drawOrder", "icon")
# Columns LIBKML adds that are data only when a placemark fills them.
KML_OPTIONAL = ("id", "timestamp", "begin", "end", "snippet")
GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)
# A .dbf without .cpg and without a code page byte is decoded by GDAL as Latin-1; these are what we check instead.
DBF_ENCODINGS = (("UTF-8", "utf-8"), ("CP1252", "cp1252"))
# GDAL's configuration is one per process: KML reads take turns while they change it.
KML_OPTIONS = threading.Lock()


def _detail(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def layer_names(path: Path, source: str | None = None) -> list[str]:
    """The layers of a GeoPackage (or KML folders), in order."""
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except GDAL_ERRORS as error:
        raise IntakeError(source or path.name, "readers.vector.unreadable", detail=_detail(error)) from None


def _choose_layer(names: list[str], wanted: str | None, source: str) -> str:
    if not names:
        raise IntakeError(source, "readers.empty")
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise IntakeError(source, "readers.vector.no_layer", layer=wanted, layers=", ".join(names))
    return wanted


@contextmanager
def _names_as_written() -> Iterator[None]:
    """GDAL's LIBKML driver keeps <Data> names as written (no "A__o" for "Año") while the block runs."""
    with KML_OPTIONS:
        before = pyogrio.get_gdal_config_option("LIBKML_LAUNDER_FIELD_NAMES")
        pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": "NO"})
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": before})


def _check_layer(path: Path, layer: str, request: Request, before: int) -> None:
    """Refuse a layer that repeats a field name, or whose features (after `before`) pass the row or cell ceilings.

    GDAL hands both fields of a repeated name the same values, so one of them would be lost unseen.
    """
    try:
        info = pyogrio.read_info(path, layer=layer, force_feature_count=True)
    except GDAL_ERRORS as error:
        raise IntakeError(request.source, "readers.vector.unreadable", detail=_detail(error)) from None
    repeated = [name for name, count in Counter(map(str, info["fields"])).items() if count > 1]
    if repeated:
        raise IntakeError(request.source, "readers.hostile.repeated_field", field=repeated[0], layer=layer)
    rows, limits = before + max(int(info["features"]), 0), request.limits
    if rows > limits.max_rows:
        raise IntakeError(request.source, "readers.limits.too_many_rows", limit=limits.max_rows)
    if rows * (len(info["fields"]) + 3) > limits.max_cells:  # with folder, longitude and latitude
        raise IntakeError(request.source, "readers.hostile_archive.too_many_cells", limit=limits.max_cells)


def _read(path: Path, layer: str, encoding: str | None, source: str, kind: str) -> pd.DataFrame:
    try:
        with _names_as_written() if kind == "kml" else nullcontext():
            return pyogrio.read_dataframe(path, layer=layer, encoding=encoding, fid_as_index=True)
    except GDAL_ERRORS as error:
        raise IntakeError(source, "readers.vector.unreadable", detail=_detail(error)) from None


def _point(geometry: object, row: int) -> tuple[Point, list[Issue]]:
    if geometry is None or shapely.is_empty(geometry):
        return None, [Issue(row, None, "readers.geometry.missing", {"row": row}, FLAG)]
    if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if geometry.geom_type != "Point":
        return None, [Issue(row, None, "readers.geometry.not_point", {"row": row, "type": geometry.geom_type}, REJECT)]
    return (geometry.x, geometry.y), []


def _texts(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    columns = [c for c in frame.columns if c != "geometry"]
    for values in frame[columns].itertuples(index=False, name=None):
        yield {c: cell_text(v) for c, v in zip(columns, values, strict=True)}


def _drop_kml_extras(columns: Columns) -> None:
    """Drop the columns LIBKML adds for styling, and its optional ones unless a placemark fills them."""
    data = columns.padded()
    for name in [*KML_STYLING, *KML_OPTIONAL]:
        if name in data and (name in KML_STYLING or data[name].count(None) == columns.length):
            del data[name]


@dataclass
class Features:
    """What the layers held: attribute texts, feature numbers, points, issues and the CRS declared."""

    table: Columns
    rows: list[int] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    crs: CRS | None = None


def _collect(path: Path, request: Request, kind: str, layers: list[str], encoding: str | None) -> Features:
    features = Features(Columns(request.limits, request.source, reserved=2))
    for layer in layers:
        _check_layer(path, layer, request, len(features.rows))
        frame = _read(path, layer, encoding, request.source, kind)
        records = _texts(frame)
        if len(layers) > 1:
            records = ({"folder": layer, **record} for record in records)
        first = len(features.rows) + 1
        numbers = list(frame.index) if kind == "gpkg" else list(range(first, first + len(frame)))
        geometries = frame.geometry if "geometry" in frame else [None] * len(frame)
        for record, row, geometry in zip(records, numbers, geometries, strict=True):
            point, found = _point(geometry, int(row))
            features.table.add(record)
            features.rows.append(int(row))
            features.points.append(point)
            features.issues += found
        features.crs = features.crs or getattr(frame, "crs", None)
    return features


def _layer(layers: list[str]) -> str | None:
    """The layer read; None when several were (a KML's folders), each row then saying its folder."""
    return layers[0] if len(layers) == 1 else None


def read_ogr(path: Path, request: Request, kind: str, layers: list[str], encoding: str | None = None) -> RawTable:
    """The named layers of a GDAL dataset, one after the other, as a RawTable (rows count features from 1)."""
    geometry_types = dict(pyogrio.list_layers(path))
    features = _collect(path, request, kind, layers, encoding)
    table = features.table
    if kind == "kml":
        _drop_kml_extras(table)
    if all(geometry_types.get(layer) is None for layer in layers):  # a plain table, e.g. a GeoPackage's metadata
        data = table.padded()
        frame, issues = frame_of_columns(list(data), list(data.values()), table.length)
        return RawTable(frame, features.rows, request.source, kind, layer=_layer(layers), issues=issues)
    declared = features.crs or (parse_crs(request.crs, request.source) if request.crs else None)
    located = locate(features.points, features.rows, declared, degrees_by_default=kind == "kml")
    return assemble(table, located, features.rows, request, kind, features.issues, layer=_layer(layers))


def read_gpkg(path: Path, request: Request) -> RawTable:
    """One layer of a GeoPackage: the one asked for, else the first."""
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise IntakeError(request.source, "readers.gpkg.not_geopackage")
    layer = _choose_layer(layer_names(path, request.source), request.layer, request.source)
    return read_ogr(path, request, "gpkg", [layer])


def read_kml(path: Path, request: Request) -> RawTable:
    """A KML file: every folder (GDAL layer) in document order, or the one asked for."""
    names = layer_names(path, request.source)
    layers = [_choose_layer(names, request.layer, request.source)] if request.layer else names
    return read_ogr(path, request, "kml", layers)


def _sibling(shp: Path, extension: str) -> Path | None:
    """The file beside `shp` with the same stem and `extension`, whatever the case of either."""
    for candidate in shp.parent.iterdir():
        if candidate.stem.lower() == shp.stem.lower() and candidate.suffix.lower() == extension:
            return candidate
    return None


def dbf_encoding(shp: Path) -> str | None:
    """The encoding to read a .dbf with when nothing declares one; None when a .cpg or the code page byte does.

    GDAL falls back to Latin-1, which garbles UTF-8 written without a .cpg; the bytes decide instead.
    """
    dbf = _sibling(shp, ".dbf")
    if _sibling(shp, ".cpg") is not None or dbf is None:
        return None
    data = dbf.read_bytes()
    if len(data) < 32 or data[29] != 0:
        return None
    body = data[int.from_bytes(data[8:10], "little") :]
    if body.isascii():
        return None
    for name, codec in DBF_ENCODINGS:
        try:
            body.decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return "ISO-8859-1"


def read_shapefile(shp: Path, request: Request) -> RawTable:
    """A shapefile (.shp with its .shx and .dbf beside it), its text decoded as its .cpg or its bytes say."""
    for extension in (".shx", ".dbf"):
        if _sibling(shp, extension) is None:
            raise IntakeError(request.source, "readers.shapefile.missing_part", part=f"{shp.stem}{extension}")
    encoding = request.encoding or dbf_encoding(shp)
    raw = read_ogr(shp, request, "shapefile", [layer_names(shp, request.source)[0]], encoding)
    cpg = _sibling(shp, ".cpg")
    declared = cpg.read_text(encoding="ascii", errors="replace").strip() if cpg is not None else None
    return replace(raw, encoding=encoding or declared, layer=shp.stem)
