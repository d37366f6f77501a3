"""`backups` lists the copies taken before every write; `restore` brings one back, as one more undoable change."""

from __future__ import annotations

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data.backend import open_store
from dashboard.data.changes import Changes, Source


def _titles(path) -> dict[str, str]:
    innovations = open_store(path).load().innovations
    return dict(zip(innovations["innovation_id"], innovations["title"], strict=True))


def _retitle(path, title: str) -> str:
    """Change the first innovation's title through the store interface; the history entry's id."""
    store = open_store(path)
    row = store.load().innovations.iloc[[0]].copy()
    row["title"] = title
    return store.commit(Changes(updated={"innovations": row}), Source("edit", row["innovation_id"].iloc[0]), "Ana")


def test_a_new_atlas_has_no_backups_and_says_so(atlas):
    result = CliRunner().invoke(main, ["backups", "--store", str(atlas)])
    assert result.exit_code == 0 and "aún no tiene copias de seguridad" in result.output


def test_a_backup_is_listed_restored_and_the_restore_undone(atlas):
    before = _titles(atlas)
    entry = _retitle(atlas, "Título cambiado")
    listed = CliRunner().invoke(main, ["backups", "--store", str(atlas)])
    assert listed.exit_code == 0 and f"antes de {entry}" in listed.output
    name = listed.output.split(" · ")[0]
    restored = CliRunner().invoke(main, ["restore", name, "--editor", "Luis", "--store", str(atlas), "--lang", "en"])
    assert restored.exit_code == 0, restored.output
    assert _titles(atlas) == before
    back = open_store(atlas).history().iloc[0]
    assert back["editor"] == "Luis" and back["id"] in restored.output
    undone = CliRunner().invoke(main, ["undo", back["id"], "--editor", "Luis", "--store", str(atlas)])
    assert undone.exit_code == 0 and "Título cambiado" in _titles(atlas).values()


def test_an_unknown_backup_is_refused_and_nothing_changes(atlas):
    _retitle(atlas, "Otro título")
    stored = atlas.read_bytes()
    result = CliRunner().invoke(main, ["restore", "nada.gpkg", "--editor", "Ana", "--store", str(atlas)])
    assert result.exit_code == 1 and "No hay ninguna copia de seguridad «nada.gpkg»" in result.output
    assert atlas.read_bytes() == stored
