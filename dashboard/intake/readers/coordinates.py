"""Points of a vector file as longitude/latitude text in EPSG:4326, whatever CRS the file declared (or did not).

`assemble` sets them beside the file's text columns in one RawTable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from dashboard.intake.issues import FLAG, REJECT, IntakeError, Issue
from dashboard.intake.readers.cells import Columns, frame_of_columns, number_text
from dashboard.intake.readers.table import RawTable, Request

WGS84 = CRS.from_epsg(4326)
GEOMETRY_COLUMNS = ("longitude", "latitude")
Point = tuple[float, float] | None


@dataclass
class Located:
    """Longitude and latitude text per point, the CRS they were read in, and what looked wrong."""

    longitude: list[str | None]
    latitude: list[str | None]
    crs: str | None
    issues: list[Issue] = field(default_factory=list)


def parse_crs(value: object, source: str) -> CRS:
    """A CRS from anything pyproj understands ("EPSG:32718", an OGC URN, WKT), or a refusal naming it."""
    try:
        return CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError):
        raise IntakeError(source, "readers.crs.unknown", crs=str(value)[:80]) from None


def in_degrees(point: tuple[float, float]) -> bool:
    """Whether a point could be longitude/latitude at all."""
    return abs(point[0]) <= 180 and abs(point[1]) <= 90


def looks_like_metres(points: Sequence[Point]) -> tuple[float, float] | None:
    """The first point outside degree range when most points are (UTM eastings/northings), else None."""
    present = [p for p in points if p is not None]
    outside = [p for p in present if not in_degrees(p)]
    return outside[0] if present and len(outside) * 2 >= len(present) else None


def _texts(points: Sequence[Point]) -> tuple[list[str | None], list[str | None]]:
    longitude = [None if p is None else number_text(p[0]) for p in points]
    latitude = [None if p is None else number_text(p[1]) for p in points]
    return longitude, latitude


def wrong_unit(points: Sequence[Point], declared: CRS | None) -> Issue | None:
    """Metres where degrees are declared (or nothing is), or degrees where metres are: a file-wide refusal."""
    present = [p for p in points if p is not None]
    if not present:
        return None
    if declared is None or declared.is_geographic:
        example = looks_like_metres(present)
        reason = "readers.crs.metres_without_crs" if declared is None else "readers.crs.metres_as_degrees"
    else:
        example = present[0] if all(in_degrees(p) for p in present) else None
        reason = "readers.crs.degrees_as_metres"
    if example is None:
        return None
    crs = declared.to_string() if declared is not None else ""
    return Issue(None, None, reason, {"x": number_text(example[0]), "y": number_text(example[1]), "crs": crs}, REJECT)


def _transform(points: Sequence[Point], crs: CRS, rows: Sequence[int]) -> tuple[list[Point], list[Issue]]:
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    moved: list[Point] = []
    issues: list[Issue] = []
    for point, row in zip(points, rows, strict=True):
        if point is None:
            moved.append(None)
            continue
        x, y = transformer.transform(*point)
        if not (math.isfinite(x) and math.isfinite(y)):
            issues.append(Issue(row, None, "readers.geometry.not_transformable", {"row": row}, REJECT))
            moved.append(None)
        else:
            moved.append((x, y))
    return moved, issues


def locate(points: Sequence[Point], rows: Sequence[int], declared: CRS | None, *, degrees_by_default: bool) -> Located:
    """Points converted to EPSG:4326 text; metres in a file with no CRS (or a degree CRS) are refused, not guessed.

    `degrees_by_default` is for formats whose standard says WGS84 (GeoJSON, KML): a missing CRS there is normal;
    elsewhere (a shapefile without .prj) degrees are assumed with a flag.
    """
    name = declared.to_string() if declared is not None else None
    wrong = wrong_unit(points, declared)
    if wrong is not None:
        return Located([None] * len(points), [None] * len(points), name, [wrong])
    if declared is None:
        if degrees_by_default:
            return Located(*_texts(points), WGS84.to_string())
        return Located(*_texts(points), None, [Issue(None, None, "readers.crs.assumed_wgs84", {}, FLAG)])
    if WGS84.equals(declared, ignore_axis_order=True):
        return Located(*_texts(points), name)
    moved, issues = _transform(points, declared, rows)
    return Located(*_texts(moved), name, issues)


def assemble(
    columns: Columns,
    located: Located,
    rows: list[int],
    request: Request,
    kind: str,
    issues: list[Issue],
    layer: str | None = None,
    lists: tuple[str, ...] = (),
) -> RawTable:
    """Text columns and their located points as one RawTable; geometry columns come last."""
    data = columns.padded()
    header = [*GEOMETRY_COLUMNS, *data]  # first, so a property called "longitude" is the one renamed
    frame, header_issues = frame_of_columns(
        header, [located.longitude, located.latitude, *data.values()], columns.length
    )
    frame = frame[[*frame.columns[2:], *frame.columns[:2]]]
    return RawTable(
        frame,
        rows,
        request.source,
        kind,
        layer=layer,
        crs=located.crs,
        issues=header_issues + located.issues + issues,
        lists=lists,
    )
