"""Shareable links: the shared filter and the map view as a flat dict for the URL query string.

Plain Python: the app copies `encode`'s dict into `st.query_params` and hands them to `decode`.
Only non-default values are written, so an untouched view is a bare URL.

A multi-valued criterion is one comma-separated value ("PE-AYA,PE-PUN"). Province, district
and partner names come from imported files and may hold a comma ("Lucanas, Ayacucho"): inside
an item a comma is written "%2C" and a percent sign "%25", and `decode` reads those two escapes
back and leaves any other "%" as it is, so older links still open the same view.

`decode` never raises: a link may be old, hand-edited or hostile. Whatever it cannot use is
left out and reported as a `Notice`. An empty value counts as a missing key (a form or a hand
edit may leave `key=`), except `capas=`, which explicitly asks for no overlay layers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from dashboard.data.vocab import BOUNDARY_LEVEL
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.i18n import DEFAULT_LANGUAGE, languages
from dashboard.map import maps
from dashboard.map.layers import DEFAULT_LAYERS, LAYER_CODES

BASEMAPS = tuple(maps.BASEMAPS)  # background codes, the first the default


@dataclass(frozen=True)
class MapView:
    """What the page shows besides the filter: the map's view, and the language."""

    centre: tuple[float, float] | None = None  # (lat, lon)
    zoom: int | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS  # chosen overlay layers, codes from the layer registry
    basemap: str = BASEMAPS[0]  # one code from BASEMAPS
    level: str | None = None  # boundary level the choropleth colours by; None: the finest stored
    language: str = DEFAULT_LANGUAGE  # one code of i18n.languages(); Spanish is left out of links


# Notice reasons, each a catalogue key under `share.`.
UNKNOWN_PARAMETER = "unknown_parameter"
BAD_VALUE = "bad_value"


@dataclass(frozen=True)
class Notice:
    """A parameter that was ignored, and why (a catalogue key under `share.`)."""

    parameter: str
    value: str
    reason: str  # one of: "unknown_parameter", "bad_value"


# URL keys of the Filters fields that are not criteria (a criterion declares its own word), then of the
# MapView fields (the centre spreads over two). Changing a word breaks links already shared.
KEYS: dict[str, str] = {
    "year_from": "desde",
    "year_to": "hasta",
    "text": "q",
    "area": "area",
    "bounds": "vista_limites",
    "centre_lat": "lat",
    "centre_lon": "lon",
    "zoom": "zoom",
    "layers": "capas",
    "basemap": "fondo",
    "level": "nivel",
    "language": "idioma",
}

YEARS = (1950, 2100)
ZOOMS = (1, 18)
MAX_TEXT = 200
MIN_VERTICES, MAX_VERTICES = 3, 200
DECIMALS = 5  # about a metre: enough for a map, short in a URL
SEPARATOR = ","
# Inside one item of a comma-separated value: "%" first, so that "%2C" in a name stays itself.
ESCAPES = {"%": "%25", SEPARATOR: "%2C"}
_ESCAPED = re.compile("|".join(ESCAPES.values()), re.IGNORECASE)
_UNESCAPED = {escape.upper(): char for char, escape in ESCAPES.items()}

# Dot decimals only: no exponent, "nan" or "inf", and too short to be slow to read.
_COORDINATE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,20})?")
# Bounded length, so a huge number is just a bad value (int() refuses over 4,300 digits).
_INTEGER = re.compile(r"[0-9]{1,6}")

T = TypeVar("T")


def keys() -> dict[str, str]:
    """Every field's URL key: the criteria's words, then KEYS."""
    return {**{criterion.name: criterion.address for criterion in CRITERIA.values()}, **KEYS}


def encode(filters: Filters, view: MapView) -> dict[str, str]:
    """The non-default parts of `filters` and `view` as URL query parameters."""
    params = {CRITERIA[name].address: _join(codes) for name, codes in filters.codes}
    for name in ("year_from", "year_to"):
        year = getattr(filters, name)
        if year is not None:
            params[KEYS[name]] = str(year)
    text = _clean_text(filters.text)
    if text:
        params[KEYS["text"]] = text
    if filters.area:
        vertices = (f"{_number(lon)} {_number(lat)}" for lon, lat in filters.area)
        params[KEYS["area"]] = ";".join(vertices)
    if filters.bounds is not None:
        params[KEYS["bounds"]] = SEPARATOR.join(_number(edge) for edge in filters.bounds)
    if view.centre is not None:
        params[KEYS["centre_lat"]] = _number(view.centre[0])
        params[KEYS["centre_lon"]] = _number(view.centre[1])
    if view.zoom is not None:
        params[KEYS["zoom"]] = str(view.zoom)
    if view.layers != MapView().layers:
        params[KEYS["layers"]] = _join(view.layers)
    if view.basemap != MapView().basemap:
        params[KEYS["basemap"]] = view.basemap
    for name in ("level", "language"):
        if getattr(view, name) != getattr(MapView(), name):
            params[KEYS[name]] = getattr(view, name)
    return params


def map_position(params: Mapping[str, str]) -> tuple[tuple[float, float] | None, int | None]:
    """The centre and zoom a link carries (as the map writes them), without its filter or layers."""
    position = (KEYS["centre_lat"], KEYS["centre_lon"], KEYS["zoom"])
    _, view, _ = decode({key: value for key, value in params.items() if key in position})
    return view.centre, view.zoom


def decode(params: Mapping[str, str]) -> tuple[Filters, MapView, list[Notice]]:
    """The filter and map view a link carries, and a Notice for every parameter left out."""
    given = {key: value.strip() for key, value in params.items()}
    notices: list[Notice] = []
    filters = _decode_filters(given, notices)
    view = _decode_view(given, notices)
    known = set(keys().values())
    notices += [Notice(key, value, UNKNOWN_PARAMETER) for key, value in params.items() if key not in known]
    return filters, view, notices


def _decode_filters(given: dict[str, str], notices: list[Notice]) -> Filters:
    """The Filters part of a link; what is unusable is reported in `notices`."""
    values: dict[str, object] = {
        criterion.name: _codes(criterion.address, given[criterion.address], criterion.valid, notices)
        for criterion in CRITERIA.values()
        if given.get(criterion.address)
    }
    start = _scalar(given, KEYS["year_from"], _integer(YEARS), notices)
    end = _scalar(given, KEYS["year_to"], _integer(YEARS), notices)
    if start is not None and end is not None and start > end:
        # guessing which one the sender meant would show a view they never chose
        notices += [Notice(KEYS[n], given[KEYS[n]], BAD_VALUE) for n in ("year_from", "year_to")]
        start = end = None
    values["year_from"], values["year_to"] = start, end
    values["text"] = _clean_text(given.get(KEYS["text"], ""))
    values["area"] = _scalar(given, KEYS["area"], _area, notices) or ()
    values["bounds"] = _scalar(given, KEYS["bounds"], _bounds, notices)
    return Filters(**values)


def _decode_view(given: dict[str, str], notices: list[Notice]) -> MapView:
    """The MapView part of a link; what is unusable is reported in `notices`."""
    default = MapView()
    layers = default.layers
    if KEYS["layers"] in given:  # present but empty means "no layers", not "default"
        layers = _codes(KEYS["layers"], given[KEYS["layers"]], LAYER_CODES.__contains__, notices)
    basemap = _scalar(given, KEYS["basemap"], _one_of(BASEMAPS), notices) or default.basemap
    return MapView(
        centre=_centre(given, notices),
        zoom=_scalar(given, KEYS["zoom"], _integer(ZOOMS), notices),
        layers=layers,
        basemap=basemap,
        level=_scalar(given, KEYS["level"], _one_of(BOUNDARY_LEVEL.labels), notices),
        language=_scalar(given, KEYS["language"], _one_of(languages()), notices) or default.language,
    )


def _join(codes: tuple[str, ...]) -> str:
    """`codes` as one comma-separated value, a comma or percent sign inside a code escaped."""
    return SEPARATOR.join(_escape(code) for code in codes)


def _escape(code: str) -> str:
    """One item as a link writes it: "%" as "%25", then "," as "%2C"."""
    for char, escape in ESCAPES.items():
        code = code.replace(char, escape)
    return code


def _unescape(item: str) -> str:
    """One item as `_escape` wrote it, read back in a single pass; any other "%" stays."""
    return _ESCAPED.sub(lambda match: _UNESCAPED[match.group().upper()], item)


def _codes(key: str, value: str, valid: Callable[[str], bool], notices: list[Notice]) -> tuple[str, ...]:
    """The valid items of a comma-separated value, escapes read back; each invalid item is reported."""
    kept: list[str] = []
    # empty items (a trailing or doubled comma) carry no choice, so there is nothing to report
    for item in map(_unescape, filter(None, (part.strip() for part in value.split(SEPARATOR)))):
        if valid(item):
            kept.append(item)
        else:
            notices.append(Notice(key, item, BAD_VALUE))
    return tuple(kept)


def _scalar(given: dict[str, str], key: str, parse: Callable[[str], T | None], notices: list[Notice]) -> T | None:
    """`given[key]` parsed, None when absent or empty; an unparsable value is reported."""
    value = given.get(key, "")
    if not value:
        return None
    parsed = parse(value)
    if parsed is None:
        notices.append(Notice(key, value, BAD_VALUE))
    return parsed


def _integer(span: tuple[int, int]) -> Callable[[str], int | None]:
    """A parser of plain decimal integers within `span` (years, zoom levels); anything else gives None."""
    return lambda value: int(value) if _INTEGER.fullmatch(value) and span[0] <= int(value) <= span[1] else None


def _one_of(codes: tuple[str, ...] | dict) -> Callable[[str], str | None]:
    """A parser that accepts one of `codes` (a background, a boundary level), else None."""
    return lambda value: value if value in codes else None


def _coordinate(value: str, limit: float) -> float | None:
    """A dot-decimal number within [-limit, limit], rounded as `encode` writes it, else None."""
    if not _COORDINATE.fullmatch(value):
        return None
    number = float(value)
    return round(number, DECIMALS) if abs(number) <= limit else None


def _number(value: float) -> str:
    """`value` rounded to DECIMALS, written without exponent or trailing zeros."""
    # repr() would write 1e-05, which `_coordinate` rightly refuses
    return f"{round(value, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")


def _area(value: str) -> tuple[tuple[float, float], ...] | None:
    """A polygon written "lon lat;lon lat;...", else None."""
    vertices = value.split(";")
    if not MIN_VERTICES <= len(vertices) <= MAX_VERTICES:
        return None
    area = []
    for vertex in vertices:
        parts = vertex.split()
        if len(parts) != 2:
            return None
        lon, lat = _coordinate(parts[0], 180), _coordinate(parts[1], 90)
        if lon is None or lat is None:
            return None
        area.append((lon, lat))
    return tuple(area)


def _bounds(value: str) -> tuple[float, float, float, float] | None:
    """A box written "west,south,east,north" with west < east and south < north, else None."""
    parts = value.split(SEPARATOR)
    if len(parts) != 4:
        return None
    west, east = _coordinate(parts[0].strip(), 180), _coordinate(parts[2].strip(), 180)
    south, north = _coordinate(parts[1].strip(), 90), _coordinate(parts[3].strip(), 90)
    if west is None or south is None or east is None or north is None:
        return None
    # compared after rounding, so whatever decode accepts encodes back to itself
    return (west, south, east, north) if west < east and south < north else None


def _centre(given: dict[str, str], notices: list[Notice]) -> tuple[float, float] | None:
    """The map centre from "lat" and "lon"; if either is missing or bad, both are reported."""
    lat_key, lon_key = KEYS["centre_lat"], KEYS["centre_lon"]
    raw_lat, raw_lon = given.get(lat_key, ""), given.get(lon_key, "")
    if not raw_lat and not raw_lon:
        return None
    lat, lon = _coordinate(raw_lat, 90), _coordinate(raw_lon, 180)
    if lat is not None and lon is not None:
        return (lat, lon)
    given_pair = ((lat_key, raw_lat), (lon_key, raw_lon))
    notices += [Notice(key, raw, BAD_VALUE) for key, raw in given_pair if raw]
    return None


def _clean_text(text: str) -> str:
    """The search text as a link carries it: stripped and at most MAX_TEXT characters."""
    return text.strip()[:MAX_TEXT].rstrip()
