"""Hostile or broken field files (GeoJSON, CSV, KML): each is refused, or its rows flagged, with a message naming
the file, the row and the field; never a traceback, and never a value changed without a word.

The largest GeoJSON also runs through the CLI in a subprocess whose address space is capped, to show that it is
refused by its feature count while it streams, long before memory runs out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.intake.issues import FLAG, REJECT, IntakeError
from dashboard.intake.limits import Limits
from dashboard.intake.readers import read_table
from dashboard.intake.readers.cells import column_names
from tests.capped import GIGABYTE, validate_capped

PLACEHOLDER = re.compile(r"\{\w+\}")
DEEP = "[" * 900 + "]" * 900


def _collection(*features: str, extra: str = "") -> str:
    return '{"type": "FeatureCollection", ' + extra + '"features": [' + ", ".join(features) + "]}"


def _feature(geometry: str = "null", properties: str = "{}") -> str:
    return '{"type": "Feature", "properties": ' + properties + ', "geometry": ' + geometry + "}"


def _point(coordinates: str) -> str:
    return '{"type": "Point", "coordinates": ' + coordinates + "}"


def _issues(table) -> list[tuple[int | None, str | None, str, str]]:
    return [(i.row, i.field, i.reason, i.severity) for i in table.issues]


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


def _refusal(path: Path, **options) -> IntakeError:
    with pytest.raises(IntakeError) as refused:
        read_table(path, **options)
    for lang in ("es", "en"):
        message = refused.value.message(lang)
        assert path.name in message and not PLACEHOLDER.search(message)  # the file is named; every value filled
    return refused.value


# --- GeoJSON: malformed structure, row by row or the whole file ------------------------------------------------

MISSING = (1, None, "readers.geometry.missing", FLAG)
ROW_CASES = {
    "geometry nested 900 deep": (_collection(_feature(_point(DEEP))), [(1, None, "readers.hostile.too_deep", REJECT)]),
    "a property nested 900 deep": (
        _collection(_feature(properties='{"a": ' + DEEP + "}")),
        [(1, None, "readers.hostile.too_deep", REJECT)],
    ),
    "a repeated property": (
        _collection(_feature(properties='{"año": 1, "año": 2}')),
        [(1, "año", "readers.geojson.duplicate_key", REJECT), MISSING],
    ),
    "a feature repeating its type": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "type": '
        '"Feature", "properties": {}, "geometry": null}]}',
        [(1, "type", "readers.geojson.duplicate_key", REJECT), MISSING],
    ),
    "a 400-digit coordinate": (
        _collection(_feature(_point("[%s, 1]" % ("9" * 400)))),
        [(1, None, "readers.geojson.coordinates_not_numbers", REJECT)],
    ),
    "an infinite coordinate": (
        _collection(_feature(_point("[1e999, 1]"))),
        [(1, None, "readers.geojson.coordinates_not_numbers", REJECT)],
    ),
    "a point nested once too often": (
        _collection(_feature(_point("[[1, 2]]"))),
        [(1, None, "readers.geometry.invalid", REJECT)],
    ),
    "a polygon of bare numbers": (
        _collection(_feature('{"type": "Polygon", "coordinates": [1, 2]}')),
        [(1, None, "readers.geometry.invalid", REJECT)],
    ),
    "a multipolygon one level short": (
        _collection(_feature('{"type": "MultiPolygon", "coordinates": [[1, 2]]}')),
        [(1, None, "readers.geometry.invalid", REJECT)],
    ),
    "properties that are a list": (
        _collection(_feature(properties="[1, 2]")),
        [(1, None, "readers.hostile.properties_not_object", REJECT), MISSING],
    ),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_malformed_features_become_row_issues_not_tracebacks(case, tmp_path):
    text, expected = ROW_CASES[case]
    table = read_table(_write(tmp_path, "roto.geojson", text))
    assert _issues(table) == expected and table.rows == [1]
    for issue in table.issues:
        assert not PLACEHOLDER.search(issue.message("es")) and not PLACEHOLDER.search(issue.message("en"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "FeatureCollection", "type": "FeatureCollection", "features": []}', "geojson.duplicate_key_file"),
        ('{"type": "FeatureCollection", "features": [], "features": []}', "geojson.duplicate_key_file"),
        (_collection(_feature(properties='{"a": %s}' % ("[" * 5000 + "]" * 5000))), "hostile.too_deep_to_parse"),
        (_collection(_feature(_point("[%s, 1]" % ("9" * 5000)))), "hostile.number_too_long"),
        (_collection(extra='"x": ' + "[" * 5000 + "]" * 5000 + ", "), "geojson.too_deep"),
        (_collection(extra='"x": ' + "9" * 5000 + ", "), "hostile.number_too_long_document"),
        ('{"type": "FeatureCollection", "features": {}}', "hostile.features_not_array"),
        ('{"type": "FeatureCollection"}', "hostile.features_not_array"),
        ('{"type": "FeatureCollection", "crs": {"properties": "EPSG:4326"}, "features": []}', "crs.unknown"),
        ('[{"type": "Feature"}]', "geojson.not_features"),
        ('{"type": "Topology", "features": []}', "geojson.not_features"),
        (_collection(_feature(), _feature()) + " x", "geojson.invalid_json"),
        (_collection(_feature(), _feature())[:-3], "geojson.truncated"),
        ("  \n", "empty"),
    ],
)
def test_a_malformed_document_is_refused_with_a_reason(text, reason, tmp_path):
    assert _refusal(_write(tmp_path, "roto.geojson", text)).reason == f"readers.{reason}"


def test_invisible_and_broken_characters_are_repaired_and_flagged(tmp_path):
    text = _collection(_feature(_point("[-74, -13]"), '{"nombre": "Pru\\u0000eba", "a\\ud800": "x\\udc00"}'))
    table = read_table(_write(tmp_path, "raro.geojson", text))
    assert table.frame.to_dict("records") == [
        {"nombre": "Prueba", "a\ufffd": "x\ufffd", "longitude": "-74", "latitude": "-13"}
    ]
    assert _issues(table) == [
        (None, "a\ufffd", "readers.hostile.name_repaired", FLAG),
        (1, "nombre", "readers.hostile.nul_removed", FLAG),
        (1, "a\ufffd", "readers.hostile.character_replaced", FLAG),
    ]


# --- ceilings counted while streaming ----------------------------------------------------------------------------


def test_rows_and_features_past_the_ceiling_are_refused(tmp_path):
    csv = _write(tmp_path, "filas.csv", "id,nombre\n" + "".join(f"{i},x\n" for i in range(6)))
    geojson = _write(tmp_path, "filas.geojson", _collection(*[_feature()] * 6))
    for path in (csv, geojson):
        assert len(read_table(path, limits=Limits(max_rows=6)).rows) == 6
        refused = _refusal(path, limits=Limits(max_rows=5))
        assert (refused.reason, refused.params) == ("readers.limits.too_many_rows", {"limit": 5})


def test_a_property_per_feature_cannot_blow_up_the_table(tmp_path):
    features = [_feature(properties=f'{{"k{i}": 1}}') for i in range(2000)]
    path = _write(tmp_path, "claves.geojson", _collection(*features))
    assert _refusal(path, limits=Limits(max_cells=100_000)).reason == "readers.hostile_archive.too_many_cells"


def test_layers_past_the_ceiling_are_refused_before_gdal_reads_them(tmp_path):
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"id": [str(i) for i in range(6)]}, geometry=[shapely.Point(-74, -13)] * 6, crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "capa.gpkg", layer="puntos")
    assert _refusal(tmp_path / "capa.gpkg", limits=Limits(max_rows=5)).reason == "readers.limits.too_many_rows"


def _many_features(path: Path) -> Path:
    """400 000 small point features with two properties: 45 MB, under the size ceiling."""
    feature = (
        '{"type":"Feature","properties":{"id":"%d","nombre":"x"},"geometry":{"type":"Point","coordinates":'
        "[-74.1,-13.2]}}"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[')
        out.write(",".join(feature % i for i in range(400_000)))
        out.write("]}")
    return path


def _many_members(path: Path) -> Path:
    """16 million empty objects in "features": 48 MB; read whole, they took 17 GB."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[' + ",".join(["{}"] * 16_000_000) + "]}")
    return path


@pytest.mark.parametrize("build", [_many_features, _many_members])
def test_the_largest_geojson_is_refused_within_a_gigabyte_of_the_baseline(build, tmp_path):
    harmless = _write(tmp_path, "pocas.geojson", _collection(_feature(_point("[-74, -13]"))))
    run = validate_capped(harmless, 0)
    code, said, baseline = run.code, run.stdout + run.stderr, run.peak
    assert code in (0, 1) and "Traceback" not in said and baseline > 0
    run = validate_capped(build(tmp_path / "muchas.geojson"), baseline + GIGABYTE)
    code, said = run.code, run.stdout + run.stderr
    assert code == 2, said
    assert "No se puede leer «muchas.geojson»" in said and "más de 300000 filas" in said
    assert "Traceback" not in said and "MemoryError" not in said


# --- column names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "names"),
    [
        (["a", "a", "a"], ["a", "a_2", "a_3"]),
        (["a", "a", "a_2"], ["a", "a_2", "a_2_2"]),
        (["a_2", "a", "a", "a"], ["a_2", "a", "a_3", "a_4"]),
        (["a", "b", "a", "b", "a"], ["a", "b", "a_2", "b_2", "a_3"]),
    ],
)
def test_repeated_names_get_the_first_free_suffix(header, names):
    assert column_names(header, [True] * len(header))[0] == names


def test_fifty_thousand_columns_of_repeated_names_are_made_unique(tmp_path):
    header = ["nombre"] * 40_000 + [f"c{i % 50}" for i in range(10_000)] + ["nombre_3"]
    path = _write(tmp_path, "ancho.csv", ",".join(header) + "\n" + ",".join("1" * len(header)) + "\n")
    table = read_table(path)
    columns = list(table.frame.columns)
    assert len(columns) == len(set(columns)) == 50_001
    assert columns[:3] == ["nombre", "nombre_2", "nombre_3"] and columns[39_999] == "nombre_40000"
    assert columns[40_000:40_002] == ["c0", "c1"] and columns[40_050:40_052] == ["c0_2", "c1_2"]
    assert columns[-2:] == ["c49_200", "nombre_3_2"]
    assert sum(i.reason == "readers.header.duplicate" for i in table.issues) == 50_001 - 51


# --- CSV: nothing changed in silence ------------------------------------------------------------------------------


def test_a_nul_inside_a_cell_is_removed_and_flagged(tmp_path):
    table = read_table(_write(tmp_path, "nul.csv", b"id,nombre\n1,Pru\x00eba\n2,Socos\n"))
    assert table.frame["nombre"].tolist() == ["Prueba", "Socos"] and table.encoding == "utf-8"
    assert _issues(table) == [(2, "nombre", "readers.hostile.nul_removed", FLAG)]
    assert "Prueba" in table.issues[0].message("es")


def test_nul_padding_is_not_taken_for_utf16(tmp_path):
    text = b"id,nombre\n" + b"".join(b"%d,Socos\x00\x00\x00\x00\x00\x00\x00\x00\n" % i for i in range(20))
    table = read_table(_write(tmp_path, "relleno.csv", text))
    assert table.encoding == "utf-8" and set(table.frame["nombre"]) == {"Socos"}
    assert {i.reason for i in table.issues} == {"readers.hostile.nul_removed"}


SHIFT_JIS = "id,nombre\n1,東京都の村\n2,テスト\n3,やまなし\n"


def test_text_in_another_encoding_is_refused_not_read_as_mojibake(tmp_path):
    path = _write(tmp_path, "japon.csv", SHIFT_JIS.encode("shift_jis"))
    refused = _refusal(path)
    assert refused.reason == "readers.hostile.encoding_garbled"
    assert "Windows-1252" in refused.message("es") and "--encoding" in refused.message("es")
    table = read_table(path, encoding="shift_jis")
    assert table.encoding == "shift_jis" and table.frame["nombre"].tolist() == ["東京都の村", "テスト", "やまなし"]


def test_bytes_no_windows_encoding_defines_are_refused(tmp_path):
    path = _write(tmp_path, "raro.csv", "id,nombre\n1,Huamangá\n".encode("cp1252") + b"2,\x81\x8d\n")
    refused = _refusal(path)
    assert refused.reason == "readers.hostile.encoding_unknown" and "--encoding" in refused.message("en")
    assert read_table(path, encoding="latin-1").encoding == "latin-1"


@pytest.mark.parametrize(
    "text",
    [
        "id;nombre;nota\r\n1;Huamangá;el ‘qocha’ de Ñahui\r\n2;“Ñuñoa”;¿Año?\r\n",
        "id;nombre\r\n" + "".join(f"{i};Pérez Ñaupa — «Acción» №{i}\r\n".replace("№", "n.º") for i in range(50)),
    ],
)
def test_spanish_windows_text_is_still_read_as_windows_1252(text, tmp_path):
    table = read_table(_write(tmp_path, "ansi.csv", text.encode("cp1252")))
    assert table.encoding == "cp1252" and table.issues == []


# --- KML: field names as written ------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Socos</name><ExtendedData>
<Data name="Año"><value>2019</value></Data><Data name="Región"><value>Ayacucho</value></Data>
<Data name="A__o"><value>otro</value></Data></ExtendedData><Point><coordinates>-74.2,-13.1</coordinates></Point>
</Placemark></Document></kml>"""


def test_kml_field_names_keep_their_accents(tmp_path):
    table = read_table(_write(tmp_path, "acentos.kml", KML))
    assert table.frame.to_dict("records") == [
        {
            "Name": "Socos",
            "description": None,
            "Año": "2019",
            "Región": "Ayacucho",
            "A__o": "otro",
            "longitude": "-74.2",
            "latitude": "-13.1",
        }
    ]


# --- any JSON at all: a table or a refusal, never a traceback -----------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.sampled_from(["Feature", "Point", "Polygon", "MultiPoint", "GeometryCollection", "coordinates"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["type", "properties", "geometry", "coordinates", "id", "crs", "features", "a"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    features=st.lists(JSON_VALUES, max_size=3),
    extra=st.dictionaries(st.sampled_from(["crs", "type", "x"]), JSON_VALUES, max_size=2),
)
def test_any_json_gives_a_table_or_a_refusal(features, extra, tmp_path):
    document = {"type": "FeatureCollection", **extra, "features": features}
    path = _write(tmp_path, "azar.geojson", json.dumps(document))
    try:
        table = read_table(path)
    except IntakeError as refused:
        assert refused.message("es") and refused.message("en")
        return
    assert len(table.rows) == len(table.frame) == (1 if extra.get("type") == "Feature" else len(features))
    assert all(issue.message("es") and issue.message("en") for issue in table.issues)


def test_a_dbf_repeating_a_field_name_is_refused_not_read_half(tmp_path):
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"nombre": ["Socos"], "nombrf": ["Juli"]}, geometry=[shapely.Point(-74, -13)], crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "capa.shp", encoding="UTF-8")
    dbf = tmp_path / "capa.dbf"
    dbf.write_bytes(dbf.read_bytes().replace(b"nombrf", b"nombre", 1))  # GDAL would read "Juli" twice
    refused = _refusal(tmp_path / "capa.shp")
    assert (refused.reason, refused.params) == ("readers.hostile.repeated_field", {"field": "nombre", "layer": "capa"})
