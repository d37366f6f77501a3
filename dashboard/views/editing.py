"""Add or edit one innovation or community: choices from the vocabularies, the point by map click or typed."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.auth import Editor
from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS
from dashboard.data.vocab import VOCABULARIES, region_label, regions
from dashboard.i18n import t
from dashboard.intake import audit, commit, coords
from dashboard.intake.changes import Changes, Source
from dashboard.map import maps
from dashboard.safe_text import for_markdown

ENTITIES = {"innovations": INNOVATIONS, "communities": COMMUNITIES}
NEW = ""  # the choice that starts a new record
LAT, LON, SEEN, OPENED = "edit_lat", "edit_lon", "edit_seen", "edit_opened"
CODED = {"innovations": ("kind", "domain", "pid_stage", "innovator_type"), "communities": ("people", "slope",
                                                                                          "location_source")}


def _choose(frame, entity, lang: str) -> str:
    ids = [NEW, *frame[entity.id_field]]
    names = dict(zip(frame[entity.id_field], frame["title" if entity is INNOVATIONS else "name"], strict=True))
    return st.selectbox(t("manage.edit.choose", lang), ids, key=f"edit_choice_{entity.layer}",
                        format_func=lambda i: t("manage.edit.new", lang) if i == NEW else f"{i} · {names[i]}")


def _opened(entity, record_id: str, record, data) -> None:
    """When a record is opened: remember the revision seen and put its point in the coordinate fields."""
    if st.session_state.get(OPENED) == (entity.layer, record_id):
        return
    st.session_state[OPENED] = (entity.layer, record_id)
    records = audit.table(data.tables, "atlas_records")
    st.session_state[SEEN] = audit.last_change(records, (entity.layer, record_id))[0] if record_id else None
    own = record is not None and (entity is COMMUNITIES or bool(record.get("has_own_point")))
    st.session_state[LAT] = f"{record.geometry.y:.6f}" if own else ""
    st.session_state[LON] = f"{record.geometry.x:.6f}" if own else ""


def _map_click(lang: str) -> None:
    """A small map: a click puts its point in the coordinate fields."""
    st.caption(t("manage.edit.map_hint", lang))
    clicked = st_folium(maps.base_map("outlines", lang, None, None), key="edit_map", height=320,
                        use_container_width=True, returned_objects=["last_clicked"])
    point = (clicked or {}).get("last_clicked")
    if point and point != st.session_state.get("edit_last_click"):
        st.session_state["edit_last_click"] = point
        st.session_state[LAT], st.session_state[LON] = f"{point['lat']:.6f}", f"{point['lng']:.6f}"


def _fields(entity, record, data, lang: str) -> dict:
    """The form's widgets, filled with the record's values; returns what the editor entered."""
    def value(name: str, default=None):
        found = None if record is None else record.get(name)
        missing = found is None or (not isinstance(found, list | tuple) and pd.isna(found))
        return default if missing else found

    entered = {}
    if entity is INNOVATIONS:
        for name in ("title", "title_local"):
            entered[name] = st.text_input(t(f"columns.{name}", lang), value=value(name, "") or "")
        entered["description"] = st.text_area(t("manage.edit.description", lang), value=value("description", "") or "")
        communities = list(data.communities["community_id"])
        entered["community_id"] = st.selectbox(t("columns.community", lang), communities,
                                               index=communities.index(value("community_id", communities[0])))
        partners = list(data.partners["partner_id"])
        entered["partners"] = st.multiselect(t("columns.partners", lang), partners, default=list(value("partners", [])),
                                             format_func=state.partner_names(data).get)
        for name, vocabulary in (("crops", "crop"), ("livestock", "livestock")):
            codes = VOCABULARIES[vocabulary].codes
            entered[name] = st.multiselect(t(f"columns.{name}", lang), codes, default=list(value(name, [])),
                                           format_func=lambda c, v=vocabulary: VOCABULARIES[v].label(c, lang))
        for name in ("year_started", "year_documented"):
            year = value(name)
            entered[name] = st.number_input(t(f"columns.{name}", lang), 1950, 2100, None if year is None else int(year))
        entered["innovator_name"] = st.text_input(t("manage.edit.innovator_name", lang),
                                                  value=value("innovator_name", "") or "")
        for name in ("consent_public", "name_public"):
            entered[name] = st.checkbox(t(f"manage.edit.{name}", lang), value=bool(value(name, False)))
    else:
        for name in ("name", "name_local", "province", "district"):
            entered[name] = st.text_input(t(f"manage.edit.{name}", lang), value=value(name, "") or "")
        codes = list(regions())
        entered["region"] = st.selectbox(t("columns.region", lang), codes, format_func=region_label,
                                         index=codes.index(str(value("region", "PE-AYA"))))
        altitude = value("altitude_m")
        entered["altitude_m"] = st.number_input(t("manage.edit.altitude_m", lang), 0, 7000,
                                                None if altitude is None else int(altitude))
    for name in CODED[entity.layer]:
        vocabulary = VOCABULARIES[entity.field(name).vocabulary]
        options = list(vocabulary.codes) if entity.field(name).required else ["", *vocabulary.codes]
        current = value(name, options[0])
        entered[name] = st.selectbox(t(f"manage.edit.{name}", lang), options, index=options.index(str(current)),
                                     format_func=lambda c, v=vocabulary: v.label(c, lang) if c else "–") or None
    return entered


def _point(entered_lat: str, entered_lon: str, entity, entered: dict, data, lang: str):
    """The typed point (any accepted format), checked against its place; (None, []) when left empty."""
    if not entered_lat.strip() and not entered_lon.strip():
        return None, []
    try:
        lat, lon = coords.parse_degrees(entered_lat, "lat"), coords.parse_degrees(entered_lon, "lon")
    except coords.CoordsError as error:
        return None, [error.issue().message(lang)]
    if entity is INNOVATIONS:
        place = data.communities.set_index("community_id").loc[entered["community_id"]]
        country, region = str(place["country"]), str(place["region"])
    else:
        country, region = entered["region"][:2], entered["region"]
    problems = coords.check_point(lat, lon, country=country, region=region, boundaries=data.boundaries)
    blocking = [p.message(lang) for p in problems if p.severity == "reject"]
    return (None if blocking else shapely.Point(lon, lat)), blocking


def _row(entity, record, entered: dict, point, data) -> gpd.GeoDataFrame:
    """The whole record after the form, shaped like the store's frame."""
    like = data.frame(entity)
    base = {} if record is None else {k: record[k] for k in record.index}
    merged = base | {k: (v if v != "" else None) for k, v in entered.items()}
    if entity is INNOVATIONS:
        merged["has_own_point"] = point is not None
        if point is None:
            merged["geometry"] = data.communities.set_index("community_id").loc[entered["community_id"]].geometry
    if point is not None:
        merged["geometry"] = point
    if entity is COMMUNITIES:
        merged["country"] = entered["region"][:2]
    columns = [c for c in like.columns if c != "geometry"]
    return gpd.GeoDataFrame([{c: merged.get(c) for c in columns} | {"geometry": merged.get("geometry")}],
                            columns=[*columns, "geometry"], geometry="geometry", crs=CRS)


def show(editor: Editor, lang: str) -> None:
    """Choose a record (or a new one), change it in a form, save it or move it to the trash."""
    data = state.dataset()
    layer = st.radio(t("manage.import.entity", lang), list(ENTITIES), horizontal=True, key="edit_entity",
                     format_func=lambda e: t(f"manage.entity.{e}", lang))
    entity = ENTITIES[layer]
    if entity is INNOVATIONS and data.communities.empty:  # every innovation names its community
        st.info(t("manage.empty_atlas.communities_first", lang))
        return
    frame = data.frame(entity)
    record_id = _choose(frame, entity, lang)
    record = None if record_id == NEW else frame.set_index(entity.id_field, drop=False).loc[record_id]
    _opened(entity, record_id, record, data)
    _map_click(lang)
    with st.form(f"edit_{layer}"):
        entered = _fields(entity, record, data, lang)
        first, second = st.columns(2)
        lat = first.text_input(t("manage.edit.latitude", lang), key=LAT, help=t("manage.edit.coords_help", lang))
        lon = second.text_input(t("manage.edit.longitude", lang), key=LON, help=t("manage.edit.coords_help", lang))
        save = st.form_submit_button(t("manage.edit.save", lang), type="primary", key="edit_save")
    if save:
        point, problems = _point(lat, lon, entity, entered, data, lang)
        for problem in problems:
            st.error(for_markdown(problem))
        if problems:
            return
        if entity is COMMUNITIES and point is None:
            st.error(t("validate.no_point", lang))
            return
        row = _row(entity, record, entered, point, data)
        key = (entity.layer, record_id)
        changes = Changes(added={layer: row}) if record is None else \
            Changes(updated={layer: row}, seen={key: st.session_state.get(SEEN) or 1})
        if apply(changes, Source("edit", record_id or t("manage.edit.new", lang)), editor, lang):
            st.session_state.pop(OPENED, None)
    if record is not None and st.button(t("manage.edit.delete", lang), key="edit_delete", icon=":material/delete:"):
        changes = Changes(deleted={layer: (record_id,)}, seen={(layer, record_id): st.session_state.get(SEEN) or 1})
        if apply(changes, Source("delete", record_id), editor, lang):
            st.session_state.pop(OPENED, None)


def apply(changes: Changes, source: Source, editor: Editor, lang: str) -> str | None:
    """Commit one change from a form; a conflict or refusal is said, not raised."""
    try:
        entry = commit.commit(changes, source, editor.name)
    except commit.CommitError as error:
        st.error(for_markdown(error.message(lang)))
        return None
    st.success(t("manage.saved", lang, entry=entry))
    return entry
