"""GeoJSON read feature by feature with the json module, so that every fault gets a name and memory stays bounded.

The top-level object is scanned member by member and the "features" array one element at a time: each feature
becomes a row of text as soon as it is decoded, and the file is refused as soon as it holds more features
than `limits.max_rows` (or more cells than `limits.max_cells`). Truncation, repeated keys, coordinates written
as text or nested wrongly, missing geometry, rings left open and features nested absurdly deep are each
reported; GDAL is not needed for any of it. A legacy `crs` member (GeoJSON 2008) is honoured.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pyproj import CRS

from dashboard.intake.issues import IntakeError
from dashboard.intake.readers.cells import repair
from dashboard.intake.readers.coordinates import assemble, locate, parse_crs
from dashboard.intake.readers.geojson_features import Collected
from dashboard.intake.readers.geojson_stream import ELEMENT, Decoded, parsed
from dashboard.intake.readers.table import RawTable, Request

# JSON escapes of what no stored text may hold (see cells.UNWRITABLE): only then are the cells scanned.
ESCAPED_UNWRITABLE = re.compile(r"\\u0000|\\u[dD][89a-fA-F]")


def _declared_crs(document: dict, request: Request) -> CRS | None:
    """The legacy `crs` member (GeoJSON 2008), else the caller's assumption, else None (RFC 7946: WGS84)."""
    member = document.get("crs")
    if member is None:
        return parse_crs(request.crs, request.source) if request.crs else None
    properties = member.get("properties") if isinstance(member, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    name = properties.get("name") or (f"EPSG:{properties['code']}" if "code" in properties else member)
    return parse_crs(name, request.source)


def _checked_type(kind: object, source: str) -> None:
    """Refuse a document whose type is neither a FeatureCollection nor a Feature."""
    if kind not in ("FeatureCollection", "Feature"):
        raise IntakeError(source, "readers.geojson.not_features", start=f'"type": "{str(kind)[:30]}"')


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
    table = assemble(
        collected.columns, located, rows, request, "geojson", collected.issues, lists=tuple(collected.lists)
    )
    if not escaped:
        return table
    frame, repaired = repair(table.frame, rows)
    return replace(table, frame=frame, issues=table.issues + repaired)
