"""Every input row ends in exactly one status: new, update, unchanged, or rejected with its reasons.

`validate` reads a `RawTable` through a column mapping against the current store and returns
a `Report`: one result per row (with every issue, in the user's language on demand) and the
`Changes` that committing would make. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.contract import COMMUNITIES, CRS, INNOVATIONS, Entity
from dashboard.intake import coords, utm
from dashboard.intake.changes import Changes
from dashboard.intake.issues import REJECT, Issue
from dashboard.intake.mapping import Mapping
from dashboard.intake.records import Lookups, community_of, consent_defaults, missing_required, parse_fields
from dashboard.intake.report import (  # noqa: F401 - the statuses are read where rows are validated
    NEW,
    REJECTED,
    STATUSES,
    UNCHANGED,
    UPDATE,
    Report,
    RowResult,
)
from dashboard.store import Dataset

PROGRESS_STEP = 500
PROGRESS_FROM = 2000  # rows: a longer file shows a progress bar while it is checked (page and CLI)


@dataclass
class _Context:
    entity: Entity
    data: Dataset
    lookups: Lookups
    columns: dict[str, str]  # target -> input column, for messages
    default_zone: str | None
    boundaries: gpd.GeoDataFrame | None
    existing: pd.DataFrame = field(init=False)
    by_source_key: dict[str, str] = field(init=False)

    @cached_property
    def by_content(self) -> dict[tuple, str]:
        """A stored record's values (not its id) -> its id; built only when a row comes without id or key."""
        return {_content(row, self.entity): rid for rid, row in self.existing.iterrows()}

    def __post_init__(self) -> None:
        self.existing = self.data.frame(self.entity).set_index(self.entity.id_field, drop=False)
        records = self.data.tables.get("atlas_records")
        keyed = pd.DataFrame() if records is None or records.empty else records[
            (records["entity"] == self.entity.layer) & records["source_key"].notna()]
        self.by_source_key = dict(zip(keyed.get("source_key", []), keyed.get("id", []), strict=True))



def _texts(frame: pd.DataFrame, position: int, mapping: Mapping) -> dict[str, str]:
    texts = {}
    for column, target in mapping.items():
        value = frame.iat[position, frame.columns.get_loc(column)] if target else None
        if isinstance(value, str) and value.strip():
            texts[target] = value.strip()
    return texts


def _point(texts: dict[str, str], ctx: _Context, row: int, country, region) -> tuple[object, list[Issue]]:
    """The row's own point from degrees, a geopoint or UTM metres, checked against its place; None if none."""
    column = ctx.columns.get
    accuracy, zone_issues, where = None, [], "latitude"
    try:
        if "latitude" in texts or "longitude" in texts:
            lat = coords.parse_degrees(texts.get("latitude", ""), "lat")
            where = "longitude"
            lon = coords.parse_degrees(texts.get("longitude", ""), "lon")
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
            return None, [Issue(row, column("accuracy", "accuracy"), "validate.bad_accuracy",
                                {"value": texts["accuracy"]})]
    issues = coords.check_point(lat, lon, country=country, region=region, accuracy_m=accuracy,
                                boundaries=ctx.boundaries, row=row, field=column(where, where))
    return shapely.Point(lon, lat), zone_issues + issues


def _place(ctx: _Context, community: str | None):
    if community is None or community not in ctx.lookups.community_ids:
        return None
    return ctx.data.communities.set_index("community_id").loc[community]


def _innovation(texts: dict[str, str], ctx: _Context, row: int) -> tuple[dict, list[Issue]]:
    record, issues = parse_fields(INNOVATIONS, texts, ctx.columns, row, ctx.lookups)
    community, more = community_of(texts, record, ctx.columns, row, ctx.lookups)
    issues += more
    if community is not None:
        record["community_id"] = community
    issues += consent_defaults(record, row)
    place = _place(ctx, community)
    point, more = _point(texts, ctx, row, None if place is None else str(place["country"]),
                         None if place is None else str(place["region"]))
    issues += more
    if point is not None:
        record["has_own_point"], record["geometry"] = True, point
    elif place is not None:
        record["has_own_point"], record["geometry"] = False, place.geometry
    return record, issues


def _community(texts: dict[str, str], ctx: _Context, row: int) -> tuple[dict, list[Issue]]:
    record, issues = parse_fields(COMMUNITIES, texts, ctx.columns, row, ctx.lookups)
    if "country" not in record and isinstance(record.get("region"), str):
        record["country"] = record["region"].split("-")[0]
    if "location_source" not in record:
        record["location_source"] = "approximate"
        issues.append(Issue(row, "location_source", "validate.location_assumed", {}, "flag"))
    point, more = _point(texts, ctx, row, record.get("country"), record.get("region"))
    if point is not None:
        record["geometry"] = point
    return record, issues + more


def _incomplete(merged: dict, ctx: _Context, row: int) -> list[Issue]:
    """What a new record lacks: its required fields (an id is given when committing) and, for a community, a point."""
    skip = {ctx.entity.id_field, "consent_public", "name_public"}
    issues = missing_required(ctx.entity, merged, ctx.columns, row, skip)
    if ctx.entity is COMMUNITIES and merged.get("geometry") is None:
        issues.append(Issue(row, ctx.columns.get("latitude", "latitude"), "validate.no_point", {}))
    return issues


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(value)
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, shapely.Geometry):
        return (round(value.x, 7), round(value.y, 7)) if not value.is_empty else None
    return value.item() if hasattr(value, "item") else value


def _same(record: dict, existing: pd.Series, entity: Entity) -> bool:
    names = [f.name for f in entity.fields] + ["geometry"]
    if entity is INNOVATIONS and not record.get("has_own_point") and not existing.get("has_own_point"):
        names.remove("geometry")
    return all(_plain(record.get(n)) == _plain(existing.get(n)) for n in names)


def _content(record, entity: Entity) -> tuple:
    """A record's values without its id: two rows with the same content are the same record."""
    names = [f.name for f in entity.fields if f.name != entity.id_field]
    point = record.get("geometry") if entity is COMMUNITIES or record.get("has_own_point") else None
    return (*(_plain(record.get(n)) for n in names), _plain(point))


def _merged(record: dict, existing: pd.Series | None, entity: Entity) -> dict:
    """The whole record after the row: the stored values, overwritten by what the row gives."""
    base = {} if existing is None else {k: existing[k] for k in existing.index}
    given = dict(record)
    if entity is INNOVATIONS and existing is not None and not given.get("has_own_point"):
        given.pop("geometry", None)
        given.pop("has_own_point", None)
    return base | given


def _status(record: dict, texts: dict[str, str], ctx: _Context) -> tuple[str, str | None, dict]:
    """New, update or unchanged; and the whole record to store."""
    given = record.get(ctx.entity.id_field)
    stored_id = given if given in ctx.existing.index else ctx.by_source_key.get(texts.get("source_key", ""))
    existing = ctx.existing.loc[stored_id] if stored_id is not None else None
    merged = _merged(record, existing, ctx.entity)
    if stored_id is not None:
        merged[ctx.entity.id_field] = stored_id
        return (UNCHANGED if _same(merged, existing, ctx.entity) else UPDATE), stored_id, merged
    if given is None and _content(merged, ctx.entity) in ctx.by_content:  # the same record again, without its id
        return UNCHANGED, ctx.by_content[_content(merged, ctx.entity)], merged
    return NEW, given, merged


def _frame(records: list[dict], like: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    columns = [c for c in like.columns if c != "geometry"]
    rows = [{c: r.get(c) for c in columns} | {"geometry": r.get("geometry")} for r in records]
    return gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=CRS)


def _revision(data: Dataset, layer: str, record_id: str) -> int:
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return 1
    found = records[(records["entity"] == layer) & (records["id"] == record_id)]
    return int(found["revision"].iloc[-1]) if len(found) else 1


def _duplicate(key: object, merged: dict, earlier: dict[str, dict], row: int, ctx: _Context) -> Issue | None:
    """A second row with the same id or submission key: harmless if identical, refused if it differs."""
    if key is None or key not in earlier:
        return None
    same = all(_plain(merged.get(n)) == _plain(earlier[key].get(n)) for n in set(merged) | set(earlier[key]))
    return None if same else Issue(row, ctx.columns.get(ctx.entity.id_field), "validate.duplicate_in_file",
                                   {"value": key})


def validate(table, mapping: Mapping, data: Dataset, *, entity: Entity = INNOVATIONS,
             default_zone: str | None = None, progress: Callable[[int], None] | None = None) -> Report:
    """Check every row of `table` (a readers.RawTable) mapped by `mapping` against the store `data`.

    `progress`, if given, is told how many more rows were checked, every `PROGRESS_STEP` rows.
    """
    ctx = _Context(entity, data, Lookups(data), {target: col for col, target in mapping.items() if target},
                   default_zone, data.boundaries)
    build = _innovation if entity is INNOVATIONS else _community
    early: dict[int | None, list[Issue]] = {}
    for issue in table.issues:
        early.setdefault(issue.row, []).append(issue)
    results, added, updated, earlier = [], [], [], {}
    seen, source_keys = {}, {}
    for position, row in enumerate(table.rows):
        if progress is not None and position and position % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
        issues = list(early.get(row, []))
        if not any(i.severity == REJECT for i in issues):
            texts = _texts(table.frame, position, mapping)
            record, more = build(texts, ctx, row)
            issues += more
        if any(i.severity == REJECT for i in issues):
            results.append(RowResult(row, REJECTED, None, tuple(issues)))
            continue
        status, record_id, merged = _status(record, texts, ctx)
        if status == NEW:
            issues += _incomplete(merged, ctx, row)
        if any(i.severity == REJECT for i in issues):
            results.append(RowResult(row, REJECTED, None, tuple(issues)))
            continue
        key = record_id or texts.get("source_key") or _content(merged, entity)
        twice = _duplicate(key, merged, earlier, row, ctx)
        if twice is not None:
            results.append(RowResult(row, REJECTED, record_id, (*issues, twice)))
            continue
        if key is not None and key in earlier:
            status = UNCHANGED
        elif status == NEW:
            added.append(merged | {"source_key": texts.get("source_key")})
        elif status == UPDATE:
            updated.append(merged)
            seen[(entity.layer, record_id)] = _revision(data, entity.layer, record_id)
        if key is not None:
            earlier[key] = merged
        if record_id is not None and texts.get("source_key"):
            source_keys[(entity.layer, record_id)] = texts["source_key"]
        results.append(RowResult(row, status, record_id, tuple(issues)))
    like = data.frame(entity)
    changes = Changes(added={entity.layer: _frame(added, like.assign(source_key=None))} if added else {},
                      updated={entity.layer: _frame(updated, like)} if updated else {},
                      seen=seen, source_keys=source_keys)
    unmapped = tuple(column for column, target in mapping.items() if not target)
    return Report(table.source, entity.layer, tuple(results), changes, tuple(early.get(None, [])), unmapped)
