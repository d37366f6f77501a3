"""The GeoPackage store: load everything as typed GeoDataFrames, write a whole dataset atomically."""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from dashboard.data import files
from dashboard.data.conform import ContractError, attach_lists, check_points, conform_layer, is_in
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
from dashboard.paths import store_path

# GDAL stamps the write time into gpkg_contents; a fixed stamp makes a rebuild byte-identical.
DEFAULT_STAMP = "2000-01-01T00:00:00Z"
# GeoPackage 1.2 opens without warnings in older GDAL (Debian's ogrinfo) and QGIS releases.
GPKG_OPTIONS = {"dataset_options": {"VERSION": "1.2"}}


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


def _read(path: Path, layer: str) -> pd.DataFrame:
    return pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)


def _layers(path: Path) -> set[str]:
    """The layers of the store file; ContractError if there is none or it is not a GeoPackage."""
    if not path.is_file():
        raise ContractError(path, None, None, None, "no_store")
    try:
        return {str(name) for name, _ in pyogrio.list_layers(path)}
    except pyogrio.errors.DataSourceError as error:
        raise ContractError(path, None, None, None, "not_geopackage", detail=str(error)) from None


def _metadata(path: Path, present: set[str]) -> dict[str, str]:
    metadata = _read(path, METADATA_LAYER) if METADATA_LAYER in present else pd.DataFrame()
    return dict(zip(metadata.get("key", []), metadata.get("value", []), strict=True))


def read_metadata(path: Path | None = None) -> dict[str, str]:
    """The store's metadata alone (demo flag, contract version), without reading its records."""
    path = Path(path) if path is not None else store_path()
    return _metadata(path, _layers(path))


def load(path: Path | None = None) -> Dataset:
    """Read and validate the whole store; raises ContractError naming file, layer, row and field."""
    path = Path(path) if path is not None else store_path()
    present = _layers(path)
    needed = [e.layer for e in ENTITIES] + [e.link_layer(f) for e in ENTITIES for f in e.multi_fields]
    for layer in needed:
        if layer not in present:
            raise ContractError(path, layer, None, None, "missing_layer")
    frames = {e.layer: conform_layer(e, _read(path, e.layer), path) for e in ENTITIES}
    links = {name: _read(path, name) for name in needed if name not in frames}
    for entity in ENTITIES:
        frames[entity.layer] = attach_lists(entity, frames[entity.layer], links, path)
    dataset = assemble(frames["partners"], frames["communities"], frames["innovations"], _metadata(path, present), path)
    boundaries = (
        conform_layer(BOUNDARIES, _read(path, BOUNDARIES.layer), path).reset_index(drop=True)
        if BOUNDARIES.layer in present
        else None
    )
    tables = {name: _text_table(_read(path, name)) for name in BOOKKEEPING_TABLES if name in present}
    return dataclasses.replace(dataset, boundaries=boundaries, tables=tables)


def _text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A bookkeeping table as plain text columns (missing values stay missing)."""
    return (
        frame.reset_index(drop=True)
        .astype(object)
        .where(frame.notna().reset_index(drop=True), None)
        .map(lambda value: value if value is None else str(value))
    )


def assemble(
    partners: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame,
    innovations: gpd.GeoDataFrame,
    metadata: dict[str, str],
    source: Path | str,
) -> Dataset:
    """A Dataset from conformed layers: references checked, derived fields added."""
    _check_references(communities, partners, innovations, source)
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
SIDECARS = ("-journal", "-wal", "-shm")


def _temporary_name(path: Path) -> re.Pattern[str]:
    """store.write's temporary files for `path`: .<stem>.<pid>.<hex>.tmp.gpkg and their SQLite sidecars."""
    return re.compile(r"\." + re.escape(path.stem) + r"\.(\d+)\.[0-9a-f]+\.tmp\.gpkg(?:" + "|".join(SIDECARS) + ")?")


def temporaries(path: Path) -> list[tuple[Path, int]]:
    """The temporary files store writers left beside the store at `path`, each with its writer's process id."""
    pattern = _temporary_name(path)
    found = [(file, pattern.fullmatch(file.name)) for file in path.parent.glob(f".{glob.escape(path.stem)}.*")]
    return sorted((file, int(match.group(1))) for file, match in found if match)


def _remove_temporary(temporary: Path) -> None:
    for file in (temporary, *(temporary.with_name(temporary.name + sidecar) for sidecar in SIDECARS)):
        file.unlink(missing_ok=True)


def write(dataset: Dataset, path: Path | None = None, *, assembled: bool = False) -> None:
    """Write the whole dataset to `path` atomically: a temporary file, verified, then renamed.

    The temporary file is read back and checked against the contract; a dataset that `assemble` has
    just checked (`assembled`, as a commit's is) is verified by counting what GDAL wrote in each layer.
    """
    path = Path(path) if path is not None else store_path()
    # unique per writer: two processes, or two sessions' threads, never share a temporary file
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.gpkg")
    _remove_temporary(temporary)
    stamp = dataset.metadata.get("updated", DEFAULT_STAMP)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        with files.replacing(path, temporary):
            rows = {}  # each layer is converted, written and let go in turn: one copy of the store at a time
            for layer, frame in layers_of(dataset):
                pyogrio.write_dataframe(frame, temporary, layer=layer, driver="GPKG", **GPKG_OPTIONS)
                rows[layer] = len(frame)
            if not assembled:
                load(temporary)  # raises ContractError naming the layer, row and field
            # what GDAL wrote, layer by layer, before the store is replaced by it
            for layer, count in rows.items():
                if pyogrio.read_info(temporary, layer=layer)["features"] != count:
                    raise ContractError(temporary, layer, None, None, "verify_failed")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        _remove_temporary(temporary)
