"""One record changed on the page: its point as typed or clicked, the whole row, and the change that saves it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.data import history
from dashboard.data.backend import AtlasStore, open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS, Entity
from dashboard.data.dataset import Dataset
from dashboard.data.refusals import CommitError
from dashboard.i18n import t
from dashboard.intake import coords

Outcome = tuple[str | None, str | None]  # (the history entry written, or why nothing was, in the user's language)


def revision_seen(data: Dataset, entity: Entity, record_id: str) -> int | None:
    """The revision a record is at as the form opens it; None for a new record."""
    return history.revision(data.tables, (entity.layer, record_id)) if record_id else None


def shown_point(entity: Entity, record: pd.Series | None) -> tuple[str, str]:
    """The record's own point as the latitude and longitude fields show it; empty where it has none."""
    own = record is not None and (entity is COMMUNITIES or bool(record.get("has_own_point")))
    return (f"{record.geometry.y:.6f}", f"{record.geometry.x:.6f}") if own else ("", "")


def typed_point(
    lat: str, lon: str, entity: Entity, entered: dict, data: Dataset, lang: str
) -> tuple[shapely.Point | None, list[str]]:
    """The typed point (any accepted format), checked against its place, and what stops it; (None, []) if empty."""
    if not lat.strip() and not lon.strip():
        return None, []
    try:
        lat_value, lon_value = coords.parse_degrees(lat, "lat"), coords.parse_degrees(lon, "lon")
    except coords.CoordsError as error:
        return None, [error.issue().message(lang)]
    if entity is INNOVATIONS:
        place = data.communities.set_index("community_id").loc[entered["community_id"]]
        country, region = str(place["country"]), str(place["region"])
    else:
        country, region = entered["region"][:2], entered["region"]
    problems = coords.check_point(lat_value, lon_value, country=country, region=region, boundaries=data.boundaries)
    blocking = [p.message(lang) for p in problems if p.severity == "reject"]
    return (None if blocking else shapely.Point(lon_value, lat_value)), blocking


def record_row(
    entity: Entity, record: pd.Series | None, entered: dict, point: shapely.Point | None, data: Dataset
) -> gpd.GeoDataFrame:
    """The whole record after the form, shaped like the store's frame."""
    like = data.frame(entity)
    base = {} if record is None else {k: record[k] for k in record.index}
    merged = base | {k: (v if v != "" else None) for k, v in entered.items()}
    if entity is INNOVATIONS:
        merged["has_own_point"] = point is not None
        if point is None:
            merged["geometry"] = data.communities.set_index("community_id").loc[entered["community_id"]].geometry
    if point is not None:
        merged["geometry"] = point
    if entity is COMMUNITIES:
        merged["country"] = entered["region"][:2]
    columns = [c for c in like.columns if c != "geometry"]
    return gpd.GeoDataFrame(
        [{c: merged.get(c) for c in columns} | {"geometry": merged.get("geometry")}],
        columns=[*columns, "geometry"],
        geometry="geometry",
        crs=CRS,
    )


def form_change(
    entity: Entity,
    record_id: str,
    record: pd.Series | None,
    entered: dict,
    lat: str,
    lon: str,
    data: Dataset,
    seen: int | None,
    lang: str,
) -> tuple[Changes | None, list[str]]:
    """The change saving the form makes (a new record, or the record as the editor saw it replaced); else why not."""
    point, problems = typed_point(lat, lon, entity, entered, data, lang)
    if problems:
        return None, problems
    if entity is COMMUNITIES and point is None:
        return None, [t("validate.no_point", lang)]
    row = record_row(entity, record, entered, point, data)
    if record is None:
        return Changes(added={entity.layer: row}), []
    return Changes(updated={entity.layer: row}, seen={(entity.layer, record_id): seen or 1}), []


def deletion(entity: Entity, record_id: str, seen: int | None) -> Changes:
    """The change that moves a record, as the editor saw it, to the trash."""
    return Changes(deleted={entity.layer: (record_id,)}, seen={(entity.layer, record_id): seen or 1})


def restoring(layer: str, record_id: str) -> Changes:
    """The change that brings a record back from the trash."""
    return Changes(restored={layer: (record_id,)})


def save(changes: Changes, source: Source, editor: str, lang: str, store: AtlasStore | None = None) -> Outcome:
    """Commit one change from the page; a conflict or refusal comes back as a message, not raised."""
    try:
        return (store if store is not None else open_store()).commit(changes, source, editor), None
    except CommitError as error:
        return None, error.message(lang)


def undo(entry: str, editor: str, lang: str, store: AtlasStore | None = None) -> Outcome:
    """Undo one history entry from the page; a refusal comes back as a message, not raised."""
    try:
        return (store if store is not None else open_store()).undo(entry, editor), None
    except CommitError as error:
        return None, error.message(lang)
