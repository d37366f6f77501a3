"""A new user, as the README tells: an empty atlas, their communities, a Kobo export, INEI boundaries, and
the same files again changing nothing."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import shapely
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.backend import open_store

COMMUNITIES = """Nombre de la comunidad;Región;Provincia;Distrito;Latitud;Longitud;Altitud;Pueblo;Fuente de ubicación
Quispillaccta;Ayacucho;Cangallo;Chuschi;13°34'48"S;74°20'24"W;3400;quechua;gps
Sarhua;Ayacucho;Víctor Fajardo;Sarhua;-13,6667;-74,3167;3200;quechua;nomenclátor
Ccarhuacc Licapa;Huancavelica;Huancavelica;Huancavelica;-12,80;-74,98;3900;quechua;aproximada
"""
KOBO = [
    [
        "start",
        "grupo/titulo",
        "grupo/comunidad",
        "grupo/cultivos",
        "grupo/cultivos/papa_nativa",
        "grupo/cultivos/quinua",
        "grupo/socios",
        "grupo/anio",
        "grupo/ambito",
        "grupo/tipo",
        "grupo/etapa",
        "grupo/tipo_innovador",
        "grupo/consentimiento",
        "grupo/nombre_publico",
        "_lugar_latitude",
        "_lugar_longitude",
        "_lugar_altitude",
        "_lugar_precision",
        "_id",
        "_uuid",
        "_submission_time",
        "_index",
    ],
    [
        "2026-05-01",
        "Qocha comunal",
        "Quispillaccta",
        "papa_nativa",
        "1",
        "0",
        "aba",
        "2024",
        "water_irrigation",
        "technical",
        "documented",
        "community",
        "si",
        "no",
        "-13.58",
        "-74.34",
        "3410",
        "5",
        "11",
        "uuid-a",
        "2026-05-01T10:00:00",
        "1",
    ],
    [
        "2026-05-02",
        "Semillero de quinua",
        "Sarhua",
        "quinua",
        "0",
        "1",
        "cedap",
        "2025",
        "seeds_varieties",
        "technical",
        "spreading",
        "womens_group",
        "no",
        "no",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "12",
        "uuid-b",
        "2026-05-02T10:00:00",
        "2",
    ],
    [
        "2026-05-03",
        "Papa bajo helada",
        "Ccarhuacc Licapa",
        "papa_nativa",
        "1",
        "0",
        "cedap unsch",
        "2023",
        "climate_risk",
        "technical",
        "joint_experimentation",
        "man",
        "si",
        "si",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "13",
        "uuid-c",
        "2026-05-03T10:00:00",
        "3",
    ],
]


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def _files(folder):
    communities = folder / "comunidades.csv"
    communities.write_text(COMMUNITIES, encoding="cp1252")
    book = openpyxl.Workbook()
    for row in KOBO:
        book.active.append(row)
    kobo = folder / "kobo.xlsx"
    book.save(kobo)
    boxes = {"05": (-75.2, -14.5, -73.5, -12.9), "09": (-75.5, -13.2, -74.5, -12.3)}
    shapes = [
        shapely.box(*boxes["05"]),  # one Polygon, one MultiPolygon: the store writes both as multi
        shapely.MultiPolygon([shapely.box(*boxes["09"]), shapely.box(-76.0, -13.0, -75.8, -12.8)]),
    ]
    regions = gpd.GeoDataFrame(
        {"FIRST_IDDP": list(boxes), "NOMBDEP": ["AYACUCHO", "HUANCAVELICA"]}, geometry=shapes, crs="EPSG:4326"
    )
    regions.to_file(folder / "departamentos.geojson")
    provinces = gpd.GeoDataFrame(  # INEI's file splits 0510 in two features whose names differ by a typo
        {
            "FIRST_IDPR": ["0502", "0510", "0510", "0901"],
            "NOMBPROV": ["CANGALLO", "VICTOR FAJARDO", "VICTOR FAFARDO", "HUANCAVELICA"],
        },
        geometry=[
            shapely.box(-74.6, -13.7, -74.3, -13.4),
            shapely.box(-74.4, -13.8, -74.2, -13.65),
            shapely.box(-74.4, -13.65, -74.2, -13.5),
            shapely.box(-75.2, -13.0, -74.7, -12.5),
        ],
        crs="EPSG:4326",
    )
    provinces.to_file(folder / "provincias.geojson")
    return communities, kobo, folder / "departamentos.geojson", folder / "provincias.geojson"


def _steps(atlas, communities, kobo, regions, provinces):
    return [
        _run("import", "--entity", "communities", communities, "--store", atlas, "--editor", "Ana"),
        _run("import", kobo, "--store", atlas, "--editor", "Ana"),
        _run(
            "boundaries",
            regions,
            "--level",
            "region",
            "--code-column",
            "FIRST_IDDP",
            "--name-column",
            "NOMBDEP",
            "--store",
            atlas,
            "--editor",
            "Ana",
        ),
        _run(
            "boundaries",
            provinces,
            "--level",
            "province",
            "--code-column",
            "FIRST_IDPR",
            "--name-column",
            "NOMBPROV",
            "--dissolve-duplicates",
            "--store",
            atlas,
            "--editor",
            "Ana",
        ),
    ]


def test_from_init_to_a_populated_atlas_and_the_same_files_again_change_nothing(tmp_path):
    atlas = tmp_path / "mi-atlas.gpkg"
    assert _run("init", "--out", atlas, "--partners").exit_code == 0
    files = _files(tmp_path)
    first = _steps(atlas, *files)
    assert [r.exit_code for r in first] == [0, 0, 0, 0], [r.output for r in first]
    assert "Nuevas: 3 · actualizadas: 0 · sin cambios: 0 · rechazadas: 0" in first[0].output
    assert "Nuevas: 3 · actualizadas: 0 · sin cambios: 0 · rechazadas: 0" in first[1].output
    data = store.load(atlas)
    assert not data.is_demo
    assert (len(data.communities), len(data.innovations)) == (3, 3)
    assert sorted(data.boundaries["level"].astype(str)) == ["province", "province", "province", "region", "region"]
    assert all(i.startswith("INN-") for i in data.innovations["innovation_id"])
    before, entries = atlas.read_bytes(), len(open_store(atlas).history())
    again = _steps(atlas, *files)
    assert [r.exit_code for r in again] == [0, 0, 0, 0], [r.output for r in again]
    assert "Nuevas: 0 · actualizadas: 0 · sin cambios: 3 · rechazadas: 0" in again[0].output
    assert "Nuevas: 0 · actualizadas: 0 · sin cambios: 3 · rechazadas: 0" in again[1].output
    assert all("Sin cambios: el atlas ya tenía exactamente estos límites" in r.output for r in again[2:])
    assert atlas.read_bytes() == before and len(open_store(atlas).history()) == entries
