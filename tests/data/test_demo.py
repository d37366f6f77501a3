"""The demo dataset: reproducible from its text sources, linked, plausible, and free of real names."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from dashboard.data import demo, store
from dashboard.data.vocab import CROP, DOMAIN, INNOVATOR_TYPE, PID_STAGE
from dashboard.paths import DEMO_STORE


def test_the_bundled_store_is_rebuilt_byte_for_byte_from_its_sources(tmp_path):
    rebuilt = tmp_path / "atlas.gpkg"
    store.write(demo.build(), rebuilt)
    assert rebuilt.read_bytes() == DEMO_STORE.read_bytes(), "run `make demo` and commit geodata/atlas.gpkg"


def test_the_same_seed_gives_the_same_file_and_another_seed_does_not(tmp_path):
    paths = [tmp_path / name for name in ("a.gpkg", "b.gpkg", "c.gpkg")]
    for path, seed in zip(paths, (5, 5, 6), strict=True):
        store.write(demo.build(40, seed=seed), path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_the_bundled_demo_matches_the_brief():
    data = store.load(DEMO_STORE)
    innovations = data.innovations
    assert data.is_demo
    assert len(data.partners) == 8
    assert set(data.partners["role"].astype(str)) == {"host", "member"}
    assert data.partners.loc[data.partners["role"] == "host", "partner_id"].tolist() == ["world_neighbors"]
    assert 55 <= len(data.communities) <= 70
    assert {"PE", "BO", "EC"} == set(data.communities["country"].astype(str))
    peru_regions = {"PE-AYA", "PE-APU", "PE-HUV", "PE-CUS", "PE-PUN", "PE-JUN"}
    assert peru_regions <= set(data.communities["region"].astype(str))
    assert len(innovations) == 300
    assert innovations["year_documented"].min() == 2005 and innovations["year_documented"].max() == 2025
    assert set(innovations["domain"].astype(str)) == set(DOMAIN.codes)
    assert set(innovations["pid_stage"].astype(str)) == set(PID_STAGE.codes)
    assert set(innovations["innovator_type"].astype(str)) == set(INNOVATOR_TYPE.codes)
    assert len({c for crops in innovations["crops"] for c in crops}) >= 10


def test_every_innovation_links_to_an_existing_community_and_one_to_three_partners():
    data = store.load(DEMO_STORE)
    innovations = data.innovations
    assert innovations["community_id"].isin(data.communities["community_id"]).all()
    partner_ids = set(data.partners["partner_id"])
    counts = innovations["partners"].map(len)
    assert counts.between(1, 3).all() and set(counts) == {1, 2, 3}
    assert all(set(p) <= partner_ids and len(set(p)) == len(p) for p in innovations["partners"])
    assert all(set(c) <= set(CROP.codes) for c in innovations["crops"])


def test_texts_are_filled_and_names_are_plainly_fictitious():
    innovations = store.load(DEMO_STORE).innovations
    for column in ("title", "description"):
        text = innovations[column].astype(str)
        assert not text.str.contains(r"[{}]", regex=True).any(), column
    assert innovations["description"].str.len().min() > 150
    names = innovations["innovator_name"].dropna()
    assert names.str.contains("ficticia|ficticio", regex=True).all()
    assert innovations.loc[innovations["innovator_type"] == "community", "innovator_name"].isna().all()


def test_large_synthetic_sets_spread_over_more_places():
    data = demo.build(3000, seed=1)
    assert len(data.innovations) == 3000
    assert len(data.communities) > 65
    assert data.innovations["innovation_id"].is_unique
    share_own = data.innovations["has_own_point"].mean()
    assert 0.25 < share_own < 0.45
    assert np.isclose(data.innovations.geometry.y.between(-23, 2).mean(), 1.0)


def test_the_command_line_writes_a_valid_store(tmp_path):
    out = tmp_path / "demo.gpkg"
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--innovations", "25", "--seed", "3", "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "25 innovaciones" in result.stdout
    assert len(store.load(out).innovations) == 25


@pytest.mark.parametrize("bad", ["0", "1000001", "muchas"])
def test_the_command_line_refuses_an_impossible_count(tmp_path, bad):
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--innovations", bad, "--out", str(tmp_path / "x.gpkg")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "--innovations" in result.stderr
    assert not (tmp_path / "x.gpkg").exists()
