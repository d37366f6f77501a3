"""Where the map looks: the centre and zoom that show a set of points whole (Leaflet's Web Mercator)."""

from __future__ import annotations

import math

import numpy as np

TILE = 256  # pixels of the world's width at zoom 0
MAX_ZOOM = 11  # a single community: its valley and neighbours, not one farmyard
MIN_ZOOM = 3
MARGIN = 0.8  # the share of the map the points may fill, so that none sits on the edge
FRAME = (640, 560)  # width and height in pixels the fit assumes: the smallest the pages draw the map


def _mercator(lat: np.ndarray) -> np.ndarray:
    """Web Mercator's y (radians) of each latitude."""
    return np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85, 85)) / 2))


def fit(lat: np.ndarray, lon: np.ndarray, frame: tuple[int, int] = FRAME) -> tuple[tuple[float, float], int] | None:
    """The centre (lat, lon) and whole zoom that show every point; None without points."""
    if len(lat) == 0:
        return None
    width, height = frame
    y = _mercator(np.asarray(lat, dtype=float))
    west, east = float(np.min(lon)), float(np.max(lon))
    south, north = float(y.min()), float(y.max())
    zooms = [MAX_ZOOM]
    if east > west:
        zooms.append(math.log2(MARGIN * width * 360 / (TILE * (east - west))))
    if north > south:
        zooms.append(math.log2(MARGIN * height * 2 * math.pi / (TILE * (north - south))))
    zoom = int(max(MIN_ZOOM, min(MAX_ZOOM, math.floor(min(zooms)))))
    centre_lat = math.degrees(2 * math.atan(math.exp((north + south) / 2)) - math.pi / 2)
    return (round(centre_lat, 5), round((west + east) / 2, 5)), zoom
