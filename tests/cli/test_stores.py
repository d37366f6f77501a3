"""`migrate` brings a database's schema up to date; `copy` moves a whole atlas between stores, nothing changed."""

from __future__ import annotations

import geopandas as gpd
import shapely
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from dashboard.cli import main
from dashboard.data.backend import open_store
from dashboard.data.changes import Changes, Source
from dashboard.data.dataset import Dataset


def _same_atlas(left: Dataset, right: Dataset) -> None:
    """Every field of the two datasets equal: records, boundaries, metadata and every bookkeeping table."""
    for name in ("partners", "communities", "innovations"):
        assert_geodataframe_equal(getattr(left, name), getattr(right, name), check_like=False)
    assert (left.boundaries is None) == (right.boundaries is None)
    if left.boundaries is not None:
        assert_geodataframe_equal(left.boundaries, right.boundaries)
    assert left.metadata == right.metadata
    assert sorted(left.tables) == sorted(right.tables)
    for name, table in left.tables.items():
        assert_frame_equal(table, right.tables[name])


def _lived_in(path) -> Dataset:
    """The store at `path` after boundaries (a polygon and a multipolygon), an edit, a deletion and an undo."""
    store = open_store(path)
    boxes = [shapely.box(-75, -14, -74, -13), shapely.MultiPolygon([shapely.box(-70, -16, -69, -15)])]
    regions = gpd.GeoDataFrame(
        {"boundary_id": ["r1", "r2"], "level": "region", "code": ["PE-AYA", "PE-PUN"], "name": ["Ayacucho", "Puno"]},
        geometry=boxes,
        crs="EPSG:4326",
    )
    store.replace_boundaries(regions, Source("boundaries", "regiones.gpkg"), "Ana")
    row = store.load().innovations.iloc[[0]].assign(title="Título «nuevo» con ñ")
    store.commit(Changes(updated={"innovations": row}), Source("edit", row["innovation_id"].iloc[0]), "Ana")
    deleted = store.load().innovations["innovation_id"].iloc[-1]
    entry = store.commit(Changes(deleted={"innovations": (deleted,)}), Source("delete", deleted), "Ben")
    store.undo(entry, "Ben")
    store.commit(Changes(deleted={"innovations": (deleted,)}), Source("delete", deleted), "Ben")
    return store.load()


def test_an_atlas_goes_to_postgis_and_back_with_nothing_changed(atlas, tmp_path, postgis_url):
    original = _lived_in(atlas)
    assert len(original.tables["atlas_trash"]) == 1 and len(original.boundaries) == 2
    there = CliRunner().invoke(main, ["copy", str(atlas), postgis_url])
    assert there.exit_code == 0, there.output
    assert "79 innovaciones" in there.output and "5 entradas del historial" in there.output
    _same_atlas(open_store(postgis_url).load(), original)
    back = tmp_path / "de-vuelta.gpkg"
    again = CliRunner().invoke(main, ["copy", postgis_url, str(back), "--lang", "en"])
    assert again.exit_code == 0 and "Atlas copied" in again.output
    _same_atlas(open_store(back).load(), original)


def test_copy_refuses_to_overwrite_an_atlas_unless_told_to(atlas, tmp_path, postgis_url):
    CliRunner().invoke(main, ["copy", str(atlas), postgis_url])
    other = tmp_path / "otro.gpkg"
    open_store(other).create(open_store(atlas).load())
    _lived_in(other)
    refused = CliRunner().invoke(main, ["copy", str(other), postgis_url])
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert open_store(postgis_url).history().empty
    replaced = CliRunner().invoke(main, ["copy", str(other), postgis_url, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    _same_atlas(open_store(postgis_url).load(), open_store(other).load())


def test_migrate_says_which_migrations_it_applied(postgis_url):
    first = CliRunner().invoke(main, ["migrate", postgis_url])
    assert first.exit_code == 0 and "migraciones aplicadas: 0001_atlas" in first.output
    again = CliRunner().invoke(main, ["migrate", postgis_url, "--lang", "en"])
    assert again.exit_code == 0 and "no migrations were pending" in again.output


def test_migrate_reads_the_configured_store_and_hides_its_password(postgis_url, monkeypatch):
    monkeypatch.setenv("ATLAS_STORE", postgis_url.replace("postgres@", "postgres:secreto@"))
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0 and "0001_atlas" in result.output and "secreto" not in result.output


def test_a_command_reads_a_database_named_with_store(atlas, postgis_url):
    CliRunner().invoke(main, ["copy", str(atlas), postgis_url])
    listed = CliRunner().invoke(main, ["backups", "--store", postgis_url])
    assert listed.exit_code == 0 and "aún no tiene copias de seguridad" in listed.output


def test_copy_of_an_unreachable_store_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["copy", "postgresql://ana:secreto@127.0.0.1:1/atlas", str(tmp_path / "a.gpkg")])
    assert result.exit_code == 1 and "ana@127.0.0.1:1/atlas" in result.output and "secreto" not in result.output
    assert not (tmp_path / "a.gpkg").exists()
