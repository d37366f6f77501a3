"""The sections of *Gestionar datos*: import a file, edit a record, the trash, the history (signed-in editors only)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.auth import Editor
from dashboard.i18n import t
from dashboard.intake import commit, mapping
from dashboard.intake.changes import Changes, Source
from dashboard.intake.issues import IntakeError
from dashboard.intake.readers import layer_for, read_table
from dashboard.intake.validate import PROGRESS_FROM, validate
from dashboard.paths import store_path
from dashboard.safe_text import for_markdown, literal
from dashboard.views import editing
from dashboard.views.editing import ENTITIES, apply

ENCODINGS = ("", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
DELIMITERS = ("", ",", ";", "\t")
ZONES = ("", "17S", "18S", "19S")
UPLOAD = "import_upload"  # this session's upload on disk: (sha256, name, path)
UPLOADS = "atlas-uploads"  # the folder in the temporary directory that holds every session's upload
STALE_UPLOAD = 24 * 3600  # seconds after which an upload a session left behind is removed
_LOG = logging.getLogger(__name__)


def _mappings_folder() -> Path:
    return store_path().parent / "mappings"


def _uploaded(upload) -> tuple[Path, str]:
    """The upload as a file on disk (readers need a path), and its SHA-256 for the audit.

    Only the session's current upload is kept: written once, reused on every rerun, removed when the
    editor replaces or removes it. Folders that sessions which ended left behind go after a day.
    """
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    kept = st.session_state.get(UPLOAD)
    if kept and kept[:2] == (digest, upload.name) and kept[2].is_file():
        return kept[2], digest
    _forget_upload()
    _remove_stale_uploads()
    root = Path(tempfile.gettempdir()) / UPLOADS
    root.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=root)) / _safe_name(upload.name)  # private to this session
    path.write_bytes(content)
    st.session_state[UPLOAD] = (digest, upload.name, path)
    return path, digest


def _forget_upload() -> None:
    """Remove this session's upload from disk."""
    kept = st.session_state.pop(UPLOAD, None)
    if kept:
        shutil.rmtree(kept[2].parent, ignore_errors=True)


def _remove_stale_uploads() -> None:
    now = time.time()
    for folder in (Path(tempfile.gettempdir()) / UPLOADS).glob("*"):
        with contextlib.suppress(OSError):  # another session may be removing it too
            if now - folder.stat().st_mtime > STALE_UPLOAD:
                shutil.rmtree(folder)


def _safe_name(name: str) -> str:
    """The uploaded file's name, safe to write: no folder, no odd character, not too long, its extension kept."""
    cleaned = re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".")
    return cleaned[-100:] or "archivo"


def _refusal(error: IntakeError, lang: str) -> str:
    """`error.message(lang)` with the file's name and every value from the file shown as written, never as markup."""
    params = {name: literal(value) for name, value in error.params.items()}
    return t("intake.file_refused", lang, file=literal(error.source), reason=t(error.reason, lang, **params))


def _detail(error: BaseException) -> str:
    """An unexpected error in one short line, without where the server keeps the file."""
    text = str(error).splitlines()[0] if str(error).strip() else ""
    text = text.replace(tempfile.gettempdir(), "…")
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


def _options(lang: str) -> dict:
    with st.expander(t("manage.import.options", lang)):
        first, second, third, fourth = st.columns(4)
        shown = {"": t("manage.import.detect", lang), "\t": "TAB"}
        return {
            "encoding": first.selectbox(t("manage.import.encoding", lang), ENCODINGS, key="import_encoding",
                                        format_func=lambda v: shown.get(v, v)) or None,
            "delimiter": second.selectbox(t("manage.import.delimiter", lang), DELIMITERS, key="import_delimiter",
                                          format_func=lambda v: shown.get(v, v)) or None,
            "sheet": third.text_input(t("manage.import.sheet", lang), key="import_sheet") or None,
            "zone": fourth.selectbox(t("manage.import.zone", lang), ZONES, key="import_zone",
                                     format_func=lambda v: v or "–") or None,
        }


def _mapping(table, entity, lang: str) -> dict:
    """The column mapping, guessed or saved, as the editor corrects it."""
    columns = list(table.frame.columns)
    saved = mapping.saved_for(_mappings_folder(), columns, entity)
    chosen = mapping.applied(saved["mapping"], columns, entity) if saved else mapping.guess(columns, entity)
    if saved:
        st.caption(t("manage.import.saved_mapping_used", lang, name=literal(saved["name"])))
    examples = [next((v for v in table.frame[c] if v), "") for c in columns]
    editor = pd.DataFrame({"column": columns, "example": examples, "target": [chosen[c] or "" for c in columns]})
    targets = ["", *mapping.targets(entity)]
    edited = st.data_editor(
        editor, hide_index=True, width="stretch", key=f"mapping_{mapping.signature(columns)}_{entity.layer}",
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(t("manage.import.column", lang)),
            "example": st.column_config.TextColumn(t("manage.import.example", lang)),
            "target": st.column_config.SelectboxColumn(t("manage.import.target", lang), options=targets,
                                                       format_func=lambda target: mapping.label(target, lang)),
        })
    result = {row.column: (row.target or None) for row in edited.itertuples()}
    name, save = st.columns([3, 1], vertical_alignment="bottom")
    label = name.text_input(t("manage.import.mapping_name", lang), key="mapping_name")
    if save.button(t("manage.import.save_mapping", lang), key="mapping_save", disabled=not label):
        mapping.save(_mappings_folder(), label, result, columns, entity)
        st.toast(t("manage.import.mapping_saved", lang, name=literal(label)))
    return result


def import_section(editor: Editor, lang: str) -> None:
    """Upload, map, check every row, then commit all at once after an explicit confirmation."""
    upload = st.file_uploader(t("manage.import.file", lang), key="import_file",
                              type=["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg", "zip", "kml", "kmz"])
    entity = ENTITIES[st.radio(t("manage.import.entity", lang), list(ENTITIES), horizontal=True,
                               key="import_entity", format_func=lambda e: t(f"manage.entity.{e}", lang))]
    if upload is None:
        _forget_upload()
        st.caption(t("manage.import.hint", lang))
        return
    options = _options(lang)
    try:
        report, recheck, digest = _read_and_check(upload, entity, options, lang)
    except IntakeError as error:
        st.error(_refusal(error, lang))
        return
    except Exception as error:  # a hostile file may break a reader in a way nobody foresaw: said, not raised
        _LOG.exception("could not read the upload %r", upload.name)
        st.error(t("hardening.unreadable", lang, file=literal(upload.name), detail=literal(_detail(error))))
        return
    _confirm(report, recheck, upload.name, digest, editor, lang)


def _read_and_check(upload, entity, options: dict, lang: str):
    """Read the upload, map its columns and check every row; shows the report, returns it and its recheck."""
    path, digest = _uploaded(upload)
    table = read_table(path, name=upload.name, encoding=options["encoding"], delimiter=options["delimiter"],
                       sheet=options["sheet"], layer=layer_for(path, upload.name, entity.layer))
    st.caption(t("manage.import.read", lang, rows=len(table.rows), kind=table.kind,
                 flavour=table.flavour or "–", encoding=table.encoding or "–"))
    chosen = _mapping(table, entity, lang)
    report = _checked(table, chosen, entity, options, digest)
    _show_report(report, lang)
    return report, _recheck(table, chosen, entity, options), digest


def _recheck(table, chosen: dict, entity, options: dict):
    """The same check, to run again on the store as it is once its lock is held."""
    return lambda data: validate(table, chosen, data, entity=entity, default_zone=options["zone"])


def _checked(table, chosen: dict, entity, options: dict, digest: str):
    """The report for this file, mapping and options against this store; kept while none of them changes."""
    data = state.dataset()
    key = (digest, tuple(chosen.items()), entity.layer, tuple(options.items()), id(data))
    kept = st.session_state.get("import_checked")
    if kept and kept[0] == key:
        return kept[1]
    bar = st.progress(0.0) if len(table.rows) > PROGRESS_FROM else None
    done = [0]

    def advance(step: int) -> None:
        done[0] += step
        bar.progress(min(1.0, done[0] / len(table.rows)))
    report = validate(table, chosen, data, entity=entity, default_zone=options["zone"],
                      progress=advance if bar else None)
    st.session_state["import_checked"] = (key, report)
    return report


def _show_report(report, lang: str) -> None:
    counts = report.counts()
    for column, status in zip(st.columns(4), counts, strict=True):
        column.metric(t(f"validate.status.{status}", lang), counts[status])
    for issue in report.file_issues:  # the columns left out, with what they probably are: said whole, not in the grid
        st.warning(for_markdown(issue.message(lang)), icon=":material/view_column:")
    st.dataframe(report.table(lang), hide_index=True, width="stretch", key="import_report")
    st.download_button(t("manage.import.download_report", lang), report.csv(lang), file_name="informe.csv",
                       mime="text/csv", key="import_report_csv", on_click="ignore", icon=":material/download:")


def _confirm(report, recheck, name: str, digest: str, editor: Editor, lang: str) -> None:
    counts = report.counts()
    if report.changes.empty:
        st.info(t("manage.import.nothing", lang))
        return
    sure = st.checkbox(t("manage.import.confirm", lang, new=counts["new"], update=counts["update"],
                         rejected=counts["rejected"]), key="import_confirm")
    if state.dataset().is_demo:  # one's own data belong in an atlas of their own (`init`)
        st.warning(t("manage.demo_import.warning", lang))
        sure = st.checkbox(t("manage.demo_import.confirm", lang), key="import_demo_confirm") and sure
    if st.button(t("manage.import.commit", lang), key="import_commit", type="primary", disabled=not sure):
        try:
            _, entry = commit.commit_checked(recheck, Source("import", name, digest), editor.name, expected=counts)
        except commit.CommitError as error:
            st.error(for_markdown(error.message(lang)))
            return
        except Exception as error:  # the commit is all or nothing: said, never a traceback
            _LOG.exception("could not import the upload %r", name)
            st.error(t("hardening.not_saved", lang, file=literal(name), detail=literal(_detail(error))))
            return
        st.success(t("manage.import.done", lang, entry=entry))


def edit_section(editor: Editor, lang: str) -> None:
    editing.show(editor, lang)


def trash_section(editor: Editor, lang: str) -> None:
    """Deleted records, each recoverable."""
    deleted = commit.trash()
    if deleted.empty:
        st.caption(t("manage.trash.empty", lang))
        return
    st.dataframe(deleted[["entity", "id", "deleted_at", "deleted_by"]], hide_index=True, width="stretch")
    keys = [f"{row.entity}|{row.id}" for row in deleted.itertuples()]
    chosen = st.selectbox(t("manage.trash.choose", lang), keys, key="trash_choice")
    if st.button(t("manage.trash.restore", lang), key="trash_restore"):
        layer, record_id = chosen.split("|", 1)
        apply(Changes(restored={layer: (record_id,)}), Source("restore", record_id), editor, lang)


def history_section(editor: Editor, lang: str) -> None:
    """Every import and edit, newest first; one can be undone."""
    entries = commit.history()
    if entries.empty:
        st.caption(t("manage.history.empty", lang))
        return
    shown = entries[["id", "kind", "editor", "time", "file", "counts", "undone_by"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="history_table")
    chosen = st.selectbox(t("manage.history.choose", lang), list(entries["id"]), key="history_choice")
    if st.button(t("manage.history.undo", lang), key="history_undo"):
        try:
            entry = commit.undo(chosen, editor.name)
        except commit.CommitError as error:
            st.error(for_markdown(error.message(lang)))
            return
        st.success(t("intake.undone", lang, entry=chosen, undo=entry))
