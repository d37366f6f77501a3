"""CSV and other delimited text: encoding and delimiter found (or given), every record checked against the header.

A record with more or fewer fields than the header is rejected whole: its values cannot be matched to
columns without guessing (an unquoted "Cruz, Juan" shifts every field after it), so it stays in the frame
as an empty row, with an issue naming its line and both counts, and nothing is shifted or padded.
Records with broken quoting are rejected the same way. Empty lines are not records.

One exception: a record one field longer than the header whose last field is empty ("1;2;3;" under
"a;b;c", as KoboToolbox's legacy CSV writes every row) is read without that field; nothing moves.
A form definition or a repeat group's table is refused, and repeat columns are left out with a flag
(`submissions.only_submissions`).

Nothing is changed in silence. A NUL inside a cell (a broken export) is removed and the row flagged, so
"Pru\\0eba" is stored as "Prueba", not cut to "Pru" by the database. Text that is neither UTF-8 nor plausible
Windows-1252 (Shift-JIS read as Windows-1252 comes out as "“Œ‹ž") is refused with the encodings tried, and
the caller can name the right one. Rows are counted as they are parsed: past `limits.max_rows` rows (or
`limits.max_cells` cells) the file is refused before any frame is built.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.intake.issues import REJECT, IntakeError, Issue
from dashboard.intake.limits import DEFAULT_LIMITS, Limits
from dashboard.intake.readers.cells import build_frame, repair
from dashboard.intake.readers.table import RawTable, Request
from dashboard.intake.submissions import only_submissions

DELIMITERS = (",", ";", "\t", "|")
# Byte order marks, longest first: UTF-32 LE starts with the UTF-16 LE mark.
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF_RECORDS = 6
# Excel writes "sep=;" as a first line when asked to say which delimiter it used.
EXCEL_SEP = re.compile(r"^\ufeff?sep=(.)\r?\n")
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")  # a line and its ending (the last may have none)
# Windows-1252 characters (bytes 0x80–0x9F, and ¤) that Spanish text never uses, but that Shift-JIS, GBK or
# DOS text read as Windows-1252 is full of; quotes, dashes, "…" and "€" are left out: they are real text.
ODD = "‚ƒ„†‡ˆ‰Š‹ŒŽ˜™š›œžŸ¤"
SUSPECT = re.compile(f"[^\\x00-\\x7f]{{2,}}|[{ODD}]")  # two non-ASCII characters in a row, or an odd one
GARBLED_SHARE = 0.6  # of the non-ASCII characters: Spanish is under 0.2, a double-byte encoding over 0.8
GARBLED_MINIMUM = 6  # non-ASCII characters needed before judging


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


def _utf16_without_mark(head: bytes) -> str | None:
    """UTF-16 LE or BE when every other byte is NUL (ASCII text in UTF-16); NUL padding elsewhere is not."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) // 4 and even * 8 < odd:
        return "utf-16-le"
    if even > len(head) // 4 and odd * 8 < even:
        return "utf-16-be"
    return None


def garbled(text: str) -> str | None:
    """A sample of `text` if it reads like another encoding decoded as Windows-1252, else None."""
    foreign = len(text) - len(text.encode("ascii", "ignore"))
    if foreign < GARBLED_MINIMUM:
        return None
    suspects = list(SUSPECT.finditer(text))
    if sum(len(found.group()) for found in suspects) < GARBLED_SHARE * foreign:
        return None
    start = suspects[0].start()
    line = text[text.rfind("\n", 0, start) + 1 : start + 40].split("\n")[0].strip()
    return line[:60]


def detect_encoding(data: bytes, source: str = "") -> str:
    """The encoding of `data`: by its byte order mark, else UTF-16 by its NULs, else UTF-8, else Windows-1252.

    Anything else is refused rather than guessed: bytes Windows-1252 leaves undefined, or text that decodes
    but reads like another encoding (see `garbled`); the message names the encodings tried.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    utf16 = _utf16_without_mark(data[:4000])
    if utf16:
        return utf16
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_position = error.start
    else:
        return "utf-8"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise IntakeError(
            source, "readers.hostile.encoding_unknown", utf8_position=utf8_position, position=error.start
        ) from None
    sample = garbled(text)
    if sample is not None:
        raise IntakeError(source, "readers.hostile.encoding_garbled", example=sample)
    return "cp1252"


def decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """The text of `data` and the encoding used: the caller's, or the detected one."""
    chosen = encoding or detect_encoding(data, source)
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


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings, one at a time, split as `open(newline="")` splits them.

    io.StringIO would do the same from a second copy of the text, four bytes a character.
    """
    return map(re.Match.group, LINE.finditer(text))


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
        # An empty line, or one of delimiters and spaces only, is not a record (most show it by their first value).
        if record and (record[0].strip() or "".join(record).strip()):
            yield start, record, None


def _too_large(width: int, limits: Limits, source: str) -> tuple[int, IntakeError]:
    """How many records a table `width` columns wide may have, and the refusal for one more."""
    by_cells = limits.max_cells // max(width, 1)
    if by_cells < limits.max_rows:
        return by_cells, IntakeError(source, "readers.hostile_archive.too_many_cells", limit=limits.max_cells)
    return limits.max_rows, IntakeError(source, "readers.limits.too_many_rows", limit=limits.max_rows)


def parse(text: str, delimiter: str, source: str, offset: int = 0, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Header and records of delimited `text`, with strict quoting; `offset` lines were cut off before `text`.

    Records are counted as they are parsed: one more than `limits` allow refuses the file there.
    """
    records = _records(csv.reader(_lines(text), delimiter=delimiter, strict=True), offset)
    first = next(records, None)
    if first is None:
        raise IntakeError(source, "readers.empty")
    if first[1] is None:
        raise IntakeError(source, "readers.csv.bad_header", row=first[0])
    parsed = Parsed(first[1])
    width = len(parsed.header)
    allowed, refusal = _too_large(width, limits, source)
    for start, record, reason in records:
        if len(parsed.rows) == allowed:
            raise refusal
        if record is not None and len(record) == width:  # the usual record, read without a call
            parsed.records.append([value or None for value in record] if "" in record else record)
            parsed.rows.append(start)
            continue
        if record is not None:
            record = _trimmed(record, width)
        problem = Issue(start, None, reason, {"row": start}, REJECT) if reason else _record_issue(record, width, start)
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
        text, offset = text[excel.end() :], 1
        delimiter = delimiter or excel.group(1)
    if not text or text.isspace():
        raise IntakeError(request.source, "readers.empty")
    delimiter = delimiter or detect_delimiter(text)
    parsed = parse(text.removeprefix("\ufeff"), delimiter, request.source, offset, request.limits)
    has_nul = "\x00" in text
    del text  # the records hold what is needed; the text may be most of the memory used
    frame, header_issues = build_frame(parsed.header, parsed.records)
    frame, repeat_issues = only_submissions(frame, request.source)
    frame, repaired = repair(frame, parsed.rows) if has_nul else (frame, [])
    return RawTable(
        frame,
        parsed.rows,
        request.source,
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        issues=header_issues + repeat_issues + parsed.issues + repaired,
    )
