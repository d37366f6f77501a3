"""A poster for the wall: the selection's map on A3 or A1 paper, as a vector PDF drawn by matplotlib.

The brief's map drawn large (`staticmap.draw_map` with a `Look`): the same public points and region
circles over the country and region outlines and town names, with a legend, a scale bar and a north
arrow, the filter in words as its title and the sources and dates at its foot. Lines, points and
text stay vector, and every word is text in embedded TrueType fonts (the brief's DejaVu Sans): it
prints sharp at any size, and it can be searched.
"""

from __future__ import annotations

import io
import math
import textwrap
from datetime import date
from functools import partial

import matplotlib
import numpy as np
import pandas as pd
import pyproj
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import Circle, Polygon, Rectangle
from matplotlib.text import Text

from dashboard import palette
from dashboard.filtering.filters import describe
from dashboard.filtering.selection import Selection
from dashboard.i18n import number, t
from dashboard.map.layers import region_counts
from dashboard.pack.brief import long_date, source_lines
from dashboard.pack.maplabels import LABEL_SIZE
from dashboard.pack.staticcharts import PRINT_STYLE
from dashboard.pack.staticmap import (
    POINT_AREA,
    PROVINCE_LINES,
    REGION_LINES,
    Look,
    circle_rows,
    draw_map,
    framed,
    in_one_region,
    key_text,
)

PAPERS = {"A3": (297.0, 420.0), "A1": (594.0, 841.0)}  # millimetres, portrait: Peru is taller than wide
MM = 72 / 25.4  # points per millimetre
# Sizes in points on A3; A1 is twice as wide, and every size doubles with it.
MARGIN = 14 * MM
TITLE_SIZE = 44.0  # read across a room; a long filter shrinks to SMALLEST_TITLE, then is cut
SMALLEST_TITLE = 36.0
TITLE_LINES = 3
SUBTITLE_SIZE = 16.0
FOOTER_SIZE = 9.0
GAP = 5 * MM  # between the title, the map and the footer
MAP_SCALE = 2.4  # the brief's map marks (circles, names, lines) times this
LEGEND_SCALE = 0.8  # the legend's text (under the map) a step below the names on the map
NAMED_REGIONS = 60  # every region where its name fits
NAMED_TOWNS = 40
SCALE_BAR_SHARE = 0.2  # the scale bar is a round length of about this share of the map's width
GEOD = pyproj.Geod(ellps="WGS84")
# TrueType fonts are embedded with their characters' Unicode: the poster's words can be searched and copied.
POSTER_STYLE = PRINT_STYLE | {"pdf.fonttype": 42}


def poster_pdf(selection: Selection, lang: str = "es", paper: str = "A3", today: date | None = None) -> bytes:
    """The poster of `selection` on `paper` (A3 or A1) as PDF bytes, in `lang`, dated `today`."""
    title = describe(selection.filters, lang, selection.partner_names)
    with matplotlib.rc_context(POSTER_STYLE):
        figure = poster_figure(selection, lang, paper, today)
        buffer = io.BytesIO()
        metadata = {"Title": title, "Author": t("app.subtitle", lang), "Creator": t("app.title", lang)}
        figure.savefig(buffer, format="pdf", facecolor=palette.WHITE, metadata=metadata)
    return buffer.getvalue()


def poster_figure(selection: Selection, lang: str = "es", paper: str = "A3", today: date | None = None) -> Figure:
    """The poster as a matplotlib figure of the paper's size: title, map with its keys, footer."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; the papers are {', '.join(PAPERS)}")
    factor = PAPERS[paper][0] / PAPERS["A3"][0]
    width, height = (side * MM for side in PAPERS[paper])
    with matplotlib.rc_context(POSTER_STYLE):
        figure = Figure(figsize=(width / 72, height / 72))
        renderer = FigureCanvasAgg(figure).get_renderer()
        top = _heading(figure, renderer, selection, lang, factor)
        bottom = _footer(figure, renderer, selection, lang, today or date.today(), factor)
        margin, gap, scale = MARGIN * factor, GAP * factor, MAP_SCALE * factor
        legend = _legend(figure, region_counts(selection), lang, scale, (margin / width, (bottom + gap) / height))
        bottom += gap + legend.get_window_extent(renderer).height * 72 / figure.dpi
        rect = (margin / width, (bottom + gap) / height, 1 - 2 * margin / width, (top - bottom - 2 * gap) / height)
        look = Look(scale=scale, regions=NAMED_REGIONS, towns=NAMED_TOWNS)
        draw_map(figure, rect, selection, lang, look, partial(_furniture, scale=scale))
    return figure


def _points(figure: Figure, renderer, artist: Text) -> tuple[float, float]:
    """The width and height of a drawn text, in points."""
    box = artist.get_window_extent(renderer)
    return box.width * 72 / figure.dpi, box.height * 72 / figure.dpi


def wrapped(figure: Figure, renderer, text: str, width: float, size: float, **style) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` points at `size` points (a longer word stays whole)."""
    probe, chars = figure.text(0, 0, "", fontsize=size, **style), max(len(text), 1)
    while True:
        lines = textwrap.wrap(text, chars, break_long_words=False) or [""]
        probe.set_text("\n".join(lines))
        widest = _points(figure, renderer, probe)[0]
        if widest <= width or chars == 1:
            probe.remove()
            return lines
        chars = max(1, min(chars - 1, int(chars * width / widest)))


def _heading(figure: Figure, renderer, selection: Selection, lang: str, factor: float) -> float:
    """The filter in words as the title, the platform under it; where they end, in points from the page's foot."""
    width, height = figure.get_size_inches() * 72
    margin, room = MARGIN * factor, width - 2 * MARGIN * factor
    title = describe(selection.filters, lang, selection.partner_names)
    style = {"fontweight": "bold", "color": palette.GREEN}
    for size in (TITLE_SIZE * factor, SMALLEST_TITLE * factor):
        lines = wrapped(figure, renderer, title, room, size, **style)
        if len(lines) <= 2:
            break
    if len(lines) > TITLE_LINES:  # a filter of many values: its start, and the download names the rest
        lines = [*lines[: TITLE_LINES - 1], textwrap.shorten(" ".join(lines[TITLE_LINES - 1 :]), len(lines[0]))]
    place = {"ha": "left", "va": "top", "linespacing": 1.05, "zorder": -1}  # drawn first: read first in the PDF
    shown = figure.text(margin / width, 1 - margin / height, "\n".join(lines), fontsize=size, **style, **place)
    below = height - margin - _points(figure, renderer, shown)[1] - 0.35 * size
    subtitle = f"{t('app.subtitle', lang)} · {t('app.title', lang)}"
    line = figure.text(margin / width, below / height, subtitle, fontsize=SUBTITLE_SIZE * factor, **place)
    line.set_color(palette.GREY_TEXT)
    return below - _points(figure, renderer, line)[1]


def footer_lines(selection: Selection, lang: str, today: date) -> list[str]:
    """The sources, the data's date and the poster's, the boundaries' credits, what is left out; as printed."""
    made = t("poster.made", lang, date=long_date(today, lang))
    lines = [" · ".join([*(line.rstrip(".") for line in source_lines(selection.data.metadata, lang)), made])]
    lines.append(f"{t('credits.context', lang)} · {t('poster.privacy', lang)}")
    if selection.data.is_demo:
        lines.append(t("brief.demo", lang))
    return lines


def _footer(figure: Figure, renderer, selection: Selection, lang: str, today: date, factor: float) -> float:
    """The footer at the page's foot; where it ends, in points from the page's foot."""
    width, height = figure.get_size_inches() * 72
    margin, size = MARGIN * factor, FOOTER_SIZE * factor
    lines = [
        part
        for line in footer_lines(selection, lang, today)
        for part in wrapped(figure, renderer, line, width - 2 * margin, size)
    ]
    shown = figure.text(margin / width, margin / height, "\n".join(lines), fontsize=size, va="bottom", ha="left")
    shown.set_color(palette.GREY_TEXT)
    return margin + _points(figure, renderer, shown)[1]


def _furniture(axes: Axes, counts: pd.DataFrame, lang: str, scale: float) -> list[Artist]:
    """What the poster draws over the map: the scale bar in the lower right, north in the upper right."""
    return [_scale_bar(axes, lang, scale), _north_arrow(axes, lang, scale)]


def _legend(
    figure: Figure, counts: pd.DataFrame, lang: str, scale: float, corner: tuple[float, float]
) -> AnchoredOffsetbox:
    """What each mark means, under the map from `corner` (figure fractions): the circles, the points, towns, lines."""
    size = scale * LEGEND_SCALE
    heading = {"fontsize": LABEL_SIZE * size * 1.15, "fontweight": "bold", "color": palette.TEXT}
    columns: list[Artist] = []
    if not counts.empty:  # the circles as large as on the map, side by side
        circles = HPacker(children=circle_rows(counts, lang, scale, size, column=False), align="bottom", sep=16 * size)
        notes = [key_text(t("poster.circles", lang), size), key_text(t("poster.circles_note", lang), size * 0.85)]
        columns.append(VPacker(children=[*notes, circles], align="left", sep=4 * size))
    marks = []
    if not counts.empty:
        diameter = math.sqrt(POINT_AREA) * scale
        point = Circle((0, 0), diameter / 2, fc=palette.GREEN, ec=palette.WHITE, lw=0.4 * scale)
        marks.append(_symbol_row(point, t("poster.points", lang), size))
    marks.append(_symbol_row(Circle((0, 0), 0.9 * scale, color=palette.GREY_TEXT), t("poster.town", lang), size))
    lines = [(REGION_LINES, "poster.region_line")]
    lines += [(PROVINCE_LINES, "poster.province_line")] if in_one_region(counts) else []
    for style, key in lines:
        dashes = style.get("linestyles", "solid")
        line = Line2D([-0.4, 0.4], [0, 0], color=style["colors"], lw=style["linewidths"] * scale, ls=dashes)
        marks.append(_symbol_row(line, t(key, lang), size))
    columns.append(VPacker(children=marks, align="left", sep=4 * size))
    body = HPacker(children=columns, align="top", sep=30 * size)
    key = VPacker(children=[TextArea(t("poster.legend", lang), textprops=heading), body], align="left", sep=6 * size)
    box = AnchoredOffsetbox(
        loc="lower left",
        child=key,
        pad=0,
        borderpad=0,
        frameon=False,
        bbox_to_anchor=corner,
        bbox_transform=figure.transFigure,
    )
    figure.add_artist(box)
    return box


def _symbol_row(symbol: Artist, text: str, size: float) -> HPacker:
    """One line of the legend: `symbol` (drawn around (0, 0), a line from -0.4 to 0.4) centred, then its words."""
    area = DrawingArea(3 * LABEL_SIZE * size, LABEL_SIZE * size * 1.3)
    middle = (area.width / 2, area.height / 2)
    if isinstance(symbol, Line2D):
        symbol.set_data(np.array(symbol.get_xdata()) * area.width + middle[0], [middle[1]] * 2)
    else:
        symbol.set_center(middle)
    area.add_artist(symbol)
    return HPacker(children=[area, key_text(text, size)], align="center", sep=4 * size)


def scale_bar_length(axes: Axes) -> tuple[int, float]:
    """A round length in km of about a fifth of the map's width, and its length on the map in points.

    The map is equirectangular, true to scale in every direction along its middle parallel (where
    `staticmap` sets its aspect), so the length is measured there, on the WGS 84 ellipsoid.
    """
    west, east = axes.get_xlim()
    south, north = axes.get_ylim()
    middle = (south + north) / 2
    steps = np.linspace(0.0, 1.0, 11)  # a degree along the parallel in short geodesics: the parallel's own length
    km_per_degree = GEOD.line_length(steps, np.full_like(steps, middle)) / 1000
    wanted = (east - west) * km_per_degree * SCALE_BAR_SHARE
    power = 10 ** math.floor(math.log10(wanted))  # the nearest of 1, 2, 5, 10 times it
    km = min((step * power for step in (1, 2, 5, 10)), key=lambda length: abs(math.log(length / wanted)))
    points_per_degree = axes.bbox.width * 72 / axes.figure.dpi / (east - west)
    return int(km), km / km_per_degree * points_per_degree


def _scale_bar(axes: Axes, lang: str, scale: float) -> AnchoredOffsetbox:
    """A bar of four segments, dark and light, with 0, its half and its length in km over it."""
    km, length = scale_bar_length(axes)
    size = LABEL_SIZE * scale * LEGEND_SCALE
    thickness, pad = 3.2 * scale, 2.2 * size
    area = DrawingArea(length + 2 * pad, thickness + 1.6 * size)
    for k in range(4):
        colour = palette.TEXT if k % 2 == 0 else palette.WHITE
        area.add_artist(
            Rectangle((pad + k * length / 4, 0), length / 4, thickness, fc=colour, ec=palette.TEXT, lw=0.5 * scale)
        )
    labels = ("0", number(km // 2, lang) if km % 2 == 0 else "", t("poster.km", lang, value=number(km, lang)))
    for k, label in enumerate(labels):
        area.add_artist(
            Text(
                pad + k * length / 2,
                thickness + 0.4 * size,
                label,
                ha="center",
                va="bottom",
                fontsize=size,
                color=palette.TEXT,
            )
        )
    return framed(axes, area, "lower right", scale)


def _north_arrow(axes: Axes, lang: str, scale: float) -> AnchoredOffsetbox:
    """An arrow pointing up, half dark and half light, under an N: north is up on this map."""
    width, height = 9 * scale, 14 * scale
    arrow = DrawingArea(width, height)
    tip, foot, notch = (width / 2, height), 0.0, height * 0.3
    arrow.add_artist(Polygon([tip, (0, foot), (width / 2, notch)], fc=palette.TEXT, ec=palette.TEXT, lw=0.5 * scale))
    arrow.add_artist(
        Polygon([tip, (width, foot), (width / 2, notch)], fc=palette.WHITE, ec=palette.TEXT, lw=0.5 * scale)
    )
    letter = TextArea(
        t("poster.north", lang), textprops={"fontsize": LABEL_SIZE * scale, "fontweight": "bold", "color": palette.TEXT}
    )
    return framed(axes, VPacker(children=[letter, arrow], align="center", sep=2 * scale), "upper right", scale)
