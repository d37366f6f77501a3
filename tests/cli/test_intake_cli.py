"""Field exports from KoboToolbox and ODK Central, imported from the command line with nothing changed silently."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.backend import open_store
from dashboard.intake import mapping

KOBO_HEADER = [
    "start",
    "end",
    "grupo_innovacion/titulo",
    "grupo_innovacion/comunidad",
    "grupo_innovacion/cultivos",
    "grupo_innovacion/cultivos/papa_nativa",
    "grupo_innovacion/cultivos/quinua",
    "grupo_innovacion/socios",
    "grupo_innovacion/anio",
    "grupo_innovacion/ambito",
    "grupo_innovacion/tipo",
    "grupo_innovacion/etapa",
    "grupo_innovacion/tipo_innovador",
    "grupo_innovacion/consentimiento",
    "ubicacion",
    "_ubicacion_latitude",
    "_ubicacion_longitude",
    "_ubicacion_altitude",
    "_ubicacion_precision",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]
KOBO_ROWS = [
    [
        "2026-05-01",
        "2026-05-01",
        "Qocha de Ñawpa",
        "Huanta",
        "papa_nativa quinua",
        "1",
        "1",
        "cedap",
        "2024",
        "water_irrigation",
        "technical",
        "documented",
        "woman",
        "si",
        "-12.940123 -74.250456 2640 4.5",
        "-12.940123",
        "-74.250456",
        "2640",
        "4.5",
        "101",
        "1b2c-aaa",
        "2026-05-01T10:00:00",
        "1",
    ],
    [
        "2026-05-02",
        "2026-05-02",
        "Semillero NA",
        "Socos",
        "quinua",
        "0",
        "1",
        "aba",
        "2025",
        "seeds_varieties",
        "technical",
        "spreading",
        "womens_group",
        "no",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "102",
        "1b2c-bbb",
        "2026-05-02T10:00:00",
        "2",
    ],
]
ODK = """SubmissionDate,grupo-titulo,grupo-comunidad,grupo-cultivos,grupo-socios,grupo-anio,grupo-ambito,grupo-tipo,\
grupo-etapa,grupo-tipo_innovador,grupo-consentimiento,lugar-Latitude,lugar-Longitude,lugar-Altitude,lugar-Accuracy,\
meta-instanceID,KEY
2026-05-03T10:00:00.000Z,Biol andino,Vinchos,tarwi oca,wn,2023,soil_fertility,technical,prioritised,man,si,\
-13.24,-74.35,3100,6.0,uuid:odk-1,uuid:odk-1
"""


def _kobo(folder):
    path = folder / "kobo.csv"
    lines = [";".join(f'"{v}"' for v in row) for row in [KOBO_HEADER, *KOBO_ROWS]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args):
    """The command line; an import into these copies of the demo store is confirmed with --yes."""
    extra = ["--yes"] if args[0] == "import" else []
    return CliRunner().invoke(main, [str(a) for a in args] + extra)


def test_a_kobo_export_imports_with_every_value_as_written(atlas, tmp_path, small_dataset):
    result = _run("import", _kobo(tmp_path), "--store", atlas, "--editor", "Ana Quispe")
    assert result.exit_code == 0, result.output
    assert "Nuevas: 2 · actualizadas: 0 · sin cambios: 0 · rechazadas: 0" in result.output
    stored = store.load(atlas).innovations
    assert len(stored) == len(small_dataset.innovations) + 2
    qocha = stored[stored["title"] == "Qocha de Ñawpa"].iloc[0]
    assert (qocha["crops"], qocha["partners"], qocha["year_documented"]) == (["papa_nativa", "quinua"], ["cedap"], 2024)
    assert (qocha["domain"], qocha["pid_stage"], qocha["innovator_type"]) == ("water_irrigation", "documented", "woman")
    assert qocha["has_own_point"] and (qocha.geometry.y, qocha.geometry.x) == pytest.approx(
        (-12.940123, -74.250456), abs=1e-9
    )
    assert bool(qocha["consent_public"]) and qocha["community_id"] == "PE-AYA-001"
    named = stored[stored["title"] == "Semillero NA"].iloc[0]  # "NA" in a title stays text
    assert not named["has_own_point"] and not bool(named["consent_public"])  # n/a location: the community's point
    entry = open_store(atlas).history().iloc[0]
    assert entry["editor"] == "Ana Quispe" and entry["file"] == "kobo.csv" and len(entry["sha256"]) == 64


def test_reimporting_the_same_kobo_export_adds_nothing_and_a_corrected_one_updates(atlas, tmp_path):
    kobo = _kobo(tmp_path)
    assert _run("import", kobo, "--store", atlas, "--editor", "Ana").exit_code == 0
    before = len(store.load(atlas).innovations)
    again = _run("import", kobo, "--store", atlas, "--editor", "Ana")
    assert "Nuevas: 0 · actualizadas: 0 · sin cambios: 2 · rechazadas: 0" in again.output
    assert len(store.load(atlas).innovations) == before
    fixed_rows = [row[:] for row in KOBO_ROWS]
    fixed_rows[0][2] = "Qocha de Ñawpa (corregida)"
    fixed = tmp_path / "kobo-2.csv"
    fixed.write_text(
        "\n".join(";".join(f'"{v}"' for v in r) for r in [KOBO_HEADER, *fixed_rows]) + "\n", encoding="utf-8"
    )
    updated = _run("import", fixed, "--store", atlas, "--editor", "Ana")
    assert "actualizadas: 1" in updated.output  # matched by the submission's _uuid, not by the changed title
    titles = set(store.load(atlas).innovations["title"])
    assert "Qocha de Ñawpa (corregida)" in titles and "Qocha de Ñawpa" not in titles


def test_an_odk_central_export_imports_and_keeps_its_instance_id(atlas, tmp_path):
    path = tmp_path / "odk.csv"
    path.write_text(ODK, encoding="utf-8")
    result = _run("import", path, "--store", atlas, "--editor", "Luis")
    assert "Nuevas: 1" in result.output, result.output
    data = store.load(atlas)
    biol = data.innovations[data.innovations["title"] == "Biol andino"].iloc[0]
    assert biol["crops"] == ["tarwi", "oca"] and biol["partners"] == ["world_neighbors"]  # "wn": its acronym
    keys = data.tables["atlas_records"]
    assert keys.loc[keys["id"] == biol["innovation_id"], "source_key"].iloc[0] == "uuid:odk-1"


def test_validate_exits_non_zero_when_a_row_would_be_rejected_and_writes_nothing(atlas, tmp_path):
    bad = tmp_path / "malo.csv"
    bad.write_text(
        "Título,Comunidad,Año,Ámbito,Tipo,Etapa DPI,Tipo de innovador,Socios\n"
        "Helada,Huanta,cinco,climate_risk,technical,documented,woman,cedap\n",
        encoding="utf-8",
    )
    before = atlas.read_bytes()
    result = _run("validate", bad, "--store", atlas, "--lang", "en")
    assert result.exit_code == 1
    assert "“cinco” in “Año” is not a year written in digits" in result.output
    assert _run("import", bad, "--store", atlas, "--editor", "Ana").exit_code == 1  # nothing valid: nothing written
    assert atlas.read_bytes() == before


def test_a_dry_run_writes_nothing_and_undo_takes_an_import_back(atlas, tmp_path, small_dataset):
    kobo = _kobo(tmp_path)
    before = atlas.read_bytes()
    assert "No se escribió nada" in _run("import", kobo, "--store", atlas, "--editor", "Ana", "--dry-run").output
    assert atlas.read_bytes() == before
    assert _run("import", kobo, "--store", atlas, "--editor", "Ana").exit_code == 0
    entry = open_store(atlas).history().iloc[0]["id"]
    undone = _run("undo", entry, "--store", atlas, "--editor", "Ana")
    assert undone.exit_code == 0, undone.output
    assert len(store.load(atlas).innovations) == len(small_dataset.innovations)


def test_a_saved_mapping_is_used_from_the_command_line(atlas, tmp_path):
    path = tmp_path / "raro.csv"
    path.write_text(
        "Nombre de la práctica;Lugar;Año;Ámbito;Tipo;Etapa DPI;Tipo de innovador;Socios\n"
        "Zanjas;Huanta;2022;water_irrigation;technical;documented;man;cedap\n",
        encoding="utf-8",
    )
    columns = ["Nombre de la práctica", "Lugar", "Año", "Ámbito", "Tipo", "Etapa DPI", "Tipo de innovador", "Socios"]
    guessed = mapping.guess(columns)
    assert guessed["Nombre de la práctica"] is None and guessed["Lugar"] is None
    saved = mapping.save(
        tmp_path / "asignaciones",
        "Formulario raro",
        guessed | {"Nombre de la práctica": "title", "Lugar": "community_name"},
        columns,
        mapping.INNOVATIONS,
    )
    result = _run("import", path, "--store", atlas, "--editor", "Ana", "--mapping", saved)
    assert "Nuevas: 1" in result.output, result.output
    assert "Zanjas" in set(store.load(atlas).innovations["title"])
