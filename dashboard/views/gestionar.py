"""Gestionar datos: editors sign in to import files, edit records, empty the trash and undo imports."""

import pandas as pd
import streamlit as st

from dashboard import auth, state
from dashboard.i18n import t
from dashboard.safe_text import for_markdown
from dashboard.views import manage

lang = state.language()
st.title(t("manage.heading", lang))
secrets = state.secrets()
try:
    enabled = auth.editing_enabled(secrets)
except auth.SecretsError as error:  # a mistake in secrets.toml: say which key, never a traceback
    st.error(error.message(lang))
    st.stop()
if not enabled:
    st.info(t("auth.disabled_heading", lang))
    st.markdown(t("auth.how_to_enable", lang))
    st.stop()

editor = state.editor()
if editor is None:
    st.caption(t("auth.required", lang))
    with st.form("sign_in"):
        username = st.text_input(t("auth.username", lang), key="sign_in_user")
        password = st.text_input(t("auth.password", lang), type="password", key="sign_in_password")
        if st.form_submit_button(t("auth.sign_in", lang), key="sign_in_submit"):
            problem = state.sign_in(username, password)
            if problem:
                st.error(problem)
            else:
                st.rerun()
    for provider in auth.oidc_providers(secrets):
        label = (
            t("auth.sign_in_oidc", lang) if provider == "default" else t("auth.sign_in_with", lang, provider=provider)
        )
        if st.button(label, key=f"oidc_{provider}"):
            st.login(provider)
    if getattr(st.user, "is_logged_in", False):  # signed in with a provider, but not an editor
        st.warning(t("auth.not_editor", lang, email=for_markdown(st.user.get("email", ""))))
    st.stop()

signed, leave = st.columns([4, 1], vertical_alignment="center")
signed.caption(t("auth.signed_in_as", lang, name=editor.name))
leave.button(t("auth.sign_out", lang), key="sign_out", on_click=state.sign_out)
if not state.viewer().committee:  # a partner's reader sees its records in full on every page; edits nothing
    partners = state.dataset().partners.set_index("partner_id")["name"]
    st.info(t("auth.reader_note", lang, partner=for_markdown(partners.get(editor.partner, editor.partner))))
    st.stop()
tabs = ("import", "edit", "trash", "history", *(("people",) if editor.role == "admin" else ()))
importing, editing, trash, history, *people = st.tabs([t(f"manage.tab.{name}", lang) for name in tabs])
with importing:
    manage.import_section(editor, lang)
with editing:
    manage.edit_section(editor, lang)
with trash:
    manage.trash_section(editor, lang)
with history:
    manage.history_section(editor, lang)
for tab in people:  # an administrator sees who may do what; people are added in secrets.toml (README)
    with tab:
        st.caption(t("manage.people.caption", lang))
        listed = [
            (p.username, p.name, t(f"manage.people.role.{p.role}", lang), p.partner or "", p.email or "")
            for p in auth.editors_from(secrets).values()
        ]
        columns = [t(f"manage.people.column.{c}", lang) for c in ("username", "name", "role", "partner", "email")]
        st.dataframe(pd.DataFrame(listed, columns=columns), hide_index=True, width="stretch", key="people_table")
