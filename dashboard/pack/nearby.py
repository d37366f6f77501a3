"""The map's context near a place, for what people take away: the standalone file and the printed brief.

The same bundled files as the app's map (`dashboard.data.context`), cut to an area. Regions and
provinces travel as the lines between them, each border once: coasts and borders between countries
are the country outlines' own (drawn from Natural Earth under them), no fill is drawn, and a line
cut at the area's edge makes no false border. Coordinates are rounded to about 110 m.
"""

from __future__ import annotations

import base64
import json
import zlib
from functools import cache

import geopandas as gpd
import numpy as np
import shapely

from dashboard.data.context import CONTEXT, PROVINCES_FILE, REGIONS_FILE, TOWNS_FILE

# Around the selection: more than a standalone map's first view (zoom 7 at most) shows on a wide screen.
MARGIN_DEG = 10.0
DECIMALS = 3  # about 110 m, finer than the outlines' own simplification (about 550 m)
EVERYWHERE = shapely.box(-180, -90, 180, 90)


@cache
def _bundled(name: str) -> gpd.GeoDataFrame:
    """One of the bundled context files, read once (never changed: callers take what they need)."""
    return gpd.read_file(CONTEXT / name)


@cache
def _borders(name: str) -> shapely.Geometry:
    """The lines between the units of the file `name` (regions or provinces), each once, within each country."""
    frame = _bundled(name)
    inner = []
    for _, units in frame.groupby(frame["country"] if "country" in frame else np.zeros(len(frame))):
        land = shapely.get_parts(shapely.union_all(units.geometry.to_numpy()))
        coast = shapely.union_all(shapely.get_exterior_ring(land))  # not the gaps the sources leave between units
        inner.append(shapely.union_all(units.boundary.to_numpy()).difference(coast))
    return shapely.line_merge(shapely.union_all(inner))


def around(x: np.ndarray, y: np.ndarray, margin: float = MARGIN_DEG) -> shapely.Polygon:
    """The box of the points widened by `margin` degrees on every side; everywhere when there are none."""
    if not len(x):
        return EVERYWHERE
    return shapely.box(x.min() - margin, y.min() - margin, x.max() + margin, y.max() + margin)


def borders_within(name: str, area: shapely.Geometry) -> np.ndarray:
    """The lines between the units of the file `name` (regions or provinces) inside `area`, as LineStrings."""
    parts = shapely.get_parts(shapely.get_parts(_borders(name).intersection(area)))
    return parts[shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING]  # where a line only touches: none


def towns_within(area: shapely.Geometry) -> gpd.GeoDataFrame:
    """The towns inside `area`, most important (lowest rank) first."""
    towns = _bundled(TOWNS_FILE)
    return towns[towns.within(area)].sort_values("rank", kind="stable")


def _rounded(geometry: shapely.Geometry) -> dict:
    """The geometry as GeoJSON with coordinates to DECIMALS places (written as short as Python writes floats)."""
    snapped = shapely.set_precision(geometry, 10**-DECIMALS)
    return shapely.geometry.mapping(shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS)))


def _collection(features: list[tuple[dict, shapely.Geometry]]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": _rounded(g)} for p, g in features],
    }


def _deflated(value: dict) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(text, 9)).decode("ascii")


def embedded(area: shapely.Geometry) -> dict[str, str | dict]:
    """The context files as a standalone map carries them: file name -> outlines deflated in base64, or the towns.

    The towns stay plain data (their names are text, to be escaped by whoever writes them into a page);
    the outlines are only numbers, and deflated they take a third of the room.
    """
    files: dict[str, str | dict] = {
        name: _deflated(_collection([({}, shapely.multilinestrings(borders_within(name, area)))]))
        for name in (REGIONS_FILE, PROVINCES_FILE)
    }
    towns = towns_within(area)
    places = zip(towns["name"], towns["rank"], towns.geometry, strict=True)
    files[TOWNS_FILE] = _collection([({"name": name, "rank": int(rank)}, point) for name, rank, point in places])
    return files
