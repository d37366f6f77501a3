"""Router: page configuration, the shared sidebar, and navigation between the views."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.paths import STATIC

st.set_page_config(page_title="Prolinnova–Perú · Atlas", page_icon=str(STATIC / "icon.png"), layout="wide")
data = state.dataset()
state.keep_widget_values()
state.read_address(data)
state.sidebar(data)
lang = state.language()
pages = [
    st.Page("views/mapa.py", title=t("nav.map", lang), icon=":material/map:", url_path="mapa", default=True),
    st.Page("views/resumen.py", title=t("nav.summary", lang), icon=":material/bar_chart:", url_path="resumen"),
    st.Page("views/datos.py", title=t("nav.data", lang), icon=":material/table:", url_path="datos"),
    st.Page("views/acerca.py", title=t("nav.about", lang), icon=":material/info:", url_path="acerca"),
]
page = st.navigation(pages)
if data.is_demo:
    st.caption(f":material/science: {t('app.demo_notice', lang)}")
state.show_notices()
page.run()
state.write_address()
