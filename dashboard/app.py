"""Router: page configuration, the shared sidebar, and navigation between the views."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.paths import STATIC
from dashboard.views import sidebar

st.set_page_config(page_title="Prolinnova–Perú · Atlas", page_icon=str(STATIC / "icon.png"), layout="wide")
data = state.dataset()
state.keep_widget_values()
state.read_address(data)
lang = state.language()
pages = [
    st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=number == 0)
    for number, (url, (path, title, icon)) in enumerate(state.menu(data).items())
]
# presentation mode is not in the menu: the sidebar's button opens it
pages.append(
    st.Page(state.PRESENT_FILE, title=t("present.switch", lang), url_path=state.PRESENT_PAGE, visibility="hidden")
)
page = st.navigation(pages)
chosen = state.select(data)  # the filter, built once from the widgets, and what it keeps
if page.url_path == state.PRESENT_PAGE:
    page.run()
else:
    sidebar.draw(chosen, page.url_path)
    if data.is_demo:
        st.caption(f":material/science: {t('app.demo_notice', state.language())}")
    state.show_notices()
    page.run()
state.write_address()
