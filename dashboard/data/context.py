"""Context layers for the map (regions, Peru's provinces, towns), derived from open-licensed sources."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.data.contract import CRS
from dashboard.data.files import write_bytes
from dashboard.data.vocab import regions
from dashboard.paths import CONTEXT_SOURCES, STATIC

CONTEXT = STATIC / "context"  # served at /app/static/context/
PERU = Path("juaneladio-peru-geojson")
ELASTIC = Path("elastic-ems-file-service")
NATURAL_EARTH = Path("natural-earth-geojson-martynafford")
DEPARTMENTS = PERU / "peru_departamental_simple.geojson"
PROVINCES = PERU / "peru_provincial_simple.geojson"
BOLIVIA = ELASTIC / "bolivia_departments_v1.geo.json"
ECUADOR = ELASTIC / "ecuador_provinces_v1.geo.json"
TOWNS = NATURAL_EARTH / "ne_10m_populated_places_simple_PER_BOL_ECU.geojson"

# About 550 m on the ground: invisible at the zooms where whole regions are in view.
TOLERANCE_DEG = 0.005
DECIMALS = 4  # about 11 m
# Lima province (INEI 1501) is Lima Metropolitana, PE-LMA in ISO 3166-2; the rest of the department is PE-LIM.
LIMA_METROPOLITANA = "1501"
# Where the department and province files disagree, cutting Lima Metropolitana out leaves specks smaller than this.
SLIVER_DEG2 = 1e-4
# The source's Galápagos is a coarse outline taking in the sea between the islands: flagged, not clipped.
APPROXIMATE = frozenset({"EC-W"})
# INEI names split across two features by a typo in the province file.
PROVINCE_TYPOS = {"PUIRA": "PIURA", "VICTOR FAFARDO": "VICTOR FAJARDO"}
SMALL_WORDS = frozenset({"de", "del", "la", "las", "los", "y", "el"})
COUNTRIES = {"PER": "PE", "BOL": "BO", "ECU": "EC"}

REGIONS_FILE = "regions.geojson"
PROVINCES_FILE = "provinces_pe.geojson"
TOWNS_FILE = "towns.geojson"


def fold(name: str) -> str:
    """A name without accents, case or a leading "El", for matching INEI names to ISO 3166-2 names."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain.casefold().strip().removeprefix("el ")


def proper_case(name: str) -> str:
    """An upper-case INEI name in title case, with Spanish articles and prepositions in lower case."""
    words = name.lower().split()
    return " ".join(w if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def peru_region_codes() -> dict[str, str]:
    """Folded ISO 3166-2 name -> code, for Peru's first-level units."""
    return {fold(name): code for code, name in regions().items() if code.startswith("PE-")}


def _read(sources: Path, relative: Path) -> gpd.GeoDataFrame:
    path = sources / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path}: falta el archivo de origen")
    return gpd.read_file(path).set_crs(CRS, allow_override=True)


def _departments(sources: Path) -> gpd.GeoDataFrame:
    """Peru's INEI departments with their ISO 3166-2 `code`, or an error naming the names that have none."""
    departments = _read(sources, DEPARTMENTS)
    codes = peru_region_codes()
    unknown = sorted(name for name in set(departments["NOMBDEP"]) if fold(name) not in codes)
    if unknown:
        raise ValueError(f"{sources / DEPARTMENTS}: NOMBDEP sin código ISO 3166-2: {unknown}")
    departments["code"] = departments["NOMBDEP"].map(lambda name: codes[fold(name)])
    return departments


def derive_provinces(sources: Path) -> gpd.GeoDataFrame:
    """Peru's provinces (INEI 2007), one row per ubigeo: `code`, `name`, `region`, geometry."""
    raw = _read(sources, PROVINCES)
    departments = _departments(sources)
    department_code = dict(zip(departments["FIRST_IDDP"], departments["code"], strict=True))
    raw["name"] = raw["NOMBPROV"].replace(PROVINCE_TYPOS).map(proper_case)
    merged = raw.dissolve(by="FIRST_IDPR", aggfunc={"name": "first"}, sort=True).reset_index()
    merged = merged.rename(columns={"FIRST_IDPR": "code"})
    merged["region"] = merged["code"].str[:2].map(department_code)
    merged.loc[merged["code"] == LIMA_METROPOLITANA, "region"] = "PE-LMA"
    return merged[["code", "name", "region", "geometry"]]


def _peru_regions(sources: Path, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Peru's departments and Callao, with Lima Metropolitana (PE-LMA) cut out of Lima (PE-LIM)."""
    departments = _departments(sources)
    metro = provinces.loc[provinces["code"] == LIMA_METROPOLITANA, "geometry"].union_all()
    lima = departments["code"] == "PE-LIM"
    rest = departments.loc[lima, "geometry"].iloc[0].difference(metro)
    parts = [part for part in shapely.get_parts(rest) if part.area >= SLIVER_DEG2]
    departments.loc[lima, "geometry"] = shapely.multipolygons(parts) if len(parts) > 1 else parts[0]
    metropolitana = gpd.GeoDataFrame({"code": ["PE-LMA"]}, geometry=[metro], crs=CRS)
    return pd.concat([departments[["code", "geometry"]], metropolitana], ignore_index=True)


def derive_regions(sources: Path, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """First-level units of Peru, Bolivia and Ecuador: `code`, `name`, `country`, `approximate`, geometry."""
    elastic = [_read(sources, path).rename(columns={"iso_3166_2": "code"}) for path in (BOLIVIA, ECUADOR)]
    frames = [_peru_regions(sources, provinces)] + [frame[["code", "geometry"]] for frame in elastic]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)
    names = regions()
    foreign = sorted(set(frame["code"]) - set(names))
    if foreign:
        raise ValueError(f"códigos que no son regiones del atlas: {foreign}")
    frame["name"] = frame["code"].map(names)
    frame["country"] = frame["code"].str[:2]
    frame["approximate"] = frame["code"].isin(APPROXIMATE)
    return frame[["code", "name", "country", "approximate", "geometry"]]


def derive_towns(sources: Path) -> gpd.GeoDataFrame:
    """Natural Earth's populated places of the three countries: `name`, `country`, `rank` (its scalerank)."""
    raw = _read(sources, TOWNS)
    raw = raw[raw["adm0_a3"].isin(list(COUNTRIES))]
    towns = gpd.GeoDataFrame(
        {"name": raw["name"], "country": raw["adm0_a3"].map(COUNTRIES), "rank": raw["scalerank"].astype(int)},
        geometry=raw.geometry,
        crs=CRS,
    )
    towns["_x"], towns["_y"] = towns.geometry.x, towns.geometry.y
    towns = towns.sort_values(["rank", "country", "name", "_x", "_y"])
    return towns.drop(columns=["_x", "_y"]).reset_index(drop=True)


def compact(geometry: shapely.Geometry, tolerance: float = TOLERANCE_DEG) -> shapely.Geometry:
    """Simplified by `tolerance` degrees, snapped to DECIMALS and wound counter-clockwise as RFC 7946 asks."""
    if geometry.geom_type != "Point":
        geometry = geometry.simplify(tolerance, preserve_topology=True)
    geometry = shapely.set_precision(geometry, 10**-DECIMALS)
    return shapely.orient_polygons(geometry) if geometry.geom_type != "Point" else geometry


def _rounded(coordinates: object) -> object:
    if isinstance(coordinates, (list, tuple)):
        return [_rounded(c) for c in coordinates]
    return round(float(coordinates), DECIMALS)


def geojson_bytes(frame: gpd.GeoDataFrame, tolerance: float = TOLERANCE_DEG) -> bytes:
    """A FeatureCollection with properties in column order and shapes `compact`ed, the same bytes every time."""
    columns = [c for c in frame.columns if c != "geometry"]
    features = []
    rows = zip(frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True)
    for values, shape in rows:
        properties = {c: (v.item() if hasattr(v, "item") else v) for c, v in zip(columns, values, strict=True)}
        mapped = shapely.geometry.mapping(compact(shape, tolerance))
        geometry = {"type": mapped["type"], "coordinates": _rounded(mapped["coordinates"])}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    collection = {"type": "FeatureCollection", "features": features}
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def derive_context(sources: Path = CONTEXT_SOURCES, out: Path = CONTEXT) -> dict[Path, int]:
    """Writes the three context files into `out`; returns each path with its number of features."""
    provinces = derive_provinces(sources)
    layers = {
        REGIONS_FILE: derive_regions(sources, provinces).sort_values("code"),
        PROVINCES_FILE: provinces.sort_values("code"),
        TOWNS_FILE: derive_towns(sources),
    }
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in layers.items():
        path = out / name
        write_bytes(path, geojson_bytes(frame.reset_index(drop=True)))
        written[path] = len(frame)
    return written


@cache
def _bundled_regions() -> gpd.GeoDataFrame:
    regions = gpd.read_file(CONTEXT / REGIONS_FILE)
    return gpd.GeoDataFrame(
        {
            "boundary_id": "bundled-" + regions["code"],
            "level": "region",
            "code": regions["code"],
            "name": regions["name"],
        },
        geometry=regions.geometry.to_numpy(),
        crs=CRS,
    )


def map_boundaries(stored: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The boundaries a choropleth can colour: the store's, and the bundled regions where it has none."""
    bundled = _bundled_regions().copy()  # a copy: the cached frame is never handed out to be changed
    if stored is None or stored.empty:
        return bundled
    if "region" in set(stored["level"].astype(str)):
        return stored
    return gpd.GeoDataFrame(pd.concat([stored, bundled], ignore_index=True), crs=stored.crs)
