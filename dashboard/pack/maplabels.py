"""Names on the printed maps (the brief's and the poster's), each where it hides no other name, circle or key.

A name's white halo is a twin drawn as an outline only (gid `HALO`), under every name: the name itself
stays plain text, so the poster's vector PDF keeps each name searchable, and no halo cuts into a name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from dashboard import palette
from dashboard.data.vocab import country_label
from dashboard.pack.nearby import towns_within

LABEL_SIZE = 7.0  # points, for the data's names (regions) and the countries, at scale 1 (the brief)
TOWN_SIZE = 6.0  # points: town names are background, a step below the data's labels
HALO_WIDTH = 2.2  # points
HALO, REGION, TOWN, COUNTRY = "halo", "region-name", "town-name", "country-name"  # gids of the texts drawn
COUNTRY_GRID = 7  # a country's name is tried at up to this squared many spots inside it, nearest its middle first
_DIAGONAL = math.sqrt(0.5)
# Where a name may go around its circle or dot: offset direction and alignment, the sides first.
_SPOTS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (_DIAGONAL, _DIAGONAL, "left", "bottom"),
    (-_DIAGONAL, _DIAGONAL, "right", "bottom"),
    (_DIAGONAL, -_DIAGONAL, "left", "top"),
    (-_DIAGONAL, -_DIAGONAL, "right", "top"),
)


@dataclass(frozen=True)
class Disc:
    """A circle drawn on the map, in display pixels: no name may overlap it."""

    x: float
    y: float
    r: float

    def overlaps(self, box: Bbox) -> bool:
        """Whether `box` reaches into the circle (not only into the square around it)."""
        nearest_x, nearest_y = min(max(self.x, box.x0), box.x1), min(max(self.y, box.y0), box.y1)
        return math.hypot(self.x - nearest_x, self.y - nearest_y) < self.r


Obstacle = Bbox | Disc


def is_clear(box: Bbox, avoid: list[Obstacle], frame: Bbox) -> bool:
    """Whether `box` lies inside `frame` and overlaps nothing in `avoid`."""
    inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
    return inside and not any(other.overlaps(box) for other in avoid)


def halo(scale: float) -> list[patheffects.AbstractPathEffect]:
    """The outline-only effect of a name's twin: white, wider on a poster."""
    return [patheffects.Stroke(linewidth=HALO_WIDTH * scale, foreground=palette.WHITE)]


def place_label(
    axes: Axes,
    renderer,
    text: str,
    point: tuple[float, float],
    gap: float,
    avoid: list[Obstacle],
    *,
    size: float = LABEL_SIZE,
    colour: str = palette.TEXT,
    gid: str = REGION,
    scale: float = 1.0,
) -> Bbox | None:
    """The label `gap` points from `point`, at the first spot clear of `avoid`, with its halo; its box, else none."""
    frame = axes.get_window_extent(renderer)
    for dx, dy, ha, va in _SPOTS:
        style = {"xytext": (dx * gap, dy * gap), "textcoords": "offset points", "ha": ha, "va": va}
        style |= {"fontsize": size, "color": colour}
        label = axes.annotate(text, point, zorder=4, gid=gid, **style)
        box = label.get_window_extent(renderer)
        if is_clear(box, avoid, frame):
            axes.annotate(text, point, zorder=3.9, gid=HALO, path_effects=halo(scale), **style)
            return box
        label.remove()
    return None


def town_names(
    axes: Axes, area: shapely.Geometry, renderer, texts: list[Bbox], discs: list[Disc], most: int, scale: float
) -> None:
    """The main towns in `area` as a dot and a name, lowest rank first, each where it covers no other text.

    A name goes beside the circles if it can, else over one (its halo keeps it readable) but off its centre.
    """
    towns, named = towns_within(area), 0
    for name, point in zip(towns["name"], towns.geometry, strict=True):
        if named == most:
            return
        for avoid in (texts + discs, texts):
            size, colour = TOWN_SIZE * scale, palette.GREY_TEXT
            box = place_label(
                axes, renderer, name, (point.x, point.y), 2.0 * scale, avoid, size=size, colour=colour, gid=TOWN
            )
            if box is not None:
                texts.append(box)
                axes.plot(point.x, point.y, "o", markersize=1.8 * scale, color=palette.GREY_TEXT, zorder=3.5)
                named += 1
                break


def country_names(
    axes: Axes, countries: gpd.GeoDataFrame, renderer, texts: list[Bbox], discs: list[Disc], lang: str, scale: float
) -> None:
    """Each country in view named at a spot inside it (its middle if free) where it hides no name, circle or key."""
    west, east, south, north = (*axes.get_xlim(), *axes.get_ylim())
    view = shapely.box(west, south, east, north)
    frame = axes.get_window_extent(renderer)
    for code, shape in zip(countries["iso_a2"], countries.geometry, strict=True):
        for spot in _spots_inside(shape.intersection(view)):
            name = axes.text(
                *spot,
                country_label(code, lang),
                ha="center",
                va="center",
                fontsize=LABEL_SIZE * scale,
                color=palette.COUNTRY_NAME,
                style="italic",
                zorder=1,
                gid=COUNTRY,
            )
            box = name.get_window_extent(renderer)
            if is_clear(box, texts + discs, frame):
                texts.append(box)
                break
            name.remove()


def _spots_inside(shape: shapely.Geometry) -> list[tuple[float, float]]:
    """Points inside `shape`: a point surely inside first, then a grid over it, nearest that point first."""
    if shape.is_empty:
        return []
    middle = shape.representative_point()
    west, south, east, north = shape.bounds
    xs, ys = np.meshgrid(
        np.linspace(west, east, COUNTRY_GRID + 2)[1:-1], np.linspace(south, north, COUNTRY_GRID + 2)[1:-1]
    )
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(shape, grid)]
    grid = grid[np.argsort(shapely.distance(grid, middle), kind="stable")]
    return [(middle.x, middle.y), *((point.x, point.y) for point in grid)]
