"""Chart builders: a summary in, an Altair chart out; clicking a bar picks the value it stands for.

Each chart carries one point selection named `PICK` over the fields that identify a bar
(`code`, and `year` for the yearly chart); `picked_filters` turns what a click selected into
the criteria of the shared filter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import altair as alt
import pandas as pd

from dashboard.data.vocab import DOMAIN, PID_STAGE
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.i18n import t
from dashboard.map.maps import DOMAIN_COLOURS
from dashboard.palette import AXIS_TEXT, BAR_COLOUR, BAR_TEXT
from dashboard.summary.summaries import Summary, labels_for

PICK = "pick"
TOP = 15  # bars shown at most in a ranking
BAR_STEP = 24  # pixels per bar: one bar or fifteen, each keeps its thickness


@dataclass(frozen=True)
class ChartSpec:
    """One summary chart: the field it counts, the filter criterion a click sets, its kind."""

    name: str
    field: str
    criterion: str
    kind: str = "ranking"  # ranking | funnel | years


@dataclass(frozen=True)
class Look:
    """How a chart is drawn where it is shown: on a page, or large for a projector."""

    numbers: bool = False  # each ranking bar's count written at its end
    label_limit: int = 260  # pixels of a bar's label before it is cut with "…"


PAGE = Look()
FUNNELS = ("pid_stage",)  # charts of stages that follow one another: drawn in their order, as a funnel


def specs() -> dict[str, ChartSpec]:
    """One chart per criterion that names one (`Criterion.chart`), in the registry's order, then the years."""
    return {
        spec.name: spec
        for spec in (
            *(
                ChartSpec(c.chart, c.column, c.name, kind="funnel" if c.chart in FUNNELS else "ranking")
                for c in CRITERIA.values()
                if c.chart
            ),
            ChartSpec("year", "year", "domains", kind="years"),
        )
    }


CHARTS = specs()


def _axis(**options) -> alt.Axis:
    """An axis whose labels and title read 4.5:1 on the page (Streamlit's theme greys them to 3.5:1)."""
    return alt.Axis(labelColor=AXIS_TEXT, titleColor=AXIS_TEXT, **options)


def _drawn_from(frame: pd.DataFrame) -> dict[str, str]:
    """A chart's `usermeta` naming its data. Streamlit swaps the data of a chart whose spec is unchanged
    in place, and Vega then keeps the old bars' order and axis; with the data named in the spec, a new
    selection draws a new chart."""
    digest = hashlib.blake2b(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes(), digest_size=8)
    return {"data": digest.hexdigest()}


def _selection() -> alt.Parameter:
    return alt.selection_point(name=PICK, fields=["code"], on="click", clear="dblclick")


def bar_chart(
    counts: pd.DataFrame, title: str, axis_title: str, top: int = TOP, look: Look = PAGE
) -> alt.Chart | alt.LayerChart:
    """Horizontal bars of `counts` (columns code, label, count), largest first, at most `top` bars."""
    shown = counts.head(top)
    pick = _selection()
    bars = (
        alt.Chart(shown, title=title)
        .mark_bar(color=BAR_COLOUR, cursor="pointer")
        .encode(
            x=alt.X("count:Q", title=axis_title, axis=_axis(format="d", tickMinStep=1)),
            y=alt.Y("label:N", title=None, sort=None, axis=_axis(labelOverlap=False, labelLimit=look.label_limit)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip("label:N", title=title), alt.Tooltip("count:Q", title=axis_title)],
        )
        .add_params(pick)
        .properties(height=alt.Step(BAR_STEP))
    )
    if not look.numbers:
        return bars.properties(usermeta=_drawn_from(shown))
    written = (
        alt.Chart(shown)
        .mark_text(align="left", dx=4, color=BAR_TEXT)
        .encode(x="count:Q", y=bars.encoding.y, text="count:Q")
    )
    return alt.layer(bars, written).properties(usermeta=_drawn_from(shown))


def funnel_chart(summary: Summary, title: str, axis_title: str, lang: str, look: Look = PAGE) -> alt.LayerChart:
    """PID stages from identified to spreading as centred bars, widest the most frequent."""
    counts = summary.counts["pid_stage"].reindex(PID_STAGE.codes, fill_value=0)
    frame = pd.DataFrame(
        {
            "code": PID_STAGE.codes,
            "label": [PID_STAGE.label(c, lang) for c in PID_STAGE.codes],
            "count": counts.to_numpy(),
        }
    )
    pick = _selection()
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(
            "label:N",
            title=None,
            sort=list(frame["label"]),
            axis=_axis(labelLimit=look.label_limit, labelOverlap=False),
        ),
        tooltip=[alt.Tooltip("label:N", title=title), alt.Tooltip("count:Q", title=axis_title)],
    )
    base = base.transform_calculate(left="-datum.count / 2", right="datum.count / 2")
    bars = (
        base.mark_bar(color=BAR_COLOUR, cursor="pointer")
        .encode(
            x=alt.X("left:Q", axis=None), x2="right:Q", opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45))
        )
        .add_params(pick)
    )
    numbers = base.mark_text(align="left", dx=4, color=BAR_TEXT).encode(x="right:Q", text="count:Q")
    return alt.layer(bars, numbers).properties(height=alt.Step(BAR_STEP + 6), usermeta=_drawn_from(frame))


def years_chart(summary: Summary, title: str, axis_title: str, lang: str) -> alt.Chart:
    """Innovations per year documented, each bar stacked by domain in the map's colours."""
    wide = summary.by_year_domain
    wide = wide.loc[wide.index.notna(), [c for c in wide.columns if c is not None]]
    frame = wide.rename_axis(index="year", columns="code").stack().rename("count").reset_index()
    frame = frame[frame["count"] > 0].astype({"year": int, "code": str})
    frame["label"] = [DOMAIN.label(code, lang) for code in frame["code"]]
    labels = [DOMAIN.label(code, lang) for code in DOMAIN.codes]
    pick = alt.selection_point(name=PICK, fields=["year", "code"], on="click", clear="dblclick")
    domain = t("summary.domain", lang)
    return (
        alt.Chart(frame, title=title)
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("year:O", title=None, axis=_axis()),
            y=alt.Y("sum(count):Q", title=axis_title, axis=_axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "label:N",
                title=domain,
                scale=alt.Scale(domain=labels, range=list(DOMAIN_COLOURS.values())),
                # two columns overflowed half a page
                legend=alt.Legend(
                    orient="bottom", columns=1, labelLimit=400, labelColor=AXIS_TEXT, titleColor=AXIS_TEXT
                ),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("year:O", title=t("summary.year", lang)),
                alt.Tooltip("label:N", title=domain),
                alt.Tooltip("count:Q", title=axis_title),
            ],
        )
        .add_params(pick)
        # only the width follows the page: fitting the height too would let the legend below squeeze the bars away
        .properties(
            height=280, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"), usermeta=_drawn_from(frame)
        )
    )


def summary_chart(
    name: str, summary: Summary, lang: str, partner_names: dict[str, str], top: int = TOP, look: Look = PAGE
) -> alt.Chart | alt.LayerChart:
    """The chart `name` of the registry for this summary, labelled in `lang` (rankings: the `top` first)."""
    spec = CHARTS[name]
    title, axis_title = t(f"summary.by_{name}", lang), t("summary.count", lang)
    if spec.kind == "funnel":
        return funnel_chart(summary, title, axis_title, lang, look)
    if spec.kind == "years":
        return years_chart(summary, title, axis_title, lang)
    counts = summary.table(spec.field, labels_for(spec.field, lang, partner_names))
    return bar_chart(counts, title, axis_title, top, look)


def picked_filters(name: str, picked: list[dict], filters: Filters) -> Filters:
    """`filters` with the criterion a click on chart `name` chose; released when nothing is picked any more
    (a double-click, or a click beside the bars)."""
    spec = CHARTS[name]
    codes = tuple(dict.fromkeys(str(point["code"]) for point in picked if point.get("code") is not None))
    if not codes:
        return released(name, filters)
    if spec.kind == "years":
        years = sorted({int(point["year"]) for point in picked if point.get("year") is not None})
        if years:
            return filters.replaced(**{spec.criterion: codes}, year_from=years[0], year_to=years[-1])
    return filters.replaced(**{spec.criterion: codes})


def released(name: str, filters: Filters) -> Filters:
    """`filters` without what a click on chart `name` can choose: its criterion, and the yearly chart's years."""
    spec = CHARTS[name]
    if spec.kind == "years":
        return filters.replaced(**{spec.criterion: ()}, year_from=None, year_to=None)
    return filters.replaced(**{spec.criterion: ()})


def presented(chart: alt.Chart | alt.LayerChart, font_size: int, title: str) -> alt.Chart | alt.LayerChart:
    """`chart` for a projector: a short `title`, every text `font_size` or larger, no count axis (the
    bars carry their numbers) and bars spaced so that labels of that size never overlap."""
    return (
        chart.properties(title=title, height=alt.Step(round(font_size * 1.35)))
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size)
        .configure_axisX(disable=True)
        .configure_view(stroke=None)
        .configure_title(fontSize=round(font_size * 1.2), anchor="start", offset=6)
        .configure_text(fontSize=font_size)
    )
