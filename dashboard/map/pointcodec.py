"""The compact form in which map points travel to the browser: deflated little-endian arrays, base64.

Many innovations share a place (their community), so places are sent once and each point
names its place. Layout before compression: int32 [version, points, places], then the int32
arrays place latitudes and longitudes (degrees × SCALE), place of each point and row steps
(differences between successive store rows), each stored as four byte planes (all lowest
bytes, then all second bytes, …: deflate packs the mostly-zero high planes to almost
nothing), then the uint8 domain code of each point.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

VERSION = 1
SCALE = 10_000  # 1e-4 degrees, about 11 m: finer than any point the map shows


def encode(rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, domains: np.ndarray) -> str:
    """Points (store rows in ascending order, coordinates, domain codes) as one base64 string."""
    lat_q = np.round(np.asarray(lat, dtype=float) * SCALE).astype("<i4")
    lon_q = np.round(np.asarray(lon, dtype=float) * SCALE).astype("<i4")
    keys = lat_q.astype(np.int64) << 32 | (lon_q.astype(np.int64) & 0xFFFFFFFF)
    place, unique = pd.factorize(keys, sort=False)
    places_lat = (unique >> 32).astype("<i4")
    places_lon = (unique & 0xFFFFFFFF).astype(np.uint32).view("<i4")
    steps = np.diff(np.asarray(rows, dtype=np.int64), prepend=0).astype("<i4")
    raw = b"".join(
        [
            np.array([VERSION, len(rows), len(unique)], dtype="<i4").tobytes(),
            *(_planes(a) for a in (places_lat, places_lon, place.astype("<i4"), steps)),
            np.asarray(domains, dtype=np.uint8).tobytes(),
        ]
    )
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def _planes(values: np.ndarray) -> bytes:
    return values.astype("<i4").view(np.uint8).reshape(-1, 4).T.tobytes()


def _from_planes(raw: bytes, offset: int, count: int) -> np.ndarray:
    planes = np.frombuffer(raw, dtype=np.uint8, count=4 * count, offset=offset).reshape(4, count)
    return np.ascontiguousarray(planes.T).view("<i4").ravel()


@dataclass(frozen=True)
class Points:
    """Decoded points, as the browser sees them."""

    rows: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    domains: np.ndarray


def decode(payload: str) -> Points:
    """The inverse of `encode` (what the map's script does in the browser)."""
    raw = zlib.decompress(base64.b64decode(payload))
    version, n, m = np.frombuffer(raw, dtype="<i4", count=3)
    if version != VERSION:
        raise ValueError(f"unknown point format {version}")
    at = 12
    arrays = []
    for count in (m, m, n, n):
        arrays.append(_from_planes(raw, at, count))
        at += 4 * count
    places_lat, places_lon, place, steps = arrays
    domains = np.frombuffer(raw, dtype=np.uint8, count=n, offset=at)
    return Points(rows=np.cumsum(steps), lat=places_lat[place] / SCALE, lon=places_lon[place] / SCALE, domains=domains)
