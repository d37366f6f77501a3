"""A file row matches a stored record only by id, submission key or natural key: never by an empty key, never twice."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.data.dataset import assemble
from dashboard.i18n import t
from dashboard.intake import mapping
from dashboard.intake.matching import natural_key
from dashboard.intake.readers import read_table
from dashboard.intake.report import NEW, REJECTED, UNCHANGED, UPDATE
from dashboard.intake.validate import validate
from tests.editors import signed_in

COMMUNITIES_CSV = (
    "Comunidad,Región,Latitud,Longitud\nAlfa,Huancavelica,-12.73,-74.82\nBeta,Huancavelica,-12.70,-74.73\n"
)
HEADER = "Título,Comunidad,Región,Año,Ámbito,Tipo,Etapa DPI,Tipo de innovador,Nombre del innovador,Socios\n"


def _run(*args):
    """The command line; an import into these copies of the demo store is confirmed with --yes."""
    extra = ["--yes"] if args[0] == "import" else []
    return CliRunner().invoke(main, [str(a) for a in args] + extra)


def _innovations_csv(folder, name: str, titles: list[str], communities: list[tuple[str, str]]):
    """A keyless spreadsheet of innovations, one per title, spread over the given (community, region) pairs."""
    lines = [HEADER] + [
        f"{title},{communities[n % len(communities)][0]},{communities[n % len(communities)][1]},"
        f"2024,water_irrigation,technical,documented,woman,Persona {name} {n},cedap\n"
        for n, title in enumerate(titles)
    ]
    path = folder / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _places(dataset, count: int) -> list[tuple[str, str]]:
    """Communities whose name is unique in the store, as (name, region code)."""
    frame = dataset.communities.drop_duplicates("name", keep=False)
    return list(zip(frame["name"], frame["region"].astype(str), strict=True))[:count]


def test_the_same_keyless_community_file_twice_changes_nothing(atlas, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(COMMUNITIES_CSV, encoding="utf-8")
    first = _run("import", "--entity", "communities", path, "--editor", "P", "--store", atlas)
    assert "Nuevas: 2 · actualizadas: 0 · sin cambios: 0 · rechazadas: 0" in first.output, first.output
    before = atlas.read_bytes()
    second = _run("import", "--entity", "communities", path, "--editor", "P", "--store", atlas)
    assert "Nuevas: 0 · actualizadas: 0 · sin cambios: 2 · rechazadas: 0" in second.output, second.output
    assert second.exit_code == 0
    assert atlas.read_bytes() == before  # nothing written the second time
    stored = store.load(atlas).communities
    assert sorted(stored.loc[stored["name"].isin(["Alfa", "Beta"]), "name"]) == ["Alfa", "Beta"]


def test_the_same_keyless_innovation_file_twice_changes_nothing(atlas, tmp_path, small_dataset):
    places = _places(small_dataset, 5)
    path = _innovations_csv(tmp_path, "i.csv", [f"Prueba {n}" for n in range(40)], places)
    first = _run("import", path, "--editor", "P", "--store", atlas)
    assert "Nuevas: 40 · actualizadas: 0 · sin cambios: 0 · rechazadas: 0" in first.output, first.output
    before = atlas.read_bytes()
    second = _run("import", path, "--editor", "P", "--store", atlas)
    assert "Nuevas: 0 · actualizadas: 0 · sin cambios: 40 · rechazadas: 0" in second.output, second.output
    assert atlas.read_bytes() == before
    assert len(store.load(atlas).innovations) == len(small_dataset.innovations) + 40


def test_a_different_keyless_file_never_updates_an_unrelated_record(atlas, tmp_path, small_dataset):
    places = _places(small_dataset, 3)
    _run(
        "import",
        _innovations_csv(tmp_path, "a.csv", ["Prueba 1", "Prueba 2"], places),
        "--editor",
        "P",
        "--store",
        atlas,
    )
    stored = store.load(atlas).innovations.set_index("title")
    kept = stored.loc["Prueba 2", ["innovation_id", "innovator_name"]].tolist()
    other = _innovations_csv(tmp_path, "b.csv", ["Prueba 0"], places)
    result = _run("import", other, "--editor", "P", "--store", atlas)
    assert "Nuevas: 1 · actualizadas: 0" in result.output, result.output
    after = store.load(atlas).innovations.set_index("title")
    assert after.loc["Prueba 2", ["innovation_id", "innovator_name"]].tolist() == kept
    assert {"Prueba 0", "Prueba 1", "Prueba 2"} <= set(after.index)


def test_two_different_rows_of_one_file_never_become_one_record(tmp_path, small_dataset):
    path = tmp_path / "dos.csv"
    path.write_text(
        "Comunidad,Región,Latitud,Longitud\nGamma,Huancavelica,-12.73,-74.82\n"
        "Gamma,Huancavelica,-12.71,-74.80\nDelta,Huancavelica,-12.70,-74.73\n",
        encoding="utf-8",
    )
    table = read_table(path)
    report = validate(table, mapping.guess(list(table.frame.columns), COMMUNITIES), small_dataset, entity=COMMUNITIES)
    assert [r.status for r in report.results] == [NEW, REJECTED, NEW]
    reasons = [i.message("es") for i in report.results[1].issues]
    assert any("fila 2" in r for r in reasons), reasons
    assert len(report.changes.added["communities"]) == 2


def test_an_identical_repeated_row_is_unchanged_not_added_twice(tmp_path, small_dataset):
    path = tmp_path / "rep.csv"
    path.write_text(COMMUNITIES_CSV + "Alfa,Huancavelica,-12.73,-74.82\n", encoding="utf-8")
    table = read_table(path)
    report = validate(table, mapping.guess(list(table.frame.columns), COMMUNITIES), small_dataset, entity=COMMUNITIES)
    assert [r.status for r in report.results] == [NEW, NEW, UNCHANGED]
    assert len(report.changes.added["communities"]) == 2


def test_a_keyless_row_updates_its_record_found_by_natural_key(tmp_path, small_dataset):
    frame = small_dataset.innovations
    innovation = frame[~frame.duplicated(["community_id", "title"], keep=False)].iloc[0]
    stored_consent = bool(innovation["consent_public"])
    path = tmp_path / "nat.csv"
    path.write_text(
        f"Título,Código de comunidad,Descripción\n{innovation['title'].upper()},"
        f"{innovation['community_id']},Nueva descripción\n",
        encoding="utf-8",
    )
    table = read_table(path)
    chosen = mapping.guess(list(table.frame.columns)) | {"Código de comunidad": "community_id"}
    report = validate(table, chosen, small_dataset)
    assert [(r.status, r.record_id) for r in report.results] == [(UPDATE, innovation["innovation_id"])], [
        i.message("es") for r in report.results for i in r.issues
    ]
    updated = report.changes.updated["innovations"].iloc[0]
    assert updated["description"] == "Nueva descripción"
    assert bool(updated["consent_public"]) == stored_consent  # the file says nothing of consent: kept
    assert updated["title"] == innovation["title"].upper()


def test_a_natural_key_shared_by_two_stored_records_is_refused_naming_both(tmp_path, small_dataset):
    frame = small_dataset.communities
    twin = frame.iloc[[0]].assign(community_id="PE-XXX-999", district="Otro distrito")
    data = assemble(
        small_dataset.partners,
        pd.concat([frame, twin], ignore_index=True),
        small_dataset.innovations,
        small_dataset.metadata,
        "prueba",
    )
    first = frame.iloc[0]
    path = tmp_path / "amb.csv"
    path.write_text(
        f"Comunidad,Región,Latitud,Longitud\n{first['name']},{first['region']},{first.geometry.y},{first.geometry.x}\n",
        encoding="utf-8",
    )
    table = read_table(path)
    report = validate(table, mapping.guess(list(table.frame.columns), COMMUNITIES), data, entity=COMMUNITIES)
    assert report.results[0].status == REJECTED
    message = " ".join(i.message("es") for i in report.results[0].issues)
    assert first["community_id"] in message and "PE-XXX-999" in message


@pytest.mark.parametrize(
    ("entity", "record", "expected"),
    [
        (
            COMMUNITIES,
            {"country": "PE", "region": "PE-HUV", "name": "  Ñawpa  PAMPA "},
            ("pe", "pe huv", "nawpa pampa"),
        ),
        (COMMUNITIES, {"country": "PE", "region": "PE-HUV", "name": None}, None),
        (INNOVATIONS, {"community_id": "PE-AYA-001", "title": "Qocha  de Ñawpa"}, ("pe aya 001", "qocha de nawpa")),
        (INNOVATIONS, {"community_id": "PE-AYA-001", "title": ""}, None),
    ],
)
def test_natural_keys_ignore_case_accents_and_spacing_and_need_every_part(entity, record, expected):
    assert natural_key(entity, record) == expected


def _upload(at, entity: str, name: str, content: str) -> dict[str, str]:
    """Upload a file on *Importar*; the report's four counts as shown."""
    at.radio(key="import_entity").set_value(entity).run()
    at.file_uploader(key="import_file").set_value((name, content.encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    return {m.label: m.value for m in at.metric}


def _commit(at) -> None:
    at.checkbox(key="import_confirm").check().run()
    demo = [c for c in at.checkbox if c.key == "import_demo_confirm"]
    if demo:
        demo[0].check().run()
    at.button(key="import_commit").click().run()
    assert any("CHG-" in s.value for s in at.success), [e.value for e in at.error]


def test_the_page_imports_a_keyless_file_once_and_finds_it_unchanged_the_second_time(
    atlas, monkeypatch, small_dataset, tmp_path
):
    at = signed_in(atlas, monkeypatch)
    assert _upload(at, "communities", "m.csv", COMMUNITIES_CSV)["nuevo"] == "2"
    _commit(at)
    second = signed_in(atlas, monkeypatch)
    counts = _upload(second, "communities", "m.csv", COMMUNITIES_CSV)
    assert (counts["nuevo"], counts["actualización"], counts["rechazado"]) == ("0", "0", "0"), counts
    assert counts["sin cambios (duplicado)"] == "2", counts
    assert [i.value for i in second.info] == [t("manage.import.nothing")]
    innovations = _innovations_csv(
        tmp_path, "i.csv", [f"Prueba {n}" for n in range(6)], _places(small_dataset, 3)
    ).read_text(encoding="utf-8")
    assert _upload(second, "innovations", "i.csv", innovations)["nuevo"] == "6"
    _commit(second)
    again = _upload(signed_in(atlas, monkeypatch), "innovations", "i.csv", innovations)
    assert (again["nuevo"], again["actualización"], again["rechazado"]) == ("0", "0", "0"), again
    stored = store.load(atlas)
    assert sorted(stored.communities.loc[stored.communities["name"].isin(["Alfa", "Beta"]), "name"]) == ["Alfa", "Beta"]
    assert (stored.innovations["title"].str.startswith("Prueba ")).sum() == 6


def test_rows_the_store_would_tell_apart_are_two_records_not_a_conflict(tmp_path, small_dataset):
    name, region = _places(small_dataset, 1)[0]
    path = _innovations_csv(tmp_path, "anios.csv", ["Qocha comunal", "Qocha comunal"], [(name, region)])
    text = path.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",2024,", ",2025,")  # the same practice documented again a year later
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    table = read_table(path)
    report = validate(table, mapping.guess(list(table.frame.columns)), small_dataset)
    assert [r.status for r in report.results] == [NEW, NEW], [i.message("es") for r in report.results for i in r.issues]
