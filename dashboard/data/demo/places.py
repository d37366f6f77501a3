"""The demo's partners and communities: real GeoNames places, with illustrative details."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.conform import conform_layer
from dashboard.data.contract import COMMUNITIES, CRS, PARTNERS
from dashboard.data.demo.sources import Sources, gazetteer, gazetteer_place
from dashboard.paths import SOURCES


def numbered_frame(records: list[dict]) -> gpd.GeoDataFrame:
    """`records` as a GeoDataFrame in the contract's CRS, rows numbered from 1."""
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def build_partners(sources: Sources) -> gpd.GeoDataFrame:
    """The platform's partners at their head-office towns."""
    records = []
    for row in sources.partners:
        place = gazetteer_place(row["hq_geonameid"], sources.regions)
        records.append(
            {
                **{k: row[k] or None for k in ("partner_id", "name", "acronym", "kind", "role", "joined_year")},
                "hq_town": place["name"],
                "country": place["country"],
                "region": place["region"],
                "website": None,
                "geometry": place["geometry"],
            }
        )
    return conform_layer(PARTNERS, numbered_frame(records), SOURCES / "partners.csv")


def build_communities(sources: Sources, extra: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The curated communities, plus `extra` gazetteer places for large synthetic sets."""
    records = []
    for row in sources.communities:
        place = gazetteer_place(row["geonameid"], sources.regions)
        records.append(
            {
                "community_id": row["community_id"],
                "name": place["name"],
                "name_local": row["name_local"] or None,
                "country": place["country"],
                "region": place["region"],
                "province": row["province"] or None,
                "district": row["district"] or None,
                "altitude_m": row["altitude_m"] or None,
                "slope": row["slope"] or None,
                "people": row["people"] or None,
                "location_source": "gazetteer",
                "gazetteer_id": row["geonameid"],
                "geometry": place["geometry"],
            }
        )
    records.extend(_extra_communities(sources, extra, rng))
    return conform_layer(COMMUNITIES, numbered_frame(records), SOURCES / "communities.csv")


def _extra_communities(sources: Sources, count: int, rng: np.random.Generator) -> list[dict]:
    """`count` more gazetteer places in the sources' regions, not already curated, drawn by `rng`."""
    used = {int(row["geonameid"]) for row in sources.communities}
    pool = sorted(
        gid
        for gid, c in gazetteer().items()
        if gid not in used and (c["countrycode"], c["admin1code"]) in sources.regions
    )
    chosen = sorted(rng.choice(pool, size=min(count, len(pool)), replace=False))
    people = {"PE": "quechua", "BO": "aymara", "EC": "kichwa"}
    records = []
    for number, gid in enumerate(chosen, start=1):
        place = gazetteer_place(gid, sources.regions)
        records.append(
            {
                "community_id": f"{place['region']}-G{number:05d}",
                "name": place["name"],
                "name_local": None,
                "country": place["country"],
                "region": place["region"],
                "province": None,
                "district": None,
                "altitude_m": int(rng.integers(2400, 4300)),
                "slope": None,
                "people": people[place["country"]],
                "location_source": "gazetteer",
                "gazetteer_id": str(gid),
                "geometry": place["geometry"],
            }
        )
    return records
