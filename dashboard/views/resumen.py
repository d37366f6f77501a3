"""Resumen: headline figures and counts by region, crop and partner."""

import streamlit as st

from dashboard import state
from dashboard.charts import bar_chart
from dashboard.filters import describe
from dashboard.i18n import t
from dashboard.safe_text import for_markdown
from dashboard.summaries import count_by, headline, labels_for

lang = state.language()
chosen = state.selection()
data, names = chosen.data, chosen.partner_names

st.title(t("summary.heading", lang))
st.markdown(f"**{for_markdown(describe(state.current_filters(), lang, names))}**")
figures = headline(data.innovations, chosen.index, chosen.keep)
for column, name in zip(st.columns(4), ("innovations", "communities", "regions", "partners"), strict=True):
    column.metric(t(f"summary.{name}", lang), f"{getattr(figures, name):,}".replace(",", " "),
                  help=t(f"summary.help_{name}", lang))

for field, title in (("region", "summary.by_region"), ("crops", "summary.by_crop"),
                     ("partners", "summary.by_partner")):
    counts = count_by(data.innovations, chosen.index, chosen.keep, field, labels_for(field, lang, names))
    st.altair_chart(bar_chart(counts, t(title, lang), t("summary.count", lang)), width="stretch")
