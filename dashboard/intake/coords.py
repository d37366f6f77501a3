"""Coordinates as people type them and GPS apps export them: read from text, then checked against the map.

Parsing raises CoordsError (a catalogue key and its values); checking returns Issues. UTM lives in `.utm`.
"""

from __future__ import annotations

import math
import re
import unicodedata

import geopandas as gpd
import shapely

from dashboard.data.contract import CRS
from dashboard.data.outlines import country_area
from dashboard.data.vocab import COUNTRIES, region_label
from dashboard.intake.issues import FLAG, REJECT, Issue

MAX_ACCURACY_M = 100.0  # a GPS fix worse than this can put a community in the next valley
REGION_TOLERANCE_DEG = 0.01  # ~1 km: region polygons are often generalised, and this only flags
LIMITS = {"lat": 90.0, "lon": 180.0}
HEMISPHERES = {"lat": {"N": 1, "S": -1}, "lon": {"E": 1, "W": -1, "O": -1}}  # O: oeste
WORDS = {"NORTE": "N", "NORTH": "N", "SUR": "S", "SOUTH": "S", "ESTE": "E", "EAST": "E", "OESTE": "O", "WEST": "W"}

# every dash a keyboard, a word processor or a PDF makes of a minus sign, and every way of writing ° ' "
_SYMBOLS = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"),
        "º": "°",
        "˚": "°",
        "′": "'",
        "’": "'",
        "‘": "'",
        "´": "'",
        "`": "'",
        "″": '"',
        "”": '"',
        "“": '"',
    }
)
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"  # one number: a comma is a decimal separator, never a list
_HEMISPHERE = r"(?:NORTE|NORTH|SUR|SOUTH|ESTE|EAST|OESTE|WEST|[NSEWO])"


def _degrees_pattern(seconds_mark: str) -> re.Pattern:
    """The shapes of a coordinate; `seconds_mark` ("?" or lazy "??") says whether "36s" ends in a unit or south."""
    return re.compile(
        rf"""(?P<before>{_HEMISPHERE})?\ ?(?P<sign>[-+])?\ ?
        (?P<deg>{_NUMBER})\ ?(?:°|deg|d)?\ ?
        (?:(?P<min>{_NUMBER})\ ?(?:'|min|m)?\ ?
           (?:(?P<sec>{_NUMBER})\ ?(?:"|(?-i:sec|s)){seconds_mark}\ ?)?
        )?(?(before)|(?P<after>{_HEMISPHERE})?)  # one hemisphere letter at most, before or after""",
        re.IGNORECASE | re.VERBOSE | re.ASCII,
    )


# the seconds unit is a lower-case "s"; on a latitude a lone trailing "s" is still south ("13d09m36s"),
# while "36sS" reads as seconds, then south; a longitude has no south, so there "s" is always the unit
_DEGREES = {"lat": _degrees_pattern("??"), "lon": _degrees_pattern("?")}
_PLAIN = re.compile(rf"[-+]?{_NUMBER}")
Boundaries = gpd.GeoDataFrame | None  # the store's optional boundaries layer (dashboard.boundaries)


class CoordsError(ValueError):
    """A coordinate that cannot be read, with the catalogue key (and values) that say why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"{reason} {params}")
        self.reason, self.params = reason, params

    def issue(self, row: int | None = None, field: str | None = None) -> Issue:
        """This error as a rejecting Issue of `row` and `field`."""
        return Issue(row, field, self.reason, dict(self.params), REJECT)


def _normalise(text: str) -> str:
    """`text` with one kind of minus, degree, minute and second sign, and single ASCII spaces."""
    return " ".join(text.translate(_SYMBOLS).split()).replace("''", '"')


def _shown(text: str) -> str:
    """`text` as quoted back in a message: trimmed, and short enough to read."""
    text = text.strip()
    return text if len(text) <= 60 else text[:59] + "…"


def decimal_number(text: str) -> float | None:
    """A plain decimal number written with a dot or a comma (or any minus sign), else None."""
    clean = _normalise(text)
    return float(clean.replace(",", ".")) if _PLAIN.fullmatch(clean) else None


_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,3}\.[0-9]{1,15}")  # "-12.94": most GPS files; read without the long way


def parse_degrees(text: str, axis: str) -> float:
    """Decimal degrees of a latitude or longitude (`axis` "lat"/"lon") typed as decimal or sexagesimal text."""
    if _PLAIN_DECIMAL.fullmatch(text) and abs(value := float(text)) <= LIMITS[axis]:
        return value
    clean, shown = _normalise(text), _shown(text)
    if not clean:
        raise CoordsError(f"coords.{axis}.empty")
    match = _DEGREES[axis].fullmatch(clean)
    if match is None:
        raise CoordsError(f"coords.{axis}.not_degrees", value=shown)
    sign = _sign(match, axis, shown)
    magnitude = _sexagesimal(match, axis, shown)
    if magnitude > LIMITS[axis]:
        raise CoordsError(f"coords.{axis}.out_of_range", value=shown)
    return sign * magnitude


def _sign(match: re.Match, axis: str, shown: str) -> int:
    """+1 or -1 from the sign and the hemisphere letter, which must not contradict each other."""
    letter = (match["before"] or match["after"] or "").upper()
    explicit = {"-": -1, "+": 1}.get(match["sign"])
    if not letter:
        return explicit or 1
    hemisphere = HEMISPHERES[axis].get(WORDS.get(letter, letter))
    if hemisphere is None:
        raise CoordsError(f"coords.{axis}.wrong_hemisphere", value=shown)
    if explicit is not None and explicit != hemisphere:
        raise CoordsError("coords.sign_conflict", value=shown)
    return hemisphere


def _sexagesimal(match: re.Match, axis: str, shown: str) -> float:
    """Degrees from degrees, minutes and seconds; only the last part given may have decimals."""
    parts = [match[name] for name in ("deg", "min", "sec") if match[name] is not None]
    if any(mark in part for part in parts[:-1] for mark in ".,"):
        raise CoordsError(f"coords.{axis}.not_degrees", value=shown)
    degrees, minutes, seconds = [float(part.replace(",", ".")) for part in parts] + [0.0] * (3 - len(parts))
    if minutes >= 60:
        raise CoordsError("coords.minutes_over_60", value=shown)
    if seconds >= 60:
        raise CoordsError("coords.seconds_over_60", value=shown)
    return degrees + minutes / 60 + seconds / 3600


def parse_geopoint(text: str) -> tuple[float, float, float | None, float | None]:
    """Latitude, longitude, altitude and accuracy of a KoboToolbox/ODK geopoint "lat lon [alt [acc]]"."""
    parts, shown = _normalise(text).split(), _shown(text)
    if not parts:
        raise CoordsError("coords.geopoint_empty")
    if len(parts) > 4 or len(parts) < 2:  # a geoshape or geotrace is several points joined by ";"
        raise CoordsError("coords.geopoint", value=shown)
    lat, lon = parse_degrees(parts[0], "lat"), parse_degrees(parts[1], "lon")
    extra = [decimal_number(part) for part in parts[2:]]
    if None in extra or (len(extra) == 2 and extra[1] < 0):
        raise CoordsError("coords.geopoint", value=shown)
    altitude, accuracy = (extra + [None, None])[:2]
    return lat, lon, altitude, accuracy


def _degrees_text(value: float) -> str:
    """A coordinate as a message shows it: up to six decimals, dot separated, as typed in most files."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _country_of(lat: float, lon: float, countries: tuple[str, ...]) -> str | None:
    """The first of `countries` whose outline holds the point (within the store's tolerance)."""
    for code in countries:
        area = country_area(code)
        if area is not None and shapely.contains_xy(area, lon, lat):
            return code
    return None


def swapped(lat: float, lon: float, country: str | None = None) -> tuple[float, float] | None:
    """(lon, lat) when latitude and longitude look exchanged: the point is outside, the swap inside."""
    targets = (country,) if country in COUNTRIES else COUNTRIES
    if _country_of(lat, lon, COUNTRIES) or not _country_of(lon, lat, targets):
        return None
    return lon, lat


def signs_restored(lat: float, lon: float, country: str | None = None) -> tuple[float, float] | None:
    """The point with its lost minus signs (south, west) back, when only that puts it inside."""
    targets = (country,) if country in COUNTRIES else COUNTRIES
    if _country_of(lat, lon, COUNTRIES):
        return None
    candidates = [(-abs(lat), lon), (lat, -abs(lon)), (-abs(lat), -abs(lon))]  # only ever add a minus
    return next((p for p in candidates if p != (lat, lon) and _country_of(*p, targets)), None)


def _folded(name: str) -> str:
    """`name` without accents or case, so INEI's "APURIMAC" meets ISO 3166-2's "Apurímac"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


class RegionShapes:
    """The region polygons of a boundaries layer, each looked up once: a file checks thousands of points."""

    def __init__(self, boundaries: Boundaries) -> None:
        self.rows = _regions(boundaries)
        self.polygons: dict[str, shapely.Geometry | None] = {}

    def polygon(self, region: str) -> shapely.Geometry | None:
        """The polygon of ISO 3166-2 `region`, matched by code or by name (INEI files use their own codes)."""
        if self.rows is None:
            return None
        if region not in self.polygons:
            rows = self.rows
            named = rows["name"].astype("string").fillna("").map(_folded) == _folded(region_label(region))
            match = rows[(rows["code"].astype("string") == region).fillna(False) | named]
            self.polygons[region] = None if match.empty else match.geometry.union_all()
        return self.polygons[region]

    def name_at(self, lat: float, lon: float) -> str | None:
        """The name of the region polygon that holds the point."""
        if self.rows is None:
            return None
        hits = self.rows[shapely.intersects_xy(self.rows.geometry.values, lon, lat)]
        return None if hits.empty else str(hits["name"].iloc[0])


def _shapes(boundaries: Boundaries | RegionShapes) -> RegionShapes:
    return boundaries if isinstance(boundaries, RegionShapes) else RegionShapes(boundaries)


def _regions(boundaries: Boundaries) -> gpd.GeoDataFrame | None:
    """The region-level polygons of a boundaries layer, in EPSG:4326, or None."""
    if boundaries is None or "level" not in boundaries.columns:
        return None
    rows = boundaries[boundaries["level"].astype("string") == "region"]
    if rows.crs is not None and not rows.crs.equals(CRS):
        rows = rows.to_crs(CRS)
    return None if rows.empty else rows


def check_point(
    lat: float,
    lon: float,
    *,
    country: str | None = None,
    region: str | None = None,
    accuracy_m: float | None = None,
    boundaries: Boundaries | RegionShapes = None,
    row: int | None = None,
    field: str | None = None,
) -> list[Issue]:
    """Every problem of a point: not a place, outside the network's countries, its country or region, or imprecise."""
    if country is None and region is not None and region[:2] in COUNTRIES:
        country = region[:2]
    found = _placement(lat, lon, country, region, _shapes(boundaries))
    if accuracy_m is not None and accuracy_m > MAX_ACCURACY_M:  # NaN compares False: no accuracy, no flag
        found.append(("coords.low_accuracy", {"accuracy": f"{accuracy_m:g}", "limit": f"{MAX_ACCURACY_M:g}"}, FLAG))
    return [Issue(row, field, reason, params, severity) for reason, params, severity in found]


Found = tuple[str, dict, str]  # reason, params, severity: an Issue still waiting for its row and field


def _placement(lat: float, lon: float, country: str | None, region: str | None, shapes: RegionShapes) -> list[Found]:
    """Where the point is wrong; empty when it sits where it says."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return [("coords.point_missing", {}, REJECT)]
    if lat == 0 and lon == 0:
        return [("coords.null_island", {}, REJECT)]
    stated = country if country in COUNTRIES else None
    # near a border a point can be within tolerance of two countries: the stated one wins
    if stated and _country_of(lat, lon, (stated,)):
        return _region_flag(lat, lon, region, shapes)
    point = {"lat": _degrees_text(lat), "lon": _degrees_text(lon)}
    inside = _country_of(lat, lon, COUNTRIES)
    if inside is None:
        return [_repair_or_outside(lat, lon, stated, shapes, point)]
    if stated:
        return [("coords.outside_country", {**point, "country": stated, "found": inside}, REJECT)]
    return _region_flag(lat, lon, region, shapes)


def _repair_or_outside(lat: float, lon: float, stated: str | None, shapes: RegionShapes, point: dict) -> Found:
    """Swapped or unsigned coordinates, with the repair to offer; else plain outside (or not on Earth)."""
    fixed, reason = swapped(lat, lon, stated), "coords.swapped"
    if fixed is None:
        fixed, reason = signs_restored(lat, lon, stated), "coords.signs_lost"
    if fixed is not None:
        params = {**point, "fixed_lat": _degrees_text(fixed[0]), "fixed_lon": _degrees_text(fixed[1])}
        place = shapes.name_at(*fixed) if reason == "coords.swapped" else None
        return (f"{reason}_in", {**params, "place": place}, REJECT) if place else (reason, params, REJECT)
    if abs(lat) > LIMITS["lat"] or abs(lon) > LIMITS["lon"]:
        return "coords.point_out_of_range", point, REJECT
    return "coords.outside_countries", point, REJECT


def _region_flag(lat: float, lon: float, region: str | None, shapes: RegionShapes) -> list[Found]:
    """A flag when a boundaries layer has the stated region's polygon and the point is not near it."""
    polygon = None if region is None else shapes.polygon(region)
    if polygon is None or shapely.dwithin(polygon, shapely.Point(lon, lat), REGION_TOLERANCE_DEG):
        return []
    point = {"lat": _degrees_text(lat), "lon": _degrees_text(lon)}
    return [("coords.outside_region", {**point, "region": region_label(region)}, FLAG)]
