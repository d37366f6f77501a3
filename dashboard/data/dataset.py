"""The atlas's records as one immutable value, whatever store they come from or go to.

`assemble` checks and derives a `Dataset` from its three layers (references, points, the community
fields every innovation carries, natural regions); `layers_of` splits one back into the tables a
store keeps (list fields in link tables). Every backend reads and writes through these two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data.conform import ContractError, check_points, is_in
from dashboard.data.contract import (
    BOOKKEEPING_TABLES,
    BOUNDARIES,
    COMMUNITY_FIELDS_ON_INNOVATIONS,
    CONTRACT_VERSION,
    CRS,
    ENTITIES,
    INNOVATIONS,
    METADATA_LAYER,
    Entity,
)
from dashboard.data.vocab import NATURAL_REGION, natural_region


@dataclass(frozen=True)
class Dataset:
    """Everything the atlas shows: partners, communities and innovations, plus store metadata.

    Frozen: a cached dataset is shared by every session, so a changed one is a new value
    (`dataclasses.replace`), never a patched one.
    """

    partners: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    innovations: gpd.GeoDataFrame
    metadata: dict[str, str] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # bookkeeping tables, by name (text columns)
    boundaries: gpd.GeoDataFrame | None = None  # optional administrative polygons

    def frame(self, entity: Entity) -> gpd.GeoDataFrame:
        return getattr(self, entity.layer)

    @property
    def is_demo(self) -> bool:
        return is_illustrative(self.metadata)


def is_illustrative(metadata: dict[str, str]) -> bool:
    """Whether a store's metadata marks it as the illustrative demo."""
    return metadata.get("illustrative") == "true"


def assemble(
    partners: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame,
    innovations: gpd.GeoDataFrame,
    metadata: dict[str, str],
    source: Path | str,
) -> Dataset:
    """A Dataset from conformed layers: references checked, derived fields added."""
    _check_references(communities, partners, innovations, source)
    innovations = _with_newer_lists(innovations)
    communities = _with_natural_region(communities)
    innovations = _with_community_fields(innovations, communities, source)
    return Dataset(
        partners=partners.reset_index(drop=True),
        communities=communities.reset_index(drop=True),
        innovations=innovations.reset_index(drop=True),
        metadata=metadata,
    )


def _check_references(communities, partners, innovations, path: Path | str) -> None:
    known = communities["community_id"]
    unknown = ~is_in(innovations["community_id"], known)
    if unknown.any():
        row = innovations.index[unknown.to_numpy().argmax()]
        raise ContractError(
            path, "innovations", int(row), "community_id", "unknown_ref", value=innovations.at[row, "community_id"]
        )
    partner_ids = set(partners["partner_id"])
    for row, partners in innovations["partners"].items():
        missing = [p for p in partners if p not in partner_ids]
        if missing:
            raise ContractError(path, "innovations", int(row), "partners", "unknown_ref", value=missing[0])


def _with_newer_lists(innovations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Layers built before a list field existed (e.g. `labels`) hold no values for it: empty lists."""
    missing = [f.name for f in INNOVATIONS.multi_fields if f.added_later and f.name not in innovations.columns]
    empty = {
        name: pd.Series([[] for _ in range(len(innovations))], index=innovations.index, dtype=object)
        for name in missing
    }
    return innovations.assign(**empty) if missing else innovations


def _with_natural_region(communities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    regions = [
        natural_region(None if pd.isna(alt) else float(alt), None if pd.isna(slope) else slope)
        for alt, slope in zip(communities["altitude_m"], communities["slope"], strict=True)
    ]
    communities = communities.copy(deep=False)
    communities["natural_region"] = pd.Categorical(regions, categories=NATURAL_REGION.codes)
    return communities


def _with_community_fields(
    innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame, path: Path | str
) -> gpd.GeoDataFrame:
    innovations = innovations.copy(deep=False)  # new columns on a shallow copy: the caller's frame stays as it was
    by_id = communities.set_index("community_id")
    where = innovations["community_id"]
    for name in COMMUNITY_FIELDS_ON_INNOVATIONS:
        column = by_id[name]
        innovations[name] = pd.Series(column.reindex(where).to_numpy(), index=innovations.index, dtype=column.dtype)
    check_points(INNOVATIONS, innovations, innovations["country"], path)
    own = innovations.geometry.notna() & ~innovations.geometry.is_empty
    innovations["has_own_point"] = own.astype(bool)
    fallback = gpd.GeoSeries(by_id.geometry.reindex(where).to_numpy(), index=innovations.index, crs=CRS)
    innovations["geometry"] = innovations.geometry.where(own, fallback)
    return innovations


def _stored(entity: Entity, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The columns of `entity` that the store keeps, in plain types GDAL writes faithfully."""
    columns = {}
    for f in entity.scalar_fields:
        column = frame[f.name]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == "string":
            column = column.astype(object).where(column.notna(), None)
        columns[f.name] = column
    geometry = frame.geometry
    if "has_own_point" in frame.columns:
        geometry = geometry.where(frame["has_own_point"].to_numpy(), None)
    return gpd.GeoDataFrame(columns, geometry=geometry.values, crs=CRS)


def _links(entity: Entity, frame: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    tables = {}
    for f in entity.multi_fields:
        pairs = frame[[entity.id_field, f.name]].explode(f.name).dropna(subset=[f.name])
        tables[entity.link_layer(f)] = pd.DataFrame(
            {
                entity.id_field: pairs[entity.id_field].astype(object).to_numpy(),
                entity.link_column(f): pairs[f.name].astype(object).to_numpy(),
            }
        )
    return tables


def layers_of(dataset: Dataset) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every table the store holds for `dataset`, with its layer name, in write order, one at a time."""
    for entity in ENTITIES:
        frame = dataset.frame(entity)
        yield entity.layer, _stored(entity, frame)
        yield from _links(entity, frame).items()
    if dataset.boundaries is not None:
        yield BOUNDARIES.layer, _stored(BOUNDARIES, dataset.boundaries)
    metadata = {"contract_version": CONTRACT_VERSION, **dataset.metadata}
    yield METADATA_LAYER, pd.DataFrame({"key": list(metadata), "value": list(metadata.values())})
    for name in BOOKKEEPING_TABLES:
        if name in dataset.tables:
            yield name, dataset.tables[name].astype(object)


# SQLite's journal (and WAL files) beside a GeoPackage being written; a process killed mid-write leaves them
