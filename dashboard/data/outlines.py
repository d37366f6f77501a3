"""Country outlines: the offline basemap and the check that a point lies in the network's countries."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pycountry
import shapely

from dashboard.data.contract import CRS
from dashboard.paths import OUTLINES

# The Andes network and its neighbours, framed for the basemap.
SOUTH_AMERICA = ("PE", "BO", "EC", "CO", "BR", "CL", "AR", "VE", "PY")
FRAME = (-82.0, -26.0, -55.0, 6.0)  # lon/lat box the derived outlines are clipped to
# Natural Earth 1:50m coastlines are ~1 km coarse: a point this close to a country still counts.
TOLERANCE_DEG = 0.05


def derive_outlines(topojson: Path) -> gpd.GeoDataFrame:
    """Outlines of SOUTH_AMERICA from Natural Earth's TopoJSON (npm `world-atlas`), clipped to FRAME."""
    world = gpd.read_file(topojson, layer="countries").set_crs(CRS, allow_override=True)
    numeric = {pycountry.countries.get(alpha_2=code).numeric: code for code in SOUTH_AMERICA}
    chosen = world[world["id"].isin(list(numeric))].copy()
    chosen["iso_a2"] = chosen["id"].map(numeric)
    chosen["geometry"] = chosen.geometry.clip_by_rect(*FRAME).make_valid()
    return chosen[["iso_a2", "name", "geometry"]].sort_values("iso_a2").reset_index(drop=True)


@cache
def outlines(path: Path = OUTLINES) -> gpd.GeoDataFrame:
    """The bundled outlines, one row per country (`iso_a2`, `name`, geometry)."""
    return gpd.read_file(path)


@cache
def country_area(code: str, path: Path = OUTLINES) -> shapely.Geometry | None:
    """A country's outline grown by TOLERANCE_DEG, prepared for fast point tests; None for an unknown code."""
    rows = outlines(path)
    match = rows[rows["iso_a2"] == code]
    if match.empty:
        return None
    area = shapely.buffer(match.geometry.union_all(), TOLERANCE_DEG)
    shapely.prepare(area)
    return area


def inside_country(lon: np.ndarray, lat: np.ndarray, countries: np.ndarray) -> np.ndarray:
    """For each point, whether it lies in (or within TOLERANCE_DEG of) its stated country."""
    inside = np.zeros(len(lon), dtype=bool)
    for code in np.unique(countries.astype(str)):
        area = country_area(code)
        if area is None:
            continue
        rows = countries == code
        inside[rows] = shapely.contains_xy(area, lon[rows], lat[rows])
    return inside
