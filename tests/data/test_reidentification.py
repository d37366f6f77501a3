"""Re-identification: what the public outputs show of a restricted record ties it to no single community.

The store is built to be easy to re-identify: every district holds one community, and each community's
restricted record is the only one of its innovator type there. An attacker knows every community and
the generalisation rule; the assertions read only what a public visitor gets.
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.conform import conform_layer
from dashboard.data.contract import COMMUNITIES, INNOVATIONS, PARTNERS
from dashboard.data.dataset import Dataset, assemble
from dashboard.data.privacy import (
    ADMIN,
    AREA_LEVEL,
    MIN_COMMUNITIES_ENV,
    generalised_areas,
    min_communities,
    public_view,
)
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map.details import innovation_details
from dashboard.pack.downloads import PACK

# name, region, province, longitude, latitude, the area a restricted record of it is shown in (k = 3):
# one community per district; Huamanga and Huanta hold three each; Cangallo, La Mar and Lucanas one each,
# so those three hide together in Ayacucho; Cusco's one community would be alone in its region, so it
# hides with Puno's three in Peru; Bolivia's three departments hold one each.
STORE = [
    ("Socos", "PE-AYA", "Huamanga", -74.29, -13.21, "provincia Huamanga (Ayacucho)"),
    ("Tambillo", "PE-AYA", "Huamanga", -74.11, -13.19, "provincia Huamanga (Ayacucho)"),
    ("Acocro", "PE-AYA", "Huamanga", -74.04, -13.22, "provincia Huamanga (Ayacucho)"),
    ("Luricocha", "PE-AYA", "Huanta", -74.27, -12.90, "provincia Huanta (Ayacucho)"),
    ("Sivia", "PE-AYA", "Huanta", -73.86, -12.51, "provincia Huanta (Ayacucho)"),
    ("Huamanguilla", "PE-AYA", "Huanta", -74.20, -13.00, "provincia Huanta (Ayacucho)"),
    ("Chuschi", "PE-AYA", "Cangallo", -74.35, -13.59, "región Ayacucho"),
    ("Chungui", "PE-AYA", "La Mar", -73.62, -13.22, "región Ayacucho"),
    ("Puquio", "PE-AYA", "Lucanas", -74.13, -14.70, "región Ayacucho"),
    ("Juli", "PE-PUN", "Chucuito", -69.46, -16.21, "Perú (todo el país)"),
    ("Nuñoa", "PE-PUN", "Melgar", -70.64, -14.48, "Perú (todo el país)"),
    ("Ilave", "PE-PUN", "El Collao", -69.64, -16.09, "Perú (todo el país)"),
    ("Pisac", "PE-CUS", "Calca", -71.85, -13.42, "Perú (todo el país)"),
    ("Pucarani", "BO-L", "Los Andes", -68.48, -16.40, "Bolivia (todo el país)"),
    ("Tiquipaya", "BO-C", "Quillacollo", -66.22, -17.34, "Bolivia (todo el país)"),
    ("Tinguipaya", "BO-P", "Tomás Frías", -65.81, -19.19, "Bolivia (todo el país)"),
]
TYPES = (
    "woman",
    "man",
    "womens_group",
    "mens_group",
    "mixed_group",
)  # a restricted record's type, alone in its community
K = 3
HIDDEN_COLUMNS = ("consent_public", "name_public", "location_shown")


def _frame(records: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    frame.index = range(1, len(frame) + 1)
    return frame


def _community_id(name: str) -> str:
    return f"com-{name.lower()}"


def _innovation(number: int, community: str, restricted: bool, point: tuple[float, float] | None) -> dict:
    kind = "reservada" if restricted else "pública"
    return {
        "innovation_id": f"INN-{number:03d}",
        "title": f"Práctica {kind} {number}",
        "title_local": None,
        "description": "Una práctica del lugar.",
        "kind": "technical",
        "domain": "water_irrigation",
        "community_id": _community_id(community),
        "year_started": 2015,
        "year_documented": 2020,
        "pid_stage": "documented",
        "innovator_type": TYPES[number % len(TYPES)] if restricted else "community",
        "innovator_name": f"Persona {kind} {number}",
        "consent_public": not restricted,
        "name_public": not restricted,
        "geometry": shapely.Point(*point) if point else None,
    }


def reidentifiable_dataset() -> Dataset:
    """The 16 communities of STORE, each with one public record (of the whole community) and one restricted
    record (every other one with an exact point of its own, 0.01° from the community)."""
    partners = _frame(
        [
            {
                "partner_id": "wn",
                "name": "World Neighbors",
                "acronym": "WN",
                "kind": "international_ngo",
                "role": "host",
                "joined_year": 2018,
                "hq_town": None,
                "country": "PE",
                "region": "PE-AYA",
                "website": None,
                "geometry": shapely.Point(-74.22, -13.16),
            }
        ]
    )
    communities = _frame(
        [
            {
                "community_id": _community_id(name),
                "name": name,
                "name_local": None,
                "country": region[:2],
                "region": region,
                "province": province,
                "district": name,  # one community per district
                "altitude_m": 3500,
                "slope": None,
                "people": "quechua",
                "location_source": "gps",
                "gazetteer_id": None,
                "geometry": shapely.Point(x, y),
            }
            for name, region, province, x, y, _ in STORE
        ]
    )
    rows = []
    for number, (name, _, _, x, y, _) in enumerate(STORE):
        rows.append(_innovation(2 * number, name, False, None))
        rows.append(_innovation(2 * number + 1, name, True, (x + 0.01, y) if number % 2 else None))
    typed = conform_layer(INNOVATIONS, _frame(rows), "reidentification")
    typed["crops"], typed["livestock"], typed["partners"] = [[]] * len(rows), [[]] * len(rows), [["wn"]] * len(rows)
    return assemble(
        conform_layer(PARTNERS, partners, "reidentification"),
        conform_layer(COMMUNITIES, communities, "reidentification"),
        typed,
        {},
        "reidentification",
    )


@pytest.fixture(scope="module")
def store() -> Dataset:
    return reidentifiable_dataset()


@pytest.fixture(scope="module")
def selection(store) -> Selection:
    return Selection.of(store, FilterIndex.build(store.innovations, store.communities), Filters())


@pytest.fixture(scope="module")
def restricted(store) -> pd.DataFrame:
    """The restricted records as the store holds them, by id: their community's name and exact point."""
    innovations = store.innovations[~store.innovations["consent_public"].astype(bool)]
    names = store.communities.set_index("community_id")["name"]
    return pd.DataFrame(
        {
            "community": innovations["community_id"].map(names).to_numpy(),
            "x": innovations.geometry.x.to_numpy(),
            "y": innovations.geometry.y.to_numpy(),
            "innovator_name": innovations["innovator_name"].to_numpy(),
        },
        index=innovations["innovation_id"].to_numpy(),
    )


def _points(xs, ys) -> set[tuple[float, float]]:
    return set(zip(np.round(xs, 5), np.round(ys, 5), strict=True))


COMMUNITY_POINTS = _points([c[3] for c in STORE], [c[4] for c in STORE])
AREAS = {area: [c for c in STORE if c[5] == area] for area in {c[5] for c in STORE}}


def _centre(area: str) -> tuple[float, float]:
    """The centre of the communities an attacker who knows the rule finds in `area`: those it names."""
    members = AREAS[area]
    return round(float(np.mean([c[3] for c in members])), 5), round(float(np.mean([c[4] for c in members])), 5)


def _public_csv(selection: Selection) -> pd.DataFrame:
    content = PACK["csv"].make(selection, "es")
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str).set_index("Código de innovación")


def test_every_area_named_hides_at_least_k_communities_counted_by_eye():
    assert all(len(members) >= K for members in AREAS.values())


def test_the_public_view_shows_each_restricted_record_at_the_centre_of_k_communities(store, restricted):
    view = public_view(store, np.ones(len(store.innovations), bool)).innovations.set_index("innovation_id")
    shown = view.loc[restricted.index]
    assert not set(HIDDEN_COLUMNS) & set(view.columns)
    for innovation, point in shown.geometry.items():
        community = restricted.loc[innovation, "community"]
        area = next(c[5] for c in STORE if c[0] == community)
        assert (round(point.x, 5), round(point.y, 5)) == _centre(area), innovation
        assert (round(point.x, 5), round(point.y, 5)) not in COMMUNITY_POINTS, innovation
    assert shown["community_id"].isna().all() and shown["innovator_type"].isna().all()
    assert shown["district"].isna().all() and shown["natural_region"].isna().all()
    assert shown["innovator_name"].isna().all()


def test_the_map_payload_sends_no_restricted_record_at_a_community(store, restricted, selection):
    rows = np.flatnonzero(store.innovations["innovation_id"].isin(restricted.index))
    sent = _points(selection.index.x[rows], selection.index.y[rows])
    assert sent and not sent & COMMUNITY_POINTS
    assert sent <= {_centre(area) for area in AREAS}


def test_the_public_csv_ties_no_restricted_record_to_one_community(selection, restricted):
    table = _public_csv(selection)
    headers = {t(f"export.column.{name}", "es") for name in HIDDEN_COLUMNS}
    assert not headers & set(table.columns)
    area = t("generalised.column", "es")
    for innovation, record in restricted.iterrows():
        row = table.loc[innovation]
        text = " ".join(row.dropna())
        for name, *_ in STORE:  # no community, district or community code anywhere in the row
            assert name not in text and _community_id(name) not in text, (innovation, name)
        assert row[area] == next(c[5] for c in STORE if c[0] == record["community"])
        point = (round(float(row["Longitud"]), 5), round(float(row["Latitud"]), 5))
        assert point == _centre(row[area]) and point not in COMMUNITY_POINTS
        assert pd.isna(row["Tipo de innovador"]) and pd.isna(row["Comunidad"]) and pd.isna(row["Código de comunidad"])
        assert pd.isna(row["Región"]) or row["Región"] == "Ayacucho"  # a region only where it holds k communities
    public = table.drop(index=restricted.index)
    assert public["Comunidad"].notna().all() and public[area].isna().all()  # public records keep their place


def test_no_restricted_name_or_exact_point_leaves_in_any_public_file(selection, restricted):
    workbook = pd.read_excel(io.BytesIO(PACK["xlsx"].make(selection, "es")), sheet_name=None, dtype=str)
    contents = {code: PACK[code].make(selection, "es") for code in ("csv", "geojson", "kml", "gpkg")}
    contents["xlsx"] = "\n".join(sheet.to_csv() for sheet in workbook.values()).encode()
    for code, content in contents.items():
        for name in restricted["innovator_name"]:
            assert name.encode() not in content, (code, name)
        assert "Persona pública 0".encode() in content or code == "kml"  # the names allowed are kept
    csv = _public_csv(selection)
    own = _points(restricted["x"], restricted["y"]) - COMMUNITY_POINTS
    assert own and not own & _points(csv["Longitud"].astype(float), csv["Latitud"].astype(float))


def test_the_public_geojson_ties_no_restricted_record_to_one_community(selection, restricted):
    features = json.loads(PACK["geojson"].make(selection, "es"))["features"]
    by_id = {f["properties"]["innovation_id"]: f for f in features}
    for innovation in restricted.index:
        feature = by_id[innovation]
        properties = feature["properties"]
        assert not set(HIDDEN_COLUMNS) & set(properties)
        assert properties["community_id"] is None and properties["community_name"] is None
        assert properties["innovator_type"] is None and properties["innovator_name"] is None
        point = tuple(round(c, 5) for c in feature["geometry"]["coordinates"])
        assert point == _centre(properties["area_shown"]) and point not in COMMUNITY_POINTS
        assert not any(name in json.dumps(properties, ensure_ascii=False) for name, *_ in STORE)


def test_the_public_workbook_lists_no_community_only_restricted_records_name(store):
    # keep the public record of Socos and the restricted one of Tambillo: Tambillo must not be listed
    ids = store.innovations["innovation_id"]
    keep = ids.isin(["INN-000", "INN-003"]).to_numpy()
    sheets = pd.read_excel(io.BytesIO(PACK["xlsx"].write(public_view(store, keep), "es")), sheet_name=None)
    assert list(sheets["comunidades"]["Nombre"]) == ["Socos"]
    assert "provincia Huamanga (Ayacucho)" in set(sheets["innovaciones"][t("generalised.column", "es")])


def test_the_record_card_names_the_area_not_the_community_unless_an_editor_asks(store, restricted):
    row = int(np.flatnonzero(store.innovations["innovation_id"] == restricted.index[1])[0])
    community = restricted.iloc[1]["community"]
    card = innovation_details(store, row, "es", {})
    assert card[t("generalised.card", "es")] == "provincia Huamanga (Ayacucho)"
    assert not any(community in value for value in card.values())
    assert t("columns.innovator_type", "es") not in card and t("columns.community", "es") not in card
    full = innovation_details(store, row, "es", {}, editor=True)
    assert full[t("columns.community", "es")].startswith(community) and t("columns.innovator_type", "es") in full


@pytest.mark.parametrize(("value", "expected"), [(None, 3), ("", 3), ("1", 1), (" 5 ", 5), ("12", 12)])
def test_k_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(MIN_COMMUNITIES_ENV, raising=False)
    else:
        monkeypatch.setenv(MIN_COMMUNITIES_ENV, value)
    assert min_communities() == expected


@pytest.mark.parametrize("value", ["0", "-2", "tres", "2.5", "1e3"])
def test_a_bad_k_is_refused_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv(MIN_COMMUNITIES_ENV, value)
    with pytest.raises(ValueError, match=rf"{MIN_COMMUNITIES_ENV}.*at least 1.*'{value}'"):
        min_communities()


def test_a_larger_k_from_the_environment_widens_every_area(monkeypatch, store, selection):
    monkeypatch.setenv(MIN_COMMUNITIES_ENV, "4")
    areas = _public_csv(selection)[t("generalised.column", "es")].dropna()
    # Bolivia's three can hide only in the whole atlas, and there with fewer than 4 unless Peru joins them
    assert set(areas) == {"todo el atlas"}
    monkeypatch.setenv(MIN_COMMUNITIES_ENV, "1")  # k = 1: each community is its own area, so no hiding
    assert set(generalised_areas(store.communities)[AREA_LEVEL]) == {"district"}


def _sizes(areas: pd.DataFrame) -> pd.Series:
    return areas.groupby([areas[c] for c in (AREA_LEVEL, *ADMIN)], dropna=False).size()


@settings(max_examples=60, deadline=None)
@given(
    places=st.lists(
        st.tuples(st.sampled_from("PB"), st.sampled_from("ab"), st.sampled_from("xyz"), st.sampled_from("uvw")),
        min_size=1,
        max_size=30,
    ),
    k=st.integers(1, 6),
)
def test_every_area_holds_k_communities_and_the_community_itself(places, k):
    communities = gpd.GeoDataFrame(
        {
            "community_id": [f"c{i}" for i in range(len(places))],
            "country": [p[0] for p in places],
            "region": [p[0] + p[1] for p in places],  # names are unique within their parent only by prefix
            "province": [p[2] for p in places],
            "district": [p[3] if i % 5 else None for i, p in enumerate(places)],  # some districts unknown
        },
        geometry=gpd.points_from_xy(np.arange(len(places)) * 0.1, np.zeros(len(places))),
        crs="EPSG:4326",
    )
    areas = generalised_areas(communities, k)
    assert _sizes(areas).min() >= min(k, len(places))
    for name in ADMIN:  # the area named contains the community: each part it names is the community's own
        named = areas[name].notna().to_numpy()
        assert (areas[name].to_numpy()[named] == communities[name].to_numpy()[named]).all()
