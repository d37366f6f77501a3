"""GeoJSON features gathered as rows: their properties as text columns, their points and their issues."""

from __future__ import annotations

import json

from dashboard.intake.issues import REJECT, Issue
from dashboard.intake.readers.cells import Cell, Columns, cell_text
from dashboard.intake.readers.coordinates import Point
from dashboard.intake.readers.geojson_geometry import feature_point
from dashboard.intake.readers.geojson_stream import Decoded
from dashboard.intake.readers.table import Request
from dashboard.pack.exports import LIST_SEPARATOR

SCALARS = (str, int, float, bool, type(None))
# Nesting of one feature: a MultiPolygon's coordinates need 6 levels; a property may hold some JSON of its own.
MAX_DEPTH = 64


def _depth(value: object) -> int:
    """How deep `value` nests (lists and objects; the walk stops past MAX_DEPTH), found without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_DEPTH:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _is_array(value: object) -> bool:
    """Whether a property is an array of plain values (strings, numbers, booleans, nulls)."""
    return type(value) is list and all(isinstance(v, SCALARS) for v in value)


def _value(value: object) -> Cell:
    """A property as text; an array of plain values as one text joined with "; "; anything nested as its JSON."""
    if _is_array(value):
        return LIST_SEPARATOR.join(text for text in map(cell_text, value) if text is not None) or None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def _properties(feature: dict, row: int) -> tuple[dict[str, object], list[Issue]]:
    """The feature's properties (its id among them), refused when they are not an object."""
    properties = feature.get("properties")
    issues = []
    if properties is not None and not isinstance(properties, dict):
        issues.append(Issue(row, None, "readers.hostile.properties_not_object", {"row": row}, REJECT))
    properties = properties if isinstance(properties, dict) else {}
    if feature.get("id") is not None and "id" not in properties:
        properties = {"id": feature["id"], **properties}
    return properties, issues


def _feature(decoded: Decoded, row: int) -> tuple[dict[str, object], Point, list[Issue]]:
    """A member of the collection as properties, point and issues; not a Feature (or nested absurdly): refused."""
    feature = decoded.value
    if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
        return {}, None, [Issue(row, None, "readers.geojson.not_feature", {"row": row}, REJECT)]
    if decoded.brackets > MAX_DEPTH and _depth(feature) > MAX_DEPTH:  # only a feature with so many brackets can
        return {}, None, [Issue(row, None, "readers.hostile.too_deep", {"row": row, "limit": MAX_DEPTH}, REJECT)]
    issues = [
        Issue(row, key, "readers.geojson.duplicate_key", {"row": row, "key": key}, REJECT)
        for key in dict.fromkeys(decoded.repeated)
    ]
    properties, property_issues = _properties(feature, row)
    point, geometry_issues = feature_point(feature.get("geometry"), row)
    return properties, point, issues + property_issues + geometry_issues


class Collected:
    """The features read so far: their properties as text columns, their points and their issues."""

    def __init__(self, request: Request) -> None:
        self.columns = Columns(request.limits, request.source, reserved=2)  # longitude and latitude come too
        self.points: list[Point] = []
        self.issues: list[Issue] = []
        self.lists: dict[str, None] = {}  # properties holding arrays, in order of appearance

    def add(self, decoded: Decoded) -> None:
        """One more feature, refused (with the whole file) when it is one more than the limits allow."""
        properties, point, issues = _feature(decoded, self.columns.length + 1)
        record = {}
        for key, value in properties.items():
            record[key] = _value(value)
            if _is_array(value):
                self.lists[key] = None
        self.columns.add(record)
        self.points.append(point)
        self.issues += issues
