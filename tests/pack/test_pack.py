"""The meeting pack from the command line: every format, filtered by a shareable address's query string."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.data.dataset import Dataset
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.pack import downloads
from dashboard.pack.downloads import DATA_FORMATS, PACK, ChartPng, Download

QUERY = "region=PE-AYA&cultivo=papa_nativa"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The first bytes of a file of each MIME type the pack offers: a new type needs its signature here.
SIGNATURES = {
    "text/csv": b"\xef\xbb\xbf",  # the BOM that makes Excel read UTF-8
    XLSX: b"PK\x03\x04",
    "application/geo+json": b'{"type": "FeatureCollection"',
    "application/geopackage+sqlite3": b"SQLite format 3\x00",
    "application/vnd.google-earth.kml+xml": b"<?xml",
    "text/html": b"<!DOCTYPE html>",
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


def _everything(data: Dataset) -> Selection:
    return Selection.of(data, FilterIndex.build(data.innovations, data.communities), Filters())


def _export(small_store, tmp_path, code, *extra):
    out = tmp_path / f"pack.{code}"
    result = CliRunner().invoke(main, ["export", code, "--out", str(out), "--store", str(small_store), *extra])
    assert result.exit_code == 0, result.output
    return out, result


def _expected(small_dataset):
    innovations = small_dataset.innovations
    chosen = innovations[(innovations["region"] == "PE-AYA") & innovations["crops"].map(lambda c: "papa_nativa" in c)]
    assert 0 < len(chosen) < len(innovations)
    return chosen


def test_csv_export_holds_what_the_query_selects(small_store, small_dataset, tmp_path):
    out, result = _export(small_store, tmp_path, "csv", "--query", QUERY)
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert sorted(table[t("export.column.innovation_id", "es")]) == sorted(_expected(small_dataset)["innovation_id"])
    assert f"{len(table)} innovaciones" in result.output


def test_a_query_copied_with_its_question_mark_and_an_unknown_key_still_works(small_store, small_dataset, tmp_path):
    out, result = _export(small_store, tmp_path, "geojson", "--query", f"?{QUERY}&zzz=1")
    assert len(pyogrio.read_dataframe(out)) == len(_expected(small_dataset))
    assert "zzz" in result.output  # the notice, on stderr


@pytest.mark.parametrize("code", ["xlsx", "gpkg", "kml"])
def test_every_data_format_is_written_and_read_back(small_store, small_dataset, tmp_path, code):
    out, _ = _export(small_store, tmp_path, code, "--query", QUERY)
    if code == "xlsx":
        ids = pd.read_excel(out, sheet_name=1, dtype=str).iloc[:, 0]
    elif code == "gpkg":  # the CLI's file is public: GIS layers, not an atlas store (tests/pack/test_exports.py)
        ids = pyogrio.read_dataframe(out, layer="innovations")["innovation_id"]
    else:
        ids = pd.concat(
            [pyogrio.read_dataframe(out, layer=layer)["innovation_id"] for layer, _ in pyogrio.list_layers(out)]
        )
    assert sorted(ids) == sorted(_expected(small_dataset)["innovation_id"])


def test_the_brief_is_written_in_english_when_asked(small_store, tmp_path):
    out, _ = _export(small_store, tmp_path, "pdf", "--lang", "en", "--query", "region=PE-PUN")
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Innovations in Puno" in text


def test_the_html_map_is_one_offline_file(small_store, tmp_path):
    out, _ = _export(small_store, tmp_path, "html", "--query", QUERY)
    page = out.read_text(encoding="utf-8")
    assert "Innovaciones de papa nativa en Ayacucho" in page and 'src="http' not in page


def test_a_chart_is_written_as_png(small_store, tmp_path):
    out, _ = _export(small_store, tmp_path, "png", "--chart", "pid_stage")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_download_names_carry_the_filter_in_plain_words(small_dataset):
    day, index = dt.date(2026, 11, 29), FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    names = list(small_dataset.partners["partner_id"])
    filters = Filters(regions=("PE-AYA",), crops=("papa_nativa",), year_from=2015, year_to=2025, text="Ñawi  qocha")
    chosen = Selection.of(small_dataset, index, filters)
    pdf = "resumen-innovaciones-ayacucho-papa-nativa-2015-2025-nawi-qocha-2026-11-29.pdf"
    assert PACK["pdf"].filename("es", day, chosen) == pdf
    assert PACK["csv"].filename("en", day, chosen).startswith("innovations-ayacucho-native-potato-2015-2025-")
    assert ChartPng("crop").filename("es", day, chosen).startswith("grafico-crop-ayacucho-papa-nativa-")
    everything = Selection.of(small_dataset, index, Filters())
    assert PACK["csv"].filename("es", day, everything) == "innovaciones-2026-11-29.csv"
    many = Selection.of(small_dataset, index, Filters(partners=tuple(names)))
    assert len(PACK["xlsx"].filename("es", day, many)) <= len("innovaciones--2026-11-29.xlsx") + 60


def test_an_unknown_chart_is_refused_naming_the_choices(small_store, tmp_path):
    result = CliRunner().invoke(
        main, ["export", "png", "--chart", "nope", "--out", str(tmp_path / "x.png"), "--store", str(small_store)]
    )
    assert result.exit_code != 0 and "pid_stage" in result.output
    assert not (tmp_path / "x.png").exists()


def test_download_names_follow_the_language_and_date():
    day = dt.date(2026, 11, 28)
    assert PACK["pdf"].filename("es", day) == "resumen-innovaciones-2026-11-28.pdf"
    assert PACK["html"].filename("en", day) == "innovations-map-2026-11-28.html"
    assert PACK["csv"].filename("es", day) == "innovaciones-2026-11-28.csv"
    assert ChartPng("region").filename("es", day) == "grafico-region-2026-11-28.png"
    assert json.dumps(sorted(PACK)) == json.dumps(
        ["csv", "geojson", "gpkg", "html", "kml", "pdf", "png", "poster", "xlsx"]
    )
    assert DATA_FORMATS == ("csv", "xlsx", "geojson", "gpkg", "kml")


def test_only_a_signed_in_editor_takes_away_names_and_exact_points(small_dataset):
    selection = _everything(small_dataset)
    innovations = small_dataset.innovations
    hidden = innovations.loc[~innovations["consent_public"].astype(bool), "innovator_name"].dropna()
    assert len(hidden)
    public = PACK["csv"].make(selection, "es").decode("utf-8-sig")
    full = PACK["csv"].make(selection, "es", editor=True).decode("utf-8-sig")
    assert not any(name in public for name in hidden)
    assert all(name in full for name in hidden)
    brief_text = PACK["html"].make(selection, "es", editor=True).decode("utf-8")
    assert not any(name in brief_text for name in hidden)  # what is handed out stays public


def test_the_workbooks_readme_says_what_it_holds_for_the_public_and_for_an_editor(small_dataset):
    selection = _everything(small_dataset)
    readme = {
        editor: "\n".join(
            pd.read_excel(io.BytesIO(PACK["xlsx"].make(selection, "es", editor=editor)), sheet_name=0, header=None)[0]
        )
        for editor in (False, True)
    }
    assert t("export.readme.restricted", "es") in readme[False] and t("export.readme.full", "es") not in readme[False]
    assert t("export.readme.full", "es") in readme[True] and t("export.readme.restricted", "es") not in readme[True]


@pytest.mark.parametrize("code", list(PACK))
def test_every_download_makes_a_file_of_its_declared_type(small_dataset, code):
    download = PACK[code]
    made = download.make(_everything(small_dataset), "en")
    assert made.startswith(SIGNATURES[download.mime]) and len(made) > 100
    assert download.filename("es").endswith(f".{download.extension}")
    assert download.label("es") and download.label("en")


def test_an_unknown_chart_is_refused_when_its_png_is_asked_for():
    with pytest.raises(ValueError, match="unknown chart 'nope'; the charts are region"):
        ChartPng("nope")


class Note(Download):
    """A download the atlas does not offer: a line of text."""

    code = extension = "txt"
    mime, stem, label_key = "text/plain", "export.stem", "export.format.csv"

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return f"{int(selection.keep.sum())} {lang}".encode()


def test_the_export_command_takes_exactly_the_registry_codes(small_store, small_dataset, tmp_path, monkeypatch):
    monkeypatch.setitem(downloads.PACK, "txt", Note())
    out, _ = _export(small_store, tmp_path, "txt", "--query", QUERY, "--lang", "en")
    assert out.read_text() == f"{len(_expected(small_dataset))} en"
    result = CliRunner().invoke(
        main, ["export", "docx", "--out", str(tmp_path / "x.docx"), "--store", str(small_store)]
    )
    assert result.exit_code == 2 and all(code in result.output for code in downloads.PACK)
    assert not (tmp_path / "x.docx").exists()


def test_without_out_the_file_gets_the_name_the_page_gives_it_here(small_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "csv", "--query", QUERY, "--store", str(small_store)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [f"innovaciones-ayacucho-papa-nativa-{dt.date.today()}.csv"]
