"""Presentation mode: the filter as a title, key figures, the map and two charts, large, no controls.

Everything fits a 1280×720 projector with no text under 24 px: the points are drawn in one
colour (a legend of eleven domains has no room), the charts show the six most frequent values
with their counts written on the bars, and the page never scrolls.
"""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.filtering.filters import describe
from dashboard.i18n import t
from dashboard.map.layers import PRESENTED, build_layers
from dashboard.map.legend import legend_html
from dashboard.safe_text import for_markdown
from dashboard.summary.charts import Look, presented, summary_chart
from dashboard.summary.figures import PRESENTED as FIGURES
from dashboard.summary.figures import shown_figure
from dashboard.summary.small import guarded
from dashboard.summary.summaries import summarise
from dashboard.views import mapframe

FONT_PX = 24  # the smallest text on a 1280×720 projector
MAP_HEIGHT = 440  # pixels: with the title, the figures and the legend, inside 720
PRESENTED_LAYERS = ("points", "regions")
PLAYED_LAYERS = ("years",)  # what is presented instead while the Mapa page shows the year player
PRESENTED_CHARTS = ("region", "pid_stage")
PRESENTED_BARS = 6  # the most frequent values: two charts of six bars fit beside the map
LOOK = Look(numbers=True, label_limit=FONT_PX * 14)

lang = state.language()
chosen = state.public_selection()  # a room sees what the public may see, whoever presents
summary = guarded(summarise(chosen.index, chosen.keep), chosen)
shown_layers = PLAYED_LAYERS if "years" in st.session_state.get(state.LAYERS, ()) else PRESENTED_LAYERS

# Streamlit sizes its text in rem: a larger root size enlarges everything at once.
st.html(f"""<style>
html {{ font-size: {FONT_PX}px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {{
  display: none; }}
.block-container {{ padding: 0.4rem 1rem 0; max-width: 100%; }}
.block-container [data-testid="stVerticalBlock"] {{ gap: 0.4rem; }}
.block-container h2 {{ font-size: 1.5rem; padding: 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
[data-testid="stMetricValue"] {{ font-size: 1.6rem; }}
[data-testid="stMetricLabel"] p {{ font-size: 1rem; }}
.block-container button p {{ font-size: 1rem; }}
</style>""")
heading, leave = st.columns([6, 1], vertical_alignment="center")
heading.markdown(f"## {for_markdown(describe(chosen.filters, lang, chosen.partner_names))}")
if leave.button(t("present.exit", lang), key="present_exit", type="tertiary", icon=":material/close:"):
    state.leave_presentation()

for column, name in zip(st.columns(len(FIGURES)), FIGURES, strict=True):
    label = t("present.advanced", lang) if name == "advanced" else t(f"summary.{name}", lang)  # fits 1280 px
    column.metric(label, shown_figure(summary.headline, name, lang))

map_column, charts_column = st.columns(2)
with map_column:
    base, new = mapframe.base_map("outlines", lang, None, None, drawing=False)  # nothing to draw when presenting
    fitted = mapframe.fitted_view(chosen, "present_fitted")
    st_folium(
        base,
        key="present_map",
        height=MAP_HEIGHT,
        render=new,
        use_container_width=True,
        center=fitted[0],
        zoom=fitted[1],
        feature_group_to_add=build_layers(shown_layers, chosen, lang, layers=PRESENTED),
        returned_objects=[],
    )
    st.html(legend_html(shown_layers, chosen, lang, layers=PRESENTED, size="1rem"))
with charts_column:
    for name in PRESENTED_CHARTS:
        chart = summary_chart(name, summary, lang, chosen.partner_names, top=PRESENTED_BARS, look=LOOK)
        st.altair_chart(presented(chart, FONT_PX, t(f"present.chart_{name}", lang)), width="stretch")
