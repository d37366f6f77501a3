"""UTM coordinates (WGS 84) in the network's countries: read metres and zones, know the zones a region spans.

A zone is written "18S", "18 S", "18 sur", "18" or with its MGRS latitude band, "18L".
Bands C–M are south of the equator and N–X north of it, except "S": field staff write "18S"
for "18 sur", and band S (32°–40° N) is nowhere near the Andes. A bare number is southern,
because nearly all the network is; northern Ecuador must write "17N".
"""

from __future__ import annotations

import math
import re
from functools import cache

from pyproj import Transformer

from dashboard.data.vocab import region_label
from dashboard.intake.coords import CoordsError, decimal_number
from dashboard.intake.issues import FLAG, Issue

EASTING_M = (100_000.0, 900_000.0)  # a zone is 6° wide: at the equator eastings run from ~166 km to ~834 km
NORTHING_M = (0.0, 10_000_000.0)  # south of the equator the false northing is 10 000 km
ZONE_MARGIN_DEG = 0.1  # a region this close to a zone edge is taken to span both zones
SOUTHERN = {"", "S", "SUR", "SOUTH", *"CDEFGHJKLM"}
NORTHERN = {"N", "NORTE", "NORTH", *"PQRTUVWX"}
_ZONE = re.compile(r"([0-9]{1,2}) ?([A-Z]*)")

# (west, south, east, north) in degrees of each first-level region, rounded outward; the zones
# a region spans follow from its longitudes (and its hemispheres from its latitudes).
REGION_EXTENTS: dict[str, tuple[float, float, float, float]] = {
    "PE-AMA": (-78.75, -7.05, -77.1, -2.95),
    "PE-ANC": (-78.7, -10.8, -76.7, -7.95),
    "PE-APU": (-74.0, -14.85, -72.0, -13.15),
    "PE-ARE": (-75.15, -17.3, -70.8, -14.6),
    "PE-AYA": (-75.15, -15.65, -73.0, -11.95),
    "PE-CAJ": (-79.6, -7.75, -77.7, -4.65),
    "PE-CAL": (-77.3, -12.15, -77.0, -11.8),
    "PE-CUS": (-74.0, -15.45, -70.35, -11.2),
    "PE-HUC": (-77.3, -10.55, -74.6, -8.4),
    "PE-HUV": (-75.85, -14.15, -74.0, -11.95),
    "PE-ICA": (-76.45, -15.45, -74.6, -12.95),
    "PE-JUN": (-76.5, -12.7, -73.35, -10.7),
    "PE-LAL": (-79.65, -9.0, -76.9, -6.95),
    "PE-LAM": (-80.7, -7.2, -79.1, -5.45),
    "PE-LIM": (-77.9, -13.35, -75.5, -10.25),
    "PE-LMA": (-77.25, -12.55, -76.6, -11.55),
    "PE-LOR": (-77.85, -8.75, -69.9, -0.03),
    "PE-MDD": (-72.45, -13.4, -68.65, -9.85),
    "PE-MOQ": (-71.5, -17.75, -70.0, -15.95),
    "PE-PAS": (-76.7, -11.1, -74.2, -9.8),
    "PE-PIU": (-81.35, -6.4, -79.2, -4.05),
    "PE-PUN": (-71.15, -17.3, -68.8, -13.0),
    "PE-SAM": (-77.85, -8.8, -75.45, -5.4),
    "PE-TAC": (-71.05, -18.4, -69.45, -16.6),
    "PE-TUM": (-81.0, -4.25, -80.1, -3.35),
    "PE-UCA": (-75.95, -11.5, -70.45, -7.3),
    "BO-B": (-67.7, -16.2, -61.8, -10.3),
    "BO-C": (-67.15, -18.55, -64.2, -15.6),
    "BO-H": (-65.6, -21.6, -62.3, -18.4),
    "BO-L": (-69.65, -18.1, -66.7, -11.8),
    "BO-N": (-69.6, -12.55, -65.3, -9.65),
    "BO-O": (-69.05, -19.95, -66.3, -17.2),
    "BO-P": (-68.8, -22.9, -64.6, -17.75),
    "BO-S": (-64.8, -20.5, -57.45, -13.45),
    "BO-T": (-65.3, -22.9, -62.25, -20.8),
    "EC-A": (-79.9, -3.6, -78.5, -2.45),
    "EC-B": (-79.4, -2.2, -78.85, -1.2),
    "EC-C": (-78.6, 0.3, -77.5, 1.25),
    "EC-D": (-77.8, -1.6, -75.2, -0.05),
    "EC-E": (-80.1, -0.05, -78.5, 1.5),
    "EC-F": (-79.6, -2.85, -78.65, -2.15),
    "EC-G": (-80.6, -3.1, -79.1, -0.95),
    "EC-H": (-79.2, -2.6, -78.3, -1.4),
    "EC-I": (-79.3, 0.05, -77.8, 0.9),
    "EC-L": (-80.5, -4.75, -79.0, -3.35),
    "EC-M": (-80.95, -1.7, -79.4, 0.45),
    "EC-N": (-78.4, -1.3, -76.95, -0.05),
    "EC-O": (-80.3, -3.95, -79.35, -3.05),
    "EC-P": (-79.3, -0.8, -77.85, 0.35),
    "EC-R": (-79.85, -2.2, -79.2, -0.4),
    "EC-S": (-79.0, -3.6, -76.95, -1.45),
    "EC-SD": (-79.5, -0.7, -78.9, 0.05),
    "EC-SE": (-81.05, -2.55, -80.1, -1.6),
    "EC-T": (-78.9, -1.6, -78.15, -1.0),
    "EC-U": (-77.85, -0.65, -75.2, 0.5),
    "EC-W": (-92.05, -1.45, -89.2, 1.7),
    "EC-X": (-79.4, -1.3, -78.3, -0.35),
    "EC-Y": (-78.3, -2.6, -75.55, -1.05),
    "EC-Z": (-79.25, -5.05, -78.35, -3.35),
}


def parse_zone(zone: str) -> tuple[int, bool]:
    """The zone number and whether it is southern, from "18S", "18 S", "18 sur", "18" or "18L"."""
    match = _ZONE.fullmatch(" ".join(str(zone).upper().split()))
    southern = match is not None and match[2] in SOUTHERN
    if match is None or not 1 <= int(match[1]) <= 60 or not (southern or match[2] in NORTHERN):
        raise CoordsError("coords.utm_zone", value=str(zone).strip()[:20])
    return int(match[1]), southern


def zone_label(number: int, southern: bool) -> str:
    """A zone as the catalogue and expected_utm_zones write it: "18S", "17N"."""
    return f"{number}{'S' if southern else 'N'}"


def _zone_number(lon: float) -> int:
    return min(max(math.floor((lon + 180) / 6) + 1, 1), 60)


def _metres(value: str | float) -> float:
    """Metres from a number or from text with a dot or comma decimal (spaces between digit groups allowed)."""
    metres = float(value) if isinstance(value, int | float) else decimal_number("".join(str(value).split()))
    if metres is None or math.isnan(metres):
        raise CoordsError("coords.utm_not_number", value=str(value).strip()[:30])
    return metres


@cache
def _transformer(number: int, southern: bool) -> Transformer:
    """WGS 84 / UTM zone `number` (EPSG 327nn south, 326nn north) to longitude/latitude."""
    return Transformer.from_crs((32700 if southern else 32600) + number, 4326, always_xy=True)


def from_utm(easting: str | float, northing: str | float, zone: str) -> tuple[float, float]:
    """Latitude and longitude (WGS 84) of a UTM point given in metres and its zone."""
    number, southern = parse_zone(zone)
    east, north = _metres(easting), _metres(northing)
    if not (_within(east, EASTING_M) and _within(north, NORTHING_M)):
        exchanged = _within(north, EASTING_M) and _within(east, NORTHING_M)
        reason = "coords.utm_swapped" if exchanged else "coords.utm_out_of_range"
        raise CoordsError(reason, easting=f"{east:.0f}", northing=f"{north:.0f}")
    lon, lat = _transformer(number, southern).transform(east, north)
    return lat, lon


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _zones(extent: tuple[float, float, float, float]) -> set[str]:
    """The zones a (west, south, east, north) extent spans, with ZONE_MARGIN_DEG either side."""
    west, south, east, north = extent
    numbers = range(_zone_number(west - ZONE_MARGIN_DEG), _zone_number(east + ZONE_MARGIN_DEG) + 1)
    hemispheres = [southern for southern, present in ((True, south < 0), (False, north > 0)) if present]
    return {zone_label(number, southern) for number in numbers for southern in hemispheres}


def expected_utm_zones(code: str) -> set[str]:
    """The zones ("18S") that region `code` spans, or all regions of country `code`; empty if unknown."""
    return {
        zone for region, extent in REGION_EXTENTS.items() if code in (region, region[:2]) for zone in _zones(extent)
    }


def check_zone(zone: str, region: str | None, *, row: int | None = None, field: str | None = None) -> list[Issue]:
    """A flag when a UTM zone is not one the stated region (or country) spans; raises CoordsError if unreadable."""
    label = zone_label(*parse_zone(zone))
    expected = expected_utm_zones(region) if region else set()
    if not expected or label in expected:
        return []
    shown = ", ".join(sorted(expected, key=lambda z: (int(z[:-1]), z[-1])))
    params = {"zone": label, "region": region_label(region), "expected": shown}
    return [Issue(row, field, "coords.utm_zone_unexpected", params, FLAG)]
