"""Datos: the selected innovations as a table (public fields only)."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.tables import public_table

lang = state.language()
data = state.dataset()
shown = state.selection(data)

st.title(t("data.heading", lang))
st.caption(t("data.caption", lang))
st.markdown(t("filters.showing", lang, shown=len(shown), total=len(data.innovations)))
st.dataframe(public_table(shown, data.communities, state.partner_names(data), lang),
             hide_index=True, width="stretch", key="data_table")
