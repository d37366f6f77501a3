"""The GeoPackage file: read a whole `Dataset` from it, write one to it atomically."""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import uuid
from pathlib import Path

import pandas as pd
import pyogrio

from dashboard.data import files
from dashboard.data.conform import ContractError, attach_lists, conform_layer
from dashboard.data.contract import BOOKKEEPING_TABLES, BOUNDARIES, ENTITIES, METADATA_LAYER
from dashboard.data.dataset import Dataset, assemble, layers_of
from dashboard.paths import store_path

# GDAL stamps the write time into gpkg_contents; a fixed stamp makes a rebuild byte-identical.
DEFAULT_STAMP = "2000-01-01T00:00:00Z"
# GeoPackage 1.2 opens without warnings in older GDAL (Debian's ogrinfo) and QGIS releases.
GPKG_OPTIONS = {"dataset_options": {"VERSION": "1.2"}}


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
    newer = {e.link_layer(f) for e in ENTITIES for f in e.multi_fields if f.added_later}  # absent: empty lists
    for layer in needed:
        if layer not in present and layer not in newer:
            raise ContractError(path, layer, None, None, "missing_layer")
    frames = {e.layer: conform_layer(e, _read(path, e.layer), path) for e in ENTITIES}
    links = {name: _read(path, name) for name in needed if name not in frames and name in present}
    for entity in ENTITIES:
        frames[entity.layer] = attach_lists(entity, frames[entity.layer], links, path)
    dataset = assemble(frames["partners"], frames["communities"], frames["innovations"], _metadata(path, present), path)
    boundaries = (
        conform_layer(BOUNDARIES, _read(path, BOUNDARIES.layer), path).reset_index(drop=True)
        if BOUNDARIES.layer in present
        else None
    )
    tables = {name: text_table(_read(path, name)) for name in BOOKKEEPING_TABLES if name in present}
    return dataclasses.replace(dataset, boundaries=boundaries, tables=tables)


def text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A bookkeeping table as plain text columns (missing values stay missing)."""
    return (
        frame.reset_index(drop=True)
        .astype(object)
        .where(frame.notna().reset_index(drop=True), None)
        .map(lambda value: value if value is None else str(value))
    )


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
