"""Mapa: where the selected innovations are; click a point for its details, draw to select an area."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.data.vocab import BOUNDARY_LEVEL
from dashboard.filtering.filters import describe
from dashboard.i18n import t
from dashboard.map.details import badges_html, innovation_details, labels_of
from dashboard.map.layers import LAYERS, build_layers
from dashboard.map.legend import legend_html
from dashboard.map.maps import BASEMAPS
from dashboard.map.shapes import outside_boundaries
from dashboard.safe_text import for_markdown
from dashboard.views import mapframe

lang = state.language()
chosen = state.selection()
data = chosen.data

st.title(t("map.heading", lang))
st.markdown(
    f"**{for_markdown(describe(chosen.filters, lang, chosen.partner_names))}** · "
    + t("filters.showing", lang, shown=int(chosen.keep.sum()), total=len(data.innovations))
)
layers_column, basemap_column, view_column = st.columns([3, 2, 1.3], vertical_alignment="bottom")
layers = tuple(
    layers_column.multiselect(
        t("map.layers", lang), list(LAYERS), key=state.LAYERS, format_func=lambda c: LAYERS[c].label(lang)
    )
)
basemap = basemap_column.selectbox(
    t("map.basemap.label", lang), list(BASEMAPS), key=state.BASEMAP, format_func=lambda c: t(f"map.basemap.{c}", lang)
)
in_view = view_column.toggle(t("map.in_view", lang), key=state.IN_VIEW)
levels, level = state.level_choices(data), None
if "choropleth" in layers and len(levels) > 1:
    level = st.selectbox(
        t("boundaries_check.level", lang), levels, key=state.LEVEL, format_func=lambda c: BOUNDARY_LEVEL.label(c, lang)
    )
if not chosen.keep.any():
    st.info(t("map.empty", lang))

map_column, side_column = st.columns([3, 1])
centre, zoom = mapframe.start_view(basemap)
base, new = mapframe.base_map(basemap, lang, centre, zoom)
fitted = mapframe.fitted_view(chosen)  # after every filter change the map frames the selection
with map_column:
    st_folium(
        base,
        key=state.MAP,
        height=600,
        render=new,
        use_container_width=True,
        center=fitted[0],
        zoom=fitted[1],
        feature_group_to_add=build_layers(layers, chosen, lang, level),
        returned_objects=mapframe.map_events(in_view),
        on_change=mapframe.on_map_change,
    )
    # the captions explain what is drawn: the clusters only while the points are shown
    parts = ("points", "draw") if "points" in layers else ("draw",)
    st.caption(" ".join(t(f"map.caption_{part}", lang) for part in parts))
with side_column:
    row = mapframe.clicked_row()
    shown = 0 <= row < len(chosen.keep) and chosen.keep[row]
    editor = state.viewer().committee  # the committee's card names the community; anyone else's only the area
    details = innovation_details(data, row, lang, chosen.partner_names, editor=editor) if shown else {}
    if details:
        title, *rest = details.items()
        st.subheader(for_markdown(title[1]))
        for label, value in rest:
            if label == t("columns.labels", lang):  # the community's labels: each badge with its name and meaning
                st.markdown(f"**{for_markdown(label)}:**")
                st.html(badges_html(labels_of(data, row), lang))
            else:
                st.markdown(f"**{for_markdown(label)}:** {for_markdown(value)}")
    else:
        st.caption(t("map.click_hint", lang))
    st.html(legend_html(layers, chosen, lang, basemap))
    outside = outside_boundaries(chosen, level) if "choropleth" in layers else None
    if outside is not None:  # records beyond every boundary are said, never silently left off the map
        st.caption(t("boundaries_check.outside", lang, count=outside))
    if "choropleth" in layers and levels == ["region"]:  # only the bundled regions: say how to add finer levels
        st.caption(t("map.more_levels", lang))
