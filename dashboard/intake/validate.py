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

from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS, Entity
from dashboard.data.privacy import district_centroids
from dashboard.data.store import Dataset
from dashboard.intake import coords, utm, values
from dashboard.intake.changes import Changes
from dashboard.intake.issues import FLAG, REJECT, Issue
from dashboard.intake.mapping import Mapping, suggest
from dashboard.intake.matching import TIEBREAKERS, Matcher, natural_key, normalised_text
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

PROGRESS_STEP = 500
CHUNK = 10_000  # rows whose cells are read into Python at a time
PROGRESS_FROM = 2000  # rows: a longer file shows a progress bar while it is checked (page and CLI)


@dataclass
class _Context:
    entity: Entity
    data: Dataset
    lookups: Lookups
    columns: dict[str, str]  # target -> input column, for messages
    default_zone: str | None
    boundaries: coords.RegionShapes  # the store's region polygons, for points said to lie in a region
    matcher: Matcher = field(init=False)
    places: dict[str, _Place] = field(init=False, default_factory=dict)  # community id -> where it is, once read

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.entity, self.data)

    @cached_property
    def communities(self) -> gpd.GeoDataFrame:
        return self.data.communities.set_index("community_id", drop=False)

    @cached_property
    def generalised(self) -> dict[str, tuple[float, float]]:
        """Community id -> the point public views show a restricted innovation of it at."""
        centres = district_centroids(self.data.communities)
        return {cid: _plain(point) for cid, point in centres.items()}


def _mapped_columns(frame: pd.DataFrame, mapping: Mapping, start: int) -> list[tuple[str, list]]:
    """Each mapped target with the cells of rows `start` … `start + CHUNK` as a plain list.

    Read a chunk at a time: a Python string per cell of a 200,000-row file would cost hundreds of megabytes.
    """
    return [(target, frame[column].iloc[start:start + CHUNK].tolist()) for column, target in mapping.items()
            if target and column in frame]


def _texts(columns: list[tuple[str, list]], position: int) -> dict[str, str]:
    """The non-empty text of one row under its targets."""
    texts = {}
    for target, cells in columns:
        value = cells[position]
        if isinstance(value, str) and (value := value.strip()):
            texts[target] = value
    return texts


def _degrees(texts: dict[str, str], ctx: _Context, row: int) -> tuple[float | None, float | None, list[Issue]]:
    """Latitude and longitude in degrees, each read on its own so that both problems are reported."""
    read, issues = {}, []
    for target, axis in (("latitude", "lat"), ("longitude", "lon")):
        try:
            read[target] = coords.parse_degrees(texts.get(target, ""), axis)
        except coords.CoordsError as error:
            issues.append(error.issue(row, ctx.columns.get(target, target)))
    return read.get("latitude"), read.get("longitude"), issues


def _point(texts: dict[str, str], ctx: _Context, row: int, country, region) -> tuple[object, list[Issue]]:
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
            return None, [Issue(row, column("accuracy", "accuracy"), "validate.bad_accuracy",
                                {"value": texts["accuracy"]})]
    issues = coords.check_point(lat, lon, country=country, region=region, accuracy_m=accuracy,
                                boundaries=ctx.boundaries, row=row, field=column(where, where))
    return shapely.Point(lon, lat), zone_issues + issues


@dataclass(frozen=True)
class _Place:
    """What a row needs of the community it names: where it is."""

    country: str
    region: str
    geometry: shapely.Geometry


def _place(ctx: _Context, community: str | None) -> _Place | None:
    """The stored community an innovation names (read once per community); None if unknown."""
    if community is None or community not in ctx.lookups.community_ids:
        return None
    if community not in ctx.places:
        row = ctx.communities.loc[community]
        ctx.places[community] = _Place(str(row["country"]), str(row["region"]), row.geometry)
    return ctx.places[community]


def _innovation(texts: dict[str, str], ctx: _Context, row: int) -> tuple[dict, list[Issue]]:
    record, issues = parse_fields(INNOVATIONS, texts, ctx.columns, row, ctx.lookups)
    community, more = community_of(texts, record, ctx.columns, row, ctx.lookups)
    issues += more
    if community is not None:
        record["community_id"] = community
    place = _place(ctx, community)
    point, more = _point(texts, ctx, row, None if place is None else place.country,
                         None if place is None else place.region)
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
    point, more = _point(texts, ctx, row, record.get("country"), record.get("region"))
    if point is not None:
        record["geometry"] = point
    return record, issues + more


def _incomplete(merged: dict, ctx: _Context, row: int, given: set[str]) -> list[Issue]:
    """What a new record lacks: its required fields (an id is given when committing) and, for a community, a point.

    A field the row gives but that could not be read (`given`) already has its own issue: it is not also "missing".
    """
    skip = {ctx.entity.id_field, "consent_public", "name_public", *given}
    if "community_name" in given:  # a community named but not found has its own issue
        skip.add("community_id")
    issues = missing_required(ctx.entity, merged, ctx.columns, row, skip)
    if ctx.entity is COMMUNITIES and merged.get("geometry") is None:
        issues.append(Issue(row, ctx.columns.get("latitude", "latitude"), "validate.no_point", {}))
    return issues


def _defaults(merged: dict, ctx: _Context, row: int) -> list[Issue]:
    """What a new record gets where the file is silent (consent: no; location source: approximate), flagged.

    A stored record keeps its own values where the file is silent: defaults are for new records only.
    """
    if ctx.entity is INNOVATIONS:
        return consent_defaults(merged, row)
    if "location_source" in merged:
        return []
    merged["location_source"] = "approximate"
    return [Issue(row, "location_source", "validate.location_assumed", {}, FLAG)]


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(value)
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, shapely.Geometry):
        return (round(value.x, 6), round(value.y, 6)) if not value.is_empty else None
    return value.item() if hasattr(value, "item") else value


def _same(record: dict, existing: dict, entity: Entity) -> bool:
    names = [f.name for f in entity.fields] + ["geometry"]
    if entity is INNOVATIONS and not record.get("has_own_point") and not existing.get("has_own_point"):
        names.remove("geometry")
    return all(_plain(record.get(n)) == _plain(existing.get(n)) for n in names)


def _merged(record: dict, existing: dict | None, entity: Entity) -> dict:
    """The whole record after the row: the stored values, overwritten by what the row gives."""
    base = {} if existing is None else dict(existing)
    given = dict(record)
    if entity is INNOVATIONS and existing is not None and not given.get("has_own_point"):
        given.pop("geometry", None)
        given.pop("has_own_point", None)
    return base | given


def _shown_point(record: dict, texts: dict[str, str], existing: dict | None, ctx: _Context,
                 row: int) -> list[Issue]:
    """An innovation's point that is not its own (a public export's generalised or community point) is not a move.

    Public exports mark each point (`location_shown`) and place a restricted record at its district's
    centre. Such a point, or one that is the community's own point while the stored record has none,
    never replaces the stored point: the row keeps it, and the report says so.
    """
    if ctx.entity is not INNOVATIONS or not record.get("has_own_point") or (
            existing is None and "location_shown" not in texts):  # a new point, said to be its own
        return []
    try:
        shown = values.code(texts["location_shown"], "location_shown") if "location_shown" in texts else None
    except values.ValueProblem as problem:
        column = ctx.columns.get("location_shown", "location_shown")
        return [Issue(row, column, problem.reason, {"field": column, **problem.params})]
    point, community = _plain(record.get("geometry")), record.get("community_id")
    generalised = shown == "generalised" or (
        existing is not None and _plain(existing.get("consent_public")) is not True and community in ctx.generalised
        and point == ctx.generalised[community] and point != _plain(existing.get("geometry")))
    at_community = shown == "community" or (
        existing is not None and not existing.get("has_own_point") and point == _plain(existing.get("geometry")))
    if not (generalised or at_community):
        return []
    place = _place(ctx, community)
    record["has_own_point"] = False
    record["geometry"] = None if place is None else place.geometry
    if not generalised:
        return []
    reason = "validate.generalised_kept" if existing is not None else "validate.generalised_new"
    return [Issue(row, ctx.columns.get("latitude", ctx.columns.get("location_shown", "latitude")), reason, {},
                  FLAG)]


def _revisions(data: Dataset, layer: str) -> dict[str, int]:
    """The revision of every record of `layer` that has been edited (any other is at revision 1)."""
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return {}
    mine = records[records["entity"] == layer]
    return {record_id: int(revision) for record_id, revision in zip(mine["id"], mine["revision"], strict=True)}


def _identity(record_id: str | None, record: dict, source_key: str | None, key: tuple[str, ...] | None,
              entity: Entity) -> tuple | None:
    """What makes two rows of one file the same record: its stored id, else its id, key or natural `key`."""
    if record_id is not None:
        return ("stored", record_id)
    if record.get(entity.id_field) is not None:
        return ("stored", record[entity.id_field])
    if source_key:
        return ("source_key", source_key)
    if key is None:
        return None
    # rows that the store would tell apart (another district, another year) are different records
    return ("natural_key", key + tuple(normalised_text(record.get(name)) for name in TIEBREAKERS[entity.layer]))


@dataclass
class _Earlier:
    """The rows already read, by identity, to refuse two different rows as one record.

    Only each row's number and position are kept (a 200,000-row file would otherwise keep every record
    twice); when a later row has the same identity, the earlier row is read again and compared value by value.
    """

    again: Callable[[int], dict]  # position -> the record that row made
    rows: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # identity -> (row, position)

    def check(self, identities: list[tuple], merged: dict, row: int, ctx: _Context) -> tuple[bool, Issue | None]:
        """Whether the row repeats an earlier one exactly; or the issue if it differs from one with its identity."""
        for identity in identities:
            if identity in self.rows:
                first, position = self.rows[identity]
                if _equal(self.again(position), merged):
                    return True, None
                return False, Issue(row, ctx.columns.get(ctx.entity.id_field), "validate.duplicate_in_file",
                                    {"value": _shown_identity(identity), "first": first})
        return False, None

    def remember(self, identities: list[tuple], row: int, position: int) -> None:
        for identity in identities:
            self.rows.setdefault(identity, (row, position))


def _equal(one: dict, other: dict) -> bool:
    return all(_plain(one.get(n)) == _plain(other.get(n)) for n in set(one) | set(other))


class _Rows:
    """Records gathered column by column, shaped like a store frame (no dict kept per row)."""

    def __init__(self, like: gpd.GeoDataFrame) -> None:
        self.columns: dict[str, list] = {c: [] for c in like.columns if c != "geometry"}
        self.geometry: list = []

    def __len__(self) -> int:
        return len(self.geometry)

    def append(self, record: dict) -> None:
        for name, cells in self.columns.items():
            cells.append(record.get(name))
        self.geometry.append(record.get("geometry"))

    def frame(self) -> gpd.GeoDataFrame:
        columns = {c: pd.Series(cells, dtype=object) for c, cells in self.columns.items()}
        return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(self.geometry, crs=CRS), crs=CRS)


def _shown_identity(identity: tuple) -> str:
    kind, value = identity
    return " · ".join(part for part in value if part) if kind == "natural_key" else str(value)


def _check_row(texts: dict[str, str], ctx: _Context, row: int,
               build) -> tuple[str, str | None, dict, list[Issue], tuple | None]:
    """One readable row: its status, the stored id it matched, the whole record to store, its issues and natural key."""
    record, issues = build(texts, ctx, row)
    source_key = texts.get("source_key")
    key = natural_key(ctx.entity, record)
    match = ctx.matcher.find(record, source_key, row, ctx.columns.get(ctx.entity.id_field), key)
    if match.issue is not None:
        issues.append(match.issue)
    existing = ctx.matcher.record(match.record_id) if match.record_id is not None else None
    issues += _shown_point(record, texts, existing, ctx, row)
    merged = _merged(record, existing, ctx.entity)
    if existing is None:
        issues += _defaults(merged, ctx, row)
        issues += _incomplete(merged, ctx, row, set(texts)) if match.issue is None else []
        return NEW, record.get(ctx.entity.id_field), merged, issues, key
    merged[ctx.entity.id_field] = match.record_id
    status = UNCHANGED if _same(merged, existing, ctx.entity) else UPDATE
    return status, match.record_id, merged, issues, key


def validate(table, mapping: Mapping, data: Dataset, *, entity: Entity = INNOVATIONS,
             default_zone: str | None = None, progress: Callable[[int], None] | None = None) -> Report:
    """Check every row of `table` (a readers.RawTable) mapped by `mapping` against the store `data`.

    Every problem of a row is listed, not only the first. `progress`, if given, is told how many
    more rows were checked, every `PROGRESS_STEP` rows.
    """
    ctx = _Context(entity, data, Lookups(data), {target: col for col, target in mapping.items() if target},
                   default_zone, coords.RegionShapes(data.boundaries))
    build = _innovation if entity is INNOVATIONS else _community
    early: dict[int | None, list[Issue]] = {}
    for issue in table.issues:
        early.setdefault(issue.row, []).append(issue)
    like = data.frame(entity)
    results, added, updated = [], _Rows(like.assign(source_key=None)), _Rows(like)
    seen, source_keys, revisions = {}, {}, _revisions(data, entity.layer)

    def again(position: int) -> dict:
        return _check_row(_texts(_mapped_columns(table.frame, mapping, position), 0), ctx, 0, build)[2]
    earlier = _Earlier(again)
    for position, row in enumerate(table.rows):
        if progress is not None and position and position % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
        if position % CHUNK == 0:
            columns = _mapped_columns(table.frame, mapping, position)
        issues = list(early.get(row, []))
        if any(i.severity == REJECT for i in issues):  # the reader could not split the row into its cells
            results.append(RowResult(row, REJECTED, None, tuple(issues)))
            continue
        texts = _texts(columns, position % CHUNK)
        status, record_id, merged, more, key = _check_row(texts, ctx, row, build)
        issues += more
        source_key = texts.get("source_key")
        identities = [i for i in (_identity(record_id, merged, source_key, key, entity),
                                  ("source_key", source_key) if source_key else None) if i is not None]
        repeated, twice = earlier.check(identities, merged, row, ctx)
        if twice is not None:
            issues.append(twice)
        if any(i.severity == REJECT for i in issues):
            results.append(RowResult(row, REJECTED, record_id if status != NEW else None, tuple(issues)))
            continue
        earlier.remember(identities, row, position)
        if repeated:
            status = UNCHANGED
        elif status == NEW:
            added.append(merged | {"source_key": source_key})
        elif status == UPDATE:
            updated.append(merged)
            seen[(entity.layer, record_id)] = revisions.get(record_id, 1)
        if record_id is not None and source_key and status != NEW:
            source_keys[(entity.layer, record_id)] = source_key
        results.append(RowResult(row, status, record_id, tuple(issues)))
    changes = Changes(added={entity.layer: added.frame()} if len(added) else {},
                      updated={entity.layer: updated.frame()} if len(updated) else {},
                      seen=seen, source_keys=source_keys)
    unmapped = tuple(column for column, target in mapping.items() if not target)
    file_issues = (*early.get(None, []), *_unmapped(mapping, entity))
    return Report(table.source, entity.layer, tuple(results), changes, file_issues, unmapped)


def _unmapped(mapping: Mapping, entity: Entity) -> list[Issue]:
    """The columns left out, said: each that looks like a field with how to map it, the others together."""
    taken = {target for target in mapping.values() if target}
    hinted, plain = [], []
    for column, target in mapping.items():
        if target:
            continue
        probable = suggest(str(column), entity, taken)
        if probable:
            hinted.append(Issue(None, column, "validate.unmapped_hint", {"column": column, "target": probable,
                                                                          "field": probable}, FLAG))
        else:
            plain.append(str(column))
    together = [Issue(None, None, "validate.unmapped", {"columns": ", ".join(f"«{c}»" for c in plain)}, FLAG)]
    return hinted + (together if plain else [])
