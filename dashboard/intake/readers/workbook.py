"""Excel workbooks (XLSX) read cell by cell, in read-only mode, as the text the sheet shows.

A form definition (XLSForm) is refused; a Kobo export's repeat-group sheets are named in a flag and
not read (see `dashboard.intake.forms`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dashboard.i18n import t
from dashboard.intake.forms import is_form_definition, left_out_sheets, only_submissions
from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import check_archive
from dashboard.intake.readers.cells import Cell, build_frame, cell_text, is_blank
from dashboard.intake.readers.table import RawTable, Request
from dashboard.vocab import LANGUAGES

# A number format of zeros only ("000", "00000") pads an integer: the sheet shows 7 as "007".
ZERO_PADDED = re.compile(r"^0+$")
HEADER_ROWS = 20  # where a sheet's header is looked for when only its header is wanted


def _readme_titles() -> set[str]:
    """The names the atlas gives its own readme sheet, in every language."""
    return {t("export.sheet.readme", lang) for lang in LANGUAGES}


def sheet_names(path: Path, source: str | None = None) -> list[str]:
    """The worksheets of a workbook, in order (chart sheets left out)."""
    book = _open(path, source or path.name)
    try:
        return [sheet.title for sheet in book.worksheets]
    finally:
        book.close()


def _open(path: Path, source: str) -> Workbook:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise IntakeError(source, "readers.xlsx.not_workbook") from None


def _choose(book: Workbook, sheet: str | None, source: str) -> ReadOnlyWorksheet:
    """The named sheet; else the first, skipping the atlas's own readme sheet when data sheets follow it."""
    sheets = book.worksheets
    if not sheets:
        raise IntakeError(source, "readers.empty")
    if sheet is not None:
        for candidate in sheets:
            if candidate.title == sheet:
                return candidate
        raise IntakeError(source, "readers.xlsx.no_sheet", sheet=sheet, sheets=", ".join(s.title for s in sheets))
    if len(sheets) > 1 and sheets[0].title in _readme_titles():
        return sheets[1]
    return sheets[0]


def shown(cell: object) -> str | None:
    """A cell's value as the sheet shows it: integers without ".0", zero-padded codes padded, dates in ISO."""
    value = getattr(cell, "value", None)
    if isinstance(value, int) and not isinstance(value, bool):
        number_format = getattr(cell, "number_format", "") or ""
        if ZERO_PADDED.match(number_format):
            return str(value).zfill(len(number_format))
    return cell_text(value)


def _records(sheet: ReadOnlyWorksheet) -> tuple[list[Cell] | None, list[list[Cell]], list[int]]:
    """The first non-empty row as header, then every non-empty row with its sheet row number."""
    header: list[Cell] | None = None
    records: list[list[Cell]] = []
    rows: list[int] = []
    for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
        values = [shown(cell) for cell in cells]
        if is_blank(values):
            continue
        if header is None:
            header = values
        else:
            records.append(values)
            rows.append(number)
    return header, records, rows


def _header(sheet: ReadOnlyWorksheet) -> list[str | None]:
    """The first non-empty row among the sheet's first HEADER_ROWS, or nothing."""
    sheet.reset_dimensions()  # some writers record wrong dimensions; read every cell there is
    for cells in sheet.iter_rows(min_row=1, max_row=HEADER_ROWS):
        values = [shown(cell) for cell in cells]
        if not is_blank(values):
            return values
    return []


def read_xlsx(path: Path, request: Request) -> RawTable:
    """One worksheet as a RawTable, after the archive checks that keep a sheet from expanding too far."""
    check_archive(path, request.source, request.limits, nested=True)
    book = _open(path, request.source)
    try:
        headers = {sheet.title: _header(sheet) for sheet in book.worksheets}
        if is_form_definition(headers):
            raise IntakeError(request.source, "readers.form_exports.form_definition")
        sheet = _choose(book, request.sheet, request.source)
        sheet.reset_dimensions()
        header, records, rows = _records(sheet)
    finally:
        book.close()
    if header is None:
        raise IntakeError(request.source, "readers.empty")
    width = max([len(header), *(len(r) for r in records)])
    frame, issues = build_frame(list(header) + [None] * (width - len(header)), records)
    frame, repeat_issues = only_submissions(frame, request.source)
    issues += repeat_issues + left_out_sheets(headers, sheet.title)
    return RawTable(frame, rows, request.source, "xlsx", sheet=sheet.title, issues=issues)
