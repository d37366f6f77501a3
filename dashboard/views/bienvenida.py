"""Bienvenida: an atlas with no innovation yet opens here, with the steps to import one's own data."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.paths import store_path

lang = state.language()
data = state.dataset()
path = store_path()

st.title(t("welcome.heading", lang))
st.markdown(t("welcome.intro", lang))
st.caption(
    t(
        "welcome.counts",
        lang,
        store=path.name,
        partners=len(data.partners),
        communities=len(data.communities),
        innovations=len(data.innovations),
    )
)
if data.partners.empty:
    st.warning(t("welcome.no_partners", lang))
st.markdown(t("welcome.steps", lang, store=path))
st.page_link(state.PAGES["gestionar"][0], label=t("welcome.go_manage", lang), icon=":material/edit_note:")
