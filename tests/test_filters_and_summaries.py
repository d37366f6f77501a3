"""The shared filter and the figures drawn from it, on a hand-made selection."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from dashboard.filters import Filters, apply, describe
from dashboard.summaries import count_by, headline, labels_for

PARTNER_NAMES = {"cedap": "CEDAP", "aba": "ABA", "wn": "WN"}


@pytest.fixture()
def innovations() -> gpd.GeoDataFrame:
    rows = [
        # id,  community, region,  crops,                      partners
        ("A", "c1", "PE-AYA", ["papa_nativa", "oca"], ["cedap"]),
        ("B", "c1", "PE-AYA", ["quinua"], ["aba", "wn"]),
        ("C", "c2", "PE-PUN", ["papa_nativa"], ["wn"]),
        ("D", "c3", "PE-CUS", [], ["cedap", "aba"]),
        ("E", "c4", "BO-L", ["quinua", "papa_nativa"], ["wn"]),
    ]
    return gpd.GeoDataFrame(
        {"innovation_id": [r[0] for r in rows], "community_id": [r[1] for r in rows],
         "region": [r[2] for r in rows], "crops": [r[3] for r in rows], "partners": [r[4] for r in rows]},
        geometry=[shapely.Point(-74 + i, -13) for i in range(len(rows))], crs="EPSG:4326",
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), "ABCDE"),
        (Filters(regions=("PE-AYA",)), "AB"),
        (Filters(regions=("PE-AYA", "BO-L")), "ABE"),
        (Filters(crops=("papa_nativa",)), "ACE"),
        (Filters(crops=("oca", "quinua")), "ABE"),
        (Filters(partners=("aba",)), "BD"),
        (Filters(regions=("PE-AYA",), crops=("quinua",)), "B"),
        (Filters(regions=("PE-AYA",), partners=("wn",), crops=("quinua",)), "B"),
        (Filters(regions=("PE-CUS",), crops=("papa_nativa",)), ""),
        (Filters(regions=("EC-H",)), ""),
    ],
)
def test_filter_keeps_exactly_the_matching_innovations(innovations, filters, expected):
    assert "".join(apply(innovations, filters)["innovation_id"]) == expected


def test_filter_is_one_immutable_value():
    chosen = Filters(regions=("PE-AYA",))
    with pytest.raises(AttributeError):
        chosen.regions = ()
    assert chosen == Filters(regions=("PE-AYA",)) and chosen.active and not Filters().active


@pytest.mark.parametrize(
    ("filters", "lang", "sentence"),
    [
        (Filters(), "es", "Todas las innovaciones"),
        (Filters(crops=("papa_nativa",), regions=("PE-AYA",)), "es",
         "Innovaciones de papa nativa en Ayacucho"),
        (Filters(crops=("papa_nativa",), regions=("PE-AYA",)), "en",
         "Innovations on native potato in Ayacucho"),
        (Filters(regions=("PE-AYA", "PE-PUN", "BO-L"), partners=("cedap",)), "es",
         "Innovaciones en Ayacucho, Puno o La Paz con CEDAP"),
    ],
)
def test_filter_reads_as_a_sentence(filters, lang, sentence):
    assert describe(filters, lang, PARTNER_NAMES) == sentence


def test_headline_counts_distinct_communities_regions_and_partners(innovations):
    assert headline(innovations).__dict__ == {"innovations": 5, "communities": 4, "regions": 4, "partners": 3}
    ayacucho = apply(innovations, Filters(regions=("PE-AYA",)))
    assert headline(ayacucho).__dict__ == {"innovations": 2, "communities": 1, "regions": 1, "partners": 3}


def test_counts_by_a_list_field_count_each_value_once_per_innovation(innovations):
    table = count_by(innovations, "crops", labels_for("crops", "es", PARTNER_NAMES))
    assert table[["label", "count"]].values.tolist() == [["papa nativa", 3], ["quinua", 2], ["oca", 1]]


def test_counts_by_region_and_partner_use_readable_labels(innovations):
    regions = count_by(innovations, "region", labels_for("region", "en", PARTNER_NAMES))
    assert regions.iloc[0][["code", "label", "count"]].tolist() == ["PE-AYA", "Ayacucho", 2]
    assert set(regions["label"]) == {"Ayacucho", "Puno", "Cusco", "La Paz"}
    partners = count_by(innovations, "partners", labels_for("partners", "es", PARTNER_NAMES))
    assert partners[["label", "count"]].values.tolist() == [["WN", 3], ["ABA", 2], ["CEDAP", 2]]


def test_counts_of_an_empty_selection_are_empty(innovations):
    assert count_by(innovations.iloc[:0], "crops", {}).empty
    assert headline(innovations.iloc[:0]).innovations == 0
