"""Add or edit one innovation or community: choices from the vocabularies, the point by map click or typed."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.auth import Editor
from dashboard.data import review
from dashboard.data.changes import Changes, Source
from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.data.vocab import RECORD_STATUS, region_label, regions, vocabulary_of
from dashboard.filtering.selection import partner_names
from dashboard.i18n import t
from dashboard.intake import edits
from dashboard.map import maps
from dashboard.safe_text import for_markdown

ENTITIES = {"innovations": INNOVATIONS, "communities": COMMUNITIES}
NEW = ""  # the choice that starts a new record
LAT, LON, SEEN, OPENED = "edit_lat", "edit_lon", "edit_seen", "edit_opened"
CODED = {
    "innovations": ("kind", "domain", "pid_stage", "innovator_type", "visibility", "withheld"),
    "communities": ("people", "slope", "location_source"),
}


def _choose(frame, entity, lang: str) -> str:
    ids = [NEW, *frame[entity.id_field]]
    names = dict(zip(frame[entity.id_field], frame["title" if entity is INNOVATIONS else "name"], strict=True))
    return st.selectbox(
        t("manage.edit.choose", lang),
        ids,
        key=f"edit_choice_{entity.layer}",
        format_func=lambda i: t("manage.edit.new", lang) if i == NEW else f"{i} · {names[i]}",
    )


def _opened(entity, record_id: str, record, data) -> None:
    """When a record is opened: remember the revision seen and put its point in the coordinate fields."""
    if st.session_state.get(OPENED) == (entity.layer, record_id):
        return
    st.session_state[OPENED] = (entity.layer, record_id)
    st.session_state[SEEN] = edits.revision_seen(data, entity, record_id)
    st.session_state[LAT], st.session_state[LON] = edits.shown_point(entity, record)


def _map_click(lang: str) -> None:
    """A small map: a click puts its point in the coordinate fields."""
    st.caption(t("manage.edit.map_hint", lang))
    clicked = st_folium(
        maps.base_map("outlines", lang, None, None),
        key="edit_map",
        height=320,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    point = (clicked or {}).get("last_clicked")
    if point and point != st.session_state.get("edit_last_click"):
        st.session_state["edit_last_click"] = point
        st.session_state[LAT], st.session_state[LON] = f"{point['lat']:.6f}", f"{point['lng']:.6f}"


def field_key(layer: str, record_id: str | None, name: str) -> str:
    """The widget key of one field of the edit form: one per record, so another record starts fresh."""
    return f"edit_{layer}_{record_id or 'new'}_{name}"


def _fields(entity, record, data, lang: str) -> dict:
    """The form's widgets, filled with the record's values; returns what the editor entered."""

    def value(name: str, default=None):
        found = None if record is None else record.get(name)
        missing = found is None or (not isinstance(found, list | tuple) and pd.isna(found))
        return default if missing else found

    def key(name: str) -> str:
        return field_key(entity.layer, None if record is None else record.get(entity.id_field), name)

    entered = {}
    if entity is INNOVATIONS:
        for name in ("title", "title_local"):
            entered[name] = st.text_input(t(f"columns.{name}", lang), value=value(name, "") or "", key=key(name))
        entered["description"] = st.text_area(
            t("manage.edit.description", lang), value=value("description", "") or "", key=key("description")
        )
        communities = list(data.communities["community_id"])
        entered["community_id"] = st.selectbox(
            t("columns.community", lang),
            communities,
            index=communities.index(value("community_id", communities[0])),
            key=key("community_id"),
        )
        partners = list(data.partners["partner_id"])
        entered["partners"] = st.multiselect(
            t("columns.partners", lang),
            partners,
            default=list(value("partners", [])),
            format_func=partner_names(data).get,
            key=key("partners"),
        )
        for name in ("crops", "livestock", "labels"):  # labels: those the community applied (Local Contexts)
            vocabulary = vocabulary_of(name)
            entered[name] = st.multiselect(
                t(f"columns.{name}", lang),
                vocabulary.codes,
                default=list(value(name, [])),
                format_func=lambda c, v=vocabulary: v.label(c, lang),
                key=key(name),
            )
        for name in ("year_started", "year_documented"):
            year = value(name)
            entered[name] = st.number_input(
                t(f"columns.{name}", lang), 1950, 2100, None if year is None else int(year), key=key(name)
            )
        entered["innovator_name"] = st.text_input(
            t("manage.edit.innovator_name", lang), value=value("innovator_name", "") or "", key=key("innovator_name")
        )
        for name in ("consent_public", "name_public"):
            entered[name] = st.checkbox(t(f"manage.edit.{name}", lang), value=bool(value(name, False)), key=key(name))
    else:
        for name in ("name", "name_local", "province", "district"):
            entered[name] = st.text_input(t(f"manage.edit.{name}", lang), value=value(name, "") or "", key=key(name))
        codes = list(regions())
        entered["region"] = st.selectbox(
            t("columns.region", lang),
            codes,
            format_func=region_label,
            index=codes.index(str(value("region", "PE-AYA"))),
            key=key("region"),
        )
        altitude = value("altitude_m")
        entered["altitude_m"] = st.number_input(
            t("manage.edit.altitude_m", lang),
            0,
            7000,
            None if altitude is None else int(altitude),
            key=key("altitude_m"),
        )
    for name in CODED[entity.layer]:
        vocabulary = vocabulary_of(name)
        options = list(vocabulary.codes) if entity.field(name).required else ["", *vocabulary.codes]
        current = value(name, options[0])
        entered[name] = (
            st.selectbox(
                t(f"manage.edit.{name}", lang),
                options,
                index=options.index(str(current)),
                format_func=lambda c, v=vocabulary: v.label(c, lang) if c else "–",
                key=key(name),
            )
            or None
        )
    return entered


def show(editor: Editor, lang: str) -> None:
    """Choose a record (or a new one), change it in a form, save it or move it to the trash."""
    data = state.dataset()
    layer = st.radio(
        t("manage.import.entity", lang),
        list(ENTITIES),
        horizontal=True,
        key="edit_entity",
        format_func=lambda e: t(f"manage.entity.{e}", lang),
    )
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
        if entity is INNOVATIONS:  # where the record is in review: what this person's role may choose
            current = None if record is None else str(record.get("status"))
            entered["status"] = st.selectbox(
                t("manage.edit.status", lang),
                review.statuses(editor.role, current),
                format_func=lambda code: RECORD_STATUS.label(code, lang),
                key=field_key(layer, record_id or None, "status"),
            )
        first, second = st.columns(2)
        lat = first.text_input(t("manage.edit.latitude", lang), key=LAT, help=t("manage.edit.coords_help", lang))
        lon = second.text_input(t("manage.edit.longitude", lang), key=LON, help=t("manage.edit.coords_help", lang))
        save = st.form_submit_button(t("manage.edit.save", lang), type="primary", key="edit_save")
    seen = st.session_state.get(SEEN)
    if save and entity is INNOVATIONS:
        old = None if record is None else str(record.get("status"))
        author = review.written_by(data, layer, record, entered, editor.name)
        refused = review.refusal(editor.role, editor.name, old, entered["status"], author)
        if refused:
            st.error(t(refused, lang))
            return
    if save:
        changes, problems = edits.form_change(entity, record_id, record, entered, lat, lon, data, seen, lang)
        for problem in problems:
            st.error(for_markdown(problem))
        if changes is None:
            return
        if apply(changes, Source("edit", record_id or t("manage.edit.new", lang)), editor, lang):
            st.session_state.pop(OPENED, None)
    if record is not None and st.button(t("manage.edit.delete", lang), key="edit_delete", icon=":material/delete:"):
        if apply(edits.deletion(entity, record_id, seen), Source("delete", record_id), editor, lang):
            st.session_state.pop(OPENED, None)


def apply(changes: Changes, source: Source, editor: Editor, lang: str) -> str | None:
    """Save one change from a form, and say whether it was saved or why not."""
    entry, refusal = edits.save(changes, source, editor.name, lang)
    if refusal:
        st.error(for_markdown(refusal))
        return None
    st.success(t("manage.saved", lang, entry=entry))
    return entry
