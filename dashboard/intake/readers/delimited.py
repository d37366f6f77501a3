"""CSV and other delimited text: encoding and delimiter found (or given), every record checked against the header.

A record with more or fewer fields than the header is rejected whole: its values cannot be matched to
columns without guessing (an unquoted "Cruz, Juan" shifts every field after it), so it stays in the frame
as an empty row, with an issue naming its line and both counts, and nothing is shifted or padded.
Records with broken quoting are rejected the same way. Empty lines are not records.

One exception: a record one field longer than the header whose last field is empty ("1;2;3;" under
"a;b;c", as KoboToolbox's legacy CSV writes every row) is read without that field; nothing moves.
A form definition or a repeat group's table is refused, and repeat columns are left out with a flag
(`forms.only_submissions`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.intake.forms import only_submissions
from dashboard.intake.issues import REJECT, IntakeError, Issue
from dashboard.intake.readers.cells import build_frame, is_blank
from dashboard.intake.readers.table import RawTable, Request

DELIMITERS = (",", ";", "\t", "|")
# Byte order marks, longest first: UTF-32 LE starts with the UTF-16 LE mark.
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")  # latin-1 decodes any byte: the last resort
SNIFF_RECORDS = 6
# Excel writes "sep=;" as a first line when asked to say which delimiter it used.
EXCEL_SEP = re.compile(r"^\ufeff?sep=(.)\r?\n")


@dataclass
class Parsed:
    """What reading the text gave: header, records with their first line, and row-level issues."""

    header: list[str]
    records: list[list[str | None]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def reject(self, row: int, issue: Issue) -> None:
        """Keep a record that cannot be read as an empty row, so it still reaches the report with its issue."""
        self.records.append([None] * len(self.header))
        self.rows.append(row)
        self.issues.append(issue)


def detect_encoding(data: bytes) -> str:
    """The encoding of `data`: by its byte order mark, else UTF-8 if it decodes, else Windows-1252, else Latin-1."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    if data[:4000].count(0) > len(data[:4000]) // 4:  # UTF-16 without a mark: every other byte is NUL
        return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    for encoding in FALLBACK_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """The text of `data` and the encoding used: the caller's, or the detected one."""
    chosen = encoding or detect_encoding(data)
    try:
        return data.decode(chosen), chosen
    except UnicodeDecodeError as error:
        raise IntakeError(source, "readers.csv.encoding", encoding=chosen, position=error.start) from None
    except LookupError:
        raise IntakeError(source, "readers.csv.unknown_encoding", encoding=chosen) from None


def _field_counts(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter)
    counts: list[int] = []
    try:
        for record in reader:
            if record:
                counts.append(len(record))
            if len(counts) >= SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return counts or [0]


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into most fields and the next records into as many."""

    def score(delimiter: str) -> tuple[bool, float, int]:
        header, *rest = _field_counts(text, delimiter)
        agreeing = sum(n == header for n in rest) / len(rest) if rest else 1.0
        return header > 1, agreeing, header

    return max(DELIMITERS, key=score)


def _trimmed(record: list[str], width: int) -> list[str]:
    """`record` without the one empty field some writers (Kobo's legacy CSV) add after the last column."""
    if len(record) == width + 1 and not record[-1].strip():
        return record[:-1]
    return record


def _record_issue(record: list[str], width: int, row: int) -> Issue | None:
    if len(record) == width:
        return None
    reason = "readers.row.extra_fields" if len(record) > width else "readers.row.missing_fields"
    return Issue(row, None, reason, {"row": row, "found": len(record), "expected": width}, REJECT)


def _records(reader: Iterator[list[str]], offset: int) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """Each non-empty record with the line it starts on; one that breaks the quoting as (line, None, reason)."""
    line = 0
    while True:
        start = offset + line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line, too_long = reader.line_num, "field larger" in str(error)
            yield start, None, "readers.row.field_too_long" if too_long else "readers.row.bad_quotes"
            continue
        line = reader.line_num
        if record and not is_blank(record):
            yield start, record, None


def parse(text: str, delimiter: str, source: str, offset: int = 0) -> Parsed:
    """Header and records of delimited `text`, with strict quoting; `offset` lines were cut off before `text`."""
    records = _records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), offset)
    first = next(records, None)
    if first is None:
        raise IntakeError(source, "readers.empty")
    if first[1] is None:
        raise IntakeError(source, "readers.csv.bad_header", row=first[0])
    parsed = Parsed(first[1])
    for start, record, reason in records:
        if record is not None:
            record = _trimmed(record, len(parsed.header))
        problem = (Issue(start, None, reason, {"row": start}, REJECT) if reason
                   else _record_issue(record, len(parsed.header), start))
        if problem:
            parsed.reject(start, problem)
        else:
            parsed.records.append([value or None for value in record])
            parsed.rows.append(start)
    return parsed


def read_csv(path: Path, request: Request) -> RawTable:
    """A delimited text file as a RawTable, its encoding and delimiter detected unless the request gives them."""
    text, encoding = decode(path.read_bytes(), request.encoding, request.source)
    delimiter, offset = request.delimiter, 0
    excel = EXCEL_SEP.match(text)
    if excel:
        text, offset = text[excel.end():], 1
        delimiter = delimiter or excel.group(1)
    if not text.strip():
        raise IntakeError(request.source, "readers.empty")
    delimiter = delimiter or detect_delimiter(text)
    parsed = parse(text.removeprefix("\ufeff"), delimiter, request.source, offset)
    frame, header_issues = build_frame(parsed.header, parsed.records)
    frame, repeat_issues = only_submissions(frame, request.source)
    return RawTable(frame, parsed.rows, request.source, "csv", encoding=encoding, delimiter=delimiter,
                    issues=header_issues + repeat_issues + parsed.issues)
