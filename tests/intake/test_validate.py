"""Every row of a messy file ends in exactly one status, with its reasons; re-importing an export adds nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.data.privacy import public_view
from dashboard.intake import mapping
from dashboard.intake.readers import read_table
from dashboard.intake.report import NEW, REJECTED, UNCHANGED, UPDATE
from dashboard.intake.validate import validate
from dashboard.pack.downloads import PACK

HEADER = (
    "Título;Comunidad;Región;Socios;Cultivos;Año;Ámbito;Tipo;Etapa DPI;Tipo de innovador;"
    "Latitud;Longitud;Consentimiento"
)
GOOD = (
    "Qocha nueva;Huanta;Ayacucho;CEDAP;papas nativas; quinua;2019;agua y riego;técnica;documentada;mujer;"
    "-12,94;-74,25;sí"
)
MESSY = [  # (line of the file, expected status, expected reason key or None)
    (GOOD.replace("papas nativas; quinua", "papas nativas, quinua"), NEW, None),
    (GOOD.replace("papas nativas; quinua", "papas nativas, quinua"), UNCHANGED, None),  # the same row twice
    (GOOD.replace("Qocha nueva", "Otra qocha").replace(";2019;", ";cinco;"), REJECTED, "values.not_a_year"),
    (
        GOOD.replace("Qocha nueva", "Papa sola").replace("papas nativas; quinua", "papa"),
        REJECTED,
        "values.unknown_code",
    ),
    (GOOD.replace("Qocha nueva", "Al revés").replace("-12,94;-74,25", "-74,25;-12,94"), REJECTED, "coords.swapped"),
    (GOOD.replace("Qocha nueva", "Sin lugar").replace("Huanta", "Macondo"), REJECTED, "records.unknown_community"),
    (GOOD.replace("Qocha nueva", "Socio raro").replace("CEDAP", "ONG Fantasma"), REJECTED, "records.unknown_partner"),
    (GOOD.replace("Qocha nueva", "De más") + ";sobra", REJECTED, None),  # more fields than the header
    (GOOD.replace("Qocha nueva", "Sin consentimiento").rsplit(";", 1)[0] + ";", NEW, "records.consent_assumed_no"),
]


def _file(tmp_path: Path, lines: list[str], name: str = "campo.csv") -> Path:
    path = tmp_path / name
    # a ";" file with a list cell "a; b" must quote it: write as a field team's spreadsheet would
    quoted = [";".join(f'"{cell}"' if ";" in cell else cell for cell in _cells(line)) for line in lines]
    path.write_text("\n".join(quoted) + "\n", encoding="cp1252")
    return path


def _cells(line: str) -> list[str]:
    cells = line.split(";")
    joined, skip = [], False
    for position, cell in enumerate(cells):  # keep "papas nativas; quinua" in one cell
        if skip:
            skip = False
            continue
        if cell == "papas nativas" and position + 1 < len(cells) and cells[position + 1] == " quinua":
            joined.append("papas nativas; quinua")
            skip = True
        else:
            joined.append(cell)
    return joined


def _report(tmp_path, small_dataset, lines):
    table = read_table(_file(tmp_path, [HEADER, *lines]))
    return validate(table, mapping.guess(list(table.frame.columns), INNOVATIONS), small_dataset)


def test_every_row_of_a_messy_file_ends_in_one_status_with_its_reason(tmp_path, small_dataset):
    report = _report(tmp_path, small_dataset, [line for line, _, _ in MESSY])
    assert [r.row for r in report.results] == list(range(2, len(MESSY) + 2))  # file lines: the header is line 1
    for result, (_, status, reason) in zip(report.results, MESSY, strict=True):
        assert result.status == status, (result.row, [i.reason for i in result.issues])
        if reason:
            assert reason in {i.reason for i in result.issues}, (result.row, [i.reason for i in result.issues])
    assert report.counts() == {NEW: 2, UPDATE: 0, UNCHANGED: 1, REJECTED: 6}
    added = report.changes.added["innovations"]
    assert sorted(added["title"]) == ["Qocha nueva", "Sin consentimiento"]
    first = added[added["title"] == "Qocha nueva"].iloc[0]
    assert first["crops"] == ["papa_nativa", "quinua"] and first["partners"] == ["cedap"]
    assert first["community_id"] == "PE-AYA-001" and first["innovator_type"] == "woman"
    assert (round(first.geometry.y, 6), round(first.geometry.x, 6)) == (-12.94, -74.25)
    assert not added[added["title"] == "Sin consentimiento"].iloc[0]["consent_public"]


def test_the_report_speaks_the_users_language_and_downloads_as_csv(tmp_path, small_dataset):
    report = _report(tmp_path, small_dataset, [MESSY[2][0]])
    spanish, english = report.table("es"), report.table("en")
    assert list(spanish.columns) == ["Fila", "Resultado", "Código", "Campo", "Motivo", "Gravedad"]
    assert "«cinco» en «Año» no es un año escrito en cifras" in spanish["Motivo"].iloc[0]
    assert "“cinco” in “Año” is not a year written in digits" in english["Reason"].iloc[0]
    assert report.csv("es").startswith(b"\xef\xbb\xbfFila,Resultado")


def test_a_changed_title_for_a_known_id_is_an_update(tmp_path, small_dataset):
    known = small_dataset.innovations.iloc[0]
    header = "innovation_id;title"
    table = read_table(_file(tmp_path, [header, f"{known['innovation_id']};Título corregido"]))
    report = validate(table, mapping.guess(list(table.frame.columns), INNOVATIONS), small_dataset)
    assert [r.status for r in report.results] == [UPDATE]
    updated = report.changes.updated["innovations"].iloc[0]
    assert updated["title"] == "Título corregido"
    assert updated["partners"] == known["partners"]  # what the file does not give is kept
    assert report.changes.seen == {("innovations", known["innovation_id"]): 1}


@pytest.mark.parametrize("code", ["csv", "xlsx", "geojson", "gpkg"])
def test_reimporting_an_export_adds_nothing(tmp_path, small_dataset, code):
    view = public_view(small_dataset, np.ones(len(small_dataset.innovations), dtype=bool), editor=True)
    path = tmp_path / f"export.{PACK[code].extension}"
    path.write_bytes(PACK[code].write(view, "es"))
    table = read_table(
        path, layer="innovations" if code == "gpkg" else None, sheet="innovaciones" if code == "xlsx" else None
    )
    report = validate(table, mapping.guess(list(table.frame.columns), INNOVATIONS), small_dataset)
    assert report.counts() == {NEW: 0, UPDATE: 0, UNCHANGED: len(small_dataset.innovations), REJECTED: 0}, (
        report.table("en").head(5).to_dict("records")
    )
    assert report.changes.empty


def test_a_community_file_needs_a_point_and_gets_its_country_from_the_region(tmp_path, small_dataset):
    lines = [
        "Comunidad;Región;Latitud;Longitud;Altitud",
        "Quispillacta;PE-AYA;-13,58;-74,48;3600",
        "Sin punto;PE-AYA;;;3600",
    ]
    table = read_table(_file(tmp_path, lines))
    report = validate(table, mapping.guess(list(table.frame.columns), COMMUNITIES), small_dataset, entity=COMMUNITIES)
    assert [r.status for r in report.results] == [NEW, REJECTED]
    added = report.changes.added["communities"].iloc[0]
    assert added["country"] == "PE" and added["altitude_m"] == 3600
