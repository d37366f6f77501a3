"""Resumen: headline figures, a paragraph, charts whose bars filter every page, and the meeting pack."""

from functools import partial

import streamlit as st

from dashboard import state
from dashboard.filtering.filters import describe
from dashboard.filtering.selection import acronyms, full_names
from dashboard.i18n import t
from dashboard.pack.downloads import PACK, ChartPng, PosterPdf
from dashboard.pack.poster import PAPERS
from dashboard.safe_text import for_markdown
from dashboard.summary.charts import CHARTS, PICK, summary_chart
from dashboard.summary.figures import HEADLINE, shown_figure
from dashboard.summary.narrative import paragraph
from dashboard.summary.small import guarded
from dashboard.summary.summaries import summarise
from dashboard.views.offer import offer

lang = state.language()
chosen = state.selection()
filters = chosen.filters
summary = guarded(summarise(chosen.index, chosen.keep), chosen)

st.title(t("summary.heading", lang))
sentence, clear = st.columns([5, 1], vertical_alignment="center")
sentence.markdown(f"**{for_markdown(describe(filters, lang, chosen.partner_names))}**")
if filters.active:
    clear.button(t("filters.clear", lang), key="summary_clear", on_click=state.clear_filters, width="stretch")

for row in (HEADLINE[:4], HEADLINE[4:]):
    for column, name in zip(st.columns(4), row, strict=False):
        column.metric(
            t(f"summary.{name}", lang), shown_figure(summary.headline, name, lang), help=t(f"summary.help_{name}", lang)
        )

st.markdown(for_markdown(paragraph(summary, lang, full_names(chosen.data.partners))))  # names spelled out in prose
st.caption(t("summary.click_hint", lang))
names = list(CHARTS)
for pair in (names[i : i + 2] for i in range(0, len(names), 2)):
    for column, name in zip(st.columns(2), pair, strict=False):
        column.altair_chart(
            summary_chart(name, summary, lang, chosen.partner_names),
            width="stretch",
            key=state.chart_key(name),
            on_select=partial(state.on_chart_pick, name),
            selection_mode=PICK,
        )
# the charts label partners by acronym and speak of the DPI: each spelled out once, under them
spelled = [f"{short}: {name}" for short, name in acronyms(chosen.data, summary.table("partners", {})["code"])]
glossary = " · ".join([t("summary.acronyms.pid", lang), *spelled])
st.caption(for_markdown(t("summary.acronyms.heading", lang, items=glossary)))

handed = state.public_selection()  # what is handed out is what the public may see, whoever makes it
st.subheader(t("pack.meeting_heading", lang))
st.caption(t("pack.meeting_caption", lang))
brief, html_map, chart_column = st.columns(3, vertical_alignment="bottom")
for column, code in ((brief, "pdf"), (html_map, "html")):
    offer(column, PACK[code], handed, lang, key=f"download_{code}")
with chart_column:
    name = st.selectbox(t("pack.chart", lang), names, key="png_chart", format_func=lambda n: t(f"summary.by_{n}", lang))
    offer(st, ChartPng(name), handed, lang, key="download_png", icon=":material/image:")
for column, paper in zip(st.columns(3), PAPERS, strict=False):
    offer(column, PosterPdf(paper), handed, lang, key=f"download_poster_{paper}", icon=":material/map:")
