"""GeoJSON read feature by feature with the json module, so that every fault gets a name and memory stays bounded.

The top-level object is scanned member by member and the "features" array one element at a time: each feature
becomes a row of text as soon as it is decoded, and the file is refused as soon as it holds more features
than `limits.max_rows` (or more cells than `limits.max_cells`). Truncation, repeated keys, coordinates written
as text or nested wrongly, missing geometry, rings left open and features nested absurdly deep are each
reported; GDAL is not needed for any of it. A legacy `crs` member (GeoJSON 2008) is honoured.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from json.decoder import scanstring
from pathlib import Path
from typing import NamedTuple

from pyproj import CRS

from dashboard.intake.issues import FLAG, REJECT, IntakeError, Issue
from dashboard.intake.readers.cells import Cell, Columns, cell_text, repair
from dashboard.intake.readers.coordinates import Point, assemble, locate, parse_crs
from dashboard.intake.readers.table import RawTable, Request
from dashboard.pack.exports import LIST_SEPARATOR

SCALARS = (str, int, float, bool, type(None))
# Nesting of one feature: a MultiPolygon's coordinates need 6 levels; a property may hold some JSON of its own.
MAX_DEPTH = 64
LARGEST = sys.float_info.max  # a number beyond it is not a coordinate (and float() would fail on it)
# How many lists deep each geometry type holds its positions ([x, y] is a position: 0).
POSITIONS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space
# JSON escapes of what no stored text may hold (see cells.UNWRITABLE): only then are the cells scanned.
ESCAPED_UNWRITABLE = re.compile(r"\\u0000|\\u[dD][89a-fA-F]")
ELEMENT = None  # the key `_members` gives each element of the "features" array


class Decoded(NamedTuple):
    """One member of the top-level object, or one element of its "features" array, as decoded."""

    key: str | None  # None (ELEMENT): an element of the "features" array
    value: object
    repeated: list[str]  # keys that came twice in an object inside `value` (json keeps the last value only)
    brackets: int  # "[" and "{" in its text: how deep it can nest, at most


def _no_constants(name: str) -> object:
    raise ValueError(name)  # NaN and Infinity are not JSON, though Python's json module accepts them


class Decoder:
    """json's decoder, one value at a time, noting the keys repeated inside each value."""

    def __init__(self, text: str) -> None:
        self.text, self.repeated, self.key = text, [], ELEMENT
        self.json = json.JSONDecoder(object_pairs_hook=self._object, parse_constant=_no_constants)

    def _object(self, pairs: list[tuple[str, object]]) -> dict:
        result = dict(pairs)
        if len(result) < len(pairs):  # a key came twice: say which
            self.repeated += [key for key, count in Counter(key for key, _ in pairs).items() if count > 1]
        return result

    def decode(self, key: str | None, position: int) -> tuple[Decoded, int]:
        """The value starting at `position` (no space before it), and where it ends."""
        self.repeated, self.key = [], key
        try:
            value, end = self.json.scan_once(self.text, position)  # what raw_decode calls, without its wrapping
        except StopIteration as error:
            raise json.JSONDecodeError("Expecting value", self.text, error.value) from None
        brackets = self.text.count("[", position, end) + self.text.count("{", position, end)
        return Decoded(key, value, self.repeated, brackets), end

    def skip(self, position: int) -> int:
        return SPACE.match(self.text, position).end()

    def expect(self, position: int, token: str) -> int:
        if not self.text.startswith(token, position):
            raise json.JSONDecodeError(f"Expecting {token!r}", self.text, position)
        return position + 1


def _elements(decoder: Decoder, position: int) -> Iterator[Decoded]:
    """Each element of the array whose "[" is just before `position`, decoded one at a time."""
    position = decoder.skip(position)
    if decoder.text.startswith("]", position):
        return position + 1
    while True:
        element, position = decoder.decode(ELEMENT, position)
        yield element
        position = decoder.skip(position)
        if not decoder.text.startswith(",", position):
            return decoder.expect(position, "]")
        position = decoder.skip(position + 1)


def _members(decoder: Decoder, source: str) -> Iterator[Decoded]:
    """The top-level object's members in order; an array under "features" as its elements, one by one."""
    text = decoder.text
    position, seen = decoder.expect(decoder.skip(0), "{"), set()
    while seen or not text.startswith("}", decoder.skip(position)):
        key, position = scanstring(text, decoder.expect(decoder.skip(position), '"'))
        if key in seen:
            raise IntakeError(source, "readers.geojson.duplicate_key_file", key=key)
        seen.add(key)
        position = decoder.skip(decoder.expect(decoder.skip(position), ":"))
        if key == "features" and text.startswith("[", position):
            position = yield from _elements(decoder, position + 1)
            yield Decoded(key, [], [], 1)  # said once the array is read, so the collection knows it had one
        else:
            member, position = decoder.decode(key, position)
            yield member
        position = decoder.skip(position)
        if not text.startswith(",", position):
            break
        position += 1
    position = decoder.skip(decoder.expect(decoder.skip(position), "}"))
    if position != len(text):
        raise json.JSONDecodeError("Extra data", text, position)


def _refusal(error: Exception, text: str, source: str, feature: int | None) -> IntakeError:
    """What a failure to decode says to the user: where the JSON breaks, or which feature is beyond reading."""
    if isinstance(error, RecursionError):
        if feature is None:
            return IntakeError(source, "readers.geojson.too_deep")
        return IntakeError(source, "readers.hostile.too_deep_to_parse", feature=feature)
    if isinstance(error, json.JSONDecodeError):
        cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        reason = "readers.geojson.truncated" if cut else "readers.geojson.invalid_json"
        return IntakeError(source, reason, line=error.lineno, column=error.colno)
    if str(error) in ("NaN", "Infinity", "-Infinity"):
        return IntakeError(source, "readers.geojson.not_a_number", value=str(error))
    if feature is None:  # past Python's 4300 digits
        return IntakeError(source, "readers.hostile.number_too_long_document")
    return IntakeError(source, "readers.hostile.number_too_long", feature=feature)


def parsed(text: str, source: str) -> Iterator[Decoded]:
    """`_members` of a document that must be a JSON object; every decoding failure an IntakeError."""
    decoder = Decoder(text)
    start = decoder.skip(0)
    if start == len(text):
        raise IntakeError(source, "readers.empty")
    if text[start] == "[":  # never decoded: an array of millions of small objects would fill memory
        raise IntakeError(source, "readers.geojson.not_features", start=text[start:start + 30])
    if text[start] != "{":  # a lone string or number: small, decoded to say what it is
        try:
            value = decoder.json.decode(text)
        except ValueError as error:
            raise _refusal(error, text, source, None) from None
        raise IntakeError(source, "readers.geojson.not_features", start=str(value)[:30])
    members, feature = _members(decoder, source), 1
    while True:
        try:
            member = next(members)
        except StopIteration:
            return
        except (ValueError, RecursionError) as error:  # json.JSONDecodeError is a ValueError
            raise _refusal(error, text, source, feature if decoder.key is ELEMENT else None) from None
        feature += member.key is ELEMENT
        yield member


def _declared_crs(document: dict, request: Request) -> CRS | None:
    """The legacy `crs` member (GeoJSON 2008), else the caller's assumption, else None (RFC 7946: WGS84)."""
    member = document.get("crs")
    if member is None:
        return parse_crs(request.crs, request.source) if request.crs else None
    properties = member.get("properties") if isinstance(member, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    name = properties.get("name") or (f"EPSG:{properties['code']}" if "code" in properties else member)
    return parse_crs(name, request.source)


def _depth(value: object) -> int:
    """How deep `value` nests (lists and objects; the walk stops past MAX_DEPTH), found without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_DEPTH:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


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
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return all(len(ring) >= 4 and ring[0] == ring[-1] for polygon in polygons for ring in polygon)


def _point(geometry: object, row: int) -> tuple[Point, list[Issue]]:
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
    issues = [Issue(row, key, "readers.geojson.duplicate_key", {"row": row, "key": key}, REJECT)
              for key in dict.fromkeys(decoded.repeated)]
    properties, property_issues = _properties(feature, row)
    point, geometry_issues = _point(feature.get("geometry"), row)
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


def _checked_type(kind: object, source: str) -> None:
    if kind not in ("FeatureCollection", "Feature"):
        raise IntakeError(source, "readers.geojson.not_features", start=f"\"type\": \"{str(kind)[:30]}\"")


def _document(members: dict[str, Decoded]) -> Decoded:
    """The top-level object read as one value: a document that is a single Feature."""
    value = {key: member.value for key, member in members.items()}
    repeated = [key for member in members.values() for key in member.repeated]
    return Decoded(ELEMENT, value, repeated, sum(member.brackets for member in members.values()))


def read_geojson(path: Path, request: Request) -> RawTable:
    """A GeoJSON file as a RawTable with longitude/latitude text columns in EPSG:4326."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntakeError(request.source, "readers.geojson.not_utf8") from None
    escaped = ESCAPED_UNWRITABLE.search(text) is not None
    collected, members = Collected(request), {}
    for member in parsed(text, request.source):
        if member.key is ELEMENT:
            collected.add(member)
            continue
        if member.key == "type":
            _checked_type(member.value, request.source)  # before any feature is read, when "type" comes first
        members[member.key] = member
    document = {key: member.value for key, member in members.items()}
    _checked_type(document.get("type"), request.source)
    if document["type"] == "Feature":
        collected = Collected(request)
        collected.add(_document(members))
    elif not isinstance(document.get("features"), list):
        raise IntakeError(request.source, "readers.hostile.features_not_array")
    declared = _declared_crs(document, request)
    rows = list(range(1, collected.columns.length + 1))
    located = locate(collected.points, rows, declared, degrees_by_default=True)
    table = assemble(collected.columns, located, rows, request, "geojson", collected.issues,
                     lists=tuple(collected.lists))
    if not escaped:
        return table
    frame, repaired = repair(table.frame, rows)
    return replace(table, frame=frame, issues=table.issues + repaired)
