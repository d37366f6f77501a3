"""Presentation mode: the filter as a title, key figures, the map and two charts, large, no controls."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.filtering.filters import describe
from dashboard.i18n import t
from dashboard.map.layers import build_layers
from dashboard.map.legend import legend_html
from dashboard.safe_text import for_markdown
from dashboard.summary.charts import presented, summary_chart
from dashboard.summary.figures import PRESENTED, shown_figure
from dashboard.summary.summaries import summarise
from dashboard.views import mapframe

FONT_PX = 24  # body text on a 1280×720 projector
PRESENTED_LAYERS = ("points", "regions")
PLAYED_LAYERS = ("years",)  # what is presented instead while the Mapa page shows the year player
PRESENTED_CHARTS = ("region", "pid_stage")
PRESENTED_BARS = 6  # the most frequent regions: map and two charts fit 720 px

lang = state.language()
chosen = state.selection()
summary = summarise(chosen.index, chosen.keep)
shown_layers = PLAYED_LAYERS if "years" in st.session_state.get(state.LAYERS, ()) else PRESENTED_LAYERS

# Streamlit sizes its text in rem: a larger root size enlarges everything at once.
st.html(f"""<style>
html {{ font-size: {FONT_PX}px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {{
  display: none; }}
.block-container {{ padding: 0.6rem 1.2rem 0.4rem; max-width: 100%; }}
[data-testid="stMetricValue"] {{ font-size: 2.1rem; }}
[data-testid="stMetricLabel"] p {{ font-size: 1rem; }}
</style>""")
heading, leave = st.columns([6, 1], vertical_alignment="center")
heading.markdown(f"## {for_markdown(describe(chosen.filters, lang, chosen.partner_names))}")
if leave.button(t("present.exit", lang), key="present_exit", type="tertiary", icon=":material/close:"):
    state.leave_presentation()

for column, name in zip(st.columns(len(PRESENTED)), PRESENTED, strict=True):
    label = t("present.advanced", lang) if name == "advanced" else t(f"summary.{name}", lang)  # fits 1280 px
    column.metric(label, shown_figure(summary.headline, name, lang))

map_column, charts_column = st.columns([3, 2])
with map_column:
    base, new = mapframe.base_map("outlines", lang, None, None, drawing=False)  # nothing to draw when presenting
    fitted = mapframe.fitted_view(chosen, "present_fitted")
    st_folium(
        base,
        key="present_map",
        height=430,
        render=new,
        use_container_width=True,
        center=fitted[0],
        zoom=fitted[1],
        feature_group_to_add=build_layers(shown_layers, chosen, lang),
        returned_objects=[],
    )
    st.html(legend_html(shown_layers, chosen, lang))
with charts_column:
    for name in PRESENTED_CHARTS:
        chart = summary_chart(name, summary, lang, chosen.partner_names, top=PRESENTED_BARS)
        st.altair_chart(presented(chart, FONT_PX - 6), width="stretch")
