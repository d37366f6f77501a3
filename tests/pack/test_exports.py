"""Every download opens in the program a user would use and holds the filtered, public records."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import public_view
from dashboard.data.vocab import DOMAIN, INNOVATOR_TYPE
from dashboard.i18n import t
from dashboard.pack.downloads import DATA_FORMATS, PACK
from dashboard.pack.exports import neutralised
from tests.handmade import handmade_dataset

HOSTILE = "<script>alert(1)</script> ]]> & Ñuñoa"
TITLES = {"007": '=HYPERLINK("http://x")', "INN-B": HOSTILE, "INN-C": "+1", "INN-D": "-2", "INN-E": "@SUM(A1)"}
EXACT_OWN_POINT = (-73.95, -12.95)  # restricted innovation F's own point
JULI = (-69.46, -16.21)  # restricted innovation C sits at this community without a point of its own


def hostile_dataset() -> Dataset:
    """The handmade store with formula-like and markup titles, a zero-padded id and two restricted
    innovations: F with its own point, C at Juli, which now shares its district with Nuñoa;
    community Socos has markup in its name."""
    data = handmade_dataset()
    innovations = data.innovations
    innovations["innovation_id"] = innovations["innovation_id"].replace({"INN-A": "007"})
    innovations["title"] = innovations["innovation_id"].map(TITLES).fillna(innovations["title"])
    innovations.loc[innovations["innovation_id"] == "INN-B", "description"] = HOSTILE
    innovations.loc[innovations["innovation_id"] == "007", "name_public"] = True
    innovations.loc[innovations["innovation_id"] == "INN-C", "consent_public"] = False
    data.communities.loc[data.communities["community_id"] == "c2", "name"] = "Socos <b>&</b>"
    nunoa = data.communities["community_id"] == "c4"
    data.communities.loc[nunoa, ["province", "district"]] = ["Chucuito", "Juli"]
    return data


@pytest.fixture(scope="module")
def demo_view(small_dataset) -> Dataset:
    """Half of the demo innovations, as a public page would show them."""
    keep = small_dataset.innovations["domain"] != "water_irrigation"
    return public_view(small_dataset, keep.to_numpy(), editor=False)


@pytest.fixture(scope="module")
def hostile_view() -> Dataset:
    data = hostile_dataset()
    return public_view(data, np.ones(len(data.innovations), bool), editor=False)


def _file(tmp_path: Path, code: str, content: bytes) -> Path:
    path = tmp_path / f"innovaciones.{PACK[code].extension}"
    path.write_bytes(content)
    return path


def _kml_frame(path: Path) -> pd.DataFrame:
    """Every placemark of every folder (GDAL reads each folder as a layer)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "more than one layer"
        layers = [pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)]
    if not layers:
        return gpd.GeoDataFrame({"innovation_id": [], "title": []}, geometry=[], crs="EPSG:4326")
    frame = pd.concat(layers, ignore_index=True)
    return frame.rename(columns={"Name": "title"})


def _with_xy(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(longitude=frame.geometry.x, latitude=frame.geometry.y)


def read_innovations(code: str, path: Path, lang: str = "es") -> pd.DataFrame:
    """An export's innovations as the user's program reads them: id, title, longitude, latitude."""
    if code == "csv":
        header = {t(f"export.column.{c}", lang): c for c in ("innovation_id", "title", "longitude", "latitude")}
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str).rename(columns=header)
    elif code == "xlsx":
        frame = pd.read_excel(path, sheet_name="innovaciones" if lang == "es" else "innovations", dtype=str).rename(
            columns={
                "Código de innovación": "innovation_id",
                "Título": "title",
                "Longitud": "longitude",
                "Latitud": "latitude",
            }
        )
    elif code == "geojson":
        frame = _with_xy(pyogrio.read_dataframe(path))
    elif code == "gpkg":  # a public GeoPackage is GIS layers: its restricted records belong to no community
        frame = _with_xy(pyogrio.read_dataframe(path, layer="innovations"))
    else:
        frame = _with_xy(_kml_frame(path))
    columns = ["innovation_id", "title", "longitude", "latitude"]
    # reindex: GDAL finds no properties in a GeoJSON without features
    frame = frame.reindex(columns=columns)
    return frame.astype({"longitude": float, "latitude": float}).reset_index(drop=True)


def _expected(view: Dataset) -> pd.DataFrame:
    frame = view.innovations
    return pd.DataFrame(
        {
            "innovation_id": frame["innovation_id"].astype(str),
            "title": frame["title"].astype(str),
            "longitude": frame.geometry.x,
            "latitude": frame.geometry.y,
        }
    )


def _same_records(read: pd.DataFrame, view: Dataset, titles=lambda title: title) -> None:
    read = read.sort_values("innovation_id").reset_index(drop=True)
    expected = _expected(view).sort_values("innovation_id").reset_index(drop=True)
    assert list(read["innovation_id"]) == list(expected["innovation_id"])
    assert list(read["title"]) == [titles(title) for title in expected["title"]]
    np.testing.assert_allclose(read[["longitude", "latitude"]], expected[["longitude", "latitude"]], atol=1e-6)


@pytest.mark.parametrize("code", sorted(DATA_FORMATS))
def test_every_format_reads_back_as_the_filtered_innovations(code, demo_view, tmp_path):
    assert 0 < len(demo_view.innovations) < 80
    path = _file(tmp_path, code, PACK[code].write(demo_view, "es"))
    _same_records(read_innovations(code, path), demo_view)


@pytest.mark.parametrize("code", sorted(DATA_FORMATS))
def test_every_format_writes_an_empty_filter(code, small_dataset, tmp_path):
    empty = public_view(small_dataset, np.zeros(len(small_dataset.innovations), bool))
    path = _file(tmp_path, code, PACK[code].write(empty, "en"))
    assert read_innovations(code, path, "en").empty


@pytest.mark.parametrize("code", sorted(DATA_FORMATS))
def test_hostile_records_come_back_as_text_in_every_format(code, hostile_view, tmp_path):
    path = _file(tmp_path, code, PACK[code].write(hostile_view, "es"))
    spreadsheet = code in ("csv", "xlsx")
    _same_records(
        read_innovations(code, path),
        hostile_view,
        titles=lambda title: f"'{title}" if spreadsheet and title[0] in "=+-@" else title,
    )


@pytest.mark.parametrize("code", sorted(DATA_FORMATS))
def test_no_restricted_name_or_exact_point_in_any_format(code, hostile_view, tmp_path):
    content = PACK[code].write(hostile_view, "es")
    read = read_innovations(code, _file(tmp_path, code, content))
    points = set(zip(read["longitude"].round(6), read["latitude"].round(6), strict=True))
    assert EXACT_OWN_POINT not in points
    at_juli = read.loc[read["innovation_id"] == "INN-C", ["longitude", "latitude"]].round(6)
    assert at_juli.iloc[0].tolist() != list(JULI)
    for letter in "CF":
        assert f"Persona ficticia {letter}".encode() not in content
    if code in ("csv", "geojson", "kml"):
        assert b"-73.95" not in content
    if code in ("csv", "geojson"):
        assert b"Persona ficticia A" in content  # a name both consents allow is kept


def test_csv_speaks_the_chosen_language_in_every_header_and_value(hostile_view):
    content = PACK["csv"].write(hostile_view, "es")
    assert content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={"Código de innovación": str})
    assert [c for c in frame.columns if c.isascii() and "_" in c] == []  # no header is a field's code
    assert "007" in set(frame["Código de innovación"])
    assert frame["Longitud"].dtype == float and (frame["Longitud"] < 0).all()
    assert frame["Año documentado"].dtype == np.int64
    row = frame.set_index("Código de innovación").loc["007"]
    assert row["Cultivos"] == "papa nativa; oca" and row["Socios"] == "CEDAP; WN"
    assert row["Comunidad"] == "Huanta"
    assert not {"Consentimiento público", "Nombre público", "Ubicación mostrada"} & set(frame.columns)
    innovation = hostile_view.innovations.set_index("innovation_id").loc["007"]
    assert row["Ámbito"] == DOMAIN.label(innovation["domain"], "es")
    assert row["Tipo de innovador"] == INNOVATOR_TYPE.label(innovation["innovator_type"], "es")
    assert "Nuñoa" in content.decode("utf-8-sig") and "Descripción" in content.decode("utf-8-sig")
    english = pd.read_csv(io.BytesIO(PACK["csv"].write(hostile_view, "en")), encoding="utf-8-sig", dtype=str)
    assert english.set_index("Innovation ID").loc["007", "Crops"] == "native potato; oca"
    assert len(english.columns) == len(frame.columns)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_atlas_imports_its_own_csv_back_unchanged(lang, small_dataset, tmp_path):
    atlas = tmp_path / "atlas.gpkg"
    store.write(small_dataset, atlas)
    stored = store.load(atlas)
    editor_view = public_view(stored, np.ones(len(stored.innovations), bool), editor=True)
    path = tmp_path / f"innovaciones-{lang}.csv"
    path.write_bytes(PACK["csv"].write(editor_view, lang))
    args = ["import", str(path), "--store", str(atlas), "--editor", "Ana", "--dry-run"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    totals = t("intake.counts", "es", new=0, update=0, unchanged=len(stored.innovations), rejected=0)
    assert totals in result.output  # every row read back as the very record it came from


def test_xlsx_is_styled_text_safe_and_never_holds_a_formula(hostile_view):
    book = openpyxl.load_workbook(io.BytesIO(PACK["xlsx"].write(hostile_view, "es")))
    assert book.sheetnames == ["léame", "innovaciones", "comunidades", "socios"]
    sheet = book["innovaciones"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].font.bold
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    titles = {cell.value for cell in sheet[get_letter(header, "Título")][1:]}
    assert {'\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", HOSTILE} <= titles
    ids = sheet[get_letter(header, "Código de innovación")][1:]
    assert "007" in {c.value for c in ids} and all(c.number_format == "@" for c in ids)
    longitudes = sheet[get_letter(header, "Longitud")][1:]
    assert all(c.data_type == "n" and c.value < 0 for c in longitudes)


def get_letter(header: list[str], title: str) -> str:
    return openpyxl.utils.get_column_letter(header.index(title) + 1)


def test_xlsx_sheets_and_headers_follow_the_language(hostile_view):
    sheets = {
        lang: pd.read_excel(io.BytesIO(PACK["xlsx"].write(hostile_view, lang)), sheet_name=None, dtype=str)
        for lang in ("es", "en")
    }
    assert list(sheets["en"]) == ["readme", "innovations", "communities", "partners"]
    assert {"Título", "Comunidad", "Etapa DPI"} <= set(sheets["es"]["innovaciones"].columns)
    assert {"Title", "Community", "PID stage"} <= set(sheets["en"]["innovations"].columns)
    # Juli (c3) is named only by restricted C: a public file does not list it
    assert set(sheets["es"]["comunidades"]["Código de comunidad"]) == {"c1", "c2", "c4", "c5"}
    assert list(sheets["en"]["partners"]["Partner ID"]) == ["cedap", "aba", "wn"]


def test_xlsx_readme_tells_source_licence_counts_and_generalisation(hostile_view):
    view = Dataset(
        hostile_view.partners,
        hostile_view.communities,
        hostile_view.innovations,
        metadata={**hostile_view.metadata, "source": "Prolinnova–Perú, 2026", "licence": "CC BY 4.0"},
    )
    lines = pd.read_excel(io.BytesIO(PACK["xlsx"].write(view, "es")), sheet_name="léame", header=None)[0].tolist()
    text = "\n".join(lines)
    assert "Prolinnova–Perú, 2026" in text and "CC BY 4.0" in text
    assert "Filas: 6 innovaciones, 4 comunidades, 3 socios." in lines
    assert "generalizados" in text and t("generalised.readme", "es", k=3) in lines


def test_geojson_keeps_lists_as_arrays(hostile_view, tmp_path):
    content = PACK["geojson"].write(hostile_view, "en")
    frame = pyogrio.read_dataframe(_file(tmp_path, "geojson", content))
    assert frame.crs.to_epsg() == 4326
    row = frame.set_index("innovation_id").loc["007"]
    assert list(row["crops"]) == ["papa_nativa", "oca"] and list(row["partners"]) == ["cedap", "wn"]
    assert list(row["crop_labels"]) == ["native potato", "oca"]


def test_kml_escapes_markup_and_groups_placemarks_by_domain(hostile_view, tmp_path):
    content = PACK["kml"].write(hostile_view, "es")
    raw = content.decode("utf-8")
    assert "<script>" not in raw and "]]>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; Ñuñoa" in raw
    path = _file(tmp_path, "kml", content)
    assert {name for name, _ in pyogrio.list_layers(path)} == {
        "agua y riego",
        "semillas y variedades",
        "ganadería y sanidad animal",
        "comercialización y organización",
    }
    row = _kml_frame(path).set_index("innovation_id").loc["INN-B"]
    assert row["title"] == HOSTILE
    assert "&lt;script&gt;" in row["description"] and "<script>" not in row["description"]
    assert "<th>Comunidad</th><td>Socos &lt;b&gt;&amp;&lt;/b&gt;</td>" in row["description"]


def test_a_public_gpkg_holds_the_public_tables_and_an_editors_loads_as_the_atlas(hostile_view, tmp_path):
    public = _file(tmp_path, "gpkg", PACK["gpkg"].write(hostile_view, "es"))
    assert {name for name, _ in pyogrio.list_layers(public)} == {"innovations", "communities", "partners"}
    innovations = pyogrio.read_dataframe(public, layer="innovations").set_index("innovation_id")
    assert list(innovations.index) == list(hostile_view.innovations["innovation_id"])
    assert innovations.loc["007", "partners"] == "cedap; wn" and innovations.loc["007", "community_id"] == "c1"
    assert not {"consent_public", "name_public", "location_shown"} & set(innovations.columns)
    assert innovations.loc[["INN-C", "INN-F"], "community_id"].isna().all()
    assert set(pyogrio.read_dataframe(public, layer="communities")["community_id"]) == {"c1", "c2", "c4", "c5"}
    data = hostile_dataset()
    editor = tmp_path / "editor.gpkg"
    editor.write_bytes(PACK["gpkg"].write(public_view(data, np.ones(len(data.innovations), bool), editor=True), "es"))
    loaded = store.load(editor).innovations.set_index("innovation_id")  # every record exact, as the store holds it
    assert loaded.loc["INN-F", "community_id"] == "c1" and loaded.loc["INN-F"].geometry.coords[0] == EXACT_OWN_POINT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Qocha", "Qocha"),
        ("a=b", "a=b"),
        ("", ""),
        (-13.16, -13.16),
        (2005, 2005),
        (None, None),
    ],
)
def test_only_text_that_starts_like_a_formula_is_neutralised(value, expected):
    assert neutralised(value) == expected


def test_registry_entries_have_labels_in_both_languages():
    for code, export in PACK.items():
        assert export.code == code and export.mime.count("/") == 1
        assert export.label("es") and export.label("en")
