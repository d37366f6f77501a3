"""Datos: the selected innovations as a table (public fields only), and their download in every format."""

import streamlit as st

from dashboard import state
from dashboard.data.privacy import public_view
from dashboard.i18n import t
from dashboard.pack.downloads import DATA_FORMATS, PACK
from dashboard.summary.tables import public_table
from dashboard.views.offer import offer

lang = state.language()
chosen = state.selection()
data = chosen.data

st.title(t("data.heading", lang))
st.caption(t("data.caption", lang))
st.markdown(t("filters.showing", lang, shown=int(chosen.keep.sum()), total=len(data.innovations)))
# the committee's table ties every record to its community; anyone else's, only the public records
listed = chosen.frame if state.viewer().committee else public_view(data, chosen.keep).innovations
st.dataframe(
    public_table(listed, data.communities, chosen.partner_names, lang),
    hide_index=True,
    width="stretch",
    key="data_table",
)

st.subheader(t("pack.data_heading", lang))
editor = state.viewer().committee  # the committee takes away the full records, names and exact points included
st.caption(t("pack.data_caption_editor" if editor else "pack.data_caption", lang))
for column, code in zip(st.columns(len(DATA_FORMATS)), DATA_FORMATS, strict=True):
    offer(column, PACK[code], chosen, lang, key=f"download_{code}", editor=editor)
