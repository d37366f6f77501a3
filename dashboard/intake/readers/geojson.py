"""GeoJSON parsed with the json module first, so that every fault gets a name.

Truncation, repeated keys, coordinates written as text, missing geometry and polygon rings left open
are each reported; GDAL is not needed for any of it. A legacy `crs` member (GeoJSON 2008) is honoured.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyproj import CRS

from dashboard.exports import LIST_SEPARATOR
from dashboard.intake.issues import FLAG, REJECT, IntakeError, Issue
from dashboard.intake.readers.cells import Cell, build_frame, cell_text
from dashboard.intake.readers.coordinates import Located, Point, locate, parse_crs
from dashboard.intake.readers.table import RawTable, Request

SCALARS = (str, int, float, bool, type(None))
GEOMETRY_COLUMNS = ("longitude", "latitude")


class JsonObject(dict):
    """A JSON object that remembers the keys it saw more than once (json keeps only the last value)."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> JsonObject:
    result = JsonObject()
    repeated = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    result.duplicates = tuple(repeated)
    return result


def _no_constants(name: str) -> object:
    raise ValueError(name)  # NaN and Infinity are not JSON, though Python's json module accepts them


def parse_json(text: str, source: str) -> object:
    """The document, or a refusal saying where the JSON breaks and whether the file looks cut short."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        reason = "readers.geojson.truncated" if cut else "readers.geojson.invalid_json"
        raise IntakeError(source, reason, line=error.lineno, column=error.colno) from None
    except ValueError as error:
        raise IntakeError(source, "readers.geojson.not_a_number", value=str(error)) from None
    except RecursionError:
        raise IntakeError(source, "readers.geojson.too_deep") from None


def _features(document: object, source: str) -> list[object]:
    kind = document.get("type") if isinstance(document, dict) else type(document).__name__
    if isinstance(document, JsonObject) and document.duplicates:
        raise IntakeError(source, "readers.geojson.duplicate_key_file", key=document.duplicates[0])
    if kind == "Feature":
        return [document]
    if kind == "FeatureCollection" and isinstance(document.get("features"), list):
        return document["features"]
    raise IntakeError(source, "readers.geojson.not_features", type=str(kind)[:40])


def _declared_crs(document: dict, request: Request) -> CRS | None:
    """The legacy `crs` member (GeoJSON 2008), else the caller's assumption, else None (RFC 7946: WGS84)."""
    member = document.get("crs")
    if member is None:
        return parse_crs(request.crs, request.source) if request.crs else None
    properties = member.get("properties", {}) if isinstance(member, dict) else {}
    name = properties.get("name") or (f"EPSG:{properties['code']}" if "code" in properties else member)
    return parse_crs(name, request.source)


def _duplicates(value: object) -> list[str]:
    """Repeated keys anywhere inside a feature."""
    found = list(getattr(value, "duplicates", ()))
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            found += _duplicates(child)
    return found


def _numbers(coordinates: object) -> bool:
    """Whether nested coordinates hold only numbers (true/false are not numbers), at least two per position."""
    if isinstance(coordinates, list) and coordinates and not isinstance(coordinates[0], list):
        return len(coordinates) >= 2 and all(isinstance(c, int | float) and not isinstance(c, bool)
                                             for c in coordinates)
    return isinstance(coordinates, list) and all(_numbers(c) for c in coordinates)


def _rings_closed(kind: str, coordinates: list) -> bool:
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return all(len(ring) >= 4 and ring[0] == ring[-1] for polygon in polygons for ring in polygon)


def _point(geometry: object, row: int) -> tuple[Point, list[Issue]]:
    """The feature's point, or None with the issues that say why not."""
    if geometry is None or (isinstance(geometry, dict) and geometry.get("coordinates") == []):
        return None, [Issue(row, None, "readers.geometry.missing", {"row": row}, FLAG)]
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(kind, str) or (kind != "GeometryCollection" and coordinates is None):
        return None, [Issue(row, None, "readers.geometry.invalid", {"row": row}, REJECT)]
    if kind != "GeometryCollection" and not _numbers(coordinates):
        return None, [Issue(row, None, "readers.geojson.coordinates_not_numbers", {"row": row}, REJECT)]
    issues = []
    if not _rings_closed(kind, coordinates or []):
        issues.append(Issue(row, None, "readers.geojson.ring_not_closed", {"row": row}, REJECT))
    if kind == "Point":
        return (float(coordinates[0]), float(coordinates[1])), issues
    if kind == "MultiPoint" and len(coordinates) == 1:
        return (float(coordinates[0][0]), float(coordinates[0][1])), issues
    return None, [*issues, Issue(row, None, "readers.geometry.not_point", {"row": row, "type": kind}, REJECT)]


def _is_array(value: object) -> bool:
    """Whether a property is an array of plain values (strings, numbers, booleans, nulls)."""
    return isinstance(value, list) and all(isinstance(v, SCALARS) for v in value)


def _value(value: object) -> Cell:
    """A property as text; an array of plain values as one text joined with "; "; anything nested as its JSON."""
    if _is_array(value):
        return LIST_SEPARATOR.join(text for text in map(cell_text, value) if text is not None) or None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def _properties(feature: dict) -> dict[str, object]:
    properties = feature.get("properties")
    properties = dict(properties) if isinstance(properties, dict) else {}
    if feature.get("id") is not None and "id" not in properties:
        properties = {"id": feature["id"], **properties}
    return properties


def _feature(feature: object, row: int) -> tuple[dict[str, object], Point, list[Issue]]:
    """A member of the collection as properties, point and issues; not a Feature: an empty row, refused."""
    if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
        return {}, None, [Issue(row, None, "readers.geojson.not_feature", {"row": row}, REJECT)]
    issues = [Issue(row, key, "readers.geojson.duplicate_key", {"row": row, "key": key}, REJECT)
              for key in dict.fromkeys(_duplicates(feature))]
    point, geometry_issues = _point(feature.get("geometry"), row)
    return _properties(feature), point, issues + geometry_issues


def read_geojson(path: Path, request: Request) -> RawTable:
    """A GeoJSON file as a RawTable with longitude/latitude text columns in EPSG:4326."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeError(request.source, "readers.geojson.not_utf8") from None
    document = parse_json(text, request.source)
    features = _features(document, request.source)
    declared = _declared_crs(document, request)
    table, points, issues = [], [], []
    lists: dict[str, None] = {}  # properties holding arrays, in order of appearance
    for row, feature in enumerate(features, start=1):
        properties, point, found = _feature(feature, row)
        table.append({key: _value(value) for key, value in properties.items()})
        lists.update(dict.fromkeys(k for k, v in properties.items() if _is_array(v)))
        points.append(point)
        issues += found
    rows = list(range(1, len(features) + 1))
    located = locate(points, rows, declared, degrees_by_default=True)
    return assemble(table, located, rows, request, "geojson", issues, lists=tuple(lists))


def assemble(table: list[dict[str, object]], located: Located, rows: list[int], request: Request, kind: str,
             issues: list[Issue], layer: str | None = None, lists: tuple[str, ...] = ()) -> RawTable:
    """Records (dicts of text) and their located points as one RawTable; geometry columns come last."""
    names = list(dict.fromkeys(key for record in table for key in record))
    header = [*GEOMETRY_COLUMNS, *names]  # first, so a property called "longitude" is the one renamed
    records = [[lon, lat, *(record.get(n) for n in names)]
               for record, lon, lat in zip(table, located.longitude, located.latitude, strict=True)]
    frame, header_issues = build_frame(header, records)
    frame = frame[[*frame.columns[2:], *frame.columns[:2]]]
    return RawTable(frame, rows, request.source, kind, layer=layer, crs=located.crs,
                    issues=header_issues + located.issues + issues, lists=lists)
