"""The atlas's layers as PostGIS tables: a `Dataset` written table by table, and read back into one.

Each layer `store.layers_of` yields is one table (the schema comes from the migrations), its rows numbered
by `fid` from 1 as a GeoPackage numbers them, its geometry a PostGIS geometry in EPSG:4326 (WKB both ways).
`atlas_layers` lists the layers the atlas holds and their columns in order, as a GeoPackage lists its layers.
A layer is read raw and then conformed, attached and assembled exactly as `store.load` does a GeoPackage's,
so both backends give the same `Dataset`, and the same errors, for the same atlas.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from dashboard.data.conform import ContractError, attach_lists, conform_layer
from dashboard.data.contract import BOOKKEEPING_TABLES, BOUNDARIES, CRS, ENTITIES, METADATA_LAYER
from dashboard.data.dataset import Dataset, assemble, layers_of
from dashboard.data.store import text_table

GEOMETRY = "geometry"
LAYERS_TABLE = "atlas_layers"
SRID = 4326
TYPED = {"int4": "Int64", "int8": "Int64", "bool": "boolean"}  # SQL type -> the dtype GDAL would read it as


def _table(name: str, schema: str | None) -> sql.Composable:
    return sql.Identifier(schema, name) if schema else sql.Identifier(name)


def held(connection: psycopg.Connection, schema: str | None = None) -> dict[str, list[str]]:
    """The layers the atlas holds, each with its columns in order."""
    query = sql.SQL("SELECT name, columns FROM {}").format(_table(LAYERS_TABLE, schema))
    return {name: list(columns) for name, columns in connection.execute(query)}


def read(connection: psycopg.Connection, name: str, columns: list[str], schema: str | None = None) -> pd.DataFrame:
    """One layer as it is stored, indexed by `fid`; a GeoDataFrame if it has a geometry."""
    selected = [
        sql.SQL("ST_AsBinary({})").format(sql.Identifier(c)) if c == GEOMETRY else sql.Identifier(c) for c in columns
    ]
    query = sql.SQL("SELECT fid, {} FROM {} ORDER BY fid").format(sql.SQL(", ").join(selected), _table(name, schema))
    with connection.cursor() as cursor:
        cursor.execute(query)
        kinds = [connection.adapters.types.get(d.type_code) for d in cursor.description[1:]]
        rows = cursor.fetchall()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(columns) + 1)]
    index = pd.Index(values[0], dtype="int64", name="fid")
    data = {}
    for column, kind, cells in zip(columns, kinds, values[1:], strict=True):
        if column == GEOMETRY:
            continue
        dtype = TYPED.get(kind.name if kind else "")
        data[column] = pd.Series(
            pd.array(list(cells), dtype=dtype) if dtype else list(cells), index=index, dtype=dtype or object
        )
    if GEOMETRY not in columns:
        return pd.DataFrame(data, index=index, columns=columns)
    shapes = shapely.from_wkb(np.array(values[1 + columns.index(GEOMETRY)], dtype=object))
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapes, index=index, crs=CRS), crs=CRS)


def _cells(column: pd.Series) -> list[object]:
    """A column as plain Python values psycopg sends: None where missing, no numpy scalars, geometry as EWKB."""
    if isinstance(column, gpd.GeoSeries) or isinstance(column.dtype, gpd.array.GeometryDtype):
        shapes = shapely.set_srid(np.asarray(column.values, dtype=object), SRID)
        return shapely.to_wkb(shapes, hex=True, include_srid=True).tolist()
    plain = column.astype(object).where(column.notna(), None).tolist()
    return [value.item() if isinstance(value, np.generic) else value for value in plain]


def write(connection: psycopg.Connection, name: str, frame: pd.DataFrame, location: str) -> None:
    """Replace the rows of the layer `name` with `frame`'s and record its columns (inside the caller's transaction)."""
    columns = [str(c) for c in frame.columns]
    stored = {row[0] for row in connection.execute(_COLUMNS, (name,))}
    for column in columns:
        if column not in stored:
            raise ContractError(location, name, None, column, "store.no_column")
    connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(name)))
    cells = [_cells(frame[c]) for c in columns]
    copy = sql.SQL("COPY {} (fid, {}) FROM STDIN").format(
        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.copy(copy) as rows:
        for fid, row in enumerate(zip(*cells, strict=True), start=1):
            rows.write_row((fid, *row))
    connection.execute(
        "INSERT INTO atlas_layers (name, columns) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET columns = %s",
        (name, columns, columns),
    )


_COLUMNS = (
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s"
)


def write_dataset(connection: psycopg.Connection, dataset: Dataset, location: str) -> None:
    """Make the tables hold `dataset` and nothing else: layers it lacks are emptied and forgotten."""
    written = set()
    for name, frame in layers_of(dataset):  # one layer converted and written at a time
        write(connection, name, frame, location)
        written.add(name)
    for name in set(held(connection)) - written:
        connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(name)))
        connection.execute("DELETE FROM atlas_layers WHERE name = %s", (name,))


def metadata(connection: psycopg.Connection, present: dict[str, list[str]], schema: str | None = None) -> dict:
    """The atlas's metadata, key by key."""
    if METADATA_LAYER not in present:
        return {}
    frame = read(connection, METADATA_LAYER, present[METADATA_LAYER], schema)
    return dict(zip(frame.get("key", []), frame.get("value", []), strict=True))


def load(connection: psycopg.Connection, location: str, schema: str | None = None) -> Dataset:
    """The whole atlas the tables hold, validated as `store.load` validates a GeoPackage."""
    present = held(connection, schema)
    needed = [e.layer for e in ENTITIES] + [e.link_layer(f) for e in ENTITIES for f in e.multi_fields]
    newer = {e.link_layer(f) for e in ENTITIES for f in e.multi_fields if f.added_later}
    for layer in needed:
        if layer not in present and layer not in newer:
            raise ContractError(location, layer, None, None, "missing_layer")

    def raw(name: str) -> pd.DataFrame:
        return read(connection, name, present[name], schema)

    frames = {e.layer: conform_layer(e, raw(e.layer), location) for e in ENTITIES}
    links = {name: raw(name) for name in needed if name not in frames and name in present}
    for entity in ENTITIES:
        frames[entity.layer] = attach_lists(entity, frames[entity.layer], links, location)
    dataset = assemble(
        frames["partners"],
        frames["communities"],
        frames["innovations"],
        metadata(connection, present, schema),
        location,
    )
    boundaries = None
    if BOUNDARIES.layer in present:
        boundaries = conform_layer(BOUNDARIES, raw(BOUNDARIES.layer), location).reset_index(drop=True)
    tables = {name: text_table(raw(name)) for name in BOOKKEEPING_TABLES if name in present}
    return dataclasses.replace(dataset, boundaries=boundaries, tables=tables)


def bookkeeping(connection: psycopg.Connection, name: str) -> pd.DataFrame | None:
    """One bookkeeping table as text, without reading the records; None if the atlas has none yet."""
    present = held(connection)
    return text_table(read(connection, name, present[name])) if name in present else None
