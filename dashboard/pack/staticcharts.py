"""Bar charts drawn with matplotlib as PNG bytes, for print: no browser, no network."""

from __future__ import annotations

import io
import textwrap

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from dashboard import palette
from dashboard.i18n import number

LABEL_WIDTH = 18  # characters of a bar label per line
MIN_SLOTS = 5  # bars are as thick as in a chart of this many
WRAP_UP_TO = 8  # bars whose long labels may take two lines
# Record text is data: "$x$" must not become mathematics, nor a missing glyph a crash.
PRINT_STYLE = {
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": palette.GRID,
    "text.color": palette.TEXT,
    "xtick.color": palette.TEXT,
    "ytick.color": palette.TEXT,
}


def to_png(figure: Figure, dpi: int) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor=palette.WHITE)
    return buffer.getvalue()


def bar_png(
    counts: pd.DataFrame,
    title: str,
    empty: str,
    *,
    top: int = 10,
    ordered: bool = False,
    size: tuple[float, float] = (3.5, 2.5),
    dpi: int = 200,
    lang: str = "es",
) -> bytes:
    """Horizontal bars of `counts` (columns label, count), largest first or in the given order."""
    shown = counts if ordered else counts.sort_values("count", ascending=False, kind="stable")
    shown = shown.head(top)
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        figure.suptitle(title, x=0.02, ha="left", fontsize=9.5, fontweight="bold")
        if shown.empty or not shown["count"].any():
            _no_data(axes, empty)
        else:
            _bars(axes, shown, lang)
        return to_png(figure, dpi)


def _bars(axes, shown: pd.DataFrame, lang: str) -> None:
    """Bars top to bottom, each with its count at its end."""
    positions = range(len(shown))
    counts = shown["count"].to_numpy()
    axes.barh(positions, counts, color=palette.BAR_COLOUR, height=0.72)
    width = LABEL_WIDTH if len(shown) <= WRAP_UP_TO else None  # two lines need the room of few bars
    labels = [textwrap.fill(str(label), width) if width else str(label) for label in shown["label"]]
    axes.set_yticks(list(positions), labels=labels)
    axes.set_ylim(max(len(shown), MIN_SLOTS) - 0.5, -0.5)  # top down; one bar stays a bar
    axes.set_xlim(0, max(counts) * 1.18)
    for position, count in zip(positions, counts, strict=True):
        axes.text(count, position, " " + number(int(count), lang), va="center", fontsize=7.5)
    axes.xaxis.set_visible(False)
    axes.tick_params(axis="y", length=0, labelsize=7.5)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)


def _no_data(axes, empty: str) -> None:
    """An empty chart that says so."""
    axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes, color=palette.NO_DATA)
    axes.set_axis_off()
