"""The map's context layers: rebuilt byte for byte from the open sources, coded as the atlas codes regions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data.backend import open_store
from dashboard.data.context import (
    CONTEXT,
    PROVINCES_FILE,
    REGIONS_FILE,
    TOWNS_FILE,
    derive_context,
    fold,
    peru_region_codes,
    proper_case,
)
from dashboard.data.vocab import regions
from dashboard.paths import CONTEXT_SOURCES, DEMO_STORE

FILES = (REGIONS_FILE, PROVINCES_FILE, TOWNS_FILE)
BUDGET_BYTES = 600_000
UNITS = {"PE": 26, "BO": 9, "EC": 24}  # Peru: 24 departments, El Callao, and Lima split into PE-LIM and PE-LMA


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("context")
    derive_context(CONTEXT_SOURCES, out)
    return out


@pytest.fixture(scope="module")
def bundled() -> dict[str, gpd.GeoDataFrame]:
    return {name: gpd.read_file(CONTEXT / name) for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_the_bundled_file_is_rebuilt_byte_for_byte_from_the_sources(rebuilt, name):
    command = "python -m dashboard context"
    assert (rebuilt / name).read_bytes() == (CONTEXT / name).read_bytes(), f"run `{command}`"


def test_the_command_writes_the_three_files_and_says_so(tmp_path):
    result = CliRunner().invoke(main, ["context", "--sources", str(CONTEXT_SOURCES), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "regions.geojson: 59 elementos" in result.output
    assert "provinces_pe.geojson: 195 elementos" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


def test_a_missing_source_file_is_named(tmp_path):
    result = CliRunner().invoke(main, ["context", "--sources", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "peru_provincial_simple.geojson: falta el archivo de origen" in result.output


@pytest.mark.parametrize(
    ("inei", "code"),
    [
        ("SAN MARTIN", "PE-SAM"),
        ("CALLAO", "PE-CAL"),
        ("LIMA", "PE-LIM"),
        ("APURIMAC", "PE-APU"),
        ("HUANUCO", "PE-HUC"),
        ("JUNIN", "PE-JUN"),
        ("MADRE DE DIOS", "PE-MDD"),
    ],
)
def test_inei_department_names_find_their_iso_code(inei, code):
    assert peru_region_codes()[fold(inei)] == code


@pytest.mark.parametrize(
    ("inei", "shown"),
    [
        ("HUAMANGA", "Huamanga"),
        ("SANTIAGO DE CHUCO", "Santiago de Chuco"),
        ("DATEM DEL MARAÑON", "Datem del Marañon"),
        ("LA CONVENCION", "La Convencion"),
        ("DOS DE MAYO", "Dos de Mayo"),
    ],
)
def test_province_names_are_title_case_with_small_words_lower(inei, shown):
    assert proper_case(inei) == shown


def test_the_bundled_files_parse_and_stay_within_the_size_budget(bundled):
    sizes = {name: (CONTEXT / name).stat().st_size for name in FILES}
    assert sum(sizes.values()) < BUDGET_BYTES, sizes
    for name, frame in bundled.items():
        assert frame.crs.to_epsg() == 4326, name
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any(), name


def test_every_region_of_the_atlas_has_one_polygon(bundled):
    frame = bundled[REGIONS_FILE]
    assert frame["code"].is_unique
    assert sorted(frame["code"]) == sorted(regions())
    assert frame["country"].value_counts().to_dict() == UNITS
    assert (frame["name"] == frame["code"].map(regions())).all()
    assert frame.loc[frame["approximate"], "code"].tolist() == ["EC-W"]


def test_every_province_belongs_to_a_peruvian_region(bundled):
    frame = bundled[PROVINCES_FILE]
    assert len(frame) == 195 and frame["code"].is_unique
    assert frame["code"].str.fullmatch(r"\d{4}").all()
    assert set(frame["region"]) <= {code for code in regions() if code.startswith("PE-")}
    assert frame.loc[frame["code"].isin(["0510", "2001", "1501"]), "name"].tolist() == [
        "Victor Fajardo",
        "Lima",
        "Piura",
    ]
    assert frame.loc[frame["code"] == "1501", "region"].item() == "PE-LMA"


def test_the_demo_communities_lie_in_their_own_region(bundled):
    polygons = dict(zip(bundled[REGIONS_FILE]["code"], bundled[REGIONS_FILE].geometry, strict=True))
    communities = open_store(DEMO_STORE).load().communities
    outside = [
        f"{row.community_id} {row.name} ({row.region})"
        for row in communities.itertuples()
        if not shapely.contains(polygons[str(row.region)], row.geometry)
    ]
    # Known: Taquile is an island in Lake Titicaca, which the INEI department outline leaves out.
    assert len(outside) <= 0.05 * len(communities), outside


def test_towns_have_names_countries_and_integer_ranks(bundled):
    frame = bundled[TOWNS_FILE]
    assert frame["name"].str.strip().astype(bool).all()
    assert set(frame["country"]) == {"PE", "BO", "EC"}
    assert frame["rank"].dtype.kind == "i" and frame["rank"].between(0, 10).all()
    assert frame["rank"].is_monotonic_increasing
    assert frame.iloc[0]["name"] == "Lima"
