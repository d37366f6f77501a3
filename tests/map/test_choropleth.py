"""The choropleth at the scale of Peru's 1,826 districts: shapes travel once, a filter change sends counts."""

from __future__ import annotations

import dataclasses
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
import streamlit_folium

from dashboard.data.boundaries.counts import count_by_boundary
from dashboard.data.contract import CRS
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.map import shapes
from dashboard.map.layers import build_layers
from dashboard.map.maps import base_map
from dashboard.map.shapes import boundary_counts, outside_boundaries
from dashboard.pack.inline import inline_assets
from tests.map.test_maps import HOSTILE

DISTRICTS = 1_826
SENT_LIMIT = 100_000  # bytes a filter change may send at district level


def _districts(data, count: int = DISTRICTS, name: str | None = None) -> gpd.GeoDataFrame:
    """`count` Voronoi cells over the communities' extent, with borders as detailed as INEI's districts."""
    west, south, east, north = data.communities.total_bounds
    frame = shapely.box(west - 0.3, south - 0.3, east + 0.3, north + 0.3)
    seeds = np.random.default_rng(7).uniform((west, south), (east, north), size=(count, 2))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.segmentize(shapely.intersection(cells, frame), 0.02)  # a vertex every ~2 km of border
    codes = [f"D{k:04d}" for k in range(len(cells))]
    return gpd.GeoDataFrame(
        {"boundary_id": codes, "level": "district", "code": codes, "name": name or codes}, geometry=cells, crs=CRS
    )


def _selection(data, filters: Filters) -> Selection:
    index = FilterIndex.build(data.innovations, data.communities)
    names = dict(zip(data.partners["partner_id"], data.partners["name"], strict=True))
    return Selection(data, index, filters, mask(data.innovations, index, filters), names)


def _sent(group: folium.FeatureGroup) -> str:
    """What `st_folium(..., feature_group_to_add=[group])` sends for the layer on a filter change."""
    fmap = base_map("outlines", "es")
    fmap.get_root().render()
    return streamlit_folium._get_feature_group_string(group, map=fmap, idx=0)


@pytest.fixture(scope="module")
def districts(small_dataset):
    return dataclasses.replace(small_dataset, boundaries=_districts(small_dataset))


def test_a_filter_change_at_district_level_sends_counts_not_polygons(districts):
    assert len(districts.boundaries) == DISTRICTS
    urls, sent = set(), []
    for filters in (Filters(), Filters(regions=("PE-AYA",)), Filters(regions=("PE-PUN", "PE-CUS"))):
        (group,) = build_layers(("choropleth",), _selection(districts, filters), "es", "district")
        layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
        urls.add(layer.url)
        sent.append(_sent(group))
    assert max(len(s.encode()) for s in sent) < SENT_LIMIT, [len(s.encode()) for s in sent]
    assert not re.search(r"-\d{1,2}\.\d{3,}, ?-\d{1,2}\.\d{3,}", "".join(sent))  # no coordinate pair travels
    assert len(urls) == 1  # every change names the same shapes file: the browser fetches it once


def test_the_counts_sent_are_the_innovations_inside_each_district(districts):
    chosen = _selection(districts, Filters(regions=("PE-AYA",)))
    (group,) = build_layers(("choropleth",), chosen, "es", "district")
    layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
    expected, outside = count_by_boundary(districts.boundaries, chosen.points, "district")
    exact = expected["count"].tolist()
    shown = [(sent, count) for sent, count in zip(layer.counts, exact, strict=True) if isinstance(sent, int)]
    assert all(sent == count and (count == 0 or count >= 5) for sent, count in shown)  # small ones go as "<5"
    assert {sent for sent in layer.counts if not isinstance(sent, int)} <= {"<5", "≥5"}
    assert sum(exact) == int(chosen.keep.sum()) - outside > 0
    assert boundary_counts(chosen, "district")["count"].tolist() == exact
    assert outside_boundaries(chosen, "district") == outside


def test_the_shapes_file_holds_each_district_once_in_the_order_of_the_counts(districts):
    (group,) = build_layers(("choropleth",), _selection(districts, Filters()), "es", "district")
    layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
    served = json.loads(shapes.file_of(layer.url).read_bytes())
    assert [f["properties"]["name"] for f in served["features"]] == list(districts.boundaries["name"])
    assert [f["properties"]["i"] for f in served["features"]] == list(range(DISTRICTS))


def test_hostile_district_names_stay_in_the_shapes_file_as_data(small_dataset):
    data = dataclasses.replace(small_dataset, boundaries=_districts(small_dataset, 12, HOSTILE))
    (group,) = build_layers(("choropleth",), _selection(data, Filters()), "es", "district")
    layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
    assert HOSTILE not in _sent(group)
    served = json.loads(shapes.file_of(layer.url).read_bytes())
    assert {f["properties"]["name"] for f in served["features"]} == {HOSTILE}


def test_a_map_saved_as_one_file_carries_its_shapes_within(districts):
    fmap = base_map("outlines", "es")
    for group in build_layers(("choropleth",), _selection(districts, Filters()), "es", "district"):
        group.add_to(fmap)
    page = inline_assets(fmap).get_root().render()
    assert shapes.SHAPES_URL not in page
    assert page.count('"name":"D0001"') == 1


def test_where_the_app_cannot_write_the_shapes_the_page_carries_them(small_dataset, monkeypatch):
    def refuse(target, data):
        raise PermissionError(13, "read-only installation", str(target))

    monkeypatch.setattr(shapes.files, "write_bytes", refuse)
    monkeypatch.setattr(shapes, "SHAPES", shapes.SHAPES / "never-written")
    data = dataclasses.replace(small_dataset, boundaries=_districts(small_dataset, 12))
    (group,) = build_layers(("choropleth",), _selection(data, Filters()), "es", "district")
    layer = next(c for c in group._children.values() if isinstance(c, shapes.CountedShapes))
    sent = _sent(group)
    assert layer.url is None and "fetch(" not in sent
    assert '"name":"D0011"' in sent  # every polygon travels with the page instead
