"""The sections of *Gestionar datos*: import a file, edit a record, the trash, the history (signed-in editors only)."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.auth import Editor
from dashboard.data import review
from dashboard.data.backend import open_store
from dashboard.data.changes import Source
from dashboard.data.refusals import CommitError
from dashboard.i18n import t
from dashboard.intake import commit, edits, importing, mapping, uploads
from dashboard.intake.importing import Options
from dashboard.intake.issues import IntakeError
from dashboard.intake.validate import PROGRESS_FROM
from dashboard.safe_text import for_markdown, literal
from dashboard.views import editing
from dashboard.views.editing import ENTITIES, apply

ENCODINGS = ("", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
DELIMITERS = ("", ",", ";", "\t")
ZONES = ("", "17S", "18S", "19S")
UPLOAD = "import_upload"  # this session's upload on disk (uploads.Upload)
CHECKED = "import_checked"  # the last report, with what it was made from
_LOG = logging.getLogger(__name__)


def _uploaded(upload) -> uploads.Upload:
    """The upload as a file on disk, written once and reused on every rerun while it stays the same."""
    kept = uploads.kept(upload.getvalue(), upload.name, st.session_state.get(UPLOAD))
    st.session_state[UPLOAD] = kept
    return kept


def _options(lang: str) -> Options:
    with st.expander(t("manage.import.options", lang)):
        first, second, third, fourth = st.columns(4)
        shown = {"": t("manage.import.detect", lang), "\t": "TAB"}
        return Options(
            encoding=first.selectbox(
                t("manage.import.encoding", lang),
                ENCODINGS,
                key="import_encoding",
                format_func=lambda v: shown.get(v, v),
            )
            or None,
            delimiter=second.selectbox(
                t("manage.import.delimiter", lang),
                DELIMITERS,
                key="import_delimiter",
                format_func=lambda v: shown.get(v, v),
            )
            or None,
            sheet=third.text_input(t("manage.import.sheet", lang), key="import_sheet") or None,
            zone=fourth.selectbox(
                t("manage.import.zone", lang), ZONES, key="import_zone", format_func=lambda v: v or "–"
            )
            or None,
        )


def _mapping(table, entity, lang: str) -> dict:
    """The column mapping, guessed or saved, as the editor corrects it."""
    columns = list(table.frame.columns)
    chosen, saved = importing.first_mapping(table, entity)
    if saved:
        st.caption(t("manage.import.saved_mapping_used", lang, name=literal(saved)))
    editor = pd.DataFrame(
        {"column": columns, "example": importing.examples(table), "target": [chosen[c] or "" for c in columns]}
    )
    targets = ["", *mapping.targets(entity)]
    edited = st.data_editor(
        editor,
        hide_index=True,
        width="stretch",
        key=f"mapping_{mapping.signature(columns)}_{entity.layer}",
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(t("manage.import.column", lang)),
            "example": st.column_config.TextColumn(t("manage.import.example", lang)),
            "target": st.column_config.SelectboxColumn(
                t("manage.import.target", lang), options=targets, format_func=lambda target: mapping.label(target, lang)
            ),
        },
    )
    result = {row.column: (row.target or None) for row in edited.itertuples()}
    name, save = st.columns([3, 1], vertical_alignment="bottom")
    label = name.text_input(t("manage.import.mapping_name", lang), key="mapping_name")
    if save.button(t("manage.import.save_mapping", lang), key="mapping_save", disabled=not label):
        importing.save_mapping(label, result, table, entity)
        st.toast(t("manage.import.mapping_saved", lang, name=literal(label)))
    return result


def import_section(editor: Editor, lang: str) -> None:
    """Upload, map, check every row, then commit all at once after an explicit confirmation."""
    upload = st.file_uploader(
        t("manage.import.file", lang),
        key="import_file",
        type=["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg", "zip", "kml", "kmz"],
    )
    entity = ENTITIES[
        st.radio(
            t("manage.import.entity", lang),
            list(ENTITIES),
            horizontal=True,
            key="import_entity",
            format_func=lambda e: t(f"manage.entity.{e}", lang),
        )
    ]
    if upload is None:
        uploads.forget(st.session_state.pop(UPLOAD, None))
        st.caption(t("manage.import.hint", lang))
        return
    options = _options(lang)
    try:
        report, recheck, digest = _read_and_check(upload, entity, options, lang)
    except IntakeError as error:
        st.error(uploads.refusal(error, lang))
        return
    except Exception as error:  # a hostile file may break a reader in a way nobody foresaw: said, not raised
        _LOG.exception("could not read the upload %r", upload.name)
        st.error(t("hardening.unreadable", lang, file=literal(upload.name), detail=literal(uploads.detail(error))))
        return
    _confirm(report, recheck, upload.name, digest, editor, lang)


def _read_and_check(upload, entity, options: Options, lang: str):
    """Read the upload, map its columns and check every row; shows the report, returns it and its recheck."""
    kept = _uploaded(upload)
    table = importing.read(kept, entity, options)
    st.caption(importing.what_was_read(table, lang))
    chosen = _mapping(table, entity, lang)
    report = _checked(table, chosen, entity, options, kept.digest)
    _show_report(report, lang)
    return report, importing.recheck(table, chosen, entity, options), kept.digest


def _checked(table, chosen: dict, entity, options: Options, digest: str):
    """The report for this file, mapping and options against this store; kept while none of them changes."""
    data = state.dataset()
    key = (digest, tuple(chosen.items()), entity.layer, options, id(data))
    kept = st.session_state.get(CHECKED)
    if kept and kept[0] == key:
        return kept[1]
    bar = st.progress(0.0) if len(table.rows) > PROGRESS_FROM else None
    done = [0]

    def advance(step: int) -> None:
        done[0] += step
        bar.progress(min(1.0, done[0] / len(table.rows)))

    report = importing.check(table, chosen, entity, options, data, progress=advance if bar else None)
    st.session_state[CHECKED] = (key, report)
    return report


def _show_report(report, lang: str) -> None:
    counts = report.counts()
    for column, status in zip(st.columns(4), counts, strict=True):
        column.metric(t(f"validate.status.{status}", lang), counts[status])
    for issue in report.file_issues:  # the columns left out, with what they probably are: said whole, not in the grid
        st.warning(for_markdown(issue.message(lang)), icon=":material/view_column:")
    st.dataframe(report.table(lang), hide_index=True, width="stretch", key="import_report")
    st.download_button(
        t("manage.import.download_report", lang),
        report.csv(lang),
        file_name="informe.csv",
        mime="text/csv",
        key="import_report_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _confirm(report, recheck, name: str, digest: str, editor: Editor, lang: str) -> None:
    counts = report.counts()
    if report.changes.empty:
        st.info(t("manage.import.nothing", lang))
        return
    sure = st.checkbox(
        t("manage.import.confirm", lang, new=counts["new"], update=counts["update"], rejected=counts["rejected"]),
        key="import_confirm",
    )
    if state.dataset().is_demo:  # one's own data belong in an atlas of their own (`init`)
        st.warning(t("manage.demo_import.warning", lang))
        sure = st.checkbox(t("manage.demo_import.confirm", lang), key="import_demo_confirm") and sure
    if st.button(t("manage.import.commit", lang), key="import_commit", type="primary", disabled=not sure):
        try:
            _, entry = commit.commit_checked(recheck, Source("import", name, digest), editor.name, expected=counts)
        except CommitError as error:
            st.error(for_markdown(error.message(lang)))
            return
        except Exception as error:  # the commit is all or nothing: said, never a traceback
            _LOG.exception("could not import the upload %r", name)
            st.error(t("hardening.not_saved", lang, file=literal(name), detail=literal(uploads.detail(error))))
            return
        st.success(t("manage.import.done", lang, entry=entry))


def edit_section(editor: Editor, lang: str) -> None:
    editing.show(editor, lang)


def trash_section(editor: Editor, lang: str) -> None:
    """Deleted records, each recoverable."""
    deleted = open_store().trash()
    if deleted.empty:
        st.caption(t("manage.trash.empty", lang))
        return
    st.dataframe(deleted[["entity", "id", "deleted_at", "deleted_by"]], hide_index=True, width="stretch")
    keys = [f"{row.entity}|{row.id}" for row in deleted.itertuples()]
    chosen = st.selectbox(t("manage.trash.choose", lang), keys, key="trash_choice")
    if st.button(t("manage.trash.restore", lang), key="trash_restore"):
        layer, record_id = chosen.split("|", 1)
        apply(edits.restoring(layer, record_id), Source("restore", record_id), editor, lang)


def history_section(editor: Editor, lang: str) -> None:
    """Every import and edit, newest first; one can be undone."""
    entries = open_store().history()
    if entries.empty:
        st.caption(t("manage.history.empty", lang))
        return
    shown = entries[["id", "kind", "editor", "time", "file", "counts", "undone_by"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="history_table")
    chosen = st.selectbox(t("manage.history.choose", lang), list(entries["id"]), key="history_choice")
    if st.button(t("manage.history.undo", lang), key="history_undo"):
        author = str(entries.set_index("id").loc[chosen, "editor"])
        if not review.may_undo(editor.role, editor.name, author):
            st.error(t("review.undo_not_yours", lang, author=for_markdown(author)))
            return
        entry, refusal = edits.undo(chosen, editor.name, lang)
        if refusal:
            st.error(for_markdown(refusal))
            return
        st.success(t("intake.undone", lang, entry=chosen, undo=entry))
