"""The printed map, drawn offline with matplotlib: outlines, public points, region circles, names.

Only what a public view may show is drawn: the points in `selection.index` (restricted
records already moved to their district's centroid) and counts per region. Under them, the
app's context (`dashboard.pack.nearby`): region lines, Peru's provinces when the selection is in
one region, and the names of the main towns where they hide nothing (`dashboard.pack.maplabels`).
The brief draws it small (`region_map`); the poster draws it large into its page (`draw_map`, with a `Look`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import Circle
from matplotlib.transforms import Bbox

from dashboard import palette
from dashboard.data.context import PROVINCES_FILE, REGIONS_FILE
from dashboard.data.outlines import outlines
from dashboard.data.vocab import region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import number, t
from dashboard.map.layers import region_counts
from dashboard.pack.maplabels import HALO, LABEL_SIZE, Disc, country_names, halo, place_label, town_names
from dashboard.pack.nearby import borders_within
from dashboard.pack.staticcharts import PRINT_STYLE, to_png

FOCUS_COUNTRY = "PE"  # drawn lighter, and the whole view when nothing is selected
LARGEST_CIRCLE = 34.0  # diameter in points of the region with the most innovations (at scale 1)
SMALLEST_CIRCLE = 6.0
CIRCLE_ALPHA = 0.6
POINT_AREA = 10.0  # square points of a public point's marker (at scale 1)
NAMED_REGIONS = 8  # the regions with most innovations are named, where the name fits
NAMED_TOWNS = 14  # at most, lowest rank first, where the name hides nothing
MIN_SPAN = 7.0  # degrees: a selection in one valley still shows the country around it
# Region lines under the data, and Peru's provinces fainter still (widths at scale 1).
REGION_LINES = {"colors": palette.PRINT_BORDER, "linewidths": 0.55, "zorder": 1.5}
PROVINCE_LINES = {"colors": palette.PRINT_BORDER, "linewidths": 0.3, "linestyles": (0, (2, 2)), "zorder": 1.4}
LOCATOR_SCALE, LOCATOR_TOWNS = 0.8, 5  # a record sheet's small map: smaller marks, few towns


@dataclass(frozen=True)
class Look:
    """How big the map's marks are and how many names it tries: the brief's, or a poster's."""

    scale: float = 1.0  # every size in points (circles, text, lines) is the brief's times this
    regions: int = NAMED_REGIONS
    towns: int = NAMED_TOWNS


# What is drawn over the map's corners (keys, a scale bar): (axes, region counts, language) -> the artists,
# whose space names keep clear of.
Furniture = Callable[[Axes, pd.DataFrame, str], list[Artist]]


def region_map_png(selection: Selection, lang: str, size: tuple[float, float] = (3.6, 3.9), dpi: int = 200) -> bytes:
    """The map as PNG bytes: circles sized by innovations per region over the public points."""
    return to_png(region_map(selection, lang, size), dpi)


def locator_png(
    x: float, y: float, exact: bool, lang: str, size: tuple[float, float] = (2.5, 2.5), dpi: int = 200
) -> bytes:
    """A small map that places one record: the country around it, region lines and, where the point is `exact`,
    a dot with the nearest towns; otherwise a ring round the centre of the area it is shown in, and no town,
    so that no name points at the community."""
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size)
        countries = outlines()
        view = _view(np.array([x]), np.array([y]), countries, size[1] / size[0])
        axes = figure.add_axes((0, 0, 1, 1))
        _basemap(axes, countries, view, LOCATOR_SCALE)
        area = shapely.box(*view)
        _context_lines(axes, area, exact, LOCATOR_SCALE)
        renderer = FigureCanvasAgg(figure).get_renderer()
        axes.apply_aspect()
        mark = {"s": 30.0, "color": palette.GREEN} if exact else {"s": 420.0, "facecolors": "none"}
        edge = palette.WHITE if exact else palette.GREEN
        axes.scatter([x], [y], edgecolors=edge, linewidths=1.6 if not exact else 0.8, zorder=3.2, **mark)
        centre = axes.transData.transform([(x, y)])[0]
        discs = [Disc(centre[0], centre[1], np.sqrt(mark["s"]) / 2 * figure.dpi / 72)]
        country_names(axes, countries, renderer, [], discs, lang, LOCATOR_SCALE)
        if exact:
            town_names(axes, area, renderer, [], discs, LOCATOR_TOWNS, LOCATOR_SCALE)
        return to_png(figure, dpi)


def region_map(selection: Selection, lang: str, size: tuple[float, float]) -> Figure:
    """The brief's map as a figure of `size` inches (width, height)."""
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size)
        draw_map(figure, (0, 0, 1, 1), selection, lang)
        return figure


def draw_map(
    figure: Figure,
    rect: tuple[float, float, float, float],
    selection: Selection,
    lang: str,
    look: Look = Look(),
    furniture: Furniture | None = None,
) -> Axes:
    """The map of `selection` in new axes at `rect` (left, bottom, width, height as fractions of `figure`).

    `furniture` draws the keys; by default the circles' key in the lower left.
    """
    counts = region_counts(selection)
    x, y = shown_points(selection)
    countries = outlines()
    width, height = figure.get_size_inches() * rect[2:]
    view = _view(np.concatenate([x, counts["x"]]), np.concatenate([y, counts["y"]]), countries, height / width)
    axes = figure.add_axes(rect)
    _basemap(axes, countries, view, look.scale)
    area = shapely.box(*view)
    _context_lines(axes, area, in_one_region(counts), look.scale)
    renderer = FigureCanvasAgg(figure).get_renderer()
    axes.apply_aspect()
    furniture = furniture or (lambda axes, counts, lang: circle_key(axes, counts, lang, look.scale))
    texts = [artist.get_window_extent(renderer) for artist in furniture(axes, counts, lang)]
    discs = []
    if counts.empty:
        message = {"ha": "center", "va": "center", "transform": axes.transAxes, "fontsize": LABEL_SIZE * look.scale}
        axes.text(0.5, 0.5, t("brief.map_empty", lang), zorder=3.9, gid=HALO, path_effects=halo(look.scale), **message)
        texts.append(axes.text(0.5, 0.5, t("brief.map_empty", lang), zorder=4, **message).get_window_extent(renderer))
    else:
        # the public points over the circles, as the caption says: green, each with a white rim
        points = {"s": POINT_AREA * look.scale**2, "linewidths": 0.4 * look.scale, "zorder": 3.2}
        axes.scatter(x, y, color=palette.GREEN, edgecolors=palette.WHITE, **points)
        discs = _circles(axes, counts, look.scale)
        texts += [Bbox.from_extents(disc.x - 3, disc.y - 3, disc.x + 3, disc.y + 3) for disc in discs]  # centres
        _region_names(axes, counts, renderer, texts, discs, lang, look)
    country_names(axes, countries, renderer, texts, discs, lang, look.scale)
    town_names(axes, area, renderer, texts, discs, look.towns, look.scale)
    return axes


def in_one_region(counts: pd.DataFrame) -> bool:
    """Whether the selection lies in one region of the focus country (then its provinces are drawn)."""
    return len(counts) == 1 and str(counts["region"].iloc[0]).startswith(f"{FOCUS_COUNTRY}-")


def shown_points(selection: Selection) -> tuple[np.ndarray, np.ndarray]:
    """Distinct public points of the kept innovations, rounded to ~1 km (so a million draw fast)."""
    rows = selection.rows
    points = np.column_stack([selection.index.x[rows], selection.index.y[rows]])
    points = np.unique(np.round(points[np.isfinite(points).all(axis=1)], 2), axis=0)
    return points[:, 0], points[:, 1]


def _view(x: np.ndarray, y: np.ndarray, countries: gpd.GeoDataFrame, ratio: float) -> tuple[float, float, float, float]:
    """West, south, east, north around the points, padded, shaped like the figure (height/width)."""
    if len(x):
        west, east, south, north = x.min(), x.max(), y.min(), y.max()
    else:
        west, south, east, north = countries[countries["iso_a2"] == FOCUS_COUNTRY].total_bounds
    middle_x, middle_y = (west + east) / 2, (south + north) / 2
    stretch = math.cos(math.radians(middle_y))  # a degree of longitude shrinks off the equator
    width = max((east - west) * 1.25, MIN_SPAN) * stretch
    height = max((north - south) * 1.25, MIN_SPAN)
    width, height = max(width, height / ratio), max(height, width * ratio)
    half_x, half_y = width / stretch / 2, height / 2
    return middle_x - half_x, middle_y - half_y, middle_x + half_x, middle_y + half_y


def _basemap(axes: Axes, countries: gpd.GeoDataFrame, view: tuple[float, float, float, float], scale: float) -> None:
    """Water, land and borders in the view; the focus country lighter."""
    west, south, east, north = view
    axes.set_facecolor(palette.PRINT_WATER)
    focus = (countries["iso_a2"] == FOCUS_COUNTRY).to_numpy()
    countries.plot(
        ax=axes,
        color=np.where(focus, palette.PRINT_FOCUS_LAND, palette.PRINT_LAND),
        edgecolor=palette.PRINT_BORDER,
        linewidth=0.6 * scale,
    )
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    # equirectangular, true to scale in every direction along the middle parallel
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    axes.set(xticks=[], yticks=[], xlabel="", ylabel="")  # geopandas would name the axes after the CRS
    for spine in axes.spines.values():
        spine.set(edgecolor=palette.PRINT_BORDER, linewidth=0.8 * scale)


def _context_lines(axes: Axes, area: shapely.Geometry, provinces: bool, scale: float) -> None:
    """The region lines in `area` and, for a selection in one region of Peru, its provinces."""
    files = [(REGIONS_FILE, REGION_LINES)] + ([(PROVINCES_FILE, PROVINCE_LINES)] if provinces else [])
    for name, style in files:
        paths = [np.asarray(line.coords) for line in borders_within(name, area)]
        style = style | {"linewidths": style["linewidths"] * scale}
        axes.add_collection(LineCollection(paths, gid=name, **style))


def _diameters(counts: pd.Series, scale: float = 1.0) -> np.ndarray:
    """Circle diameters in points, with area proportional to the count."""
    return np.maximum(LARGEST_CIRCLE * np.sqrt(counts / counts.max()), SMALLEST_CIRCLE) * scale


def _circles(axes: Axes, counts: pd.DataFrame, scale: float) -> list[Disc]:
    """A circle per region, largest below; the circles' place in display pixels, largest first."""
    counts = counts.sort_values("count", ascending=False, ignore_index=True)
    diameters = _diameters(counts["count"], scale)
    axes.scatter(
        counts["x"],
        counts["y"],
        s=diameters**2,
        color=palette.REGION_COLOUR,
        alpha=CIRCLE_ALPHA,
        edgecolors=palette.WHITE,
        linewidths=0.8 * scale,
        zorder=3,
    )
    centres = axes.transData.transform(counts[["x", "y"]].to_numpy())
    radii = diameters / 2 * axes.figure.dpi / 72  # points to pixels
    return [Disc(x, y, r) for (x, y), r in zip(centres, radii, strict=True)]


def _region_names(
    axes: Axes, counts: pd.DataFrame, renderer, texts: list[Bbox], discs: list[Disc], lang: str, look: Look
) -> None:
    """The largest regions named beside their circle, clear of every other name and of the other circles."""
    counts = counts.sort_values("count", ascending=False, ignore_index=True)
    diameters = _diameters(counts["count"], look.scale)
    for k, row in enumerate(counts.head(look.regions).itertuples()):
        text = f"{region_label(row.region, lang)} ({number(int(row.count), lang)})"
        others = discs[:k] + discs[k + 1 :]
        gap = diameters[k] / 2 + 2 * look.scale
        box = place_label(axes, renderer, text, (row.x, row.y), gap, texts + others, size=LABEL_SIZE * look.scale)
        if box is not None:
            texts.append(box)


def circle_rows(
    counts: pd.DataFrame, lang: str, scale: float, text_scale: float | None = None, column: bool = True
) -> list[HPacker]:
    """The key's circles, as large as on the map: the largest count and about a quarter of it, each with its number.

    In a `column` each circle takes the largest one's width, so that the numbers line up.
    """
    largest = int(counts["count"].max())
    values = sorted({largest, max(1, round(largest / 4))}, reverse=True)
    diameters = _diameters(pd.Series([*values, largest]), scale)[:-1]
    rows = []
    for value, diameter in zip(values, diameters, strict=True):
        area = DrawingArea(LARGEST_CIRCLE * scale if column else diameter, diameter)  # in points
        centre = (area.width / 2, diameter / 2)
        area.add_artist(Circle(centre, diameter / 2, color=palette.REGION_COLOUR, alpha=CIRCLE_ALPHA, ec=palette.WHITE))
        label = key_text(number(value, lang), text_scale or scale)
        rows.append(HPacker(children=[area, label], align="center", sep=4 * scale))
    return rows


def key_text(text: str, scale: float) -> TextArea:
    """Text for the map's key."""
    return TextArea(text, textprops={"fontsize": LABEL_SIZE * scale, "color": palette.TEXT})


def framed(axes: Axes, child: Artist, loc: str, scale: float) -> AnchoredOffsetbox:
    """`child` in a pale frame in the corner `loc` of the map."""
    box = AnchoredOffsetbox(loc=loc, child=child, pad=0.5, borderpad=0.6, frameon=True, prop={"size": 7 * scale})
    box.patch.set(edgecolor=palette.PRINT_BORDER, alpha=0.85, linewidth=0.8 * scale)
    axes.add_artist(box)
    return box


def circle_key(axes: Axes, counts: pd.DataFrame, lang: str, scale: float = 1.0) -> list[Artist]:
    """The brief's key in the lower left: what the circles count, and two of them; none when none is drawn."""
    if counts.empty:
        return []
    rows = [key_text(t("summary.count", lang), scale), *circle_rows(counts, lang, scale)]
    return [framed(axes, VPacker(children=rows, align="left", sep=4 * scale), "lower left", scale)]
