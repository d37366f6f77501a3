"""The map fits the selection: every selected point in view, a single community not zoomed to a farmyard."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.map.view import FRAME, MARGIN, MAX_ZOOM, MIN_ZOOM, TILE, fit


def _visible(lat, lon, centre, zoom, frame=FRAME) -> bool:
    """Whether every point falls inside a map of `frame` pixels at `centre` and `zoom`."""
    scale = TILE * 2**zoom
    x = (np.asarray(lon) + 180) / 360 * scale
    y = (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2 * scale
    cx = (centre[1] + 180) / 360 * scale
    cy = (1 - np.log(np.tan(np.pi / 4 + np.radians(centre[0]) / 2)) / np.pi) / 2 * scale
    return bool((np.abs(x - cx) <= frame[0] / 2).all() and (np.abs(y - cy) <= frame[1] / 2).all())


@pytest.mark.parametrize(
    ("lat", "lon", "zooms"),
    [
        ([-13.16], [-74.22], (MAX_ZOOM, MAX_ZOOM)),  # one community
        ([-13.16, -13.17], [-74.22, -74.21], (MAX_ZOOM, MAX_ZOOM)),  # two neighbours
        ([-13.2, -14.8], [-74.2, -73.9], (7, 9)),  # one department
        ([-0.2, -16.5, -13.5], [-78.5, -68.1, -72.0], (4, 6)),  # the three countries
    ],
)
def test_the_fit_shows_every_point_at_the_closest_zoom(lat, lon, zooms):
    centre, zoom = fit(np.array(lat), np.array(lon))
    assert zooms[0] <= zoom <= zooms[1]
    assert _visible(lat, lon, centre, zoom)
    if zoom < MAX_ZOOM:  # one step closer, the points would no longer fit inside the margin
        assert not _visible(lat, lon, centre, zoom + 1, (FRAME[0] * MARGIN, FRAME[1] * MARGIN))


def test_nothing_to_fit_gives_no_view():
    assert fit(np.array([]), np.array([])) is None


def test_papa_nativa_in_ayacucho_is_framed_on_its_communities(small_dataset):
    index = FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    rows = np.flatnonzero(mask(small_dataset.innovations, index, Filters(regions=("PE-AYA",))))
    centre, zoom = fit(index.y[rows], index.x[rows])
    assert zoom >= 6 and MIN_ZOOM <= zoom <= MAX_ZOOM  # no longer the three-country view
    assert -16 < centre[0] < -12 and -76 < centre[1] < -72  # inside Ayacucho
    assert _visible(index.y[rows], index.x[rows], centre, zoom)


def test_the_offline_background_fetches_its_context_and_tiles_do_not():
    from dashboard.map.maps import base_map

    offline = base_map("outlines", "es").get_root().render()
    for name in ("regions.geojson", "provinces_pe.geojson", "towns.geojson"):
        assert name in offline
    assert "createTextNode(f.properties.name)" in offline  # town names are text, never markup
    assert "OpenStreetMap contributors" in offline and "INEI 2007" in offline  # the sources are credited
    assert "towns.geojson" not in base_map("osm", "es").get_root().render()
