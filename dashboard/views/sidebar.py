"""The sidebar every page shares: language, one filter widget per criterion of the registry, presentation mode."""

import streamlit as st

from dashboard import state
from dashboard.filtering.criteria import CRITERIA, Criterion
from dashboard.filtering.selection import Selection
from dashboard.i18n import language_name, languages, t
from dashboard.views import share


def _criterion(criterion: Criterion, chosen: Selection, lang: str, container) -> None:
    options = criterion.options(chosen.data, chosen.index, chosen.filters)
    if criterion.single_hidden and len(options) <= 1:
        return
    container.multiselect(
        t(criterion.label, lang),
        options,
        key=criterion.widget,
        format_func=lambda code: criterion.show(code, lang, chosen.partner_names),
        placeholder=t("filters.all", lang),
    )


def draw(chosen: Selection, page: str) -> None:
    """Draw the shared sidebar for `page`, showing the filter `chosen` was built from."""
    st.sidebar.markdown(f"**{t('app.title', state.language())}**  \n{t('app.subtitle', state.language())}")
    # the label stays bilingual so that anyone can find the switch; every catalogue file is a choice
    st.sidebar.selectbox("Idioma / Language", languages(), key=state.LANGUAGE, format_func=language_name)
    lang = state.language()
    st.sidebar.header(t("filters.heading", lang))
    st.sidebar.text_input(t("filters.text", lang), key=state.TEXT, placeholder=t("filters.text_hint", lang))
    for criterion in CRITERIA.values():
        if not criterion.more:
            _criterion(criterion, chosen, lang, st.sidebar)
    first, last = state.year_span()
    st.session_state.setdefault(state.YEARS, (first, last))
    st.sidebar.slider(t("filters.years", lang), first, last, key=state.YEARS)
    more = st.sidebar.expander(t("filters.more", lang))
    for criterion in CRITERIA.values():
        if criterion.more:
            _criterion(criterion, chosen, lang, more)
    if chosen.filters.area:
        st.sidebar.caption(t("filters.area_active", lang))
    if st.sidebar.button(
        t("present.switch", lang), key=state.PRESENT, help=t("present.help", lang), icon=":material/co_present:"
    ):
        st.session_state[state.RETURN_PAGE] = page
        st.switch_page(state.PRESENT_FILE)
    st.sidebar.button(t("filters.clear", lang), key=state.CLEAR, on_click=state.clear_filters)
    share.button(lang)
