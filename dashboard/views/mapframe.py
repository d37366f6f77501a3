"""The map frame the Mapa page and presentation mode share: its start view, a base map kept per session,
and what the map reports back (a drawn area, the bounds in view, a clicked point)."""

import folium
import streamlit as st

from dashboard import address, state
from dashboard.filtering.selection import Selection
from dashboard.map import maps
from dashboard.map.view import fit

_START_BASEMAP = "map_start_basemap"
_FITTED = "map_fitted"  # the filter the map was last fitted to, and the centre and zoom it got


def fitted_view(chosen: Selection, key: str = _FITTED) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom that show the selected innovations, refitted whenever the filter changes.

    Panning with "only what is in view" on changes only the bounds, which never refits; the first
    view of a session is the link's own when the link carries one.
    """
    wanted = chosen.filters.replaced(bounds=None)
    last = st.session_state.get(key)
    if last is not None and last[0] == wanted:
        return last[1]
    linked = st.session_state.get(state.START_VIEW, (None, None))
    rows = chosen.rows
    view = linked if last is None and linked[0] is not None else fit(chosen.index.y[rows], chosen.index.x[rows])
    st.session_state[key] = (wanted, view or (None, None))
    return st.session_state[key][1]


def start_view(basemap: str) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom for a new map: the address's at first, the current one after a background change.

    The map is only re-created when its background changes; filters only swap its layers.
    """
    if st.session_state.get(_START_BASEMAP) not in (None, basemap):
        st.session_state[state.START_VIEW] = address.map_position(st.query_params.to_dict())
    st.session_state[_START_BASEMAP] = basemap
    return st.session_state.get(state.START_VIEW, (None, None))


def map_events(in_view: bool) -> list[str]:
    """What the map reports back: clicks and drawings, and its bounds only while "in view" is on.

    Panning and zooming alone then never rerun the page.
    """
    return ["last_active_drawing", "all_drawings"] + (["bounds"] if in_view else [])


def on_map_change() -> None:
    """Turn what the map reported into the shared filter (drawn area, bounds) and the clicked row."""
    value = st.session_state.get(state.MAP) or {}
    drawings = value.get("all_drawings")
    if drawings is not None:
        polygons = [
            d["geometry"]["coordinates"][0] for d in drawings if (d.get("geometry") or {}).get("type") == "Polygon"
        ]
        st.session_state[state.AREA] = (
            tuple(tuple(round(c, 5) for c in vertex[:2]) for vertex in polygons[-1]) if polygons else ()
        )
    clicked = value.get("last_active_drawing") or {}
    row = (clicked.get("properties") or {}).get("i")
    if (clicked.get("geometry") or {}).get("type") == "Point" and isinstance(row, int):
        st.session_state[state.CLICKED] = row
    bounds = value.get("bounds")
    if bounds and bounds.get("_southWest") and bounds.get("_northEast"):
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        st.session_state[state.BOUNDS] = (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])


def clicked_row() -> int:
    """Store row of the innovation last clicked on the map, or -1."""
    return st.session_state.get(state.CLICKED, -1)


_BASE_MAP = "map_base"


def base_map(basemap: str, lang: str, centre, zoom, drawing: bool = True) -> tuple[folium.Map, bool]:
    """This session's base map, built once per background, language, start view and tools; and whether it is new.

    Building and fully rendering a folium map compiles a dozen templates; reusing it makes a
    filter change cost only its layers (a new map must be rendered once: `st_folium(render=...)`).
    `st_folium` attaches the layers to the map it is given, so the last run's layers come off first.
    """
    wanted = (basemap, lang, centre, zoom, drawing)
    built = st.session_state.get(_BASE_MAP)
    new = built is None or built[0] != wanted
    if new:
        built = (wanted, maps.base_map(basemap, lang, centre, zoom, drawing))
        st.session_state[_BASE_MAP] = built
    fmap = built[1]
    for name in [name for name in fmap._children if name.startswith("feature_group_")]:
        del fmap._children[name]
    return fmap, new
