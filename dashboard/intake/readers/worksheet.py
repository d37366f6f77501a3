"""A worksheet read as the text it shows: which sheet, its header, and its rows counted as they stream."""

from __future__ import annotations

import re

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dashboard.data.vocab import LANGUAGES
from dashboard.i18n import t
from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import Limits
from dashboard.intake.readers.cells import Cell, cell_text, is_blank

# A number format of zeros only ("000", "00000") pads an integer: the sheet shows 7 as "007".
ZERO_PADDED = re.compile(r"^0+$")
HEADER_ROWS = 20  # where a sheet's header is looked for when only its header is wanted


def _readme_titles() -> set[str]:
    """The names the atlas gives its own readme sheet, in every language."""
    return {t("export.sheet.readme", lang) for lang in LANGUAGES}


def choose_sheet(book: Workbook, sheet: str | None, source: str) -> ReadOnlyWorksheet:
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


def _values(cells: tuple, sheet: ReadOnlyWorksheet, limits: Limits, source: str) -> list[Cell]:
    """A row as shown, without its trailing empty cells; refused when wider than `limits.max_columns`."""
    values = [shown(cell) for cell in cells]
    while values and values[-1] is None:
        values.pop()
    if len(values) > limits.max_columns:
        raise IntakeError(
            source,
            "readers.hostile_archive.too_many_columns",
            sheet=sheet.title,
            count=len(values),
            limit=limits.max_columns,
        )
    return values


def sheet_records(
    sheet: ReadOnlyWorksheet, limits: Limits, source: str
) -> tuple[list[Cell] | None, list[list[Cell]], list[int]]:
    """The first non-empty row as header, then every non-empty row with its sheet row number.

    Rows and cells are counted as they stream: past `limits.max_rows` or `limits.max_cells` the sheet is
    refused before it is all in memory.
    """
    header: list[Cell] | None = None
    records: list[list[Cell]] = []
    rows: list[int] = []
    cells = 0
    for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        values = _values(row, sheet, limits, source)
        if is_blank(values):
            continue
        if header is None:
            header = values
            continue
        cells += len(values)
        if len(records) == limits.max_rows:
            raise IntakeError(source, "readers.limits.too_many_rows", limit=limits.max_rows)
        if cells > limits.max_cells:
            raise IntakeError(source, "readers.hostile_archive.too_many_cells", limit=limits.max_cells)
        records.append(values)
        rows.append(number)
    return header, records, rows


def sheet_header(sheet: ReadOnlyWorksheet) -> list[str | None]:
    """The first non-empty row among the sheet's first HEADER_ROWS, or nothing."""
    sheet.reset_dimensions()  # some writers record wrong dimensions; read every cell there is
    for cells in sheet.iter_rows(min_row=1, max_row=HEADER_ROWS):
        values = [shown(cell) for cell in cells]
        if not is_blank(values):
            return values
    return []
