"""Acerca de: the platform, its partners, its history and the data shown."""

from pathlib import Path

import streamlit as st

from dashboard import state
from dashboard.data.backend import open_store
from dashboard.data.localcontexts import collection_labels
from dashboard.i18n import t
from dashboard.map.details import badges_html
from dashboard.summary.about import HISTORY, partner_table

lang = state.language()
data = state.dataset()

st.title(t("about.heading", lang))
st.markdown(t("about.intro", lang))

st.header(t("about.history", lang))
for year, key in HISTORY:
    st.markdown(f"**{year}** — {t(f'history.{key}', lang)}")

st.header(t("about.partners", lang))
st.dataframe(partner_table(data.partners, lang), hide_index=True, width="stretch")

st.header(t("about.data_heading", lang))
if data.is_demo:
    st.info(t("about.data_demo", lang))
else:
    st.markdown(t("about.data_real", lang, path=Path(open_store().location).name))

st.header(t("about.map_heading", lang))
st.markdown(t("about.map_sources", lang))

collection = collection_labels(data.metadata)  # Local Contexts labels that apply to every record, said once here
if collection or data.innovations["labels"].map(len).any():
    st.header(t("about.labels_heading", lang))
    if collection:
        st.markdown(t("about.labels_collection", lang))
        st.html(badges_html(collection, lang))
    st.caption(t("about.labels_note", lang))
