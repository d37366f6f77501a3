"""Coordinates typed by people and exported by GPS apps: every accepted shape reads back, every error says why."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import box

from dashboard.data.contract import CRS
from dashboard.data.outlines import outlines
from dashboard.data.vocab import COUNTRIES, LANGUAGES, regions
from dashboard.i18n import catalogue
from dashboard.intake.coords import (
    MAX_ACCURACY_M,
    CoordsError,
    check_point,
    parse_degrees,
    parse_geopoint,
    signs_restored,
    swapped,
)
from dashboard.intake.issues import FLAG, REJECT
from dashboard.intake.utm import REGION_EXTENTS, check_zone, expected_utm_zones, from_utm, parse_zone, zone_label


def zone_of(lat: float, lon: float) -> str:
    """The UTM zone a point lies in, worked out here the long way: floor((lon + 180) / 6) + 1."""
    return zone_label(int((lon + 180) // 6) + 1, lat < 0)


HUAMANGA = (-13.16, -74.22)  # Ayacucho, Peru: 18S
CUSCO = (-13.52, -71.97)  # Cusco, Peru: 19S
LA_PAZ = (-16.5, -68.15)  # Bolivia
QUITO = (-0.22, -78.51)  # Ecuador, just south of the equator
WEST, SOUTH, EAST, NORTH = outlines()[outlines()["iso_a2"].isin(COUNTRIES)].total_bounds


def _reason(call) -> str:
    """The catalogue key of the CoordsError that `call` raises, after checking it reads in every language."""
    with pytest.raises(CoordsError) as caught:
        call()
    for lang in LANGUAGES:
        assert caught.value.issue(7, "lat").message(lang).strip()
    return caught.value.reason


# --- parse_degrees: every accepted shape ----------------------------------------------------------

ACCEPTED = [
    ("-13.16", "lat", -13.16),
    ("-13,16", "lat", -13.16),  # a decimal comma: one number, not two
    ("\u221213.16", "lat", -13.16),  # Unicode minus
    ("\u201313.16", "lat", -13.16),  # en dash
    ("\u2013 13,16", "lat", -13.16),
    ("+13.16", "lat", 13.16),
    ("  -74.22 ", "lon", -74.22),
    ("\u00a0-74.22\u00a0", "lon", -74.22),  # non-breaking spaces from a spreadsheet
    ("\u202f-74,22", "lon", -74.22),
    ("13", "lat", 13.0),
    ("0", "lon", 0.0),
    ("-13.16°", "lat", -13.16),
    ("13.16 S", "lat", -13.16),
    ("-13.16 S", "lat", -13.16),  # sign and letter agree
    ("13°09'36\"S", "lat", -13.16),
    ("13°09′36″S", "lat", -13.16),  # prime and double prime
    ("13°09’36”S", "lat", -13.16),  # a word processor's curly quotes
    ("13 09 36 S", "lat", -13.16),
    ("13 9 36 s", "lat", -13.16),
    ("S 13° 09.6'", "lat", -13.16),
    ("S13°09,6'", "lat", -13.16),
    ("13°09'36.0\"S", "lat", -13.16),
    ("13°09'36,0\" S", "lat", -13.16),
    ("13º9'36''S", "lat", -13.16),  # ordinal º and two single quotes
    ("13˚ 9' 36'' S", "lat", -13.16),
    ("13d09m36sS", "lat", -13.16),
    ("13d 09m 36s S", "lat", -13.16),
    ("13deg 09min 36sec S", "lat", -13.16),
    ("13d09m36s", "lat", -13.16),  # a latitude's lone trailing "s" is south
    ("13 09 36 sur", "lat", -13.16),
    ("Sur 13 09 36", "lat", -13.16),
    ("-13 09 36", "lat", -13.16),
    ("0 30 N", "lat", 0.5),
    ("0°30'N", "lat", 0.5),
    ("74°13'W", "lon", -(74 + 13 / 60)),
    ("74°13'O", "lon", -(74 + 13 / 60)),  # O for oeste
    ("74°13'o", "lon", -(74 + 13 / 60)),
    ("W 74° 13.2'", "lon", -74.22),
    ("O74 13 12", "lon", -74.22),
    ("74 13 12 oeste", "lon", -74.22),
    ("74 13 12 West", "lon", -74.22),
    ("74d13m12s W", "lon", -74.22),
    ("-74d13m12s", "lon", -74.22),  # on a longitude "s" can only be seconds
    ("74°13'12\"E", "lon", 74.22),
    ("90", "lat", 90.0),
    ("-180", "lon", -180.0),
]


@pytest.mark.parametrize(("text", "axis", "expected"), ACCEPTED)
def test_every_accepted_shape_reads_as_decimal_degrees(text, axis, expected):
    assert parse_degrees(text, axis) == pytest.approx(expected, abs=1e-9)


REJECTED = [
    ("-13,16,2", "lat", "coords.lat.not_degrees"),
    ("13.16.2", "lat", "coords.lat.not_degrees"),
    ("13, 16", "lat", "coords.lat.not_degrees"),
    ("1.234,5", "lon", "coords.lon.not_degrees"),
    ("abc", "lon", "coords.lon.not_degrees"),
    ("nan", "lat", "coords.lat.not_degrees"),
    ("inf", "lat", "coords.lat.not_degrees"),
    ("1e5", "lat", "coords.lat.not_degrees"),
    ("13.5 30", "lat", "coords.lat.not_degrees"),  # decimal degrees then minutes
    ("13 9.5 30", "lat", "coords.lat.not_degrees"),  # decimal minutes then seconds
    ("S 13 09 36 S", "lat", "coords.lat.not_degrees"),  # two letters
    ("13 09 36 S W", "lat", "coords.lat.not_degrees"),
    ("--13", "lat", "coords.lat.not_degrees"),
    ("", "lat", "coords.lat.empty"),
    ("  \u00a0 ", "lon", "coords.lon.empty"),
    ("-13 N", "lat", "coords.sign_conflict"),
    ("\u221213.16 N", "lat", "coords.sign_conflict"),
    ("+13 S", "lat", "coords.sign_conflict"),
    ("-74 13 E", "lon", "coords.sign_conflict"),
    ("13 09 36 W", "lat", "coords.lat.wrong_hemisphere"),
    ("13 09 36 O", "lat", "coords.lat.wrong_hemisphere"),
    ("74 13 S", "lon", "coords.lon.wrong_hemisphere"),
    ("N 74", "lon", "coords.lon.wrong_hemisphere"),
    ("13 60 S", "lat", "coords.minutes_over_60"),
    ("13°75'S", "lat", "coords.minutes_over_60"),
    ("13 09 60 S", "lat", "coords.seconds_over_60"),
    ("74°13'60.5\"W", "lon", "coords.seconds_over_60"),
    ("90.000001", "lat", "coords.lat.out_of_range"),
    ("-95", "lat", "coords.lat.out_of_range"),
    ("90 0 1 S", "lat", "coords.lat.out_of_range"),
    ("180,5", "lon", "coords.lon.out_of_range"),
    ("1309", "lat", "coords.lat.out_of_range"),
    ("9" * 400, "lon", "coords.lon.out_of_range"),  # a float overflow is just out of range
]


@pytest.mark.parametrize(("text", "axis", "reason"), REJECTED)
def test_every_error_names_its_reason(text, axis, reason):
    assert _reason(lambda: parse_degrees(text, axis)) == reason


def test_an_error_quotes_the_value_as_typed():
    with pytest.raises(CoordsError) as caught:
        parse_degrees("-13,16,2", "lat")
    issue = caught.value.issue(4, "latitud")
    assert (issue.row, issue.field, issue.severity) == (4, "latitud", REJECT)
    assert issue.message("es") == (
        "La latitud «-13,16,2» no es un número ni grados-minutos-segundos"
        " (se espera, p. ej., -13.16, -13,16 o 13°09'36\"S)."
    )
    assert "latitude “-13,16,2”" in issue.message("en")


def test_every_reason_the_module_can_give_is_in_both_catalogues():
    keys = {key for key in catalogue("es") if key.startswith("coords.")}
    used = {reason for _, _, reason in REJECTED}
    assert used <= keys
    assert keys == {key for key in catalogue("en") if key.startswith("coords.")}


# --- parse_degrees: properties ----------------------------------------------------------------------

LATITUDES = st.floats(SOUTH, NORTH, allow_nan=False)
LONGITUDES = st.floats(WEST, EAST, allow_nan=False)
SYMBOLS = [("°", "'", '"'), ("º", "'", "''"), ("°", "′", "″"), ("d", "m", "s"), (" ", " ", " "), ("° ", "' ", '" ')]
LETTERS = {
    "lat": ({True: "N", False: "S"}, {True: "norte", False: "sur"}),
    "lon": ({True: "E", False: "W"}, {True: "este", False: "oeste"}),
}


def _decimal(value: float, draw) -> str:
    """Decimal degrees with a dot or comma, any minus sign, a plus, padding."""
    text = f"{value:.9f}"
    if draw(st.booleans()):
        text = text.replace(".", ",")
    if not text.startswith("-") and draw(st.booleans()):
        text = "+" + text
    text = text.replace("-", draw(st.sampled_from(["-", "\u2212", "\u2013"])))
    return draw(st.sampled_from(["", " ", "\u00a0"])) + text + draw(st.sampled_from(["", " ", "\u00a0"]))


def _sexagesimal(value: float, axis: str, draw) -> str:
    """Degrees, minutes and seconds (four decimals: ~3 mm) or decimal minutes, with a hemisphere style."""
    degree, minute, second = draw(st.sampled_from(SYMBOLS))
    if draw(st.booleans()):
        units = round(abs(value) * 3600 * 10_000)
        degrees, rest = divmod(units, 3600 * 10_000)
        minutes, rest = divmod(rest, 60 * 10_000)
        body = f"{degrees}{degree}{minutes:02d}{minute}{rest / 10_000:.4f}{second}"
    else:
        units = round(abs(value) * 60 * 1_000_000)
        degrees, rest = divmod(units, 60 * 1_000_000)
        body = f"{degrees}{degree}{rest / 1_000_000:.6f}{minute}"
    if draw(st.booleans()):
        body = body.replace(".", ",")
    body = body.strip()
    letters = draw(st.sampled_from(LETTERS[axis]))
    letter = letters[value >= 0]
    if axis == "lon" and letter == "W":
        letter = draw(st.sampled_from(["W", "O", "w", "o"]))
    # "sign" is not offered with d-m-s units: on a latitude, "36s" with no letter reads as south
    styles = ["after", "before"] + ([] if degree == "d" else ["sign"])
    style = draw(st.sampled_from(styles))
    if style == "sign":
        return ("-" if value < 0 else "") + body
    return f"{body} {letter}" if style == "after" else f"{letter} {body}"


@given(data=st.data(), lat=LATITUDES, lon=LONGITUDES)
@settings(max_examples=400)
def test_any_point_in_any_accepted_shape_reads_back(data, lat, lon):
    for axis, value in (("lat", lat), ("lon", lon)):
        draw = data.draw
        text = _decimal(value, draw) if draw(st.booleans()) else _sexagesimal(value, axis, draw)
        assert parse_degrees(text, axis) == pytest.approx(value, abs=1e-6), text


COORDINATE_TEXT = st.text(alphabet="0123456789.,-+ °º'\"′″NSEWOnsewodmDMSgrcu\u2212\u2013\u00a0", max_size=30)


@given(text=st.one_of(st.text(), COORDINATE_TEXT), axis=st.sampled_from(["lat", "lon"]))
@settings(max_examples=600)
def test_parse_degrees_raises_only_its_own_error(text, axis):
    try:
        value = parse_degrees(text, axis)
    except CoordsError as error:
        assert error.reason.startswith("coords.")
    else:
        assert abs(value) <= {"lat": 90, "lon": 180}[axis]


@given(text=st.one_of(st.text(), COORDINATE_TEXT))
def test_geopoint_and_zone_raise_only_their_own_error(text):
    for call in (lambda: parse_geopoint(text), lambda: parse_zone(text), lambda: from_utm(text, text, "18S")):
        try:
            call()
        except CoordsError:
            pass


# --- geopoints --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-13.16 -74.22 2750.0 5.0", (-13.16, -74.22, 2750.0, 5.0)),
        ("-13.16 -74.22 2750", (-13.16, -74.22, 2750.0, None)),
        ("-13.16 -74.22", (-13.16, -74.22, None, None)),
        ("  -13.16   -74.22  -12.5  0  ", (-13.16, -74.22, -12.5, 0.0)),
        ("0.0 0.0 0.0 0.0", (0.0, 0.0, 0.0, 0.0)),  # ODK's "no fix": read here, rejected by check_point
    ],
)
def test_a_geopoint_reads_as_lat_lon_altitude_accuracy(text, expected):
    assert parse_geopoint(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "coords.geopoint_empty"),
        ("-13.16", "coords.geopoint"),
        ("-13.16 -74.22 2750 5 1", "coords.geopoint"),
        ("-13.16 -74.22 0 0;-13.17 -74.23 0 0", "coords.geopoint"),  # a geotrace, not a point
        ("-13.16 -74.22 high 5", "coords.geopoint"),
        ("-13.16 -74.22 2750 -5", "coords.geopoint"),  # a negative accuracy
        ("-13.16 -194.22", "coords.lon.out_of_range"),
        ("x -74.22", "coords.lat.not_degrees"),
    ],
)
def test_a_broken_geopoint_says_why(text, reason):
    assert _reason(lambda: parse_geopoint(text)) == reason


@given(
    lat=LATITUDES, lon=LONGITUDES, altitude=st.floats(-100, 6800), accuracy=st.floats(0, 5000), parts=st.integers(2, 4)
)
def test_any_geopoint_reads_back(lat, lon, altitude, accuracy, parts):
    text = " ".join([f"{lat:.9f}", f"{lon:.9f}", f"{altitude:.3f}", f"{accuracy:.3f}"][:parts])
    got = parse_geopoint(text)
    assert got[:2] == pytest.approx((lat, lon), abs=1e-6)
    assert got[2:] == pytest.approx(([altitude, accuracy][: parts - 2] + [None, None])[:2], abs=1e-3)


# --- UTM --------------------------------------------------------------------------------------------


def _utm(lat: float, lon: float, zone: str) -> tuple[float, float]:
    """Easting and northing of a point, projected independently of the module under test."""
    number, southern = int(zone[:-1]), zone.endswith("S")
    to_utm = Transformer.from_crs(4326, (32700 if southern else 32600) + number, always_xy=True)
    return to_utm.transform(lon, lat)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("18S", (18, True)),
        ("18 S", (18, True)),
        ("18s", (18, True)),
        ("18 sur", (18, True)),
        ("18", (18, True)),  # a bare number is southern
        ("18L", (18, True)),
        ("19 k", (19, True)),
        ("17M", (17, True)),
        ("18C", (18, True)),
        ("17N", (17, False)),
        ("17 norte", (17, False)),
        ("17P", (17, False)),
        ("  17\u00a0N ", (17, False)),
    ],
)
def test_a_zone_is_read_in_every_way_it_is_written(zone, expected):
    assert parse_zone(zone) == expected


@pytest.mark.parametrize("zone", ["", "S", "S18", "0S", "61S", "18Z", "18A", "18I", "18O", "18 SS", "1 8S", "18.5"])
def test_an_unknown_zone_is_refused(zone):
    assert _reason(lambda: parse_zone(zone)) == "coords.utm_zone"


@pytest.mark.parametrize(
    ("easting", "northing", "zone"),
    [
        ("583123.5", "8545000", "18S"),
        ("583123,5", "8545000,0", "18 S"),
        (583123.5, 8545000, "18L"),
        ("583 123,5", "8\u00a0545\u00a0000", "18"),
    ],
)
def test_utm_metres_are_read_with_dot_or_comma(easting, northing, zone):
    lat, lon = from_utm(easting, northing, zone)
    lon_expected, lat_expected = Transformer.from_crs(32718, 4326, always_xy=True).transform(583123.5, 8545000)
    assert (lat, lon) == pytest.approx((lat_expected, lon_expected), abs=1e-9)
    assert zone_of(lat, lon) == "18S"


@pytest.mark.parametrize(
    ("easting", "northing", "reason"),
    [
        ("8545000", "583123", "coords.utm_swapped"),
        ("50", "8545000", "coords.utm_out_of_range"),
        ("583123", "-10", "coords.utm_out_of_range"),
        ("583123", "10000001", "coords.utm_out_of_range"),
        ("583.123.5", "8545000", "coords.utm_not_number"),
        ("", "8545000", "coords.utm_not_number"),
        ("583123", float("nan"), "coords.utm_not_number"),
    ],
)
def test_bad_utm_metres_are_refused(easting, northing, reason):
    assert _reason(lambda: from_utm(easting, northing, "18S")) == reason


def _zone_text(zone: str, lat: float, draw) -> str:
    """The zone as a person writes it: "18S", "18 S", "18 sur", "18", or with its latitude band."""
    number = zone[:-1]
    if zone.endswith("N"):
        band = "NPQRTUVWX"[int(lat // 8)]
        return draw(st.sampled_from([zone, f"{number} N", f"{number} norte", f"{number}{band}"]))
    band = "CDEFGHJKLM"[min(int((lat + 80) // 8), 9)]  # min(): -1e-47 + 80 rounds to 80
    return draw(st.sampled_from([zone, f"{number} S", f"{number} sur", number, f"{number}{band}"]))


@given(data=st.data(), lat=LATITUDES, lon=LONGITUDES)
def test_any_point_given_in_its_utm_zone_reads_back(data, lat, lon):
    zone = zone_of(lat, lon)
    easting, northing = _utm(lat, lon, zone)
    east, north = f"{easting:.3f}", f"{northing:.3f}"
    if data.draw(st.booleans()):
        east, north = east.replace(".", ","), north.replace(".", ",")
    got = from_utm(east, north, _zone_text(zone, lat, data.draw))
    assert got == pytest.approx((lat, lon), abs=1e-6)


def test_the_zones_of_each_country():
    assert expected_utm_zones("PE") == {"17S", "18S", "19S"}
    assert expected_utm_zones("BO") == {"19S", "20S", "21S"}
    assert {"15N", "15S", "17N", "17S", "18S"} <= expected_utm_zones("EC")
    assert expected_utm_zones("PE-AYA") == {"18S"}
    assert expected_utm_zones("PE-CUS") == {"18S", "19S"}
    assert expected_utm_zones("XX-ZZZ") == set()


@pytest.mark.parametrize(
    ("zone", "region", "flagged"),
    [
        ("18S", "PE-AYA", False),
        ("18L", "PE-AYA", False),
        ("18", "PE-AYA", False),
        ("17S", "PE-AYA", True),
        ("19S", "PE-AYA", True),
        ("18N", "PE-AYA", True),
        ("19S", "PE-CUS", False),
        ("17S", "PE", False),
        ("20S", "PE", True),
        ("17N", "EC-C", False),
        ("17S", "EC-C", True),
        ("19S", None, False),
        ("19S", "XX-ZZZ", False),
    ],
)
def test_a_utm_zone_the_region_does_not_span_is_flagged(zone, region, flagged):
    issues = check_zone(zone, region, row=3, field="zona")
    assert bool(issues) == flagged
    if flagged:
        assert [(i.row, i.field, i.reason, i.severity) for i in issues] == [
            (3, "zona", "coords.utm_zone_unexpected", FLAG)
        ]
        assert issues[0].message("es").startswith(f"La zona UTM {parse_zone(zone)[0]}")


def test_every_region_has_an_extent_inside_its_country():
    assert set(REGION_EXTENTS) == set(regions())
    frame = outlines().set_index("iso_a2")
    for region, (west, south, east, north) in REGION_EXTENTS.items():
        if region == "EC-W":  # the bundled outlines stop at 82° W, short of the Galápagos
            continue
        c_west, c_south, c_east, c_north = frame.loc[[region[:2]]].total_bounds
        assert west < east and south < north, region
        assert c_west - 0.3 <= west and east <= c_east + 0.3, region
        assert c_south - 0.3 <= south and north <= c_north + 0.3, region


def test_every_demo_community_lies_in_its_regions_extent(small_dataset):
    communities = small_dataset.communities
    for region, point in zip(communities["region"].astype(str), communities.geometry, strict=True):
        west, south, east, north = REGION_EXTENTS[region]
        assert west <= point.x <= east and south <= point.y <= north, (region, point)
        assert zone_of(point.y, point.x) in expected_utm_zones(region), region


# --- check_point ------------------------------------------------------------------------------------


def _boundaries(code: str, name: str, polygon) -> gpd.GeoDataFrame:
    """A hand-made boundaries layer: one region polygon and one district the check must ignore."""
    return gpd.GeoDataFrame(
        {
            "boundary_id": [f"region-{code}", "district-050101"],
            "level": ["region", "district"],
            "code": [code, "050101"],
            "name": [name, "Ayacucho"],
        },
        geometry=[polygon, box(-71.0, -14.0, -70.0, -13.0)],
        crs=CRS,
    )


AYACUCHO = _boundaries("PE-AYA", "Ayacucho", box(-75.2, -15.7, -73.0, -12.0))
AYACUCHO_INEI = _boundaries("05", "AYACUCHO", box(-75.2, -15.7, -73.0, -12.0))  # INEI's own code, upper case


@pytest.mark.parametrize(
    ("lat", "lon", "options", "expected"),
    [
        (*HUAMANGA, {}, []),
        (*HUAMANGA, {"country": "PE", "region": "PE-AYA"}, []),
        (*LA_PAZ, {"country": "BO"}, []),
        (*QUITO, {"country": "EC"}, []),
        (0.0, 0.0, {}, [("coords.null_island", REJECT)]),
        (0, 0, {"country": "PE"}, [("coords.null_island", REJECT)]),
        (math.nan, -74.22, {}, [("coords.point_missing", REJECT)]),
        (-13.16, None, {}, [("coords.point_missing", REJECT)]),
        (95.0, -74.22, {}, [("coords.point_out_of_range", REJECT)]),
        (-13.16, -274.22, {}, [("coords.point_out_of_range", REJECT)]),
        (-13.16, math.inf, {}, [("coords.point_out_of_range", REJECT)]),
        (-12.0, -80.0, {}, [("coords.outside_countries", REJECT)]),  # the Pacific off Lima
        (-12.0, -80.0, {"country": "PE"}, [("coords.outside_countries", REJECT)]),
        (-34.6, -58.4, {}, [("coords.outside_countries", REJECT)]),  # Buenos Aires
        (*LA_PAZ, {"country": "PE"}, [("coords.outside_country", REJECT)]),
        (*HUAMANGA, {"region": "BO-L"}, [("coords.outside_country", REJECT)]),  # the country comes from the region
        (-74.22, -13.16, {}, [("coords.swapped", REJECT)]),
        (-74.22, -13.16, {"country": "PE"}, [("coords.swapped", REJECT)]),
        (13.16, -74.22, {"country": "PE"}, [("coords.signs_lost", REJECT)]),
        (-13.16, 74.22, {}, [("coords.signs_lost", REJECT)]),
        (13.16, 74.22, {}, [("coords.signs_lost", REJECT)]),
        (*HUAMANGA, {"accuracy_m": 5.0}, []),
        (*HUAMANGA, {"accuracy_m": MAX_ACCURACY_M}, []),
        (*HUAMANGA, {"accuracy_m": 150.0}, [("coords.low_accuracy", FLAG)]),
        (*HUAMANGA, {"accuracy_m": math.nan}, []),
        (0.0, 0.0, {"accuracy_m": 4000.0}, [("coords.null_island", REJECT), ("coords.low_accuracy", FLAG)]),
        (*HUAMANGA, {"region": "PE-AYA", "boundaries": AYACUCHO}, []),
        (*CUSCO, {"region": "PE-AYA", "boundaries": AYACUCHO}, [("coords.outside_region", FLAG)]),
        (*CUSCO, {"region": "PE-AYA", "boundaries": AYACUCHO_INEI}, [("coords.outside_region", FLAG)]),
        (-12.005, -74.22, {"region": "PE-AYA", "boundaries": AYACUCHO}, []),  # 0.5 km past a generalised edge
        (*CUSCO, {"region": "PE-CUS", "boundaries": AYACUCHO}, []),  # no polygon for Cusco: nothing to say
        (*CUSCO, {"region": "PE-AYA"}, []),  # no boundaries layer: nothing to say
        (-74.22, -13.16, {"boundaries": AYACUCHO}, [("coords.swapped_in", REJECT)]),
    ],
)
def test_check_point(lat, lon, options, expected):
    issues = check_point(lat, lon, row=12, field="punto", **options)
    assert [(issue.reason, issue.severity) for issue in issues] == expected
    for issue in issues:
        assert (issue.row, issue.field) == (12, "punto")
        assert all(issue.message(lang) for lang in LANGUAGES)


def test_swapped_coordinates_offer_the_repair_and_name_the_region():
    [issue] = check_point(-74.2, -13.1, boundaries=AYACUCHO)
    assert issue.message("es") == (
        "Latitud y longitud parecen intercambiadas: (-74.2, -13.1) cae fuera de Perú, Bolivia y Ecuador;"
        " al revés, (-13.1, -74.2), cae en Ayacucho."
    )
    assert swapped(-74.2, -13.1) == (-13.1, -74.2)
    assert swapped(-74.2, -13.1, "BO") is None  # swapped, it is in Peru, not in the stated Bolivia
    assert swapped(*HUAMANGA) is None  # already inside
    assert swapped(-12.0, -80.0) is None  # at sea either way


def test_lost_minus_signs_are_restored_only_by_adding_a_minus():
    assert signs_restored(13.16, -74.22) == (-13.16, -74.22)
    assert signs_restored(13.16, 74.22) == (-13.16, -74.22)
    assert signs_restored(*HUAMANGA) is None
    assert signs_restored(0.35, -78.12) is None  # Ibarra, Ecuador: north of the equator is inside


def test_the_messages_quote_the_point_and_the_limit():
    [flag] = check_point(*HUAMANGA, accuracy_m=250.5)
    assert flag.message("es") == "La precisión del GPS es de 250.5 m, peor que 100 m: el punto puede estar desplazado."
    [outside] = check_point(*LA_PAZ, country="PE")
    assert outside.message("en") == "The point (-16.5, -68.15) falls in BO, not in the stated country (PE)."
    [region] = check_point(*CUSCO, region="PE-AYA", boundaries=AYACUCHO)
    assert "Ayacucho" in region.message("es")


def test_a_boundaries_layer_in_another_crs_is_reprojected():
    projected = AYACUCHO.to_crs(32718)
    assert check_point(*HUAMANGA, region="PE-AYA", boundaries=projected) == []
    assert [i.reason for i in check_point(*CUSCO, region="PE-AYA", boundaries=projected)] == ["coords.outside_region"]
