"""Reading field data as text: every quirk of the corpus, the atlas's own exports, and every refusal."""

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard.i18n import catalogue
from dashboard.intake.forms import detect_flavour, normalise_form
from dashboard.intake.issues import FLAG, REJECT, IntakeError
from dashboard.intake.limits import Limits, unsafe_name
from dashboard.intake.readers import read_table
from dashboard.intake.readers.cells import cell_text
from dashboard.pack import exports
from dashboard.pack.downloads import DATA_FORMATS, PACK
from tests import intake_corpus as corpus

PLAIN = {
    "community_id": ["007", "010", "011", "012", "013"],
    "name": ["Ñuñoa", "NA", "None", "N/A", "null"],
    "altitude_m": ["4010", "3380", None, "2640", "1"],
}


def _read(builder, tmp_path: Path, **options):
    return read_table(builder(tmp_path), **options)


def _reasons(table) -> list[tuple[int | None, str]]:
    return [(issue.row, issue.reason) for issue in table.issues]


def _only_text(frame: pd.DataFrame) -> bool:
    """Whether every cell is str or None, in object columns (pandas' own string dtype would turn None into NaN)."""
    cells_are_text = all(v is None or isinstance(v, str) for v in frame.to_numpy().ravel())
    return cells_are_text and all(map(pd.api.types.is_object_dtype, frame.dtypes))


@pytest.mark.parametrize(
    ("builder", "encoding", "delimiter"),
    [
        (corpus.utf8_csv, "utf-8", ","),
        (corpus.utf8_bom_csv, "utf-8-sig", ","),
        (corpus.utf16_csv, "utf-16", "\t"),
        (corpus.tab_csv, "utf-8", "\t"),
    ],
)
def test_delimited_text_comes_back_exactly_as_written(builder, encoding, delimiter, tmp_path):
    table = _read(builder, tmp_path)
    assert (table.kind, table.flavour, table.encoding, table.delimiter) == ("csv", None, encoding, delimiter)
    assert table.frame.to_dict("list") == PLAIN  # "007", "NA", "None", "N/A", "null" stay text; empty is None
    assert table.rows == [2, 3, 4, 5, 6] and table.issues == [] and _only_text(table.frame)


def test_windows_1252_semicolons_and_the_caller_overriding_them(tmp_path):
    table = _read(corpus.cp1252_csv, tmp_path)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.frame.to_dict("records") == [{"id": "1", "nombre": "Huamangá", "nota": "el ‘qocha’ de Ñahui"}]
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / "ansi.csv", encoding="utf-8")
    assert refused.value.reason == "readers.csv.encoding"
    forced = read_table(tmp_path / "ansi.csv", encoding="latin-1", delimiter=",")
    assert list(forced.frame.columns) == ["id;nombre;nota"] and forced.delimiter == ","


def test_decimal_commas_stay_inside_a_semicolon_file(tmp_path):
    table = _read(corpus.semicolon_csv, tmp_path)
    assert table.frame.to_dict("records") == [
        {"id": "007", "nombre": "Socos; Huamanga", "lat": "-13,16", "lon": "-74,22"}
    ]


def test_ragged_rows_are_rejected_in_place_never_shifted(tmp_path):
    table = _read(corpus.ragged_csv, tmp_path)
    assert table.rows == [2, 3, 4, 5, 8]  # line numbers: row 5 spans two lines, line 7 is empty
    assert _reasons(table) == [(3, "readers.row.extra_fields"), (4, "readers.row.missing_fields")]
    assert [i.params for i in table.issues] == [
        {"row": 3, "found": 4, "expected": 3},
        {"row": 4, "found": 2, "expected": 3},
    ]
    assert all(i.severity == REJECT for i in table.issues)
    assert table.frame.iloc[1].isna().all() and table.frame.iloc[2].isna().all()
    assert table.frame["name"][3] == 'Quinua, "real"\nsegunda línea'


def test_workbook_cells_read_as_the_sheet_shows_them(tmp_path):
    table = _read(corpus.workbook, tmp_path)
    assert (table.kind, table.sheet, table.rows) == ("xlsx", "datos", [2, 4])
    assert table.frame.to_dict("records") == [
        {
            "id": "007",
            "altitud": "4010",
            "lat": "-13.16",
            "año": "2019",
            "fecha": "2024-05-03",
            "activo": "true",
            "codigo": "007",
        },
        {
            "id": "NA",
            "altitud": "3.5",
            "lat": None,
            "año": "2020",
            "fecha": "2023-01-02",
            "activo": "false",
            "codigo": "N/A",
        },
    ]
    assert read_table(tmp_path / "libro.xlsx", sheet="otra").frame.columns.tolist() == ["x"]
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / "libro.xlsx", sheet="nada")
    assert refused.value.reason == "readers.xlsx.no_sheet" and refused.value.params["sheets"] == "datos, otra"


@pytest.mark.parametrize("code", sorted(DATA_FORMATS))
def test_the_atlas_reads_back_every_export_it_writes(code, small_dataset, tmp_path):
    path = tmp_path / f"innovaciones.{PACK[code].extension}"
    path.write_bytes(PACK[code].write(small_dataset, "es"))
    table = read_table(path, layer="innovations" if code == "gpkg" else None)
    ids = sorted(small_dataset.innovations["innovation_id"])
    column = "Código de innovación" if code in ("xlsx", "csv") else "innovation_id"  # spreadsheets: headers in words
    assert sorted(table.frame[column]) == ids and _only_text(table.frame)
    assert table.sheet == ("innovaciones" if code == "xlsx" else None)  # the readme sheet is skipped
    if code in ("geojson", "gpkg", "kml"):
        # the store keeps no point for an innovation that sits at its community: flagged, not invented
        missing = [row for row, lon in zip(table.rows, table.frame["longitude"], strict=True) if lon is None]
        assert _reasons(table) == [(row, "readers.geometry.missing") for row in missing]
        assert table.crs == "EPSG:4326" and (code == "gpkg" or not missing)


KOBO_EXPECTED = [
    {
        "start": "2024-05-03",
        "comunidad": "Socos",
        "latitude": "-13.21",
        "longitude": "-74.29",
        "altitude": "3380",
        "accuracy": "5",
        "cultivos": "papa_nativa; quinua",
        "otro/nombre": "x",
        "nombre": "Ana",
        "_uuid": "a1b2",
    },
    {
        "start": "2024-05-04",
        "comunidad": None,
        "latitude": "-12.93",
        "longitude": "-74.25",
        "altitude": "2640",
        "accuracy": "8",
        "cultivos": "oca",
        "otro/nombre": None,
        "nombre": "Luis",
        "_uuid": "c3d4",
    },
    {
        "start": "2024-05-05",
        "comunidad": "Juli",
        "latitude": None,
        "longitude": None,
        "altitude": None,
        "accuracy": None,
        "cultivos": None,
        "otro/nombre": None,
        "nombre": "Rosa",
        "_uuid": "e5f6",
    },
]


@pytest.mark.parametrize(
    ("name", "text", "expected", "reasons"),
    [
        ("excel.csv", "sep=;\nid;name\n1;a\n", {"id": ["1"], "name": ["a"]}, []),
        ("blank.csv", "\n\nid,name\n\n1,a\n,\n", {"id": ["1"], "name": ["a"]}, []),
        (
            "degrees.geojson",
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:32718"}}, '
            '"features": [{"type": "Feature", "properties": {}, '
            '"geometry": {"type": "Point", "coordinates": [-74, -13]}}]}',
            {"longitude": [None], "latitude": [None]},
            [(None, "readers.crs.degrees_as_metres")],
        ),
        (
            "dup.csv",
            "id,name,name,,\n1,a,b,,x\n",
            {"id": ["1"], "name": ["a"], "name_2": ["b"], "column_5": ["x"]},
            [(None, "readers.header.duplicate"), (None, "readers.header.unnamed")],
        ),
        (
            "quotes.csv",
            'id,name\n1,"a"b\n2,c\n3,"open\n4,d\n',
            {"id": [None, "2", None], "name": [None, "c", None]},
            [(2, "readers.row.bad_quotes"), (4, "readers.row.bad_quotes")],
        ),
        ("header.csv", "only header\n", {"only header": []}, []),
        (
            "lon.geojson",
            '{"type": "Feature", "properties": {"longitude": "x"}, '
            '"geometry": {"type": "MultiPoint", "coordinates": [[1, 2]]}}',
            {"longitude_2": ["x"], "longitude": ["1"], "latitude": ["2"]},
            [(None, "readers.header.duplicate")],
        ),
        (
            "line.geojson",
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
            '"geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}, 5]}',
            {"longitude": [None, None], "latitude": [None, None]},
            [(1, "readers.geometry.not_point"), (2, "readers.geojson.not_feature")],
        ),
    ],
)
def test_small_quirks_read_as_expected(name, text, expected, reasons, tmp_path):
    (tmp_path / name).write_text(text, encoding="utf-8")
    table = read_table(tmp_path / name)
    assert table.frame.to_dict("list") == expected and _reasons(table) == reasons and _only_text(table.frame)


def test_kmz_and_plain_tables_of_a_geopackage(small_dataset, tmp_path):
    with zipfile.ZipFile(tmp_path / "mapa.kmz", "w") as archive:
        archive.writestr("doc.kml", exports.write_kml(small_dataset, "en"))
        archive.writestr("files/icon.png", b"\x89PNG")
    table = read_table(tmp_path / "mapa.kmz")
    assert (table.kind, table.layer, len(table.frame)) == ("kml", None, len(small_dataset.innovations))
    assert list(table.frame.columns) == [
        "folder",
        "Name",
        "description",
        "innovation_id",
        "community_id",
        "longitude",
        "latitude",
    ]
    (tmp_path / "atlas.gpkg").write_bytes(exports.write_gpkg(small_dataset, "es"))
    crops = read_table(tmp_path / "atlas.gpkg", layer="innovation_crops")
    assert list(crops.frame.columns) == ["innovation_id", "crop"] and crops.issues == []


@pytest.mark.parametrize("builder", [b for n, b in corpus.CORPUS.items() if not n.startswith(("zip_", "expanding"))])
def test_every_readable_corpus_file_comes_back_as_text_only(builder, tmp_path):
    path = builder(tmp_path)
    try:
        table = read_table(path)
    except IntakeError as refused:
        assert refused.reason == "readers.geojson.truncated"
        return
    assert _only_text(table.frame) and len(table.rows) == len(table.frame) and table.source == path.name


@pytest.mark.parametrize(("builder", "kind"), [(corpus.kobo_csv, "csv"), (corpus.kobo_xlsx, "xlsx")])
def test_kobo_exports_become_one_column_per_question(builder, kind, tmp_path):
    table = _read(builder, tmp_path)
    assert (table.kind, table.flavour, table.lists, table.form.key) == (kind, "kobo", ("cultivos",), "_uuid")
    assert table.frame[list(KOBO_EXPECTED[0])].to_dict("records") == KOBO_EXPECTED
    assert table.form.renamed == {"datos/comunidad": "comunidad"}  # "otro/nombre" would clash with "nombre"
    assert table.form.merged["cultivos"] == ("cultivos", "cultivos/papa_nativa", "cultivos/quinua", "cultivos/oca")
    assert "datos/_ubicacion_precision" in table.form.merged["latitude"]
    assert _reasons(table) == [(4, "readers.form.bad_geopoint")] and _only_text(table.frame)


def test_kobo_group_separator_and_legacy_true_false_choices(tmp_path):
    text = "_uuid;_submission_time;g-nombre;g-cultivos;g-cultivos-oca;g-cultivos-papa\nu1;t;Ana;papa;False;True\n"
    (tmp_path / "kobo-guion.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "kobo-guion.csv", group_separator="-")
    assert table.frame.to_dict("records") == [
        {"_uuid": "u1", "_submission_time": "t", "nombre": "Ana", "cultivos": "papa"}
    ]
    assert table.form.merged == {"cultivos": ("g-cultivos", "g-cultivos-oca", "g-cultivos-papa")}


def test_odk_central_exports_are_normalised_the_same_way(tmp_path):
    table = _read(corpus.odk_csv, tmp_path)
    assert (table.flavour, table.form.key, table.lists) == ("odk", "instanceID", ("cultivos",))
    assert table.frame.to_dict("records")[0] == {
        "SubmissionDate": "2024-05-03T10:00:00.000Z",
        "comunidad": "Socos",
        "latitude": "-13.21",
        "longitude": "-74.29",
        "altitude": "3380",
        "accuracy": "4.5",
        "cultivos": "papa_nativa; tarwi",
        "instanceID": "uuid:aa",
        "KEY": "uuid:aa",
    }
    assert table.frame["latitude"][1] is None and table.frame["cultivos"][1] == "tarwi"


def test_normalising_a_form_reports_what_it_merged_and_keeps_names_unique():
    frame = pd.DataFrame(
        {
            "_uuid": ["u1"],
            "_submission_time": ["t"],
            "a/lugar": ["1 2"],
            "a/_lugar_latitude": ["1"],
            "b/lugar": ["3 4"],
            "b/_lugar_latitude": [None],
            "cultivos": ["oca"],
            "cultivos/oca": ["0"],
            "cultivos/papa": ["1"],
        },
        dtype=object,
    )
    normal, report, issues = normalise_form(frame, [2], "kobo")
    assert list(normal.columns) == [
        "_uuid",
        "_submission_time",
        *(f"{g}/lugar_{p}" for g in "ab" for p in ("latitude", "longitude", "altitude", "accuracy")),
        "cultivos",
    ]
    assert normal.iloc[0, 2:6].tolist() == ["1", "2", None, None]  # the split column wins, the rest from "1 2"
    assert normal.iloc[0, 6:10].tolist() == ["3", "4", None, None]
    assert report.merged["b/lugar_latitude"] == ("b/lugar", "b/_lugar_latitude")
    assert normal["cultivos"][0] == "papa" and report.lists == ("cultivos",)
    assert [(i.row, i.reason, i.severity) for i in issues] == [(2, "readers.form.choices_disagree", FLAG)]


@pytest.mark.parametrize(
    ("columns", "flavour"),
    [
        (["_uuid", "_submission_time", "x"], "kobo"),
        (["_index", "_id"], "kobo"),
        (["_uuid", "x"], None),
        (["SubmissionDate", "meta-instanceID"], "odk"),
        (["SubmissionDate", "KEY"], "odk"),
        (["KEY", "x"], None),
    ],
)
def test_form_flavour_is_told_by_its_metadata_columns(columns, flavour):
    assert detect_flavour(columns) == flavour


def test_geojson_faults_are_named_feature_by_feature(tmp_path):
    table = _read(corpus.geojson_faults, tmp_path)
    assert _reasons(table) == [
        (2, "readers.geojson.ring_not_closed"),
        (2, "readers.geometry.not_point"),
        (3, "readers.geojson.coordinates_not_numbers"),
        (4, "readers.geometry.missing"),
        (5, "readers.geojson.duplicate_key"),
    ]
    assert table.issues[3].severity == FLAG and table.rows == [1, 2, 3, 4, 5, 6]
    first = table.frame.iloc[0].to_dict()
    assert first == {
        "id": "007",
        "n": "3",
        "x": "2.5",
        "ok": "true",
        "cultivos": None,
        "longitude": "-74.22",
        "latitude": "-13.16",
    }
    assert table.frame["cultivos"][5] == "papa_nativa; quinua" and table.lists == ("cultivos",)
    assert table.frame["longitude"][1:4].isna().all()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "1"', "truncated"),
        ('{"type": "FeatureCollection", "features": [] "x": 1}', "invalid_json"),
        ('{"type": "FeatureCollection", "type": "FeatureCollection", "features": []}', "duplicate_key_file"),
        ('{"type": "Point", "coordinates": [1, 2]}', "not_features"),
        ('{"type": "FeatureCollection", "features": [], "x": NaN}', "not_a_number"),
    ],
)
def test_broken_geojson_is_refused_with_the_reason(text, reason, tmp_path):
    (tmp_path / "roto.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / "roto.geojson")
    assert refused.value.reason == f"readers.geojson.{reason}"


def test_metres_without_a_crs_are_reported_never_read_as_degrees(tmp_path):
    table = _read(corpus.geojson_utm_without_crs, tmp_path)
    assert _reasons(table) == [(None, "readers.crs.metres_without_crs")] and table.frame["longitude"][0] is None
    assumed = read_table(tmp_path / "utm.geojson", crs="EPSG:32718")
    assert assumed.issues == [] and assumed.crs == "EPSG:32718"
    assert float(assumed.frame["longitude"][0]) == pytest.approx(-74.2249, abs=1e-4)


def test_a_projected_crs_is_converted_to_degrees(tmp_path):
    table = _read(corpus.geojson_utm_with_crs, tmp_path)
    assert table.crs == "EPSG:32718" and table.issues == []
    assert float(table.frame["latitude"][0]) == pytest.approx(-13.1604, abs=1e-4)


@pytest.mark.parametrize(
    ("encoding", "cpg"),
    [("ISO-8859-1", True), ("ISO-8859-1", False), ("UTF-8", False), ("CP1252", False), ("UTF-8", True)],
)
def test_zipped_shapefiles_keep_their_accents_with_or_without_cpg(encoding, cpg, tmp_path):
    table = read_table(corpus.zipped_shapefile(tmp_path, encoding, cpg))
    assert (table.kind, table.layer, table.crs) == ("shapefile", "comunidades", "EPSG:4326")
    assert table.frame.to_dict("list") == {
        "codigo": ["000", "001", "002"],
        "nombre": ["Ñuñoa", "Huamangá", "NA"],
        "longitude": ["-74", "-75", "-76"],
        "latitude": ["-13", "-13", "-13"],
    }


def test_a_shapefile_without_prj_is_read_as_degrees_with_a_flag(tmp_path):
    table = read_table(corpus.zipped_shapefile(tmp_path, prj=False))
    assert table.crs is None and [(i.reason, i.severity) for i in table.issues] == [("readers.crs.assumed_wgs84", FLAG)]


def test_geopackage_layers_are_chosen_and_projected_ones_converted(tmp_path):
    path = corpus.geopackage_utm(tmp_path)
    assert read_table(path).layer == "puntos"
    table = read_table(path, layer="utm")
    assert (table.kind, table.crs, table.rows, table.frame["nombre"][0]) == ("gpkg", "EPSG:32718", [1], "NA")
    assert float(table.frame["longitude"][0]) == pytest.approx(-74.2249, abs=1e-4)
    with pytest.raises(IntakeError) as refused:
        read_table(path, layer="otra")
    assert refused.value.params == {"layer": "otra", "layers": "puntos, utm"}


@pytest.mark.parametrize(
    ("builder", "limits", "reason"),
    [
        (corpus.zip_bomb, Limits(), "readers.archive.ratio"),
        (corpus.zip_slip, Limits(), "readers.archive.unsafe_name"),
        (corpus.zip_crowd, Limits(max_members=10), "readers.archive.too_many_members"),
        (corpus.zip_nested, Limits(), "readers.archive.nested"),
        (corpus.expanding_workbook, Limits(max_unpacked=100_000), "readers.archive.too_large_unpacked"),
        (corpus.utf8_csv, Limits(max_bytes=10), "readers.limits.too_large"),
    ],
)
def test_unsafe_or_oversized_files_are_refused_before_parsing(builder, limits, reason, tmp_path):
    with pytest.raises(IntakeError) as refused:
        read_table(builder(tmp_path), limits=limits)
    assert refused.value.reason == reason
    assert refused.value.message("es").startswith("No se puede leer «")
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [
        ("datos.csv", False),
        ("capa/datos.shp", False),
        ("../evil.txt", True),
        ("a/../../evil", True),
        ("/etc/passwd", True),
        ("C:\\evil.txt", True),
        ("..\\evil.txt", True),
        ("a..b.csv", False),
    ],
)
def test_member_names_that_escape_the_folder_are_unsafe(name, unsafe):
    assert unsafe_name(name) is unsafe


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("viejo.xls", b"\xd0\xcf\x11\xe0", "readers.format.old_excel"),
        ("datos.ods", b"PK\x03\x04", "readers.format.calc"),
        ("datos.pdf", b"%PDF", "readers.format.unknown"),
        ("falso.xlsx", b"id,name\n", "readers.xlsx.not_workbook"),
        ("falso.gpkg", b"id,name\n", "readers.gpkg.not_geopackage"),
        ("vacio.csv", b"", "readers.empty"),
        ("comillas.csv", b'"id,name\n1,a\n', "readers.csv.bad_header"),
        ("roto.zip", b"PK\x03\x04 roto", "readers.archive.corrupt"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, reason, tmp_path):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / name)
    assert refused.value.reason == reason


def test_the_upload_name_sets_the_kind_and_names_the_file(tmp_path):
    path = corpus.cp1252_csv(tmp_path).rename(tmp_path / "upload-1234")
    assert read_table(path, name="comunidades.csv").source == "comunidades.csv"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("007", "007"),
        ("NA", "NA"),
        (7, "7"),
        (7.0, "7"),
        (-13.16, "-13.16"),
        (0.1 + 0.2, "0.3"),
        (True, "true"),
        (float("nan"), None),
        (pd.Timestamp("2024-05-03"), "2024-05-03"),
        (pd.Timestamp("2024-05-03 10:20"), "2024-05-03T10:20:00"),
        (pd.NaT, None),
        (["a", 1], '["a", 1]'),
    ],
)
def test_cells_become_the_text_a_person_sees(value, text):
    assert cell_text(value) == text


def test_every_reason_the_readers_give_is_in_both_catalogues():
    sources = [
        *Path("dashboard/intake/readers").glob("*.py"),
        Path("dashboard/intake/limits.py"),
        Path("dashboard/intake/forms.py"),
        Path("dashboard/intake/submissions.py"),
    ]
    keys = {key for path in sources for key in re.findall(r'"(readers\.[\w.]+)"', path.read_text())}
    assert len(keys) > 40
    for lang in ("es", "en"):
        assert keys <= set(catalogue(lang)), keys - set(catalogue(lang))


# Real exports as they come: Kobo's legacy CSV, a form definition sent instead of data, repeat groups.

EXTRA, MISSING = "readers.row.extra_fields", "readers.row.missing_fields"


@pytest.mark.parametrize(
    ("text", "expected", "reasons"),
    [
        ("a;b;c\n1;2;3;\n4;5;6;\n", {"a": ["1", "4"], "b": ["2", "5"], "c": ["3", "6"]}, []),  # Kobo legacy CSV
        ('"a";"b";"c"\n"1";"2";"3";""\n', {"a": ["1"], "b": ["2"], "c": ["3"]}, []),  # quoted empty trailing field
        ("a;b;c\n1;2;;\n", {"a": ["1"], "b": ["2"], "c": [None]}, []),  # an empty last value, then the extra field
        (
            "a;b;c\n1;2;3;\n4;5;6;x\n7;8;9;;\n",
            {"a": ["1", None, None], "b": ["2", None, None], "c": ["3", None, None]},
            [(3, EXTRA), (4, EXTRA)],
        ),  # a real extra value, or two extra fields: rejected as before, never shifted
        ("a;b;c\n1;2\n", {"a": [None], "b": [None], "c": [None]}, [(2, MISSING)]),
    ],
)
def test_one_empty_trailing_field_is_tolerated_and_nothing_more(text, expected, reasons, tmp_path):
    (tmp_path / "kobo-legacy.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "kobo-legacy.csv")
    assert table.delimiter == ";" and table.frame.to_dict("list") == expected and _reasons(table) == reasons


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


SURVEY = [
    ["type", "name", "label::Español (es)", "required"],
    ["start", "start", None, None],
    ["begin_group", "datos", "Datos", None],
    ["text", "comunidad", "Comunidad", "yes"],
    ["geopoint", "ubicacion", "Ubicación", None],
    ["select_multiple cultivos", "cultivos", "Cultivos", None],
    ["end_group", None, None, None],
]
XLSFORM = {
    "survey": SURVEY,
    "choices": [["list_name", "name", "label"], ["cultivos", "oca", "Oca"]],
    "settings": [["form_title", "form_id"], ["Innovaciones", "innovaciones"]],
}


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("formulario.xlsx", lambda path: _workbook(path, XLSFORM)),
        ("sin-settings.xlsx", lambda path: _workbook(path, {k: XLSFORM[k] for k in ("survey", "choices")})),
        (
            "survey.csv",
            lambda path: path.write_text(
                "\n".join(",".join(c or "" for c in r) for r in SURVEY) + "\n", encoding="utf-8"
            ),
        ),
    ],
)
def test_a_form_definition_is_refused_as_not_data(name, write, tmp_path):
    write(tmp_path / name)
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / name)
    assert refused.value.reason == "readers.form_exports.form_definition"
    assert "es un formulario (XLSForm), no datos: exporte los envíos desde KoboToolbox/ODK" in refused.value.message(
        "es"
    )
    assert "this is a form (XLSForm), not data: export the submissions from KoboToolbox/ODK" in refused.value.message(
        "en"
    )


def test_data_that_only_looks_like_a_form_is_read(tmp_path):
    path = _workbook(
        tmp_path / "datos.xlsx", {"survey": [["id", "name"], ["1", "Socos"]], "choices": [["type", "name"], ["x", "y"]]}
    )
    assert read_table(path).frame.to_dict("list") == {"id": ["1"], "name": ["Socos"]}
    (tmp_path / "tipos.csv").write_text("type,name,label\nsemilla,oca,Oca\ntext,quinua,Quinua\n", encoding="utf-8")
    assert read_table(tmp_path / "tipos.csv").frame["type"].tolist() == ["semilla", "text"]


KOBO_MAIN = [
    ["comunidad", "nombre", "_id", "_uuid", "_submission_time", "_index"],
    ["Socos", "Ana", "1", "a1", "2024-05-03", "1"],
    ["Juli", "Rosa", "2", "b2", "2024-05-04", "2"],
]
KOBO_REPEAT = [
    ["hijo", "edad", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
    ["Juan", "7", "1", "innovaciones", "1", "a1"],
    ["Luz", "4", "2", "innovaciones", "1", "a1"],
]


def test_kobo_repeat_sheets_are_named_and_left_out(tmp_path):
    path = _workbook(
        tmp_path / "kobo-repeticiones.xlsx", {"innovaciones": KOBO_MAIN, "hijos": KOBO_REPEAT, "plantas": KOBO_REPEAT}
    )
    table = read_table(path)
    assert (table.sheet, table.flavour, table.frame["nombre"].tolist()) == ("innovaciones", "kobo", ["Ana", "Rosa"])
    assert [(i.row, i.reason, i.severity, i.params) for i in table.issues] == [
        (None, "readers.form_exports.repeat_sheets", FLAG, {"sheets": "hijos, plantas", "sheet": "innovaciones"})
    ]
    with pytest.raises(IntakeError) as refused:
        read_table(path, sheet="hijos")
    assert refused.value.reason == "readers.form_exports.repeat_table"
    assert refused.value.params == {"link": "_parent_index"}


def test_repeat_columns_are_left_out_with_a_flag_and_the_rest_is_read(tmp_path):
    text = (
        "_uuid;_submission_time;nombre;hijos[1]/nombre;hijos[1]/edad;hijos[2]/nombre;hogar/hijos[1]/x;g/lote\n"
        "a1;t;Ana;Juan;7;Luz;1;A\n"
    )
    (tmp_path / "kobo-legado.csv").write_text(text, encoding="utf-8")
    table = read_table(tmp_path / "kobo-legado.csv")
    assert table.frame.to_dict("records") == [{"_uuid": "a1", "_submission_time": "t", "nombre": "Ana", "lote": "A"}]
    assert [(i.row, i.reason, i.severity, i.params) for i in table.issues] == [
        (
            None,
            "readers.form_exports.repeat_columns",
            FLAG,
            {"groups": "hijos, hogar/hijos", "count": 4, "example": "hijos[1]/nombre"},
        )
    ]
    message = table.issues[0].message("en")
    assert "hijos, hogar/hijos" in message and "one row per submission" in message


def test_an_odk_repeat_file_is_refused(tmp_path):
    (tmp_path / "form-hijos.csv").write_text(
        "hijo,edad,PARENT_KEY,KEY\nJuan,7,uuid:aa,uuid:aa/hijos[1]\n", encoding="utf-8"
    )
    with pytest.raises(IntakeError) as refused:
        read_table(tmp_path / "form-hijos.csv")
    assert refused.value.reason == "readers.form_exports.repeat_table"
    assert refused.value.params == {"link": "PARENT_KEY"}
