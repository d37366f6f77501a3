"""Where a row puts its record: its own point from degrees, a geopoint or UTM metres, or a point shown for it."""

from __future__ import annotations

import shapely

from dashboard.data.contract import INNOVATIONS
from dashboard.intake import coords, utm, values
from dashboard.intake.comparison import plain
from dashboard.intake.issues import FLAG, Issue
from dashboard.intake.records import Texts
from dashboard.intake.row_context import RowContext, place_of


def _degrees(texts: Texts, ctx: RowContext, row: int) -> tuple[float | None, float | None, list[Issue]]:
    """Latitude and longitude in degrees, each read on its own so that both problems are reported."""
    read, issues = {}, []
    for target, axis in (("latitude", "lat"), ("longitude", "lon")):
        try:
            read[target] = coords.parse_degrees(texts.get(target, ""), axis)
        except coords.CoordsError as error:
            issues.append(error.issue(row, ctx.columns.get(target, target)))
    return read.get("latitude"), read.get("longitude"), issues


def row_point(
    texts: Texts, ctx: RowContext, row: int, country: str | None, region: str | None
) -> tuple[shapely.Point | None, list[Issue]]:
    """The row's own point from degrees, a geopoint or UTM metres, checked against its place; None if none."""
    column = ctx.columns.get
    accuracy, zone_issues, where = None, [], "latitude"
    try:
        if "latitude" in texts or "longitude" in texts:
            lat, lon, problems = _degrees(texts, ctx, row)
            if problems:
                return None, problems
        elif "geopoint" in texts:
            where = "geopoint"
            lat, lon, _, accuracy = coords.parse_geopoint(texts["geopoint"])
        elif "utm_easting" in texts or "utm_northing" in texts:
            where, zone = "utm_easting", texts.get("utm_zone") or ctx.default_zone
            if zone is None:
                return None, [Issue(row, column(where, where), "validate.utm_without_zone", {})]
            lat, lon = utm.from_utm(texts.get("utm_easting", ""), texts.get("utm_northing", ""), zone)
            zone_issues = utm.check_zone(zone, region, row=row, field=column("utm_zone", "utm_zone"))
        else:
            return None, []
    except coords.CoordsError as error:
        return None, [error.issue(row, column(where, where))]
    if "accuracy" in texts:
        try:
            accuracy = float(texts["accuracy"].replace(",", "."))
        except ValueError:
            return None, [
                Issue(row, column("accuracy", "accuracy"), "validate.bad_accuracy", {"value": texts["accuracy"]})
            ]
    issues = coords.check_point(
        lat,
        lon,
        country=country,
        region=region,
        accuracy_m=accuracy,
        boundaries=ctx.boundaries,
        row=row,
        field=column(where, where),
    )
    return shapely.Point(lon, lat), zone_issues + issues


def shown_point(record: dict, texts: Texts, existing: dict | None, ctx: RowContext, row: int) -> list[Issue]:
    """An innovation's point that is not its own (a public export's generalised or community point) is not a move."""
    # An editor's export marks each point (`location_shown`); a public one places a restricted record at the
    # centre of an area of at least k communities. Such a point, or one that is the community's own point
    # while the stored record has none, never replaces the stored point: the row keeps it, and the report says so.
    if (
        ctx.entity is not INNOVATIONS
        or not record.get("has_own_point")
        or (existing is None and "location_shown" not in texts)
    ):  # a new point, said to be its own
        return []
    try:
        shown = values.code(texts["location_shown"], "location_shown") if "location_shown" in texts else None
    except values.ValueProblem as problem:
        column = ctx.columns.get("location_shown", "location_shown")
        return [Issue(row, column, problem.reason, {"field": column, **problem.params})]
    # A public file blanks a restricted record's community (the stored one says where its area is). That
    # blank alone marks the point as an area's centre: the centres move with k and with every community added.
    blanked = not record.get("community_id") and any(c in ctx.columns for c in ("community_id", "community_name"))
    community = record.get("community_id") or (existing or {}).get("community_id")
    point = plain(record.get("geometry"))
    generalised = shown == "generalised" or (
        existing is not None
        and plain(existing.get("consent_public")) is not True
        and (blanked or (community in ctx.generalised and point == ctx.generalised[community]))
        and point != plain(existing.get("geometry"))
    )
    at_community = shown == "community" or (
        existing is not None and not existing.get("has_own_point") and point == plain(existing.get("geometry"))
    )
    if not (generalised or at_community):
        return []
    place = place_of(ctx, community)
    record["has_own_point"] = False
    record["geometry"] = None if place is None else place.geometry
    if not generalised:
        return []
    reason = "validate.generalised_kept" if existing is not None else "validate.generalised_new"
    return [Issue(row, ctx.columns.get("latitude", ctx.columns.get("location_shown", "latitude")), reason, {}, FLAG)]
