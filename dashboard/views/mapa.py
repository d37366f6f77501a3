"""Mapa: where the selected innovations are."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.filters import describe
from dashboard.i18n import t
from dashboard.safe_text import for_markdown
from dashboard.maps import build_map

lang = state.language()
data = state.dataset()
shown = state.selection(data)

st.title(t("map.heading", lang))
st.markdown(f"**{for_markdown(describe(state.current_filters(), lang, state.partner_names(data)))}** · "
            + t("filters.showing", lang, shown=len(shown), total=len(data.innovations)))
if shown.empty:
    st.info(t("map.empty", lang))
st_folium(
    build_map(shown, data.communities, state.outlines(), lang),
    key="map", height=560, use_container_width=True, returned_objects=[],
)
st.caption(t("map.caption", lang))
