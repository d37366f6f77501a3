"""The record a row makes of an innovation or a community, and what a new record lacks or is given by default."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.intake.issues import FLAG, Issue
from dashboard.intake.records import Texts, community_of, consent_defaults, missing_required, parse_fields
from dashboard.intake.row_context import RowContext, place_of
from dashboard.intake.row_point import row_point

RecordBuilder = Callable[[Texts, RowContext, int], tuple[dict, list[Issue]]]


def innovation_record(texts: Texts, ctx: RowContext, row: int) -> tuple[dict, list[Issue]]:
    """An innovation's fields, its community and its point (its own, else its community's)."""
    record, issues = parse_fields(INNOVATIONS, texts, ctx.columns, row, ctx.lookups)
    community, more = community_of(texts, record, ctx.columns, row, ctx.lookups)
    issues += more
    if community is not None:
        record["community_id"] = community
    place = place_of(ctx, community)
    point, more = row_point(
        texts, ctx, row, None if place is None else place.country, None if place is None else place.region
    )
    issues += more
    if point is not None:
        record["has_own_point"], record["geometry"] = True, point
    elif place is not None:
        record["has_own_point"], record["geometry"] = False, place.geometry
    return record, issues


def community_record(texts: Texts, ctx: RowContext, row: int) -> tuple[dict, list[Issue]]:
    """A community's fields (its country taken from its region if not given) and its point."""
    record, issues = parse_fields(COMMUNITIES, texts, ctx.columns, row, ctx.lookups)
    if "country" not in record and isinstance(record.get("region"), str):
        record["country"] = record["region"].split("-")[0]
    point, more = row_point(texts, ctx, row, record.get("country"), record.get("region"))
    if point is not None:
        record["geometry"] = point
    return record, issues + more


def incomplete(merged: dict, ctx: RowContext, row: int, given: set[str]) -> list[Issue]:
    """What a new record lacks: its required fields (an id is given when committing) and, for a community, a point."""
    # A field the row gives but that could not be read (`given`) already has its own issue: it is not also "missing".
    skip = {ctx.entity.id_field, "consent_public", "name_public", *given}
    if "community_name" in given:  # a community named but not found has its own issue
        skip.add("community_id")
    issues = missing_required(ctx.entity, merged, ctx.columns, row, skip)
    if ctx.entity is COMMUNITIES and merged.get("geometry") is None:
        issues.append(Issue(row, ctx.columns.get("latitude", "latitude"), "validate.no_point", {}))
    return issues


def defaults(merged: dict, ctx: RowContext, row: int) -> list[Issue]:
    """What a new record gets where the file is silent (consent: no; location source: approximate), flagged."""
    # A stored record keeps its own values where the file is silent: defaults are for new records only.
    for field in ctx.entity.scalar_fields:  # visibility, how it is withheld, review status: the contract's
        if field.default is not None and merged.get(field.name) is None:
            merged[field.name] = field.default
    if ctx.entity is INNOVATIONS:
        return consent_defaults(merged, row)
    if "location_source" in merged:
        return []
    merged["location_source"] = "approximate"
    return [Issue(row, "location_source", "validate.location_assumed", {}, FLAG)]
