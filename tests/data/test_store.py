"""The GeoPackage store: round trip, validation errors that locate the problem, atomic writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from dashboard.data import store
from dashboard.data.conform import ContractError
from dashboard.data.contract import ENTITIES
from dashboard.data.dataset import Dataset
from dashboard.paths import STORE_ENV, store_path


def test_round_trip_keeps_every_value_type_and_list(small_dataset, small_store):
    loaded = store.load(small_store)
    for entity in ENTITIES:
        assert_geodataframe_equal(loaded.frame(entity), small_dataset.frame(entity))
    with_two_crops = loaded.innovations[loaded.innovations["crops"].map(len) == 2]
    assert not with_two_crops.empty
    assert all(isinstance(v, list) for v in loaded.innovations["partners"])
    assert loaded.metadata["illustrative"] == "true"


def test_layers_and_link_tables_are_normalised(small_dataset, small_store):
    layers = {str(name) for name, _ in pyogrio.list_layers(small_store)}
    assert {
        "partners",
        "communities",
        "innovations",
        "innovation_crops",
        "innovation_livestock",
        "innovation_partners",
    } <= layers
    links = pyogrio.read_dataframe(small_store, layer="innovation_partners")
    assert list(links.columns) == ["innovation_id", "partner_id"]
    assert len(links) == sum(map(len, small_dataset.innovations["partners"]))
    innovations = pyogrio.read_dataframe(small_store, layer="innovations")
    assert "partners" not in innovations.columns and "crops" not in innovations.columns
    assert pyogrio.read_info(small_store, layer="innovations")["crs"] == "EPSG:4326"


def test_innovation_without_own_point_is_stored_without_geometry(small_dataset, small_store):
    raw = pyogrio.read_dataframe(small_store, layer="innovations")
    own = small_dataset.innovations["has_own_point"].to_numpy()
    assert raw.geometry.isna().to_numpy().tolist() == (~own).tolist()
    assert 0 < own.sum() < len(own)


@pytest.mark.skipif(
    shutil.which("ogrinfo") is None and os.environ.get("CI") != "true",
    reason="ogrinfo (Debian gdal-bin) is not installed",
)
def test_ogrinfo_lists_the_layers_without_warnings(small_store):
    result = subprocess.run(["ogrinfo", "-q", str(small_store)], capture_output=True, text=True, check=True)
    assert "innovations (Point)" in result.stdout
    assert "innovation_partners" in result.stdout
    assert result.stderr.strip() == "", result.stderr


def _rewrite(source: Path, target: Path, layer: str, change) -> None:
    """Copy the store to `target` with `change(frame)` applied to one layer."""
    for name, _ in pyogrio.list_layers(source):
        frame = pyogrio.read_dataframe(source, layer=name)
        if name == layer:
            frame = change(frame)
        pyogrio.write_dataframe(frame, target, layer=name, driver="GPKG")


def _set(column: str, row: int, value):
    def change(frame):
        frame = frame.copy()
        frame.loc[row - 1, column] = value
        return frame

    return change


def _move_point(row: int, lon: float, lat: float):
    def change(frame):
        frame = frame.copy()
        frame.loc[row - 1, "geometry"] = shapely.Point(lon, lat)
        return frame

    return change


@pytest.mark.parametrize(
    ("layer", "change", "row", "field", "says"),
    [
        ("communities", lambda f: f.drop(columns=["region"]), None, "region", "falta la columna"),
        ("innovations", _set("domain", 3, "riego_magico"), 3, "domain", "riego_magico"),
        ("innovations", _set("pid_stage", 7, ""), 7, "pid_stage", "obligatorio"),
        ("innovations", _set("year_documented", 2, 1492), 2, "year_documented", "1492"),
        ("communities", _move_point(4, 2.35, 48.85), 4, "geometry", "fuera del país"),
        ("communities", _move_point(2, -65.0, -17.0), 2, "geometry", "fuera del país"),  # Bolivia, stated PE
        ("partners", _set("partner_id", 5, "cedap"), 5, "partner_id", "repetido"),
        ("communities", _set("region", 1, "PE-XXX"), 1, "region", "PE-XXX"),
        ("communities", _set("region", 1, "BO-L"), 1, "region", "no pertenece"),
        ("innovation_crops", _set("crop", 1, "papas"), 1, "crop", "papas"),
        ("innovation_partners", _set("partner_id", 2, "nadie"), 2, "partners", "nadie"),
    ],
)
def test_a_broken_store_names_file_layer_row_and_field(small_store, tmp_path, layer, change, row, field, says):
    broken = tmp_path / "roto.gpkg"
    _rewrite(small_store, broken, layer, change)
    with pytest.raises(ContractError) as caught:
        store.load(broken)
    error = caught.value
    expected_layer = "innovations" if layer == "innovation_partners" else layer
    assert (error.layer, error.row, error.field) == (expected_layer, row, field)
    message = str(error)
    assert "roto.gpkg" in message and f"«{expected_layer}»" in message and says in message
    if row is not None:
        assert f"fila {row}" in message
    english = error.message("en")
    assert "layer" in english and "file" in english and "fila" not in english


def test_a_point_in_another_crs_is_refused(small_store, tmp_path):
    broken = tmp_path / "utm.gpkg"

    def to_utm(frame):
        return frame.to_crs("EPSG:32718")

    _rewrite(small_store, broken, "communities", to_utm)
    with pytest.raises(ContractError) as caught:
        store.load(broken)
    assert caught.value.layer == "communities" and caught.value.field == "geometry"
    assert "EPSG:4326" in str(caught.value)


def test_a_missing_layer_and_a_missing_file_are_named(small_store, tmp_path):
    partial = tmp_path / "parcial.gpkg"
    for name, _ in pyogrio.list_layers(small_store):
        if name != "innovation_crops":
            pyogrio.write_dataframe(pyogrio.read_dataframe(small_store, layer=name), partial, layer=name)
    with pytest.raises(ContractError, match="innovation_crops"):
        store.load(partial)
    with pytest.raises(ContractError, match="no existe"):
        store.load(tmp_path / "nada.gpkg")


def test_interrupted_write_leaves_the_previous_store_intact(small_dataset, small_store, tmp_path, monkeypatch):
    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    before = target.read_bytes()
    smaller = Dataset(
        small_dataset.partners,
        small_dataset.communities,
        small_dataset.innovations.head(5),
        dict(small_dataset.metadata),
    )

    def crash(*args):
        raise KeyboardInterrupt("power cut before the rename")

    monkeypatch.setattr(store.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.write(smaller, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.gpkg"]
    assert len(store.load(target).innovations) == len(small_dataset.innovations)


def test_a_write_that_fails_verification_replaces_nothing(small_dataset, small_store, tmp_path):
    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    before = target.read_bytes()
    broken = small_dataset.innovations.copy()
    broken.loc[broken.index[0], "community_id"] = "NO-EXISTE"
    with pytest.raises(ContractError, match="NO-EXISTE"):
        store.write(
            Dataset(small_dataset.partners, small_dataset.communities, broken, dict(small_dataset.metadata)), target
        )
    assert target.read_bytes() == before


def test_store_path_defaults_to_the_bundled_file_and_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(STORE_ENV, raising=False)
    assert store_path().name == "atlas.gpkg" and store_path().parent.name == "geodata"
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "mio.gpkg"))
    assert store_path() == tmp_path / "mio.gpkg"


def test_a_dataset_is_a_value_changed_only_by_replace(small_dataset):
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        small_dataset.boundaries = None  # a cached dataset is shared by every session: never patched
    changed = dataclasses.replace(small_dataset, metadata={"illustrative": "false"})
    assert small_dataset.is_demo and not changed.is_demo
