"""Chart builders: a summary in, an Altair chart out; clicking a bar picks the value it stands for.

Each chart carries one point selection named `PICK` over the fields that identify a bar
(`code`, and `year` for the yearly chart); `picked_filters` turns what a click selected into
the criteria of the shared filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from dashboard.data.vocab import DOMAIN, PID_STAGE
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.i18n import t
from dashboard.map.maps import DOMAIN_COLOURS
from dashboard.palette import BAR_COLOUR, BAR_TEXT
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


def _selection() -> alt.Parameter:
    return alt.selection_point(name=PICK, fields=["code"], on="click", clear="dblclick")


def bar_chart(counts: pd.DataFrame, title: str, axis_title: str, top: int = TOP) -> alt.Chart:
    """Horizontal bars of `counts` (columns code, label, count), largest first, at most `top` bars."""
    shown = counts.head(top)
    pick = _selection()
    return (
        alt.Chart(shown, title=title)
        .mark_bar(color=BAR_COLOUR, cursor="pointer")
        .encode(
            x=alt.X("count:Q", title=axis_title, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelOverlap=False, labelLimit=260)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip("label:N", title=title), alt.Tooltip("count:Q", title=axis_title)],
        )
        .add_params(pick)
        .properties(height=alt.Step(BAR_STEP))
    )


def funnel_chart(summary: Summary, title: str, axis_title: str, lang: str) -> alt.Chart:
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
        y=alt.Y("label:N", title=None, sort=list(frame["label"]), axis=alt.Axis(labelLimit=260, labelOverlap=False)),
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
    return alt.layer(bars, numbers).properties(height=alt.Step(BAR_STEP + 6))


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
            x=alt.X("year:O", title=None),
            y=alt.Y("sum(count):Q", title=axis_title, axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "label:N",
                title=domain,
                scale=alt.Scale(domain=labels, range=list(DOMAIN_COLOURS.values())),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=400),  # two columns overflowed half a page
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
        .properties(height=280, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def summary_chart(name: str, summary: Summary, lang: str, partner_names: dict[str, str], top: int = TOP) -> alt.Chart:
    """The chart `name` of the registry for this summary, labelled in `lang` (rankings: the `top` first)."""
    spec = CHARTS[name]
    title, axis_title = t(f"summary.by_{name}", lang), t("summary.count", lang)
    if spec.kind == "funnel":
        return funnel_chart(summary, title, axis_title, lang)
    if spec.kind == "years":
        return years_chart(summary, title, axis_title, lang)
    return bar_chart(summary.table(spec.field, labels_for(spec.field, lang, partner_names)), title, axis_title, top)


def picked_filters(name: str, picked: list[dict], filters: Filters) -> Filters:
    """`filters` with the criterion a click on chart `name` chose; unchanged when nothing is picked."""
    spec = CHARTS[name]
    codes = tuple(dict.fromkeys(str(point["code"]) for point in picked if point.get("code") is not None))
    if not codes:
        return filters
    if spec.kind == "years":
        years = sorted({int(point["year"]) for point in picked if point.get("year") is not None})
        if years:
            return filters.replaced(**{spec.criterion: codes}, year_from=years[0], year_to=years[-1])
    return filters.replaced(**{spec.criterion: codes})


def presented(chart: alt.Chart, font_size: int) -> alt.Chart:
    """`chart` with text large enough for a projector."""
    return (
        chart.configure_axis(labelFontSize=font_size, titleFontSize=font_size)
        .configure_title(fontSize=font_size + 4)
        .configure_legend(labelFontSize=font_size - 4, titleFontSize=font_size - 2)
        .configure_text(fontSize=font_size - 2)
    )
