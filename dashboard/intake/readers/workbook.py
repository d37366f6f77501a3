"""Excel workbooks (XLSX) read cell by cell, in read-only mode, as the text the sheet shows.

A form definition (XLSForm) is refused; a Kobo export's repeat-group sheets are named in a flag and
not read (see `dashboard.intake.submissions`). Which sheet is read, and how its cells read, is
`dashboard.intake.readers.worksheet`.

A workbook is XML in a zip, and openpyxl builds whatever the XML holds. So every part openpyxl opens is
first streamed through `PartScan` (no DTD, hence no entity bombs; no more rows, cells or elements than
the limits allow), and read through `CheckedZipFile` (no more bytes than declared); openpyxl then parses
it with defusedxml, which refuses entities again. Rows are counted as they stream, before any frame is built.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import DEFAULT_LIMITS, CheckedZipFile, Limits, check_archive
from dashboard.intake.readers.cells import build_frame
from dashboard.intake.readers.table import RawTable, Request
from dashboard.intake.readers.worksheet import HEADER_ROWS, choose_sheet, sheet_header, sheet_records
from dashboard.intake.submissions import is_form_definition, left_out_sheets, only_submissions

# What openpyxl raises on a broken part: it parses whatever the XML holds and trusts the indexes it finds.
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    ParseError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
)
ELEMENTS_PER_CELL = 8  # <c><is><r><rPr>…</rPr><t>: a rich-text cell is a handful of elements, never hundreds
# What a row's cells and a shared string are made of (rich text included); any other element is counted apart.
CELL_PARTS = frozenset(
    "c v f is t r rPr rPh phoneticPr b i u strike sz color rFont family scheme vertAlign charset outline shadow "
    "condense extend".split()
)
OTHER_ELEMENTS = 500_000  # of a part openpyxl builds whole (styles, workbook, relationships); Excel's stay far below
STRINGS_PER_CELL = 5  # openpyxl keeps ~200 bytes per shared string: a fifth of `max_cells` stays under ~400 MB


def sheet_names(path: Path, source: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The worksheets of a workbook, in order (chart sheets left out)."""
    book = _open(path, source or path.name, limits)
    try:
        return [sheet.title for sheet in book.worksheets]
    finally:
        book.close()


class PartScan:
    """One part of a workbook streamed through expat, before openpyxl parses it.

    Refuses a DTD (where entity bombs and external entities live) and counts what openpyxl keeps while it
    parses: every row (blank ones too) and shared string, the elements of each, and all other elements.
    One call per element, no tree: it costs about a fifth of openpyxl's own parse.
    """

    def __init__(self, source: str, part: str, limits: Limits) -> None:
        self.source, self.part, self.limits = source, part, limits
        self.records = {"row": 0, "si": 0}
        self.inside = self.others = 0  # elements of the current row or shared string; elements of no record

    def run(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.ordered_attributes = True  # a list is cheaper to build than a dict, and is not looked at
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        try:
            while chunk := stream.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            pass  # not XML from here on: openpyxl stops at the same place, or the part is an image

    def _doctype(self, *declaration: object) -> None:
        raise IntakeError(self.source, "readers.hostile_archive.xml_entities")

    def _too_many(self, count: int, limit: int) -> None:
        if count > limit:
            raise IntakeError(self.source, "readers.workbook_parts.too_many_elements", part=self.part, limit=limit)

    def _start(self, name: str, attributes: list) -> None:
        local = name.rpartition(":")[2]
        if local in CELL_PARTS and (self.records["row"] or self.records["si"]):
            self.inside += 1
            self._too_many(self.inside, self.limits.max_columns * ELEMENTS_PER_CELL)
        elif local in self.records:
            self.records[local] += 1
            self.inside = 0
            if self.records["row"] > self.limits.max_rows + HEADER_ROWS:
                raise IntakeError(self.source, "readers.limits.too_many_rows", limit=self.limits.max_rows)
            self._too_many(self.records["si"], self.limits.max_cells // STRINGS_PER_CELL)
        else:
            self.others += 1
            self._too_many(self.others, OTHER_ELEMENTS)


class ScannedZipFile(CheckedZipFile):
    """A workbook's archive: each member openpyxl opens is scanned once by `PartScan` before it is handed over."""

    def __init__(self, path: Path, source: str, limits: Limits) -> None:
        super().__init__(path, source)
        self.limits = limits
        self.scanned: set[str] = set()

    def open(
        self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> IO[bytes]:
        part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if mode == "r" and part not in self.scanned:
            with super().open(name, pwd=pwd) as stream:
                PartScan(self.source, part, self.limits).run(stream)
            self.scanned.add(part)
        return super().open(name, mode, pwd, force_zip64=force_zip64)


def _about_entities(error: BaseException | None) -> bool:
    """Whether defusedxml refused entities, maybe inside the ValueError openpyxl wraps a part's failure in."""
    while error is not None and not isinstance(error, DefusedXmlException):
        error = error.__cause__ or error.__context__
    return error is not None


@contextmanager
def _reading(source: str) -> Iterator[None]:
    """Whatever openpyxl raises on a hostile or broken workbook, as an IntakeError that names the file."""
    try:
        yield
    except UNREADABLE as error:
        reason = "readers.hostile_archive.xml_entities" if _about_entities(error) else "readers.xlsx.not_workbook"
        raise IntakeError(source, reason) from None


def _open(path: Path, source: str, limits: Limits) -> Workbook:
    """The workbook in read-only mode, after the archive checks that keep a part from expanding too far.

    Its parts (sheets too, as they stream) are read through ScannedZipFile. External links are not read:
    they hold cached copies of other workbooks, and can be very big.
    """
    check_archive(path, source, limits, nested=True)
    with _reading(source):
        reader = ExcelReader(path, read_only=True, data_only=True, keep_links=False)
        reader.archive.close()
        reader.archive = ScannedZipFile(path, source, limits)
        try:
            reader.read()
        except BaseException:
            reader.archive.close()
            raise
    return reader.wb


def read_xlsx(path: Path, request: Request) -> RawTable:
    """One worksheet as a RawTable; refused as soon as it outgrows `request.limits`."""
    book = _open(path, request.source, request.limits)
    try:
        with _reading(request.source):
            headers = {sheet.title: sheet_header(sheet) for sheet in book.worksheets}
            if is_form_definition(headers):
                raise IntakeError(request.source, "readers.form_exports.form_definition")
            sheet = choose_sheet(book, request.sheet, request.source)
            sheet.reset_dimensions()
            header, records, rows = sheet_records(sheet, request.limits, request.source)
    finally:
        book.close()
    if header is None:
        raise IntakeError(request.source, "readers.empty")
    width = max([len(header), *(len(r) for r in records)])
    frame, issues = build_frame(list(header) + [None] * (width - len(header)), records)
    frame, repeat_issues = only_submissions(frame, request.source)
    issues += repeat_issues + left_out_sheets(headers, sheet.title)
    return RawTable(frame, rows, request.source, "xlsx", sheet=sheet.title, issues=issues)
