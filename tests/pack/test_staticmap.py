"""The brief's static map shows where things are: region lines, provinces of one region, town names that can be read."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection

from dashboard.data.context import CONTEXT, PROVINCES_FILE, REGIONS_FILE, TOWNS_FILE
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.pack.brief import MAP_WIDTH
from dashboard.pack.staticmap import region_map
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
    texts = [text for text in axes.texts if text.get_visible()]
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
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    from dashboard import palette

    _, axes = ayacucho
    drawn = [c for c in axes.collections if isinstance(c, PathCollection)]
    colour = {to_hex(c.get_facecolor()[0], keep_alpha=False).lower(): c for c in drawn if len(c.get_offsets())}
    points, circles = colour[palette.GREEN.lower()], colour[palette.REGION_COLOUR.lower()]
    assert points.get_zorder() > circles.get_zorder()  # the caption's green points are seen, not hidden
    assert points.get_facecolor()[0][3] == 1.0  # at full strength: green on paper, not a dark smudge
