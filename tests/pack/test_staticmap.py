"""The brief's static map shows where things are: region lines, provinces of one region, town and country names
that can be read, no name over another or over another region's circle."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex

from dashboard import palette
from dashboard.data import store
from dashboard.data.context import CONTEXT, PROVINCES_FILE, REGIONS_FILE, TOWNS_FILE
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.pack.brief import MAP_WIDTH
from dashboard.pack.maplabels import HALO
from dashboard.pack.staticmap import region_map
from dashboard.paths import DEMO_STORE
from tests.handmade import PARTNER_NAMES, handmade_dataset

SIZE = (MAP_WIDTH / 72, MAP_WIDTH * 1.08 / 72)  # as the brief draws it


def _map(filters: Filters):
    data = handmade_dataset()
    index = FilterIndex.build(data.innovations, data.communities)
    selection = Selection(data, index, filters, mask(data.innovations, index, filters), PARTNER_NAMES)
    figure = region_map(selection, "es", SIZE)
    return figure, figure.axes[0]


def _lines(axes, name: str) -> shapely.MultiLineString | None:
    """What a collection of lines drawn from the context file `name` covers, or None if none is drawn."""
    drawn = [c for c in axes.collections if isinstance(c, LineCollection) and c.get_gid() == name]
    paths = [shapely.linestrings(path) for collection in drawn for path in collection.get_segments()]
    return shapely.multilinestrings(paths) if paths else None


def _region(code: str) -> shapely.Geometry:
    regions = gpd.read_file(CONTEXT / REGIONS_FILE)
    return regions.loc[regions["code"] == code, "geometry"].iloc[0]


@pytest.fixture(scope="module")
def ayacucho():
    return _map(Filters(regions=("PE-AYA",)))


def test_the_map_of_ayacucho_draws_its_outline_and_its_provinces(ayacucho):
    _, axes = ayacucho
    outline = _region("PE-AYA").boundary
    regions = _lines(axes, REGIONS_FILE)
    assert regions is not None
    assert outline.intersection(regions.buffer(0.01)).length > 0.99 * outline.length  # all the way round
    provinces = _lines(axes, PROVINCES_FILE)
    assert provinces is not None and provinces.intersects(_region("PE-AYA"))  # one region: its provinces too


def test_the_map_of_ayacucho_names_its_towns_and_no_name_covers_another(ayacucho):
    figure, axes = ayacucho
    towns = gpd.read_file(CONTEXT / TOWNS_FILE)
    of_ayacucho = set(towns.loc[towns.within(_region("PE-AYA")), "name"])  # Ayacucho (Huamanga), Huanta, …
    texts = [text for text in axes.texts if text.get_visible() and text.get_gid() != HALO]  # a halo is its name's twin
    names = {text.get_text() for text in texts}
    assert names & of_ayacucho, names
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [text.get_window_extent(renderer) for text in texts]
    frame = axes.get_window_extent(renderer)
    for k, box in enumerate(boxes):
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), texts[k].get_text()
        assert not any(box.overlaps(other) for other in boxes[k + 1 :]), texts[k].get_text()
        assert texts[k].get_fontsize() >= 6  # readable in print


def test_a_selection_in_several_regions_shows_no_provinces():
    _, axes = _map(Filters())
    assert _lines(axes, REGIONS_FILE) is not None
    assert _lines(axes, PROVINCES_FILE) is None


def test_the_public_points_are_green_and_drawn_over_the_region_circles(ayacucho):
    _, axes = ayacucho
    drawn = [c for c in axes.collections if isinstance(c, PathCollection)]
    colour = {to_hex(c.get_facecolor()[0], keep_alpha=False).lower(): c for c in drawn if len(c.get_offsets())}
    points, circles = colour[palette.GREEN.lower()], colour[palette.REGION_COLOUR.lower()]
    assert points.get_zorder() > circles.get_zorder()  # the caption's green points are seen, not hidden
    assert points.get_facecolor()[0][3] == 1.0  # at full strength: green on paper, not a dark smudge


REGION_NAME = re.compile(r".+ \(\d+\)$")  # «Ayacucho (103)»: a region's name and its count


@pytest.fixture(scope="module")
def demo():
    data = store.load(DEMO_STORE)
    return data, FilterIndex.build(data.innovations, data.communities)


def _demo_map(demo, filters: Filters):
    data, index = demo
    figure = region_map(Selection.of(data, index, filters), "es", SIZE)
    return figure, figure.axes[0]


def _names(axes) -> list:
    """The names drawn on the map (each once: not the halos under them)."""
    return [text for text in axes.texts if text.get_visible() and text.get_gid() != HALO]


@pytest.mark.parametrize(
    ("filters", "countries"),
    [
        (Filters(), {"Bolivia", "Ecuador", "Perú", "Brasil"}),  # the whole atlas
        (Filters(regions=("PE-PUN",)), {"Bolivia", "Perú"}),  # Puno, on the border
        (Filters(regions=("EC-H",)), {"Ecuador"}),  # Chimborazo
    ],
)
def test_the_neighbours_in_view_are_named(demo, filters, countries):
    _, axes = _demo_map(demo, filters)
    assert countries <= {text.get_text() for text in _names(axes)}


def _circles(axes) -> list[tuple[float, float, float]]:
    """Each region circle as (x, y, radius) in display pixels."""
    drawn = [c for c in axes.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    circles = next(c for c in drawn if to_hex(c.get_facecolor()[0], keep_alpha=False) == palette.REGION_COLOUR.lower())
    centres = axes.transData.transform(circles.get_offsets())
    radii = np.sqrt(circles.get_sizes()) / 2 * axes.figure.dpi / 72
    return [(x, y, r) for (x, y), r in zip(centres, radii, strict=True)]


def _covers(circle: tuple[float, float, float], box) -> bool:
    x, y, r = circle
    return np.hypot(x - np.clip(x, box.x0, box.x1), y - np.clip(y, box.y0, box.y1)) < r


@pytest.mark.parametrize("filters", [Filters(), Filters(domains=("pest_disease",))], ids=["all", "pests"])
def test_region_names_overlap_no_other_name_nor_another_regions_circle(demo, filters):
    figure, axes = _demo_map(demo, filters)
    renderer = FigureCanvasAgg(figure).get_renderer()
    names = _names(axes)
    boxes = [text.get_window_extent(renderer) for text in names]
    for k, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[k + 1 :]), names[k].get_text()
    regions = [(text, box) for text, box in zip(names, boxes, strict=True) if REGION_NAME.match(text.get_text())]
    assert len(regions) >= 5, [text.get_text() for text, _ in regions]  # the largest regions are named
    circles = _circles(axes)
    for text, box in regions:
        own = axes.transData.transform(text.xy)  # the name points at its own circle's centre
        others = [c for c in circles if not np.allclose(c[:2], own)]
        assert len(others) == len(circles) - 1
        assert not any(_covers(circle, box) for circle in others), text.get_text()


def test_the_map_of_a_filtered_brief_zooms_to_its_region(demo):
    _, whole = _demo_map(demo, Filters())
    _, axes = _demo_map(demo, Filters(regions=("PE-AYA",), crops=("papa_nativa",)))
    west, south, east, north = _region("PE-AYA").bounds
    (left, right), (bottom, top) = axes.get_xlim(), axes.get_ylim()
    assert left < west < east < right and bottom < south < north < top  # the whole region in view
    assert (top - bottom) < 0.5 * np.subtract(*whole.get_ylim()[::-1])  # and closer than the whole atlas
    assert _lines(axes, REGIONS_FILE).buffer(0.01).covers(_region("PE-AYA").boundary.intersection(axes_box(axes)))


def axes_box(axes) -> shapely.Polygon:
    (left, right), (bottom, top) = axes.get_xlim(), axes.get_ylim()
    return shapely.box(left, bottom, right, top)
