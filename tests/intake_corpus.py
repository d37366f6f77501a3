"""Quirky field-data files, built by code into a folder: each builder writes one file and returns its path."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from openpyxl import Workbook

Builder = Callable[[Path], Path]
PLAIN_ROWS = [  # community_id, name, altitude_m
    ("007", "Ñuñoa", "4010"),
    ("010", "NA", "3380"),
    ("011", "None", ""),
    ("012", "N/A", "2640"),
    ("013", "null", "1"),
]
HUAMANGA_UTM = (584000.0, 8545000.0)  # UTM 18S, near Ayacucho (-74.2249, -13.1604)


def _text(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _plain(delimiter: str = ",", line_end: str = "\n") -> str:
    lines = [delimiter.join(("community_id", "name", "altitude_m"))] + [delimiter.join(r) for r in PLAIN_ROWS]
    return line_end.join(lines) + line_end


def utf8_csv(folder: Path) -> Path:
    return _text(folder, "plain.csv", _plain())


def utf8_bom_csv(folder: Path) -> Path:
    return _text(folder, "bom.csv", _plain(line_end="\r\n"), "utf-8-sig")


def cp1252_csv(folder: Path) -> Path:
    """Excel's "CSV" on Spanish Windows: Windows-1252 and semicolons; ’ (0x92) is not Latin-1."""
    return _text(folder, "ansi.csv", "id;nombre;nota\r\n1;Huamangá;el ‘qocha’ de Ñahui\r\n", "cp1252")


def utf16_csv(folder: Path) -> Path:
    """Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated."""
    return _text(folder, "unicode.txt", _plain("\t", "\r\n"), "utf-16")


def semicolon_csv(folder: Path) -> Path:
    return _text(folder, "coma.csv", 'id;nombre;lat;lon\n007;"Socos; Huamanga";-13,16;-74,22\n')


def tab_csv(folder: Path) -> Path:
    return _text(folder, "tabs.tsv", _plain("\t"))


def ragged_csv(folder: Path) -> Path:
    """Line 3 has an extra field, line 4 one too few; line 5 holds a quoted comma and newline."""
    text = (
        'id,name,note\n1,Socos,ok\n2,Cruz, Juan,shifted?\n3,short\n4,"Quinua, ""real""\nsegunda línea",ok\n'
        "\n5,last,ok\n"
    )
    return _text(folder, "ragged.csv", text)


def workbook(folder: Path) -> Path:
    """Text id "007", integers, decimals, a float that is whole, a date, a bool, a zero-padded code, a gap row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "datos"
    sheet.append(["id", "altitud", "lat", "año", "fecha", "activo", "codigo"])
    sheet.append(["007", 4010, -13.16, 2019.0, dt.datetime(2024, 5, 3), True, 7])
    sheet["G2"].number_format = "000"
    sheet.append([])
    sheet.append(["NA", 3.5, None, "2020", dt.date(2023, 1, 2), False, "N/A"])
    book.create_sheet("otra").append(["x"])
    return _save(book, folder / "libro.xlsx")


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


KOBO_HEADER = [
    "start",
    "datos/comunidad",
    "datos/ubicacion",
    "datos/_ubicacion_latitude",
    "datos/_ubicacion_longitude",
    "datos/_ubicacion_altitude",
    "datos/_ubicacion_precision",
    "cultivos",
    "cultivos/papa_nativa",
    "cultivos/quinua",
    "cultivos/oca",
    "otro/nombre",
    "nombre",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]
KOBO_ROWS = [
    [
        "2024-05-03",
        "Socos",
        "-13.21 -74.29 3380 5",
        "-13.21",
        "-74.29",
        "3380",
        "5",
        "papa_nativa quinua",
        "1",
        "1",
        "0",
        "x",
        "Ana",
        "1",
        "a1b2",
        "2024-05-03T10:00:00",
        "1",
    ],
    [
        "2024-05-04",
        "n/a",
        "-12.93 -74.25 2640 8",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "oca",
        "",
        "",
        "",
        "n/a",
        "Luis",
        "2",
        "c3d4",
        "2024-05-04T11:00:00",
        "2",
    ],
    ["2024-05-05", "Juli", "-16.2", "", "", "", "", "", "", "", "", "", "Rosa", "3", "e5f6", "2024-05-05", "3"],
]


def kobo_csv(folder: Path) -> Path:
    """KoboToolbox's default CSV: semicolons, everything quoted, groups in headers."""
    lines = [";".join(f'"{v}"' for v in row) for row in [KOBO_HEADER, *KOBO_ROWS]]
    return _text(folder, "kobo.csv", "\n".join(lines) + "\n")


def kobo_xlsx(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(KOBO_HEADER)
    for row in KOBO_ROWS:
        sheet.append(
            [
                float(v) if "_ubicacion_" in h and v not in ("", "n/a") else (v or None)
                for h, v in zip(KOBO_HEADER, row, strict=True)
            ]
        )
    return _save(book, folder / "kobo.xlsx")


ODK_TEXT = """SubmissionDate,grupo-comunidad,lugar-Latitude,lugar-Longitude,lugar-Altitude,lugar-Accuracy,\
cultivos,cultivos/papa_nativa,cultivos/tarwi,meta-instanceID,KEY
2024-05-03T10:00:00.000Z,Socos,-13.21,-74.29,3380,4.5,papa_nativa tarwi,1,1,uuid:aa,uuid:aa
2024-05-04T10:00:00.000Z,Huanta,,,,,tarwi,0,1,uuid:bb,uuid:bb
"""


def odk_csv(folder: Path) -> Path:
    return _text(folder, "odk.csv", ODK_TEXT)


def _feature(properties: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def _collection(features: list[dict], **extra: object) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False)


def geojson_faults(folder: Path) -> Path:
    """Feature 1 fine; 2 an open ring; 3 text coordinates; 4 no geometry; 5 a repeated key; 6 an array."""
    features = [
        _feature({"id": "007", "n": 3, "x": 2.5, "ok": True}, _point(-74.22, -13.16)),
        _feature({"id": "2"}, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
        _feature({"id": "3"}, {"type": "Point", "coordinates": ["-74.2", "-13.1"]}),
        _feature({"id": "4"}, None),
        _feature({"id": "5"}, _point(-70.6, -14.5)),
        _feature({"id": "6", "cultivos": ["papa_nativa", "quinua"]}, _point(-69.5, -16.2)),
    ]
    text = _collection(features).replace('{"id": "5"}', '{"id": "5", "id": "5b"}')
    return _text(folder, "faults.geojson", text)


def geojson_truncated(folder: Path) -> Path:
    text = _collection([_feature({"id": "1"}, _point(-74.22, -13.16))])
    return _text(folder, "cut.geojson", text[: len(text) // 2])


def geojson_utm_without_crs(folder: Path) -> Path:
    return _text(folder, "utm.geojson", _collection([_feature({"id": "1"}, _point(*HUAMANGA_UTM))]))


def geojson_utm_with_crs(folder: Path) -> Path:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32718"}}
    return _text(folder, "utm18s.geojson", _collection([_feature({"id": "1"}, _point(*HUAMANGA_UTM))], crs=crs))


def _frame(names: list[str], crs: str | None = "EPSG:4326", points: list | None = None) -> gpd.GeoDataFrame:
    points = points or [shapely.Point(-74.0 - i, -13.0) for i in range(len(names))]
    data = {
        "codigo": pd.Series([f"{i:03d}" for i in range(len(names))], dtype=object),
        "nombre": pd.Series(names, dtype=object),
    }
    return gpd.GeoDataFrame(data, geometry=points, crs=crs)


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def zipped_shapefile(folder: Path, encoding: str = "ISO-8859-1", cpg: bool = True, prj: bool = True) -> Path:
    """A shapefile whose .dbf is in `encoding`, zipped inside a folder, with or without .cpg and .prj."""
    work = folder / f"shp-{encoding}-{cpg}-{prj}"
    work.mkdir()
    _frame(["Ñuñoa", "Huamangá", "NA"]).to_file(work / "comunidades.shp", encoding=encoding)
    kept = {
        p.name: p.read_bytes() for p in work.iterdir() if (cpg or p.suffix != ".cpg") and (prj or p.suffix != ".prj")
    }
    return _zip(folder / f"comunidades-{encoding}-{cpg}-{prj}.zip", {f"capa/{n}": b for n, b in kept.items()})


def geopackage_utm(folder: Path) -> Path:
    """Two layers; the second in UTM 18S, with "NA" and "007" as text."""
    path = folder / "capas.gpkg"
    _frame(["Socos"]).to_file(path, layer="puntos", driver="GPKG")
    _frame(["NA"], "EPSG:32718", [shapely.Point(*HUAMANGA_UTM)]).to_file(path, layer="utm", driver="GPKG")
    return path


def zip_bomb(folder: Path) -> Path:
    return _zip(folder / "bomba.zip", {"datos.csv": b"0" * 5_000_000})


def zip_slip(folder: Path) -> Path:
    return _zip(folder / "slip.zip", {"datos.csv": b"a\n1\n", "../evil.txt": b"x"})


def zip_crowd(folder: Path, members: int = 12) -> Path:
    return _zip(folder / "muchos.zip", {f"f{i}.csv": b"a\n1\n" for i in range(members)})


def zip_nested(folder: Path) -> Path:
    inner = _zip(folder / "inner.zip", {"datos.csv": b"a\n1\n"})
    return _zip(folder / "nested.zip", {"datos.bin": inner.read_bytes()})


def expanding_workbook(folder: Path, rows: int = 3000) -> Path:
    """A workbook of small size whose sheet XML unpacks to a few hundred kilobytes."""
    book = Workbook()
    for index in range(rows):
        book.active.append(["papa nativa", "quinua", index])
    return _save(book, folder / "grande.xlsx")


CORPUS: dict[str, Builder] = {
    builder.__name__: builder
    for builder in (
        utf8_csv,
        utf8_bom_csv,
        cp1252_csv,
        utf16_csv,
        semicolon_csv,
        tab_csv,
        ragged_csv,
        workbook,
        kobo_csv,
        kobo_xlsx,
        odk_csv,
        geojson_faults,
        geojson_truncated,
        geojson_utm_without_crs,
        geojson_utm_with_crs,
        zipped_shapefile,
        geopackage_utm,
        zip_bomb,
        zip_slip,
        zip_crowd,
        zip_nested,
        expanding_workbook,
    )
}
