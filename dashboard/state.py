"""The one small Streamlit module besides the views: loaded data, language, the shared filter and the address."""

from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import streamlit as st

from dashboard import auth
from dashboard.data import store
from dashboard.data.conform import ContractError
from dashboard.data.vocab import (
    CROP,
    DOMAIN,
    INNOVATOR_TYPE,
    LANGUAGES,
    LIVESTOCK,
    NATURAL_REGION,
    PID_STAGE,
    country_label,
    region_label,
)
from dashboard.filtering import filters as filtering
from dashboard.filtering import share
from dashboard.filtering.filters import FilterIndex, Filters
from dashboard.filtering.selection import Selection, partner_names
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.map import maps
from dashboard.map.layers import boundary_levels
from dashboard.paths import store_path
from dashboard.safe_text import literal
from dashboard.summary import charts

# Widget keys: named once, used by the views and by the tests.
LANGUAGE = "language"
CLEAR = "filter_clear"
YEARS = "filter_years"
TEXT = "filter_text"
FILTER_KEYS = {  # Filters field -> multiselect key
    "countries": "filter_country", "regions": "filter_region", "provinces": "filter_province",
    "districts": "filter_district", "crops": "filter_crop", "livestock": "filter_livestock",
    "partners": "filter_partner", "domains": "filter_domain", "pid_stages": "filter_stage",
    "innovator_types": "filter_innovator", "natural_regions": "filter_natural_region",
}
REGION, CROP_KEY, PARTNER = FILTER_KEYS["regions"], FILTER_KEYS["crops"], FILTER_KEYS["partners"]
LAYERS = "map_layers"
BASEMAP = "map_basemap"
LEVEL = "map_level"  # the boundary level the choropleth colours by
IN_VIEW = "map_in_view"
MAP = "map"
AREA = "map_area"  # the polygon drawn on the map (not a widget)
BOUNDS = "map_bounds"  # the map's bounds while "only what is in view" is on (not a widget)
START_VIEW = "map_start_view"  # centre and zoom the map opened with
NOTICES = "address_notices"
# address -> file, title key, icon; the first is the default page
PAGES = {
    "mapa": ("views/mapa.py", "nav.map", ":material/map:"),
    "resumen": ("views/resumen.py", "nav.summary", ":material/bar_chart:"),
    "datos": ("views/datos.py", "nav.data", ":material/table:"),
    "gestionar": ("views/gestionar.py", "nav.manage", ":material/edit_note:"),
    "acerca": ("views/acerca.py", "nav.about", ":material/info:"),
}
# while the atlas has no innovation it opens on this page, which explains how to import one's own data
WELCOME = {"bienvenida": ("views/bienvenida.py", "welcome.nav", ":material/waving_hand:")}
PRESENT = "present"  # the sidebar's button that opens presentation mode
PRESENT_PAGE = "presentacion"  # presentation mode's address: no sidebar, large text, map and key figures
PRESENT_FILE = "views/presentacion.py"
RETURN_PAGE = "present_return"  # the page presentation mode goes back to
_ADDRESS_READ = "address_read"
PERSISTENT = (LANGUAGE, YEARS, TEXT, LAYERS, BASEMAP, LEVEL, IN_VIEW, *FILTER_KEYS.values())
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def language() -> str:
    """The language the user chose; Spanish until they choose."""
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(path: str, stamp: int) -> tuple[store.Dataset, FilterIndex]:
    # keyed by path and modification time: a rewritten store is read again
    data = store.load(Path(path))
    return data, FilterIndex.build(data.innovations, data.communities)


def _loaded() -> tuple[store.Dataset, FilterIndex]:
    path = store_path()
    try:
        return _load(str(path), path.stat().st_mtime_ns if path.exists() else 0)
    except ContractError as error:
        st.error(f"{t('app.store_error', language())}\n\n{error.message(language())}")
        st.stop()


def dataset() -> store.Dataset:
    """The validated store in use, or a clear error in the user's language and a stop."""
    return _loaded()[0]


def keep_widget_values() -> None:
    """Widgets drawn on one page only keep their value when the user visits another page."""
    for key in PERSISTENT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def read_address(data: store.Dataset) -> None:
    """Once per session: take the filter and map view from the page address."""
    if st.session_state.get(_ADDRESS_READ):
        return
    st.session_state[_ADDRESS_READ] = True
    chosen, view, notices = share.decode(st.query_params.to_dict())
    for name, key in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(chosen, name))
    st.session_state[TEXT] = chosen.text
    if chosen.year_from is not None or chosen.year_to is not None:
        first, last = _year_span()
        st.session_state[YEARS] = (chosen.year_from or first, chosen.year_to or last)
    st.session_state[AREA] = chosen.area
    st.session_state[BOUNDS] = chosen.bounds
    st.session_state[IN_VIEW] = chosen.bounds is not None
    st.session_state[LAYERS] = list(view.layers)
    st.session_state[BASEMAP] = view.basemap
    if view.level is not None:
        st.session_state[LEVEL] = view.level
    st.session_state[START_VIEW] = (view.centre, view.zoom)
    st.session_state[NOTICES] = notices


def level_choices(data: store.Dataset) -> list[str]:
    """The boundary levels the map can colour by, finest (the default) first; a stale choice is dropped."""
    levels = boundary_levels(data)
    if st.session_state.get(LEVEL) not in levels:  # a value the options no longer offer would be an error
        st.session_state.pop(LEVEL, None)
    return levels


def show_notices() -> None:
    """Say which address parameters were ignored, once, in the user's language.

    Anyone can write a link: what it says is shown as written, never read as Markdown (a link, an image).
    """
    for notice in st.session_state.pop(NOTICES, []):
        value = notice.value if len(notice.value) <= NOTICE_LENGTH else f"{notice.value[:NOTICE_LENGTH]}…"
        st.toast(t(f"share.{notice.reason}", language(), parameter=literal(notice.parameter), value=literal(value)))


NOTICE_LENGTH = 100  # characters of an ignored value a notice repeats
def write_address() -> None:
    """Put the current filter and layers in the page address, keeping the view the map wrote there."""
    current = st.query_params.to_dict()
    _, view, _ = share.decode({k: v for k, v in current.items() if k in ("lat", "lon", "zoom")})
    wanted = share.encode(current_filters(), current_view(view.centre, view.zoom))
    if wanted != current:
        st.query_params.from_dict(wanted)


def current_view(centre=None, zoom=None) -> share.MapView:
    """Layers, background and boundary level chosen on the Mapa page."""
    level, levels = st.session_state.get(LEVEL), boundary_levels(dataset())
    return share.MapView(centre=centre, zoom=zoom, layers=tuple(st.session_state.get(LAYERS, ["points"])),
                         basemap=st.session_state.get(BASEMAP, "outlines"),
                         level=level if level in levels[1:] else None)  # the finest is the default


def menu(data: store.Dataset) -> dict[str, tuple[str, str, str]]:
    """The pages of the menu by address, the default first: the welcome while the atlas has no innovation."""
    return {**WELCOME, **PAGES} if data.innovations.empty else PAGES


def leave_presentation() -> None:
    """Back to the page presentation mode was opened from (the default page has the empty address)."""
    address = st.session_state.get(RETURN_PAGE, "")
    pages = menu(dataset())
    st.switch_page(pages.get(address, next(iter(pages.values())))[0])


def chart_key(name: str) -> str:
    """The widget key of summary chart `name`."""
    return f"chart_{name}"


def on_chart_pick(name: str) -> None:
    """A click on a chart's bar sets the criterion that bar stands for, on every page."""
    event = st.session_state.get(chart_key(name)) or {}
    picked = (event.get("selection") or {}).get(charts.PICK) or []
    chosen = charts.picked_filters(name, list(picked))
    for criterion, key in FILTER_KEYS.items():
        if criterion in chosen:
            st.session_state[key] = list(chosen[criterion])
    if "year_from" in chosen:
        st.session_state[YEARS] = (chosen["year_from"], chosen["year_to"])


def clear_filters() -> None:
    """Every criterion back to "all" (sidebar, map drawing, "only what is in view")."""
    for key in FILTER_KEYS.values():
        st.session_state[key] = []
    st.session_state[TEXT] = ""
    st.session_state.pop(YEARS, None)
    st.session_state[AREA] = ()
    st.session_state[BOUNDS] = None
    st.session_state[IN_VIEW] = False


def _year_span() -> tuple[int, int]:
    return _loaded()[1].years


def _multiselect(name: str, options, label_key: str, label, container=st.sidebar) -> None:
    key = FILTER_KEYS[name]
    if key in st.session_state:  # a value the options no longer offer would be an error
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    container.multiselect(t(label_key, language()), list(options), key=key, format_func=label,
                          placeholder=t("filters.all", language()))


def sidebar(data: store.Dataset, page: str) -> None:
    """Language switch, the shared filters and presentation mode, drawn by the router for every page."""
    st.sidebar.markdown(f"**{t('app.title', language())}**  \n{t('app.subtitle', language())}")
    # the label stays bilingual so that anyone can find the switch
    st.sidebar.selectbox("Idioma / Language", LANGUAGES, key=LANGUAGE, format_func=LANGUAGE_NAMES.get)
    lang, innovations = language(), data.innovations
    st.sidebar.header(t("filters.heading", lang))
    st.sidebar.text_input(t("filters.text", lang), key=TEXT, placeholder=t("filters.text_hint", lang))
    countries = sorted(innovations["country"].dropna().astype(str).unique())
    if len(countries) > 1:
        _multiselect("countries", countries, "filters.country", lambda c: country_label(c, lang))
    regions = sorted(innovations["region"].dropna().astype(str).unique(), key=region_label)
    _multiselect("regions", regions, "filters.region", region_label)
    places = _loaded()[1].places
    _multiselect("provinces", filtering.choices(places, current_filters(), "province"), "filters.province", str)
    _multiselect("districts", filtering.choices(places, current_filters(), "district"), "filters.district", str)
    _multiselect("crops", CROP.codes, "filters.crop", lambda c: CROP.label(c, lang))
    names = partner_names(data)
    _multiselect("partners", list(names), "filters.partner", names.get)
    first, last = _year_span()
    st.session_state.setdefault(YEARS, (first, last))
    st.sidebar.slider(t("filters.years", lang), first, last, key=YEARS)
    more = st.sidebar.expander(t("filters.more", lang))
    for name, vocabulary, label_key in (
        ("domains", DOMAIN, "filters.domain"), ("livestock", LIVESTOCK, "filters.livestock"),
        ("pid_stages", PID_STAGE, "filters.pid_stage"), ("innovator_types", INNOVATOR_TYPE, "filters.innovator"),
        ("natural_regions", NATURAL_REGION, "filters.natural_region"),
    ):
        _multiselect(name, vocabulary.codes, label_key, lambda c, v=vocabulary: v.label(c, lang), more)
    if st.session_state.get(AREA):
        st.sidebar.caption(t("filters.area_active", lang))
    if st.sidebar.button(t("present.switch", lang), key=PRESENT, help=t("present.help", lang),
                         icon=":material/co_present:"):
        st.session_state[RETURN_PAGE] = page
        st.switch_page(PRESENT_FILE)
    st.sidebar.button(t("filters.clear", lang), key=CLEAR, on_click=clear_filters)


def current_filters() -> Filters:
    """The shared filter as one value, read from the sidebar's widgets and the map."""
    chosen = {name: tuple(st.session_state.get(key, ())) for name, key in FILTER_KEYS.items()}
    years = st.session_state.get(YEARS)
    first, last = _year_span()
    year_from = years[0] if years and years[0] != first else None
    year_to = years[1] if years and years[1] != last else None
    bounds = st.session_state.get(BOUNDS) if st.session_state.get(IN_VIEW) else None
    return Filters(**chosen, year_from=year_from, year_to=year_to, text=st.session_state.get(TEXT, ""),
                   area=tuple(st.session_state.get(AREA, ())), bounds=bounds)


def selection() -> Selection:
    """The store, its index and the innovations the shared filter keeps."""
    data, index = _loaded()
    return Selection.of(data, index, current_filters())


def selected_frame(chosen: Selection) -> gpd.GeoDataFrame:
    """The kept innovations as a frame (for tables)."""
    return chosen.data.innovations.iloc[np.flatnonzero(chosen.keep)]


CLICKED = "map_clicked_row"
_START_BASEMAP = "map_start_basemap"


def start_view(basemap: str) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom for a new map: the address's at first, the current one after a background change.

    The map is only re-created when its background changes; filters only swap its layers.
    """
    if st.session_state.get(_START_BASEMAP) not in (None, basemap):
        _, view, _ = share.decode({k: v for k, v in st.query_params.to_dict().items() if k in ("lat", "lon", "zoom")})
        st.session_state[START_VIEW] = (view.centre, view.zoom)
    st.session_state[_START_BASEMAP] = basemap
    return st.session_state.get(START_VIEW, (None, None))


def map_events(in_view: bool) -> list[str]:
    """What the map reports back: clicks and drawings, and its bounds only while "in view" is on.

    Panning and zooming alone then never rerun the page.
    """
    return ["last_active_drawing", "all_drawings"] + (["bounds"] if in_view else [])


def on_map_change() -> None:
    """Turn what the map reported into the shared filter (drawn area, bounds) and the clicked row."""
    value = st.session_state.get(MAP) or {}
    drawings = value.get("all_drawings")
    if drawings is not None:
        polygons = [d["geometry"]["coordinates"][0] for d in drawings
                    if (d.get("geometry") or {}).get("type") == "Polygon"]
        st.session_state[AREA] = tuple(tuple(round(c, 5) for c in vertex[:2]) for vertex in polygons[-1]) \
            if polygons else ()
    clicked = value.get("last_active_drawing") or {}
    row = (clicked.get("properties") or {}).get("i")
    if (clicked.get("geometry") or {}).get("type") == "Point" and isinstance(row, int):
        st.session_state[CLICKED] = row
    bounds = value.get("bounds")
    if bounds and bounds.get("_southWest") and bounds.get("_northEast"):
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        st.session_state[BOUNDS] = (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])


def clicked_row() -> int:
    """Store row of the innovation last clicked on the map, or -1."""
    return st.session_state.get(CLICKED, -1)


_BASE_MAP = "map_base"


def base_map(basemap: str, lang: str, centre, zoom) -> tuple[folium.Map, bool]:
    """This session's base map, built once per background, language and start view; and whether it is new.

    Building and fully rendering a folium map compiles a dozen templates; reusing it makes a
    filter change cost only its layers (a new map must be rendered once: `st_folium(render=...)`).
    `st_folium` attaches the layers to the map it is given, so the last run's layers come off first.
    """
    wanted = (basemap, lang, centre, zoom)
    built = st.session_state.get(_BASE_MAP)
    new = built is None or built[0] != wanted
    if new:
        built = (wanted, maps.base_map(basemap, lang, centre, zoom))
        st.session_state[_BASE_MAP] = built
    fmap = built[1]
    for name in [name for name in fmap._children if name.startswith("feature_group_")]:
        del fmap._children[name]
    return fmap, new


EDITOR = "editor"  # the signed-in editor of this session (auth.Editor), if any


def secrets() -> dict:
    """The app's secrets, or nothing when no secrets.toml exists (editing then stays off)."""
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def editor() -> auth.Editor | None:
    """Who is signed in to edit: by password in this session, or by the configured OIDC provider."""
    if st.session_state.get(EDITOR) is not None:
        return st.session_state[EDITOR]
    if auth.oidc_configured(secrets()) and getattr(st.user, "is_logged_in", False):
        return auth.editor_from_oidc(st.user.to_dict(), secrets())
    return None


def sign_in(username: str, password: str) -> str | None:
    """Check a password sign-in; None when it worked, else what to tell the user (in their language)."""
    try:
        found = auth.verify(auth.editors_from(secrets()), username, password, client=st.context.ip_address)
    except auth.TooManyAttempts as wait:
        return t("auth.throttled", language(), seconds=wait.seconds)
    except auth.SecretsError as error:
        return error.message(language())
    if found is None:
        return t("auth.wrong", language())
    st.session_state[EDITOR] = found
    return None


def sign_out() -> None:
    st.session_state[EDITOR] = None
    if getattr(st.user, "is_logged_in", False):
        st.logout()
