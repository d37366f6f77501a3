"""The one small Streamlit module besides the views: loaded data, language and the shared filter."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from dashboard import filters as filtering
from dashboard import outlines as country_outlines
from dashboard import store
from dashboard.conform import ContractError
from dashboard.filters import Filters
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.paths import store_path
from dashboard.vocab import CROP, LANGUAGES, region_label

# Widget keys: named once, used by the views and by the tests.
LANGUAGE = "language"
REGION = "filter_region"
CROP_KEY = "filter_crop"
PARTNER = "filter_partner"
CLEAR = "filter_clear"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def language() -> str:
    """The language the user chose; Spanish until they choose."""
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(path: str, stamp: int) -> store.Dataset:
    # keyed by path and modification time: a rewritten store is read again
    return store.load(Path(path))


def dataset() -> store.Dataset:
    """The validated store in use, or a clear error in the user's language and a stop."""
    path = store_path()
    try:
        return _load(str(path), path.stat().st_mtime_ns if path.exists() else 0)
    except ContractError as error:
        st.error(f"{t('app.store_error', language())}\n\n{error.message(language())}")
        st.stop()


@st.cache_resource(show_spinner=False)
def outlines() -> gpd.GeoDataFrame:
    """Country outlines for the offline basemap."""
    return country_outlines.outlines()


def partner_names(data: store.Dataset) -> dict[str, str]:
    """Short partner names for lists and charts: the acronym where there is one."""
    names = data.partners["acronym"].fillna(data.partners["name"])
    return dict(zip(data.partners["partner_id"], names, strict=True))


def _clear_filters() -> None:
    for key in (REGION, CROP_KEY, PARTNER):
        st.session_state[key] = []


def sidebar(data: store.Dataset) -> None:
    """Language switch and the shared filters, drawn once by the router for every page."""
    st.sidebar.markdown(f"**{t('app.title', language())}**  \n{t('app.subtitle', language())}")
    # the label stays bilingual so that anyone can find the switch
    st.sidebar.selectbox("Idioma / Language", LANGUAGES, key=LANGUAGE, format_func=LANGUAGE_NAMES.get)
    lang = language()
    st.sidebar.header(t("filters.heading", lang))
    present = sorted(data.innovations["region"].dropna().astype(str).unique(), key=region_label)
    st.sidebar.multiselect(t("filters.region", lang), present, key=REGION, format_func=region_label,
                           placeholder=t("filters.all", lang))
    st.sidebar.multiselect(t("filters.crop", lang), CROP.codes, key=CROP_KEY,
                           format_func=lambda code: CROP.label(code, lang), placeholder=t("filters.all", lang))
    names = partner_names(data)
    st.sidebar.multiselect(t("filters.partner", lang), list(names), key=PARTNER, format_func=names.get,
                           placeholder=t("filters.all", lang))
    st.sidebar.button(t("filters.clear", lang), key=CLEAR, on_click=_clear_filters)


def current_filters() -> Filters:
    """The shared filter as one value, read from the sidebar's widgets."""
    return Filters(
        regions=tuple(st.session_state.get(REGION, ())),
        crops=tuple(st.session_state.get(CROP_KEY, ())),
        partners=tuple(st.session_state.get(PARTNER, ())),
    )


def selection(data: store.Dataset) -> gpd.GeoDataFrame:
    """The innovations that meet the shared filter."""
    return filtering.apply(data.innovations, current_filters())
