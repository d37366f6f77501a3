"""What an import tells and keeps: the atlas's own exports re-imported with nothing moved, every column and problem
said, exit codes that scripts can trust, keys from other tools kept as theirs, one outcome for one file."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.backend import open_store
from dashboard.data.refusals import CommitError
from dashboard.intake import commit
from dashboard.map.details import innovation_details
from dashboard.pack.downloads import PACK
from tests.cli.test_intake_cli import KOBO_HEADER, KOBO_ROWS, _kobo


def _run(*args, stdin: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin)


def _export(atlas, folder, code: str):
    path = folder / f"publico.{code}"
    result = _run("export", code, "--out", path, "--store", atlas)
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("k_at_import", [None, "1"], ids=["same_k", "other_k"])
@pytest.mark.parametrize("code", ["csv", "xlsx", "geojson", "gpkg"])
def test_reimporting_the_public_export_moves_no_exact_point_and_blanks_nothing(
    atlas, tmp_path, code, k_at_import, monkeypatch
):
    before = store.load(atlas).innovations.set_index("innovation_id")
    restricted = before[~before["consent_public"].astype(bool) & before["has_own_point"]]
    assert len(restricted), "the demo has restricted records with their own exact point"
    exported = _export(atlas, tmp_path, code)
    if k_at_import:  # the areas' centres are not those of the file (as when communities were added since)
        monkeypatch.setenv("ATLAS_MIN_COMMUNITIES", k_at_import)
    result = _run("import", exported, "--store", atlas, "--editor", "Ana", "--yes")
    assert result.exit_code == 0, result.output
    assert "actualizadas: 0 · sin cambios: 80 · rechazadas: 0" in result.output, result.output
    assert "se conserva el punto exacto guardado" in result.output  # the report says the point was kept
    after = store.load(atlas).innovations.set_index("innovation_id")
    assert np.allclose(after.loc[restricted.index].geometry.x, restricted.geometry.x)
    assert np.allclose(after.loc[restricted.index].geometry.y, restricted.geometry.y)
    named = before["innovator_name"].notna()
    assert after.loc[named[named].index, "innovator_name"].tolist() == before.loc[named, "innovator_name"].tolist()


def test_public_exports_mark_which_points_are_generalised(small_dataset):
    from dashboard.address import Filters
    from dashboard.filtering.index import FilterIndex
    from dashboard.filtering.selection import Selection

    selection = Selection.of(
        small_dataset, FilterIndex.build(small_dataset.innovations, small_dataset.communities), Filters()
    )
    rows = list(csv.DictReader(io.StringIO(PACK["csv"].make(selection, "es").decode("utf-8-sig"))))
    consent = dict(
        zip(small_dataset.innovations["innovation_id"], small_dataset.innovations["consent_public"], strict=True)
    )
    assert "Ubicación mostrada" not in rows[0]  # how each point was made would single restricted records out
    generalised = {row["Código de innovación"] for row in rows if row["Zona mostrada"]}
    assert generalised == {i for i, public in consent.items() if not public}
    assert len(generalised) > 0 and len(rows) == len(consent)
    restricted = [row for row in rows if row["Código de innovación"] in generalised]
    assert all(row["Comunidad"] == "" and row["Tipo de innovador"] == "" for row in restricted)


def test_an_unmapped_column_is_reported_with_what_it_probably_is(atlas, tmp_path):
    path = tmp_path / "campo.csv"
    path.write_text(
        "Comunidad,Región,Latitud (S),Longitud,Notas\nAlfa,Huancavelica,-12.73,-74.82,x\n", encoding="utf-8"
    )
    result = _run("validate", "--entity", "communities", path, "--store", atlas)
    assert "Latitud (S) → (no se importa)" in result.output  # the mapping used is printed
    assert 'parece ser «Latitud»: asígnela en la tabla de columnas o con --map "Latitud (S)=latitude"' in result.output
    assert "no corresponden a ningún campo del atlas): «Notas»" in result.output
    mapped = _run("validate", "--entity", "communities", path, "--store", atlas, "--map", "Latitud (S)=latitude")
    assert "Latitud (S) → Latitud (latitude)" in mapped.output and mapped.exit_code == 0, mapped.output
    wrong = _run("validate", "--entity", "communities", path, "--store", atlas, "--map", "Latitud (S)=latitud")
    assert wrong.exit_code == 2 and "«latitud» no es un campo del atlas" in wrong.output


def test_every_problem_of_a_row_is_listed_and_never_cut(atlas, tmp_path):
    path = tmp_path / "malo.csv"
    path.write_text(
        "Título,Comunidad,Año,Ámbito,Tipo,Etapa DPI,Tipo de innovador,Socios,Latitud,Longitud\n"
        "Helada,Huanta,cinco,riego,technical,documented,woman,cedap,-74.25,-12.94\n"
        "Helada 2,Huanta,2020,water_irrigation,technical,documented,woman,cedap,norte,oeste\n",
        encoding="utf-8",
    )
    result = _run("validate", path, "--store", atlas)
    lines = [line for line in result.output.splitlines() if line.startswith("Fila 2 ·")]
    assert any("«cinco»" in line for line in lines) and any("«riego»" in line for line in lines), lines
    assert any("al revés, (-12.94, -74.25), cae dentro" in line for line in lines), lines  # the fix is shown whole
    assert not any("Falta «Ámbito»" in line for line in lines)  # given but unreadable is not also "missing"
    assert len([line for line in result.output.splitlines() if line.startswith("Fila 3 ·")]) >= 2  # lat and lon
    assert all(not line.endswith("...") for line in result.output.splitlines())


def test_exit_codes_say_accepted_rejected_or_unreadable(atlas, tmp_path):
    good, bad, broken = tmp_path / "bueno.csv", tmp_path / "malo.csv", tmp_path / "roto.xlsx"
    good.write_text("Comunidad,Región,Latitud,Longitud\nAlfa,Huancavelica,-12.73,-74.82\n", encoding="utf-8")
    bad.write_text(
        "Comunidad,Región,Latitud,Longitud\nAlfa,Huancavelica,-12.73,-74.82\nBeta,Narnia,1,2\n", encoding="utf-8"
    )
    broken.write_bytes(b"not a workbook")
    assert _run("validate", "--entity", "communities", good, "--store", atlas).exit_code == 0
    assert _run("validate", "--entity", "communities", broken, "--store", atlas).exit_code == 2
    partial = _run("import", "--entity", "communities", bad, "--store", atlas, "--editor", "A", "--yes")
    assert partial.exit_code == 1
    assert "Guardado como CHG-000001" in partial.output and "1 filas rechazadas no se guardaron" in partial.output
    none = _run("import", "--entity", "communities", bad, "--store", atlas, "--editor", "A", "--yes")
    assert none.exit_code == 1 and "No se escribió nada" in none.output


def test_importing_into_the_demo_store_asks_first(atlas, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Comunidad,Región,Latitud,Longitud\nAlfa,Huancavelica,-12.73,-74.82\n", encoding="utf-8")
    before = atlas.read_bytes()
    refused = _run("import", "--entity", "communities", path, "--store", atlas, "--editor", "A", stdin="n\n")
    assert "atlas de demostración" in refused.output and refused.exit_code != 0
    assert atlas.read_bytes() == before
    agreed = _run("import", "--entity", "communities", path, "--store", atlas, "--editor", "A", stdin="s\ny\n")
    assert "Nuevas: 1" in agreed.output, agreed.output


def test_keys_from_kobo_stay_source_keys_and_are_shown_in_the_record(atlas, tmp_path):
    result = _run("import", _kobo(tmp_path), "--store", atlas, "--editor", "Ana", "--yes")
    assert "_id → Clave del envío" not in result.output and "_uuid → Clave del envío" in result.output
    data = store.load(atlas)
    added = data.innovations[data.innovations["title"].isin([KOBO_ROWS[0][2], KOBO_ROWS[1][2]])]
    assert all(i.startswith("INN-") for i in added["innovation_id"]), list(added["innovation_id"])
    assert "101" not in set(data.innovations["innovation_id"])
    row = int(np.flatnonzero(data.innovations["title"] == KOBO_ROWS[0][2])[0])
    card = innovation_details(data, row, "es", {})
    assert card["Clave del envío (KoboToolbox / ODK)"] == KOBO_ROWS[0][KOBO_HEADER.index("_uuid")]


def test_two_imports_of_one_file_started_together_store_it_once(atlas, tmp_path, small_dataset):
    names = small_dataset.communities.drop_duplicates("name", keep=False)["name"].tolist()[:4]
    lines = ["Título,Comunidad,Año,Ámbito,Tipo,Etapa DPI,Tipo de innovador,Socios,Consentimiento,Nombre público"]
    lines += [
        f"Práctica {n},{names[n % len(names)]},2024,water_irrigation,technical,documented,woman,cedap,no,no"
        for n in range(300)
    ]
    path = tmp_path / "lote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "dashboard", "import", str(path), "--store", str(atlas), "--editor", "A", "--yes"]
    environment = {**os.environ, "PYTHONPATH": os.getcwd()}
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert len(store.load(atlas).innovations) == len(small_dataset.innovations) + 300
    assert sorted("Nuevas: 300" in out for out in outputs) == [False, True], outputs


def test_a_confirmed_report_is_not_applied_when_the_atlas_changed_meanwhile(atlas, tmp_path):
    from dashboard.data.changes import Source
    from dashboard.data.contract import COMMUNITIES
    from dashboard.intake import mapping
    from dashboard.intake.readers import read_table
    from dashboard.intake.validate import validate

    path = tmp_path / "m.csv"
    path.write_text("Comunidad,Región,Latitud,Longitud\nAlfa,Huancavelica,-12.73,-74.82\n", encoding="utf-8")
    table = read_table(path)
    chosen = mapping.guess(list(table.frame.columns), COMMUNITIES)

    def check(data):
        return validate(table, chosen, data, entity=COMMUNITIES)

    confirmed = check(store.load(atlas)).counts()  # what the editor read: one new community
    assert confirmed["new"] == 1
    assert _run("import", "--entity", "communities", path, "--store", atlas, "--editor", "B", "--yes").exit_code == 0
    before = atlas.read_bytes()  # another editor imported the same file in between
    with pytest.raises(CommitError) as refused:
        commit.commit_checked(check, Source("import", "m.csv"), "A", store=open_store(atlas), expected=confirmed)
    assert "El atlas cambió desde que se revisó el informe" in refused.value.message("es")
    assert atlas.read_bytes() == before


def test_the_command_line_says_which_encoding_it_read(atlas, tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes("Comunidad;Región;Latitud;Longitud\nAlfa;Huancavelica;-12,73;-74,82\n".encode("cp1252"))
    result = _run("validate", "--entity", "communities", path, "--store", atlas)
    assert "codificación cp1252" in result.output and "Región → Región" in result.output, result.output
