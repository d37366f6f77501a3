"""A six-innovation store written out by hand, so that every expected number can be counted by eye."""

from __future__ import annotations

import geopandas as gpd
import shapely

from dashboard.data.conform import conform_layer
from dashboard.data.contract import COMMUNITIES, INNOVATIONS, PARTNERS
from dashboard.data.dataset import Dataset, assemble

PARTNER_NAMES = {"cedap": "CEDAP", "aba": "ABA", "wn": "WN"}


def _frame(records: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    frame.index = range(1, len(frame) + 1)
    return frame


def handmade_dataset() -> Dataset:
    """Partners cedap/aba/wn; communities in Ayacucho (2), Puno, La Paz, Chimborazo; innovations A–F."""
    partners = _frame(
        [
            {
                "partner_id": p,
                "name": n,
                "acronym": n,
                "kind": "ngo",
                "role": "member",
                "joined_year": 2018,
                "hq_town": "Ayacucho",
                "country": "PE",
                "region": "PE-AYA",
                "website": None,
                "geometry": shapely.Point(-74.22, -13.16),
            }
            for p, n in PARTNER_NAMES.items()
        ]
    )
    community = [
        # id, name, local name, country, region, province, district, altitude, lon, lat
        ("c1", "Huanta", "Wanta", "PE", "PE-AYA", "Huanta", "Huanta", 2640, -74.25, -12.93),
        ("c2", "Socos", None, "PE", "PE-AYA", "Huamanga", "Socos", 3380, -74.29, -13.21),
        ("c3", "Juli", None, "PE", "PE-PUN", "Chucuito", "Juli", 3870, -69.46, -16.21),
        ("c4", "Nuñoa", "Ñawi", "PE", "PE-PUN", "Melgar", "Nuñoa", 4010, -70.64, -14.48),
        ("c5", "Pucarani", None, "BO", "BO-L", "Los Andes", "Pucarani", 3860, -68.48, -16.40),
        ("c6", "Guamote", None, "EC", "EC-H", "Guamote", "Guamote", 3050, -78.71, -1.93),
    ]
    communities = _frame(
        [
            {
                "community_id": c[0],
                "name": c[1],
                "name_local": c[2],
                "country": c[3],
                "region": c[4],
                "province": c[5],
                "district": c[6],
                "altitude_m": c[7],
                "slope": None,
                "people": "quechua",
                "location_source": "gps",
                "gazetteer_id": None,
                "geometry": shapely.Point(c[8], c[9]),
            }
            for c in community
        ]
    )
    rows = [
        # id, community, title, domain, stage, innovator, year, crops, livestock, partners, consent, own point
        (
            "A",
            "c1",
            "Qochas para la papa",
            "water_irrigation",
            "documented",
            "woman",
            2010,
            ["papa_nativa", "oca"],
            [],
            ["cedap", "wn"],
            True,
            None,
        ),
        (
            "B",
            "c2",
            "Quinua tolerante a la helada",
            "seeds_varieties",
            "spreading",
            "man",
            2015,
            ["quinua"],
            [],
            ["aba", "wn"],
            True,
            (-74.3, -13.2),
        ),
        (
            "C",
            "c3",
            "Semillas de hace años",
            "seeds_varieties",
            "prioritised",
            "womens_group",
            2018,
            ["papa_nativa"],
            [],
            ["wn"],
            True,
            None,
        ),
        (
            "D",
            "c4",
            "Botiquín para alpacas",
            "livestock_health",
            "documented",
            "community",
            2020,
            [],
            ["alpaca"],
            ["cedap", "aba"],
            True,
            None,
        ),
        (
            "E",
            "c5",
            "Feria de semillas",
            "marketing_organisation",
            "identified",
            "mixed_group",
            2022,
            ["quinua", "papa_nativa"],
            [],
            ["wn"],
            True,
            None,
        ),
        (
            "F",
            "c1",
            "Riego por turnos",
            "water_irrigation",
            "documented",
            "man",
            2008,
            [],
            [],
            ["cedap"],
            False,
            (-73.95, -12.95),
        ),
    ]
    innovations = _frame(
        [
            {
                "innovation_id": f"INN-{r[0]}",
                "title": r[2],
                "title_local": None,
                "description": f"Descripción de {r[2].lower()}.",
                "kind": "technical",
                "domain": r[3],
                "community_id": r[1],
                "year_started": r[6],
                "year_documented": r[6],
                "pid_stage": r[4],
                "innovator_type": r[5],
                "innovator_name": f"Persona ficticia {r[0]}",
                "consent_public": r[10],
                "name_public": False,
                "geometry": shapely.Point(*r[11]) if r[11] else None,
            }
            for r in rows
        ]
    )
    typed = conform_layer(INNOVATIONS, innovations, "handmade")
    for column, position in (("crops", 7), ("livestock", 8), ("partners", 9)):
        typed[column] = [r[position] for r in rows]
    return assemble(
        conform_layer(PARTNERS, partners, "handmade"),
        conform_layer(COMMUNITIES, communities, "handmade"),
        typed,
        {},
        "handmade",
    )
