"""The policy brief's map, drawn offline with matplotlib: outlines, public points, region circles.

Only what a public view may show is drawn: the points in `selection.index` (restricted
records already moved to their district's centroid) and counts per region. Under them, the
app's context (`dashboard.pack.nearby`): region lines, Peru's provinces when the selection is in
one region, and the names of the main towns where they hide nothing.
"""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
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
from dashboard.data.vocab import country_label, region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import number, t
from dashboard.map.layers import region_counts
from dashboard.pack.nearby import borders_within, towns_within
from dashboard.pack.staticcharts import PRINT_STYLE, to_png

FOCUS_COUNTRY = "PE"  # drawn lighter, and the whole view when nothing is selected
LARGEST_CIRCLE = 34.0  # diameter in points of the region with the most innovations
SMALLEST_CIRCLE = 6.0
LABEL_SIZE = 7.0  # points, for every text on the map
NAMED_REGIONS = 8  # the regions with most innovations are named, where the name fits
MIN_SPAN = 7.0  # degrees: a selection in one valley still shows the country around it
HALO = [patheffects.withStroke(linewidth=2.2, foreground=palette.WHITE)]
TOWN_SIZE = 6.0  # points: town names are background, a step below the data's labels
NAMED_TOWNS = 14  # at most, lowest rank first, where the name hides nothing
# Region lines under the data, and Peru's provinces fainter still.
REGION_LINES = {"colors": palette.PRINT_BORDER, "linewidths": 0.55, "zorder": 1.5}
PROVINCE_LINES = {"colors": palette.PRINT_BORDER, "linewidths": 0.3, "linestyles": (0, (2, 2)), "zorder": 1.4}


def region_map_png(selection: Selection, lang: str, size: tuple[float, float] = (3.6, 3.9), dpi: int = 200) -> bytes:
    """The map as PNG bytes: circles sized by innovations per region over the public points."""
    return to_png(region_map(selection, lang, size), dpi)


def region_map(selection: Selection, lang: str, size: tuple[float, float]) -> Figure:
    """The map as a figure of `size` inches (width, height)."""
    counts = region_counts(selection)
    x, y = shown_points(selection)
    countries = outlines()
    view = _view(np.concatenate([x, counts["x"]]), np.concatenate([y, counts["y"]]), countries, size[1] / size[0])
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size)
        axes = figure.add_axes((0, 0, 1, 1))
        _basemap(axes, countries, view)
        area = shapely.box(*view)
        in_one_region = len(counts) == 1 and str(counts["region"].iloc[0]).startswith(f"{FOCUS_COUNTRY}-")
        _context_lines(axes, area, provinces=in_one_region)
        renderer = FigureCanvasAgg(figure).get_renderer()
        axes.apply_aspect()
        taken, discs = [], []
        if counts.empty:
            message = axes.text(
                0.5,
                0.5,
                t("brief.map_empty", lang),
                ha="center",
                va="center",
                transform=axes.transAxes,
                path_effects=HALO,
            )
            taken.append(message.get_window_extent(renderer))
        else:
            # the public points over the circles, as the caption says: green, each with a white rim
            axes.scatter(x, y, s=10, color=palette.GREEN, edgecolors=palette.WHITE, linewidths=0.4, zorder=3.2)
            taken, discs = _circles(axes, counts, renderer, lang)
        _town_names(axes, area, renderer, taken, discs)
        _country_names(axes, countries, renderer, taken + discs, lang)
        return figure


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


def _basemap(axes: Axes, countries: gpd.GeoDataFrame, view: tuple[float, float, float, float]) -> None:
    """Water, land and borders in the view; the focus country lighter."""
    west, south, east, north = view
    axes.set_facecolor(palette.PRINT_WATER)
    focus = (countries["iso_a2"] == FOCUS_COUNTRY).to_numpy()
    countries.plot(
        ax=axes,
        color=np.where(focus, palette.PRINT_FOCUS_LAND, palette.PRINT_LAND),
        edgecolor=palette.PRINT_BORDER,
        linewidth=0.6,
    )
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_edgecolor(palette.PRINT_BORDER)


def _context_lines(axes: Axes, area: shapely.Geometry, provinces: bool) -> None:
    """The region lines in `area` and, for a selection in one region of Peru, its provinces."""
    files = [(REGIONS_FILE, REGION_LINES)] + ([(PROVINCES_FILE, PROVINCE_LINES)] if provinces else [])
    for name, style in files:
        paths = [np.asarray(line.coords) for line in borders_within(name, area)]
        axes.add_collection(LineCollection(paths, gid=name, **style))


def _town_names(axes: Axes, area: shapely.Geometry, renderer, taken: list[Bbox], discs: list[Bbox]) -> None:
    """The main towns in `area` as a dot and a name, lowest rank first, each where it covers no other text.

    A name goes beside the circles if it can, else over one (its halo keeps it readable) but off its centre.
    """
    towns, named = towns_within(area), 0
    for name, point in zip(towns["name"], towns.geometry, strict=True):
        if named == NAMED_TOWNS:
            return
        for avoid in (taken + discs, taken):
            box = _place_label(axes, renderer, name, (point.x, point.y), 2.0, avoid, TOWN_SIZE, palette.GREY_TEXT)
            if box is not None:
                taken.append(box)
                axes.plot(point.x, point.y, "o", markersize=1.8, color=palette.GREY_TEXT, zorder=3.5)
                named += 1
                break


def _country_names(axes: Axes, countries: gpd.GeoDataFrame, renderer, taken: list[Bbox], lang: str) -> None:
    """Each country's name at a point inside it, where it hides no region's name or circle."""
    west, east, south, north = (*axes.get_xlim(), *axes.get_ylim())
    for code, point in zip(countries["iso_a2"], countries.representative_point(), strict=True):
        if west < point.x < east and south < point.y < north:
            name = axes.text(
                point.x,
                point.y,
                country_label(code, lang),
                ha="center",
                va="center",
                fontsize=LABEL_SIZE,
                color=palette.COUNTRY_NAME,
                style="italic",
                zorder=1,
            )
            if any(name.get_window_extent(renderer).overlaps(other) for other in taken):
                name.remove()


def _diameters(counts: pd.Series) -> np.ndarray:
    """Circle diameters in points, with area proportional to the count."""
    return np.maximum(LARGEST_CIRCLE * np.sqrt(counts / counts.max()), SMALLEST_CIRCLE)


def _circles(axes: Axes, counts: pd.DataFrame, renderer, lang: str) -> tuple[list[Bbox], list[Bbox]]:
    """A circle per region, largest below, the largest named where it fits.

    Returns the space their names, centres and key take, and the space of the circles themselves.
    """
    counts = counts.sort_values("count", ascending=False, ignore_index=True)
    diameters = _diameters(counts["count"])
    axes.scatter(
        counts["x"],
        counts["y"],
        s=diameters**2,
        color=palette.REGION_COLOUR,
        alpha=0.6,
        edgecolors=palette.WHITE,
        linewidths=0.8,
        zorder=3,
    )
    legend = _legend(axes, counts["count"], lang)
    centres = axes.transData.transform(counts[["x", "y"]].to_numpy())
    taken = [Bbox.from_extents(x - 3, y - 3, x + 3, y + 3) for x, y in centres]
    taken.append(legend.get_window_extent(renderer))
    for row, diameter in zip(counts.head(NAMED_REGIONS).itertuples(), diameters, strict=False):
        text = f"{region_label(row.region, lang)} ({number(int(row.count), lang)})"
        box = _place_label(axes, renderer, text, (row.x, row.y), diameter / 2 + 2, taken)
        if box is not None:
            taken.append(box)
    radii = diameters / 2 * axes.figure.dpi / 72  # points to pixels
    return taken, [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii, strict=True)]


# Where a name may go around its circle or dot: offset direction and alignment.
_SPOTS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"), (0, -1, "center", "top"))


def _place_label(
    axes: Axes,
    renderer,
    text: str,
    point: tuple[float, float],
    gap: float,
    avoid: list[Bbox],
    size: float = LABEL_SIZE,
    colour: str = palette.TEXT,
) -> Bbox | None:
    """The label at the first spot around `point` clear of the boxes to `avoid`, and the space it takes; else none."""
    frame = axes.get_window_extent(renderer)
    for dx, dy, ha, va in _SPOTS:
        label = axes.annotate(
            text,
            point,
            xytext=(dx * gap, dy * gap),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=size,
            color=colour,
            path_effects=HALO,
            zorder=4,
        )
        box = label.get_window_extent(renderer)
        clear = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if clear and not any(box.overlaps(other) for other in avoid):
            return box
        label.remove()
    return None


def _legend(axes: Axes, counts: pd.Series, lang: str) -> AnchoredOffsetbox:
    """A framed key in the lower left: circles for the largest count and about a quarter of it."""
    largest = int(counts.max())
    values = sorted({largest, max(1, round(largest / 4))}, reverse=True)
    rows = []
    diameters = _diameters(pd.Series([*values, largest]))[:-1]
    for value, diameter in zip(values, diameters, strict=True):
        area = DrawingArea(LARGEST_CIRCLE, diameter)  # in points
        area.add_artist(
            Circle(
                (LARGEST_CIRCLE / 2, diameter / 2),
                diameter / 2,
                color=palette.REGION_COLOUR,
                alpha=0.6,
                ec=palette.WHITE,
            )
        )
        label = _text_area(number(value, lang))
        rows.append(HPacker(children=[area, label], align="center", sep=4))
    key = VPacker(children=[_text_area(t("summary.count", lang)), *rows], align="left", sep=4)
    box = AnchoredOffsetbox(loc="lower left", child=key, pad=0.5, borderpad=0.6, frameon=True)
    box.patch.set(edgecolor=palette.PRINT_BORDER, alpha=0.85)
    axes.add_artist(box)
    return box


def _text_area(text: str) -> TextArea:
    """Text for the map's key."""
    return TextArea(text, textprops={"fontsize": LABEL_SIZE, "color": palette.TEXT})
