"""Bienvenida: an atlas with no innovation yet opens here, with the steps to import one's own data."""

from pathlib import Path

import streamlit as st

from dashboard import state
from dashboard.data.backend import open_store
from dashboard.i18n import t

lang = state.language()
data = state.dataset()
location = open_store().location  # a database address is shown without its password

st.title(t("welcome.heading", lang))
st.markdown(t("welcome.intro", lang))
st.caption(
    t(
        "welcome.counts",
        lang,
        store=Path(location).name,
        partners=len(data.partners),
        communities=len(data.communities),
        innovations=len(data.innovations),
    )
)
if data.partners.empty:
    st.warning(t("welcome.no_partners", lang))
st.markdown(t("welcome.steps", lang, store=location))
st.page_link(state.PAGES["gestionar"][0], label=t("welcome.go_manage", lang), icon=":material/edit_note:")
