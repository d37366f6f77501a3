"""Hostile XLSX and zip files, built by hand member by member: each is refused with a message naming the file.

Entity bombs and external entities in a workbook's XML, sheets with too many rows or columns, and zip members
whose headers understate how far they inflate. The worst cases also run through the CLI in a subprocess whose
address space is capped, to show they are refused without growing memory.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import DEFAULT_LIMITS, CheckedZipFile, Limits
from dashboard.intake.readers import read_table, sheet_names
from dashboard.intake.readers import workbook as workbook_reader
from tests import intake_corpus as corpus
from tests.capped import GIGABYTE, validate_capped

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
BOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"
TOO_MANY_ELEMENTS = "readers.workbook_parts.too_many_elements"
STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
PLAIN_CELL = b'<c r="B2" t="inlineStr"><is><t>Socos</t></is></c>'
SHARED_CELL = b'<c r="B2" t="s"><v>0</v></c>'
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
# Each DTD declares an entity the XML then refers to as &bomb;.
LAUGHS = "".join([f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]) + '<!ENTITY bomb "&lol9;">'
DTDS = {
    "billion_laughs": '<!ENTITY lol0 "lol">' + LAUGHS,
    "one_big_entity": f'<!ENTITY big "{"A" * 100_000}"><!ENTITY bomb "{"&big;" * 10_000}">',
    "external": '<!ENTITY bomb SYSTEM "file:///etc/passwd">',
}


def _members(rows: list[list[object]] | None = None) -> dict[str, bytes]:
    """The parts of a real openpyxl workbook (one sheet: id, name / 1, Socos), by member name."""
    book = Workbook()
    for row in rows or [["id", "name"], ["1", "Socos"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_zip(path: Path, members: dict[str, bytes | Iterator[bytes]]) -> Path:
    """A deflated zip of `members`; a member given as chunks is streamed, so it need not fit in memory.

    Level 1 deflates a gigabyte of repeated lines in about two seconds, to under 5 MB.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            if isinstance(data, bytes):
                archive.writestr(name, data)
                continue
            with archive.open(name, "w") as out:
                for chunk in data:
                    out.write(chunk)
    return path


def _with_shared_strings(members: dict[str, bytes], text: bytes) -> dict[str, bytes]:
    """The workbook with B2 moved to a sharedStrings.xml part holding `text` (and its DTD, if any)."""
    doctype, _, value = text.rpartition(b"]>")
    strings = (doctype + b"]>" if doctype else b"") + SST + b"<si><t>" + value + b"</t></si></sst>"
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + STRINGS_TYPE + b'"/></Types>'
    return {
        **members,
        SHEET: members[SHEET].replace(PLAIN_CELL, SHARED_CELL),
        STRINGS: strings,
        CONTENT_TYPES: members[CONTENT_TYPES].replace(b"</Types>", override),
    }


def hostile_workbook(path: Path, member: str, dtd: str) -> Path:
    """A workbook whose `member` (sheet, shared strings or workbook part) declares DTDS[dtd] and refers to &bomb;."""
    members = _members()
    root = {SHEET: "worksheet", STRINGS: "sst", BOOK: "workbook"}[member]
    doctype = f"<!DOCTYPE {root} [{DTDS[dtd]}]>".encode()
    if member == STRINGS:
        return _write_zip(path, _with_shared_strings(members, doctype + b"&bomb;"))
    if member == SHEET:
        return _write_zip(path, {**members, SHEET: doctype + members[SHEET].replace(b"Socos", b"&bomb;")})
    book = members[BOOK].replace(b'name="Sheet"', b'name="&bomb;"')
    return _write_zip(path, {**members, BOOK: doctype + book})


def understate(path: Path, member: str, declared: int) -> Path:
    """Rewrite the size `member`'s local header and central directory entry declare; its bytes stay as they are."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        struct.pack_into("<I", data, archive.getinfo(member).header_offset + 22, declared)
    name = member.encode()
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, declared)
    path.write_bytes(bytes(data))
    return path


def _repeated(block: bytes, total: int) -> Iterator[bytes]:
    for _ in range(total // len(block)):
        yield block


def lying_zip(path: Path, actual: int, member: str = "datos.csv") -> Path:
    """A zipped CSV whose headers declare 1 kB for a member that inflates to `actual` bytes."""
    header = [b"id,name\n" + b"1,a\n" * 254]  # exactly 1 024 bytes, then the same lines on and on
    chunks = _repeated(b"1,a\n" * 250_000, actual)
    _write_zip(path, {member: iter([*header, *chunks])})
    return understate(path, member, 1024)


def _sheet(body: Iterable[bytes]) -> Iterator[bytes]:
    """A sheet's XML: a header row (id, n), then `body`. Rows and cells without an "r" are numbered in order."""
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    yield b'<row><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>n</t></is></c></row>'
    yield from body
    yield b"</sheetData></worksheet>"


def _thousands(piece: bytes, count: int) -> Iterator[bytes]:
    """`count` copies of `piece` % (n mod 1000): they deflate well, yet stay below the zip-bomb ratio."""
    pieces = [piece % (number,) for number in range(1000)]
    thousand = b"".join(pieces)
    yield from _repeated(thousand, count // 1000 * len(thousand))
    yield b"".join(pieces[: count % 1000])


def many_rows_workbook(path: Path, count: int, *, blank: bool = False) -> Path:
    """A real workbook's parts with a sheet of `count` small rows (or empty <row/> elements) after its header."""
    row = b"<row/><!--%d-->" if blank else b"<row><c><v>%d</v></c><c><v>7</v></c></row>"
    return _write_zip(path, {**_members(), SHEET: _sheet(_thousands(row, count))})


def wide_row_workbook(path: Path, cells: int) -> Path:
    """A sheet whose one row after the header holds `cells` cells."""
    body = itertools.chain([b"<row>"], _thousands(b"<c><v>%d</v></c>", cells), [b"</row>"])
    return _write_zip(path, {**_members(), SHEET: _sheet(body)})


def _refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> IntakeError:
    with pytest.raises(IntakeError) as refused:
        read_table(path, limits=limits)
    return refused.value


# --- entities ----------------------------------------------------------------------------------------------------


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML, "defusedxml must be installed: openpyxl uses it only when it can import it"


@pytest.mark.parametrize("dtd", DTDS)
@pytest.mark.parametrize("member", [SHEET, STRINGS, BOOK])
def test_xml_entities_in_any_part_of_a_workbook_are_refused(member, dtd, tmp_path):
    refused = _refusal(hostile_workbook(tmp_path / "bomba.xlsx", member, dtd))
    assert refused.reason == "readers.hostile_archive.xml_entities"
    assert "«bomba.xlsx»" in refused.message("es") and "entidades XML" in refused.message("es")
    assert "“bomba.xlsx”" in refused.message("en") and "XML entities" in refused.message("en")


@pytest.mark.parametrize("shared", [False, True])
def test_the_same_workbooks_without_entities_read(shared, tmp_path):
    """The hostile files above differ from these only by their DTD: the shared-strings path is really taken."""
    members = _members()
    members = _with_shared_strings(members, b"Socos") if shared else members
    table = read_table(_write_zip(tmp_path / "libro.xlsx", members))
    assert table.frame.to_dict("list") == {"id": ["1"], "name": ["Socos"]}


@pytest.mark.parametrize(
    ("member", "mangle"),
    [
        (SHEET, lambda xml: xml[: len(xml) // 2]),
        (STRINGS, lambda xml: xml.replace(b"</si>", b"")),
        (BOOK, lambda xml: b"<workbook"),
    ],
)
def test_malformed_xml_is_not_a_workbook(member, mangle, tmp_path):
    members = _with_shared_strings(_members(), b"Socos")
    path = _write_zip(tmp_path / "roto.xlsx", {**members, member: mangle(members[member])})
    assert _refusal(path).reason == "readers.xlsx.not_workbook"


# --- rows and columns, counted while streaming -------------------------------------------------------------------


def test_rows_past_the_ceiling_are_refused_before_any_frame_is_built(tmp_path, monkeypatch):
    path = many_rows_workbook(tmp_path / "filas.xlsx", 5)
    assert len(read_table(path, limits=Limits(max_rows=5)).frame) == 5
    monkeypatch.setattr(workbook_reader, "build_frame", lambda *args: pytest.fail("a frame was built"))
    refused = _refusal(path, Limits(max_rows=4))
    assert (refused.reason, refused.params) == ("readers.limits.too_many_rows", {"limit": 4})
    assert "«filas.xlsx»" in refused.message("es")


@pytest.mark.parametrize(
    ("rows", "limits", "reason"),
    [
        (
            [["id", "name"], ["1", "Socos"] + [None] * 16_381 + ["x"]],
            Limits(),
            "readers.hostile_archive.too_many_columns",
        ),
        ([["a"] * 11, ["1"]], Limits(max_columns=10), "readers.hostile_archive.too_many_columns"),
        ([["a"] * 4] * 6, Limits(max_cells=19), "readers.hostile_archive.too_many_cells"),
    ],
)
def test_absurdly_wide_sheets_are_refused(rows, limits, reason, tmp_path):
    path = _write_zip(tmp_path / "ancho.xlsx", _members(rows))
    refused = _refusal(path, limits)
    assert refused.reason == reason and "“ancho.xlsx”" in refused.message("en")


def test_a_sheet_at_the_ceilings_reads(tmp_path):
    path = _write_zip(tmp_path / "justo.xlsx", _members([["a"] * 4] * 6))
    assert read_table(path, limits=Limits(max_rows=5, max_columns=4, max_cells=20)).frame.shape == (5, 4)


@pytest.mark.parametrize(("max_rows", "refused"), [(11, False), (10, True)])
def test_empty_rows_count_as_rows_of_the_sheet(max_rows, refused, tmp_path):
    """openpyxl keeps every <row> it has parsed, empty or not: a header and 30 empty rows are 31 rows."""
    path = many_rows_workbook(tmp_path / "vacias.xlsx", 30, blank=True)
    if refused:
        assert _refusal(path, Limits(max_rows=max_rows)).params == {"limit": max_rows}
    else:
        assert read_table(path, limits=Limits(max_rows=max_rows)).frame.empty


def _shared_strings(count: int) -> dict[str, bytes]:
    members = _with_shared_strings(_members(), b"Socos")
    extra = b"<si><t>otra</t></si>" * (count - 1)
    return {**members, STRINGS: members[STRINGS].replace(b"</sst>", extra + b"</sst>")}


def _styles(extra: int) -> dict[str, bytes]:
    members = _members()
    elements = b"<extLst>" + b'<ext uri="x"/>' * extra + b"</extLst></styleSheet>"
    return {**members, "xl/styles.xml": members["xl/styles.xml"].replace(b"</styleSheet>", elements)}


@pytest.mark.parametrize(
    ("build", "limits", "reason"),
    [
        (lambda path: wide_row_workbook(path, 41), Limits(max_columns=10), TOO_MANY_ELEMENTS),  # 82 > 10 × 8
        (lambda path: wide_row_workbook(path, 40), Limits(max_columns=10), "readers.hostile_archive.too_many_columns"),
        (lambda path: _write_zip(path, _shared_strings(3)), Limits(max_cells=10), TOO_MANY_ELEMENTS),  # 3 > 10 ÷ 5
        (lambda path: _write_zip(path, _styles(1000)), Limits(), TOO_MANY_ELEMENTS),
    ],
)
def test_parts_with_more_elements_than_openpyxl_should_build_are_refused_unparsed(
    build, limits, reason, tmp_path, monkeypatch
):
    monkeypatch.setattr(workbook_reader, "OTHER_ELEMENTS", 1000)
    monkeypatch.setattr(workbook_reader, "build_frame", lambda *args: pytest.fail("a frame was built"))
    refused = _refusal(build(tmp_path / "partes.xlsx"), limits)
    assert refused.reason == reason and "«partes.xlsx»" in refused.message("es")


def test_the_same_parts_within_the_limits_read(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_reader, "OTHER_ELEMENTS", 1000)
    assert len(read_table(_write_zip(tmp_path / "a.xlsx", _shared_strings(2)), limits=Limits(max_cells=10)).frame) == 1
    assert len(read_table(_write_zip(tmp_path / "b.xlsx", _styles(900))).frame) == 1
    assert read_table(wide_row_workbook(tmp_path / "c.xlsx", 10), limits=Limits(max_columns=10)).frame.shape == (1, 10)


@pytest.mark.parametrize("dtd", DTDS)
@pytest.mark.parametrize("member", [SHEET, STRINGS, BOOK])
def test_defusedxml_refuses_entities_that_the_scan_would_miss(member, dtd, tmp_path, monkeypatch):
    """The second line: with the scan's DTD check switched off, openpyxl's defusedxml still refuses them."""
    monkeypatch.setattr(workbook_reader.PartScan, "_doctype", lambda *declaration: None)
    refused = _refusal(hostile_workbook(tmp_path / "bomba.xlsx", member, dtd))
    assert refused.reason == "readers.hostile_archive.xml_entities"


def test_listing_the_sheets_of_a_hostile_workbook_refuses_it_too(tmp_path):
    with pytest.raises(IntakeError) as refused:
        sheet_names(hostile_workbook(tmp_path / "bomba.xlsx", STRINGS, "one_big_entity"))
    assert refused.value.reason == "readers.hostile_archive.xml_entities"


# --- members that inflate past their declared size ---------------------------------------------------------------


def _lying_workbook(path: Path) -> Path:
    members = _members()
    padding = _repeated(b"<!-- relleno -->" * 4096, 20_000_000)  # valid XML after the root: only the size lies
    _write_zip(path, {**members, SHEET: iter([members[SHEET], *padding])})
    return understate(path, SHEET, len(members[SHEET]))


def _lying_shapefile(path: Path) -> Path:
    with zipfile.ZipFile(corpus.zipped_shapefile(path.parent)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    dbf = next(name for name in members if name.endswith(".dbf"))
    _write_zip(path, {**members, dbf: iter([members[dbf], *_repeated(b"\x20" * 65_536, 20_000_000)])})
    return understate(path, dbf, len(members[dbf]))


@pytest.mark.parametrize(
    ("builder", "member"),
    [
        (lambda path: lying_zip(path, 20_000_000), "datos.csv"),
        (_lying_workbook, SHEET),
        (_lying_shapefile, "capa/comunidades.dbf"),
    ],
)
def test_a_member_that_inflates_past_its_declared_size_is_refused(builder, member, tmp_path):
    path = builder(tmp_path / ("mentira.xlsx" if builder is _lying_workbook else "mentira.zip"))
    refused = _refusal(path)
    assert (refused.reason, refused.params["member"]) == ("readers.hostile_archive.size_lie", member)
    assert path.name in refused.message("es") and member in refused.message("en")


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_checked_members_read_as_written(method, tmp_path):
    payload = bytes(range(256)) * 1000
    with zipfile.ZipFile(tmp_path / "a.zip", "w", method) as archive:
        archive.writestr("a.bin", payload)
    with CheckedZipFile(tmp_path / "a.zip", "a.zip") as archive:
        assert archive.read("a.bin") == payload
        with archive.open("a.bin") as member:
            assert member.read(10) == payload[:10]


def test_a_member_whose_checksum_fails_is_corrupt(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.zip", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.csv", b"id,name\n1,Socos\n")
    data = (tmp_path / "a.zip").read_bytes()
    (tmp_path / "a.zip").write_bytes(data.replace(b"Socos", b"Sucos"))
    with CheckedZipFile(tmp_path / "a.zip", "a.zip") as archive, pytest.raises(IntakeError) as refused:
        archive.read("a.csv")
    assert refused.value.reason == "readers.archive.corrupt"


# --- the worst cases, through the CLI, in a capped address space ------------------------------------------------


@pytest.fixture(scope="module")
def worst_cases(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each worst case, small on disk, with the words its refusal must contain."""
    folder = tmp_path_factory.mktemp("worst")
    return {
        "billion_laughs": (hostile_workbook(folder / "risas.xlsx", SHEET, "billion_laughs"), "entidades XML"),
        "million_rows": (many_rows_workbook(folder / "millon.xlsx", 1_000_000), "más de 300000 filas"),
        "lying_zip": (lying_zip(folder / "mentira.zip", GIGABYTE), "datos.csv"),
        "empty_rows": (many_rows_workbook(folder / "vacias.xlsx", 15_000_000, blank=True), "más de 300000 filas"),
        "wide_row": (wide_row_workbook(folder / "ancha.xlsx", 12_000_000), "elementos XML"),
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> int:
    """The peak address space of validating a harmless CSV: Python, pandas, GDAL and the demo store."""
    run = validate_capped(corpus.utf8_csv(tmp_path_factory.mktemp("harmless")), 0)
    assert run.code in (0, 1) and "Traceback" not in run.stderr and run.peak > 0
    return run.peak


@pytest.mark.parametrize("case", ["billion_laughs", "million_rows", "lying_zip", "empty_rows", "wide_row"])
def test_worst_cases_are_refused_within_a_gigabyte_of_the_baseline(case, worst_cases, baseline):
    path, words = worst_cases[case]
    run = validate_capped(path, baseline + GIGABYTE)
    code, out, err = run.code, run.stdout, run.stderr
    said = out + err  # the CLI writes the refusal to stderr
    assert code == 2, said
    assert f"No se puede leer «{path.name}»" in said and words in said
    assert "Traceback" not in said and "MemoryError" not in said
