"""The store's records while a commit or an undo changes them: plain frames, the trash, what was touched.

A *plain* frame holds a layer's contract fields only (lists as lists of text, None where missing) and
each record's own geometry; records are added, replaced and moved as plain rows, and the whole layer
is checked and typed again by the contract before anything is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data import history
from dashboard.data.changes import Changes, Key
from dashboard.data.conform import ContractError, conform_layer
from dashboard.data.contract import CRS, ENTITIES, Entity
from dashboard.data.dataset import Dataset, assemble
from dashboard.data.history import TRASH
from dashboard.data.numbering import Numbering


@dataclass
class Draft:
    """The records (plain frames, by layer) and the trash being changed, and every record touched."""

    plains: dict[str, gpd.GeoDataFrame]
    trash: pd.DataFrame
    touched: list[tuple[str, str, str]] = field(default_factory=list)  # (layer, id, action)
    source_keys: dict[Key, str] = field(default_factory=dict)  # of added rows, from a `source_key` column


def draft_of(dataset: Dataset, source: Path | str) -> Draft:
    """The records and trash of `dataset`, ready to be changed."""
    return Draft({e.layer: plain(e, dataset.frame(e), source) for e in ENTITIES}, history.table(dataset.tables, TRASH))


def given_ids(frame: gpd.GeoDataFrame | None, entity: Entity) -> list[str | None]:
    """The ids in a frame of changes; None where a row has none."""
    if frame is None:
        return []
    return [i if isinstance(i, str) and i.strip() else None for i in frame[entity.id_field].astype(object)]


def apply(draft: Draft, entity: Entity, changes: Changes, taken: set[str], source: str, editor: str, when: str) -> None:
    """Add, replace, delete (to the trash) and restore the records of one layer of `draft`."""
    layer, id_field = entity.layer, entity.id_field
    current = draft.plains[layer]
    updated = plain(entity, changes.updated.get(layer), source)
    added = _numbered(draft, entity, changes.added.get(layer), taken, source)
    deleted = list(changes.deleted.get(layer, ()))
    back = (draft.trash["entity"] == layer) & draft.trash["id"].isin(changes.restored.get(layer, ()))
    restored = from_records(entity, [history.record_from_json(entity, r) for r in draft.trash.loc[back, "record"]])
    leaving = current[current[id_field].isin(deleted)].to_dict("records")
    binned = [
        {
            "entity": layer,
            "id": r[id_field],
            "deleted_at": when,
            "deleted_by": editor,
            "record": history.record_json(entity, r),
        }
        for r in leaving
    ]
    draft.trash = pd.concat(
        [draft.trash[~back], pd.DataFrame(binned, columns=draft.trash.columns, dtype=object)], ignore_index=True
    )
    kept = current[~current[id_field].isin([*updated[id_field], *deleted])]
    draft.plains[layer] = arrange(_concat([kept, updated, added, restored], current), id_field, current[id_field])
    for action, ids in (
        ("added", added[id_field]),
        ("updated", updated[id_field]),
        ("deleted", deleted),
        ("restored", restored[id_field]),
    ):
        draft.touched += [(layer, i, action) for i in ids]


def _numbered(
    draft: Draft, entity: Entity, frame: gpd.GeoDataFrame | None, taken: set[str], source: str
) -> gpd.GeoDataFrame:
    """The added rows as a plain frame, each without an id given a new one; their source keys noted."""
    rows = plain(entity, frame, source)
    numbering = Numbering(entity.layer, taken)
    prefixes = (
        [
            dict(zip(numbering.fields, values, strict=True))
            for values in zip(*(rows[f] for f in numbering.fields), strict=True)
        ]
        if numbering.fields
        else [{}] * len(rows)
    )
    ids = [i or numbering.new_id(r) for i, r in zip(given_ids(frame, entity), prefixes, strict=True)]
    rows[entity.id_field] = pd.Series(ids, index=rows.index, dtype=object)
    if frame is not None and "source_key" in frame.columns:  # Kobo _uuid / ODK instanceID, even without an id
        draft.source_keys.update(
            {(entity.layer, i): k for i, k in zip(ids, frame["source_key"], strict=True) if isinstance(k, str) and k}
        )
    return rows


def revert(
    dataset: Dataset, before: Dataset, touched: Iterable[Key], source: Path | str
) -> tuple[Draft, dict[str, set[str]]]:
    """`dataset` with every touched record, live or in the trash, as it was in `before`; and the ids it removes."""
    keys = set(touched)
    plains, removed = {}, {}
    for entity in ENTITIES:
        ids, id_field = {i for layer, i in keys if layer == entity.layer}, entity.id_field
        now, then = plain(entity, dataset.frame(entity), source), plain(entity, before.frame(entity), source)
        rows = [now[~now[id_field].isin(ids)], then[then[id_field].isin(ids)]]
        plains[entity.layer] = arrange(_concat(rows, now), id_field, then[id_field])
        removed[entity.layer] = (ids & set(now[id_field])) - set(then[id_field])
    now, then = history.table(dataset.tables, TRASH), history.table(before.tables, TRASH)
    trash = pd.concat([now[~_keyed(now, keys)], then[_keyed(then, keys)]], ignore_index=True)
    return Draft(plains, trash), removed


def _keyed(table: pd.DataFrame, keys: set[Key]) -> pd.Series:
    return pd.Series([k in keys for k in zip(table["entity"], table["id"], strict=True)], index=table.index, dtype=bool)


def referrers(
    plains: dict[str, gpd.GeoDataFrame], removed: dict[str, set[str]]
) -> tuple[str, str, str, list[str]] | None:
    """The first removed record that live records still name: (layer, id, their layer, their ids); else None."""
    for entity in ENTITIES:
        frame = plains[entity.layer]
        for f in entity.fields:
            gone = removed.get(f.target or "", set())
            named = [set(v) if f.multi else {v} for v in frame[f.name]] if gone else []
            for target in sorted(gone):
                ids = [i for i, values in zip(frame[entity.id_field], named, strict=True) if target in values]
                if ids:
                    return f.target, target, entity.layer, ids
    return None


def plain(entity: Entity, frame: gpd.GeoDataFrame | None, source: Path | str) -> gpd.GeoDataFrame:
    """The stored part of `frame`: contract fields (lists as lists, None where missing) and each own geometry.

    An innovation whose `has_own_point` is false sits at its community's point, which is not stored;
    without that column, a frame's geometry is taken as the record's own.
    """
    if frame is None:
        return from_records(entity, [])
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ContractError(source, entity.layer, None, "geometry", "wrong_crs", crs=str(frame.crs))
    columns = {}
    for f in entity.fields:
        if f.name not in frame.columns:
            raise ContractError(source, entity.layer, None, f.name, "missing_column")
        values = frame[f.name].astype(object).to_numpy()
        columns[f.name] = pd.Series(
            [_listed(v) for v in values] if f.multi else [None if v is None or pd.isna(v) else v for v in values],
            dtype=object,
        )
    own = frame["has_own_point"].to_numpy(dtype=bool) if "has_own_point" in frame.columns else np.ones(len(frame), bool)
    geometry = gpd.GeoSeries(np.where(own, frame.geometry.to_numpy(), None), crs=CRS)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=CRS)


def _listed(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple | np.ndarray) else []


def from_records(entity: Entity, records: list[dict]) -> gpd.GeoDataFrame:
    """A plain frame from records (each a dict of contract fields and `geometry`)."""
    columns = {f.name: pd.Series([r[f.name] for r in records], dtype=object) for f in entity.fields}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([r["geometry"] for r in records], crs=CRS), crs=CRS)


def _concat(parts: list[gpd.GeoDataFrame], like: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else like.iloc[:0]


def arrange(frame: gpd.GeoDataFrame, id_field: str, order: Iterable[str]) -> gpd.GeoDataFrame:
    """`frame` with the ids of `order` first, in that order, then the others as they come."""
    rank = pd.Index(list(order)).get_indexer(frame[id_field])
    rest = rank < 0
    rank[rest] = len(rank) + np.arange(rest.sum())
    return frame.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def typed(entity: Entity, rows: gpd.GeoDataFrame, source: Path | str) -> gpd.GeoDataFrame:
    """A plain layer checked and typed by the contract, with its lists."""
    rows = rows.set_axis(pd.RangeIndex(1, len(rows) + 1))
    result = conform_layer(entity, rows, source)
    for f in entity.multi_fields:
        result[f.name] = pd.Series(list(rows[f.name]), index=result.index, dtype=object)
        empty = (result[f.name].map(len) == 0).to_numpy()
        if f.required and empty.any():
            raise ContractError(source, entity.layer, int(result.index[empty][0]), f.name, "required")
    return result


def assembled(
    dataset: Dataset, draft: Draft, tables: dict[str, pd.DataFrame], updated: str, source: Path | str
) -> Dataset:
    """The new store: `draft`'s layers typed and checked, `dataset`'s boundaries, the given bookkeeping tables."""
    layers = {e.layer: typed(e, draft.plains[e.layer], source) for e in ENTITIES}
    result = assemble(
        layers["partners"],
        layers["communities"],
        layers["innovations"],
        {**dataset.metadata, "updated": updated},
        source,
    )
    return dataclasses.replace(result, boundaries=dataset.boundaries, tables={**dataset.tables, **tables})
