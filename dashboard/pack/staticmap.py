"""The policy brief's map, drawn offline with matplotlib: outlines, public points, region circles.

Only what a public view may show is drawn: the points in `selection.index` (restricted
records already moved to their district's centroid) and counts per region.
"""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import Circle
from matplotlib.transforms import Bbox

from dashboard import palette
from dashboard.data.outlines import outlines
from dashboard.data.vocab import country_label, region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import number, t
from dashboard.map.layers import region_counts
from dashboard.pack.staticcharts import PRINT_STYLE, to_png

FOCUS_COUNTRY = "PE"  # drawn lighter, and the whole view when nothing is selected
LARGEST_CIRCLE = 34.0  # diameter in points of the region with the most innovations
SMALLEST_CIRCLE = 6.0
LABEL_SIZE = 7.0  # points, for every text on the map
NAMED_REGIONS = 8  # the regions with most innovations are named, where the name fits
MIN_SPAN = 7.0  # degrees: a selection in one valley still shows the country around it
HALO = [patheffects.withStroke(linewidth=2.2, foreground=palette.WHITE)]


def region_map_png(selection: Selection, lang: str, size: tuple[float, float] = (3.6, 3.9), dpi: int = 200) -> bytes:
    """The map as PNG bytes: circles sized by innovations per region over the public points."""
    counts = region_counts(selection)
    x, y = shown_points(selection)
    countries = outlines()
    view = _view(np.concatenate([x, counts["x"]]), np.concatenate([y, counts["y"]]), countries, size[1] / size[0])
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size)
        axes = figure.add_axes((0, 0, 1, 1))
        _basemap(axes, countries, view)
        renderer = FigureCanvasAgg(figure).get_renderer()
        axes.apply_aspect()
        taken = []
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
            axes.scatter(x, y, s=3.5, color=palette.GREEN, alpha=0.55, linewidths=0, zorder=2)
            taken = _circles(axes, counts, renderer, lang)
        _country_names(axes, countries, renderer, taken, lang)
        return to_png(figure, dpi)


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


def _circles(axes: Axes, counts: pd.DataFrame, renderer, lang: str) -> list[Bbox]:
    """A circle per region, largest below, the largest named where it fits; the space they take."""
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
        _place_label(axes, renderer, text, (row.x, row.y), diameter / 2 + 2, taken)
    radii = diameters / 2 * axes.figure.dpi / 72  # points to pixels
    return taken + [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii, strict=True)]


# Where a region's name may go around its circle: offset direction and alignment.
_SPOTS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"), (0, -1, "center", "top"))


def _place_label(axes: Axes, renderer, text: str, point: tuple[float, float], gap: float, taken: list[Bbox]) -> None:
    """The label at the first spot around `point` clear of other labels and centres; else none."""
    frame = axes.get_window_extent(renderer)
    for dx, dy, ha, va in _SPOTS:
        label = axes.annotate(
            text,
            point,
            xytext=(dx * gap, dy * gap),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=LABEL_SIZE,
            path_effects=HALO,
            zorder=4,
        )
        box = label.get_window_extent(renderer)
        clear = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if clear and not any(box.overlaps(other) for other in taken):
            taken.append(box)
            return
        label.remove()


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
