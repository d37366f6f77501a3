"""Datos: the selected innovations as a table (public fields only)."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.tables import public_table

lang = state.language()
chosen = state.selection()
data = chosen.data

st.title(t("data.heading", lang))
st.caption(t("data.caption", lang))
st.markdown(t("filters.showing", lang, shown=int(chosen.keep.sum()), total=len(data.innovations)))
st.dataframe(public_table(state.selected_frame(chosen), data.communities, chosen.partner_names, lang),
             hide_index=True, width="stretch", key="data_table")
