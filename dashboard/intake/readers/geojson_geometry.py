"""A GeoJSON feature's geometry checked and read as one point, or the issues that say why it is not one."""

from __future__ import annotations

import sys

from dashboard.intake.issues import FLAG, REJECT, Issue
from dashboard.intake.readers.coordinates import Point

LARGEST = sys.float_info.max  # a number beyond it is not a coordinate (and float() would fail on it)
# How many lists deep each geometry type holds its positions ([x, y] is a position: 0).
POSITIONS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _is_number(value: object) -> bool:
    """A finite JSON number that fits a float (true and false are not numbers)."""
    return type(value) in (int, float) and -LARGEST <= value <= LARGEST


def _coordinates_fault(coordinates: object, nesting: int) -> str | None:
    """Why coordinates do not fit a type holding positions `nesting` lists deep; None when they do."""
    if type(coordinates) is not list:
        return "readers.geojson.coordinates_not_numbers"
    if nesting == 0:
        if any(type(c) is list for c in coordinates):
            return "readers.geometry.invalid"
        ok = len(coordinates) >= 2 and all(map(_is_number, coordinates))
        return None if ok else "readers.geojson.coordinates_not_numbers"
    if any(map(_is_number, coordinates)):
        return "readers.geometry.invalid"
    return next(filter(None, (_coordinates_fault(c, nesting - 1) for c in coordinates)), None)


def _rings_closed(kind: str, coordinates: list) -> bool:
    """Whether every ring of a polygon has four positions or more and ends where it starts."""
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return all(len(ring) >= 4 and ring[0] == ring[-1] for polygon in polygons for ring in polygon)


def feature_point(geometry: object, row: int) -> tuple[Point, list[Issue]]:
    """The feature's point, or None with the issues that say why not."""
    if geometry is None or (isinstance(geometry, dict) and geometry.get("coordinates") == []):
        return None, [Issue(row, None, "readers.geometry.missing", {"row": row}, FLAG)]
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "GeometryCollection":
        return None, [Issue(row, None, "readers.geometry.not_point", {"row": row, "type": kind}, REJECT)]
    if not isinstance(kind, str) or kind not in POSITIONS or "coordinates" not in geometry:
        return None, [Issue(row, None, "readers.geometry.invalid", {"row": row}, REJECT)]
    coordinates = geometry["coordinates"]
    fault = _coordinates_fault(coordinates, POSITIONS[kind])
    if fault:
        return None, [Issue(row, None, fault, {"row": row}, REJECT)]
    issues = []
    if not _rings_closed(kind, coordinates):
        issues.append(Issue(row, None, "readers.geojson.ring_not_closed", {"row": row}, REJECT))
    if kind == "Point":
        return (float(coordinates[0]), float(coordinates[1])), issues
    if kind == "MultiPoint" and len(coordinates) == 1:
        return (float(coordinates[0][0]), float(coordinates[0][1])), issues
    return None, [*issues, Issue(row, None, "readers.geometry.not_point", {"row": row, "type": kind}, REJECT)]
