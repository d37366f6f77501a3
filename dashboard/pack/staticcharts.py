"""Bar charts drawn with matplotlib as PNG bytes, for print: no browser, no network."""

from __future__ import annotations

import io
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dashboard import palette
from dashboard.data.vocab import PID_STAGE, region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import number
from dashboard.summary import small
from dashboard.summary.summaries import Summary

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


# Places from the widest down: a chart of places counts by the first with more than one among the kept innovations.
PLACE_LEVELS = ("region", "province", "district", "community")


def place_counts(selection: Selection, lang: str) -> tuple[str, pd.DataFrame] | None:
    """The kept innovations per place (columns label, count), by region or, when they share one, the level below.

    A chart of one bar says nothing a title does not: a brief of Ayacucho counts by province instead,
    of one district by community; when every innovation is in one community there is no such chart.
    """
    index = selection.index
    per_community = np.bincount(index.community[selection.keep], minlength=len(index.community_names))
    names = selection.data.communities.set_index("community_id")["name"]
    for level in PLACE_LEVELS:
        if level == "community":
            places = pd.Series(index.community_names, dtype=object)
        else:
            places = index.community_frame[level].astype(object)
        counts = pd.Series(per_community).groupby(places.to_numpy(), dropna=True).sum()
        counts = counts[counts > 0]
        if len(counts) > 1:
            label = {"region": lambda code: region_label(code, lang), "community": names.get}.get(level, str)
            labels = [label(code) or code for code in counts.index]
            frame = pd.DataFrame({"label": labels, "count": counts.to_numpy()})
            return level, hide_small(frame, lang) if small.is_fine(level) else frame
    return None


def hide_small(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`counts` (label, count) of one group with its small counts and their complements hidden (`small`):
    `count` missing there, `shown` what is written instead ("<5", "≥5"); hidden rows last, by label."""
    cells = counts["count"].astype(np.int64).reset_index(drop=True)
    hidden = small.suppressed(cells).to_numpy()
    frame = counts.reset_index(drop=True).assign(
        count=pd.array(cells, dtype="Int64"), shown=small.shown_cells(cells, lang)
    )
    frame.loc[hidden, "count"] = pd.NA
    return pd.concat([frame[~hidden], frame[hidden].sort_values("label", kind="stable")], ignore_index=True)


def stage_counts(summary: Summary, lang: str) -> pd.DataFrame:
    """Innovations per PID stage in the stages' own order, zeros kept: a funnel."""
    counts = summary.counts["pid_stage"].reindex(PID_STAGE.codes, fill_value=0)
    return pd.DataFrame({"label": [PID_STAGE.label(c, lang) for c in counts.index], "count": counts.to_numpy()})


def to_png(figure: Figure, dpi: int) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor=palette.WHITE)
    return buffer.getvalue()


def bar_png(counts: pd.DataFrame, title: str, empty: str, *, dpi: int = 200, **drawing: object) -> bytes:
    """Horizontal bars of `counts` (columns label, count), largest first or in the given order, as PNG bytes;
    `drawing`: `bar_figure`'s options (top, ordered, size, lang)."""
    with matplotlib.rc_context(PRINT_STYLE):
        return to_png(bar_figure(counts, title, empty, **drawing), dpi)


def bar_figure(
    counts: pd.DataFrame,
    title: str,
    empty: str,
    *,
    top: int = 10,
    ordered: bool = False,
    size: tuple[float, float] = (3.5, 2.5),
    lang: str = "es",
) -> Figure:
    """The figure `bar_png` draws; a hidden count (`count` missing, `shown` "<5") is a hatched stub, not its length."""
    shown = counts if ordered else counts.sort_values("count", ascending=False, kind="stable", na_position="last")
    shown = shown.head(top)
    with matplotlib.rc_context(PRINT_STYLE):
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        figure.suptitle(title, x=0.02, ha="left", fontsize=9.5, fontweight="bold")
        if shown.empty or not (shown["count"].isna() | (shown["count"] > 0)).any():
            _no_data(axes, empty)
        else:
            _bars(axes, shown, lang)
        return figure


def _bars(axes, shown: pd.DataFrame, lang: str) -> None:
    """Bars top to bottom, each with its count at its end; a hidden count a hatched stub as long as the threshold."""
    positions = range(len(shown))
    hidden = shown["count"].isna().to_numpy()
    counts = shown["count"].astype("Float64").fillna(small.min_cell()).to_numpy(float)
    written = [
        str(text) if hide else number(int(count), lang)
        for text, count, hide in zip(shown.get("shown", shown["count"]), counts, hidden, strict=True)
    ]
    bars = axes.barh(positions, counts, color=palette.BAR_COLOUR, height=0.72)
    for bar, hide in zip(bars, hidden, strict=True):
        if hide:  # hatched: a length that stands for "small", not a count
            bar.set(facecolor=palette.WHITE, edgecolor=palette.BAR_COLOUR, hatch="////", linewidth=0.6)
    width = LABEL_WIDTH if len(shown) <= WRAP_UP_TO else None  # two lines need the room of few bars
    labels = [textwrap.fill(str(label), width) if width else str(label) for label in shown["label"]]
    axes.set_yticks(list(positions), labels=labels)
    axes.set_ylim(max(len(shown), MIN_SLOTS) - 0.5, -0.5)  # top down; one bar stays a bar
    axes.set_xlim(0, max(counts) * 1.18)
    for position, count, text in zip(positions, counts, written, strict=True):
        axes.text(count, position, " " + text, va="center", fontsize=7.5)
    axes.xaxis.set_visible(False)
    axes.tick_params(axis="y", length=0, labelsize=7.5)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)


def _no_data(axes, empty: str) -> None:
    """An empty chart that says so."""
    axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes, color=palette.NO_DATA)
    axes.set_axis_off()
