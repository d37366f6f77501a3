"""The one small Streamlit module besides the views: loaded data, language, the shared filter and the address."""

from __future__ import annotations

import streamlit as st

from dashboard import address, auth
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.dataset import Dataset
from dashboard.data.viewers import PUBLIC, Viewer, viewed
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.map.layers import DEFAULT_LAYERS
from dashboard.map.shapes import boundary_levels
from dashboard.paths import store_location
from dashboard.safe_text import literal
from dashboard.summary import charts

# Widget keys: named once, used by the views and by the tests.
LANGUAGE = "language"
CLEAR = "filter_clear"
YEARS = "filter_years"
YEARS_SPAN = "filter_years_span"  # the first and last year of the data the year slider was made for
TEXT = "filter_text"
SELECTION = "selection"  # this rerun's Selection (not a widget), built once by the router
LAYERS = "map_layers"
BASEMAP = "map_basemap"
LEVEL = "map_level"  # the boundary level the choropleth colours by
IN_VIEW = "map_in_view"
MAP = "map"
AREA = "map_area"  # the polygon drawn on the map (not a widget)
BOUNDS = "map_bounds"  # the map's bounds while "only what is in view" is on (not a widget)
START_VIEW = "map_start_view"  # centre and zoom the map opened with
CLICKED = "map_clicked_row"  # store row of the innovation last clicked on the map (not a widget)
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
PERSISTENT = (LANGUAGE, YEARS, TEXT, LAYERS, BASEMAP, LEVEL, IN_VIEW, *(c.widget for c in CRITERIA.values()))


def language() -> str:
    """The language the user chose; Spanish until they choose."""
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


@st.cache_resource(show_spinner=False, max_entries=2)
def _stored(location: str, revision: str) -> Dataset:
    # keyed by the store's revision: a store written since is read again; the value is immutable.
    # `location` is the configured one as given (a database address keeps its password, which is
    # needed to reopen it and is never shown), not `AtlasStore.location`.
    return open_store(location).load()


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(location: str, revision: str, seen_as: Viewer) -> tuple[Dataset, FilterIndex]:
    data = viewed(_stored(location, revision), seen_as)  # what this viewer may see, and nothing more
    return data, FilterIndex.build(data.innovations, data.communities)


def viewer() -> Viewer:
    """Who is looking: the signed-in person's role (and a reader's partner), else the public."""
    try:
        who = editor()
    except auth.SecretsError:  # a mistake in secrets.toml: *Gestionar datos* names it; every other page is public
        return PUBLIC
    if who is None:
        return PUBLIC
    return Viewer(who.role, who.partner if who.role == "reader" else None)


def _loaded() -> tuple[Dataset, FilterIndex]:
    try:
        atlas = open_store()
        return _load(str(store_location()), atlas.revision(), viewer())
    except ContractError as error:
        st.error(f"{t('app.store_error', language())}\n\n{error.message(language())}")
        st.stop()


def dataset() -> Dataset:
    """The validated store in use, or a clear error in the user's language and a stop."""
    return _loaded()[0]


def keep_widget_values() -> None:
    """Widgets drawn on one page only keep their value when the user visits another page."""
    for key in PERSISTENT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def read_address(data: Dataset) -> None:
    """Once per session: take the filter, the map view and the language from the page address."""
    if st.session_state.get(_ADDRESS_READ):
        return
    st.session_state[_ADDRESS_READ] = True
    chosen, view, notices = address.decode(st.query_params.to_dict())
    _show(chosen)
    st.session_state[LAYERS] = list(view.layers)
    st.session_state[BASEMAP] = view.basemap
    st.session_state[LANGUAGE] = view.language
    if view.level is not None:
        st.session_state[LEVEL] = view.level
    st.session_state[START_VIEW] = (view.centre, view.zoom)
    st.session_state[NOTICES] = notices


def level_choices(data: Dataset) -> list[str]:
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
    """Put the current filter, layers and language in the page address, keeping the view the map wrote there."""
    current = st.query_params.to_dict()
    wanted = address.encode(selection().filters, current_view(*address.map_position(current)))
    if wanted != current:
        st.query_params.from_dict(wanted)


def current_view(centre=None, zoom=None) -> address.MapView:
    """Layers, background and boundary level chosen on the Mapa page, and the language."""
    level, levels = st.session_state.get(LEVEL), boundary_levels(dataset())
    return address.MapView(
        centre=centre,
        zoom=zoom,
        layers=tuple(st.session_state.get(LAYERS, DEFAULT_LAYERS)),
        basemap=st.session_state.get(BASEMAP, address.MapView().basemap),
        level=level if level in levels[1:] else None,  # the finest is the default
        language=language(),
    )


def menu(data: Dataset) -> dict[str, tuple[str, str, str]]:
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
    _show(charts.picked_filters(name, list(picked), selection().filters))


def clear_filters() -> None:
    """Every criterion back to "all" (sidebar, map drawing, "only what is in view")."""
    _show(Filters())


def year_span() -> tuple[int, int]:
    """First and last year documented: the year slider's ends."""
    return _loaded()[1].years


def _show(filters: Filters) -> None:
    """Set every filter widget (and the map's area and bounds) to show `filters`."""
    for criterion in CRITERIA.values():
        st.session_state[criterion.widget] = list(filters.chosen(criterion.name))
    st.session_state[TEXT] = filters.text
    if filters.year_from is None and filters.year_to is None:
        st.session_state.pop(YEARS, None)  # the slider's default: the whole span
    else:
        first, last = year_span()
        st.session_state[YEARS] = (filters.year_from or first, filters.year_to or last)
    st.session_state[AREA] = filters.area
    st.session_state[BOUNDS] = filters.bounds
    st.session_state[IN_VIEW] = filters.bounds is not None


def _from_widgets(data: Dataset, index: FilterIndex) -> Filters:
    """The filter the widgets show; a code its list no longer offers (a province of another region) is dropped."""
    first, last = year_span()
    if st.session_state.get(YEARS_SPAN, (first, last)) != (first, last):  # other data: signed in or out, an import
        if tuple(st.session_state.get(YEARS, ())) == st.session_state[YEARS_SPAN]:
            st.session_state.pop(YEARS, None)  # "every year" of the data before stays every year, not a filter
    st.session_state[YEARS_SPAN] = (first, last)
    years = st.session_state.get(YEARS) or (first, last)
    filters = Filters(
        year_from=years[0] if years[0] != first else None,
        year_to=years[1] if years[1] != last else None,
        text=st.session_state.get(TEXT, ""),
        area=tuple(st.session_state.get(AREA, ())),
        bounds=st.session_state.get(BOUNDS) if st.session_state.get(IN_VIEW) else None,
    )
    for criterion in CRITERIA.values():  # coarser places first, so finer ones are narrowed by them
        chosen = st.session_state.get(criterion.widget, [])
        offered = set(criterion.options(data, index, filters)) if chosen else set()
        kept = [code for code in chosen if code in offered]
        if kept != chosen:  # a value the widget no longer offers would be an error
            st.session_state[criterion.widget] = kept
        filters = filters.replaced(**{criterion.name: kept})
    return filters


def select(data: Dataset) -> Selection:
    """Build this rerun's selection from the widgets, once; pages read it with `selection()`."""
    index = _loaded()[1]
    chosen = Selection.of(data, index, _from_widgets(data, index))
    st.session_state[SELECTION] = chosen
    return chosen


def selection() -> Selection:
    """This rerun's selection: the store, its index, the filter and the innovations it keeps."""
    return st.session_state[SELECTION]


def public_selection() -> Selection:
    """The same filter over what the public may see: what a handout (brief, map file, poster, chart) is made of."""
    chosen = selection()
    if viewer() == PUBLIC:
        return chosen
    atlas = open_store()
    data, index = _load(str(store_location()), atlas.revision(), PUBLIC)
    return Selection.of(data, index, chosen.filters)


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
