"""Shareable links: the filter and map view survive the URL, and a bad link never breaks the app."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.address import BAD_VALUE, BASEMAPS, UNKNOWN_PARAMETER, MapView, decode, encode, keys
from dashboard.data.vocab import COUNTRIES, VOCABULARIES, regions
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.i18n import LANGUAGES
from dashboard.map.layers import LAYER_CODES

# database=None: failing examples are not stored; deadline=None: the first call reads pycountry
PROPERTY = settings(max_examples=200, deadline=None, database=None)


def test_the_module_does_not_need_streamlit():
    # a fresh interpreter: other test modules in this session may have imported Streamlit already
    code = "import sys, dashboard.address; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1]
    )
    assert result.stdout.strip() == "False"


def test_every_field_has_one_distinct_key():
    filter_fields = {f.name for f in fields(Filters)} - {"codes"} | set(CRITERIA)
    view_fields = {f.name for f in fields(MapView)} - {"centre"} | {"centre_lat", "centre_lon"}
    assert set(keys()) == filter_fields | view_fields
    assert len(set(keys().values())) == len(keys())


def test_defaults_encode_to_nothing():
    assert encode(Filters(), MapView()) == {}
    assert decode({}) == (Filters(), MapView(), [])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(regions=("PE-AYA", "PE-PUN")), {"region": "PE-AYA,PE-PUN"}),
        (Filters(countries=("PE", "BO")), {"pais": "PE,BO"}),
        (
            Filters(provinces=("La Convención",), districts=("San Juan Bautista",)),
            {"provincia": "La Convención", "distrito": "San Juan Bautista"},
        ),  # not quoted here
        (
            Filters(crops=("papa_nativa", "oca"), livestock=("alpaca",), partners=("cedap",)),
            {"cultivo": "papa_nativa,oca", "crianza": "alpaca", "socio": "cedap"},
        ),
        (
            Filters(
                domains=("soil_fertility",),
                pid_stages=("spreading",),
                innovator_types=("woman",),
                natural_regions=("puna",),
            ),
            {"ambito": "soil_fertility", "etapa": "spreading", "innovador": "woman", "piso": "puna"},
        ),
        (Filters(year_from=2015, year_to=2025), {"desde": "2015", "hasta": "2025"}),
        (Filters(year_to=2000), {"hasta": "2000"}),
        (Filters(text="  chuño, moraya  "), {"q": "chuño, moraya"}),
        (Filters(text="x" * 250), {"q": "x" * 200}),
        (Filters(text="   "), {}),
        (
            Filters(area=((-74.1234567, -13.0), (-74.0, -13.5), (-73.5, -13.00001))),
            {"area": "-74.12346 -13;-74 -13.5;-73.5 -13.00001"},
        ),
        (Filters(bounds=(-75.0, -14.25, -73.0, -12.000004)), {"vista_limites": "-75,-14.25,-73,-12"}),
    ],
)
def test_encode_filters(filters, expected):
    assert encode(filters, MapView()) == expected


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (MapView(centre=(-13.16, -74.22), zoom=8), {"lat": "-13.16", "lon": "-74.22", "zoom": "8"}),
        (MapView(centre=(0.000001, 1e-5)), {"lat": "0", "lon": "0.00001"}),  # never "1e-05"
        (MapView(layers=("points", "heatmap")), {"capas": "points,heatmap"}),
        (MapView(layers=()), {"capas": ""}),
        (MapView(basemap="topo"), {"fondo": "topo"}),
        (MapView(language="en"), {"idioma": "en"}),
        (MapView(language="es"), {}),  # Spanish, the default, is left out: older links stay as they are
    ],
)
def test_encode_view(view, expected):
    assert encode(Filters(), view) == expected


def test_encode_writes_keys_in_registry_order():
    params = encode(Filters(text="papa", regions=("PE-AYA",)), MapView(zoom=5, centre=(1.0, 2.0)))
    assert list(params) == ["region", "q", "lat", "lon", "zoom"]


ODD_PLACES = Filters(
    provinces=("Lucanas, Ayacucho", "A&B=C", "100% andino", "Ñuñoa %2C"),
    districts=("San Juan, Bautista", "Ayaviri,Melgar,Puno", "Cañete & Yauyos", "a=b%"),
    partners=("cedap, wn",),
)


def test_a_comma_inside_a_value_is_escaped_not_refused():
    params = encode(ODD_PLACES, MapView())
    assert params["provincia"] == "Lucanas%2C Ayacucho,A&B=C,100%25 andino,Ñuñoa %252C"
    assert params["socio"] == "cedap%2C wn"
    assert decode(params) == (ODD_PLACES, MapView(), [])
    address = urlencode(params)  # as the browser shows it ("&" and "=" inside names percent-encoded)
    assert decode(dict(parse_qsl(address))) == (ODD_PLACES, MapView(), [])


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Lucanas%2C Ayacucho,Huanta", ("Lucanas, Ayacucho", "Huanta")),
        ("Lucanas%2c Ayacucho", ("Lucanas, Ayacucho",)),  # a hand-typed lower-case escape
        ("100% andino,50%", ("100% andino", "50%")),  # a bare "%" of an older link stays as it is
        ("a%41b", ("a%41b",)),  # only the two escapes `encode` writes are read back
        ("x%252C", ("x%2C",)),
    ],
)
def test_escapes_inside_an_item_are_read_back(value, names):
    assert decode({"provincia": value}) == (Filters(provinces=names), MapView(), [])


BAD, UNKNOWN = BAD_VALUE, UNKNOWN_PARAMETER


@pytest.mark.parametrize(
    ("params", "filters", "notices"),
    [
        ({"region": "PE-AYA,XX-YY"}, Filters(regions=("PE-AYA",)), [("region", BAD)]),
        ({"region": " PE-AYA , ,PE-PUN,"}, Filters(regions=("PE-AYA", "PE-PUN")), []),
        ({"region": "pe-aya"}, Filters(), [("region", BAD)]),
        ({"pais": "PE,CL,BO"}, Filters(countries=("PE", "BO")), [("pais", BAD)]),
        ({"cultivo": "quinua,tomate,coca"}, Filters(crops=("quinua",)), [("cultivo", BAD), ("cultivo", BAD)]),
        ({"piso": "puna,selva"}, Filters(natural_regions=("puna",)), [("piso", BAD)]),
        (
            {"provincia": "  La Convención ", "socio": "cedap, ,"},
            Filters(provinces=("La Convención",), partners=("cedap",)),
            [],
        ),
        ({"desde": "dos mil"}, Filters(), [("desde", BAD)]),
        ({"desde": "1949", "hasta": "2101"}, Filters(), [("desde", BAD), ("hasta", BAD)]),
        ({"desde": "2020", "hasta": "2010"}, Filters(), [("desde", BAD), ("hasta", BAD)]),
        ({"desde": "2010", "hasta": "2010"}, Filters(year_from=2010, year_to=2010), []),
        ({"desde": "2e3"}, Filters(), [("desde", BAD)]),
        ({"desde": "２０２０"}, Filters(), [("desde", BAD)]),  # full-width digits
        ({"hasta": "9" * 5000}, Filters(), [("hasta", BAD)]),
        ({"desde": ""}, Filters(), []),  # an empty value is a missing key
        ({"q": "<script>alert(1)</script>"}, Filters(text="<script>alert(1)</script>"), []),
        ({"q": "  papa  "}, Filters(text="papa"), []),
        ({"q": "ñ" * 300}, Filters(text="ñ" * 200), []),
        ({"area": "1 2;3"}, Filters(), [("area", BAD)]),
        ({"area": "1 2;3 4"}, Filters(), [("area", BAD)]),
        ({"area": "1 2;3 4;5 95"}, Filters(), [("area", BAD)]),
        ({"area": "1 2;3 4;nan 5"}, Filters(), [("area", BAD)]),
        ({"area": "1,5 2;3 4;5 6"}, Filters(), [("area", BAD)]),
        ({"area": ";".join(["1 2"] * 201)}, Filters(), [("area", BAD)]),
        (
            {"area": "-74 -13; -73.5 -13.5 ;-73.123456 -13"},
            Filters(area=((-74.0, -13.0), (-73.5, -13.5), (-73.12346, -13.0))),
            [],
        ),
        ({"vista_limites": "-75,-14,-73,-12"}, Filters(bounds=(-75.0, -14.0, -73.0, -12.0)), []),
        ({"vista_limites": "-73,-14,-75,-12"}, Filters(), [("vista_limites", BAD)]),
        ({"vista_limites": "-75,-14,-73"}, Filters(), [("vista_limites", BAD)]),
        ({"vista_limites": "-75,-14,-73,inf"}, Filters(), [("vista_limites", BAD)]),
        ({"vista_limites": "-181,-14,-73,-12"}, Filters(), [("vista_limites", BAD)]),
        ({"foo": "bar"}, Filters(), [("foo", UNKNOWN)]),
        ({"Region": "PE-AYA", "": ""}, Filters(), [("Region", UNKNOWN), ("", UNKNOWN)]),
    ],
)
def test_decode_filters(params, filters, notices):
    got_filters, got_view, got_notices = decode(params)
    assert (got_filters, got_view) == (filters, MapView())
    assert [(n.parameter, n.reason) for n in got_notices] == notices


@pytest.mark.parametrize(
    ("params", "view", "notices"),
    [
        ({"lat": "-13.5"}, MapView(), [("lat", BAD)]),
        ({"lat": "-13.5", "lon": "200"}, MapView(), [("lat", BAD), ("lon", BAD)]),
        ({"lat": "1e1", "lon": "-74"}, MapView(), [("lat", BAD), ("lon", BAD)]),
        ({"lat": "nan", "lon": "-inf"}, MapView(), [("lat", BAD), ("lon", BAD)]),
        ({"lat": "-13.5", "lon": "-74.000001"}, MapView(centre=(-13.5, -74.0)), []),
        ({"zoom": "99"}, MapView(), [("zoom", BAD)]),
        ({"zoom": "0"}, MapView(), [("zoom", BAD)]),
        ({"zoom": "7.5"}, MapView(), [("zoom", BAD)]),
        ({"zoom": "18"}, MapView(zoom=18), []),
        ({"capas": ""}, MapView(layers=()), []),  # explicitly no layers, unlike a missing key
        ({"capas": "heatmap,lava,links"}, MapView(layers=("heatmap", "links")), [("capas", BAD)]),
        ({"fondo": "google"}, MapView(), [("fondo", BAD)]),
        ({"fondo": "satellite"}, MapView(basemap="satellite"), []),
        ({"idioma": "en"}, MapView(language="en"), []),
        ({"idioma": "es"}, MapView(), []),
        ({"idioma": "klingon"}, MapView(), [("idioma", BAD)]),
        ({"idioma": "../es"}, MapView(), [("idioma", BAD)]),  # never read as a file name
        ({"idioma": "EN"}, MapView(), [("idioma", BAD)]),
    ],
)
def test_decode_view(params, view, notices):
    got_filters, got_view, got_notices = decode(params)
    assert (got_filters, got_view) == (Filters(), view)
    assert [(n.parameter, n.reason) for n in got_notices] == notices


def test_notices_follow_the_registry_then_unknown_keys():
    notices = decode({"foo": "1", "zoom": "x", "region": "ZZ"})[2]
    assert [(n.parameter, n.reason) for n in notices] == [("region", BAD), ("zoom", BAD), ("foo", UNKNOWN)]


@pytest.mark.parametrize(
    ("params", "values"),
    [
        ({"region": "PE-AYA,XX-YY"}, ["XX-YY"]),
        ({"cultivo": "quinua, tomate ,coca"}, ["tomate", "coca"]),
        ({"desde": " dos mil "}, ["dos mil"]),
        ({"foo": "bar"}, ["bar"]),
    ],
)
def test_a_notice_names_the_ignored_value(params, values):
    assert [n.value for n in decode(params)[2]] == values


# Valid values: codes from the vocabularies, coordinates already on the 5-decimal grid.
def _codes(values) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(sorted(values)), max_size=4).map(tuple)


_names = (
    (st.text(min_size=1, max_size=30) | st.text(alphabet=",%2Cc5 ", min_size=1, max_size=8)).map(str.strip).filter(bool)
)
_lons = st.integers(-180 * 10**5, 180 * 10**5).map(lambda n: n / 10**5)
_lats = st.integers(-90 * 10**5, 90 * 10**5).map(lambda n: n / 10**5)
_optional_year = st.none() | st.integers(1950, 2100)
_polygons = st.lists(st.tuples(_lons, _lats), min_size=3, max_size=200).map(tuple)


@st.composite
def valid_filters(draw) -> Filters:
    start, end = draw(_optional_year), draw(_optional_year)
    if start is not None and end is not None and start > end:
        start, end = end, start
    bounds = None
    if draw(st.booleans()):
        west, east = sorted(draw(st.lists(_lons, min_size=2, max_size=2, unique=True)))
        south, north = sorted(draw(st.lists(_lats, min_size=2, max_size=2, unique=True)))
        bounds = (west, south, east, north)
    return Filters(
        countries=draw(_codes(COUNTRIES)),
        regions=draw(_codes(regions())),
        provinces=draw(st.lists(_names, max_size=3).map(tuple)),
        districts=draw(st.lists(_names, max_size=3).map(tuple)),
        crops=draw(_codes(VOCABULARIES["crop"].codes)),
        livestock=draw(_codes(VOCABULARIES["livestock"].codes)),
        partners=draw(st.lists(_names, max_size=3).map(tuple)),
        domains=draw(_codes(VOCABULARIES["domain"].codes)),
        pid_stages=draw(_codes(VOCABULARIES["pid_stage"].codes)),
        innovator_types=draw(_codes(VOCABULARIES["innovator_type"].codes)),
        natural_regions=draw(_codes(VOCABULARIES["natural_region"].codes)),
        year_from=start,
        year_to=end,
        text=draw(st.text(max_size=200).map(str.strip)),
        area=draw(st.just(()) | _polygons),
        bounds=bounds,
    )


valid_views = st.builds(
    MapView,
    centre=st.none() | st.tuples(_lats, _lons),
    zoom=st.none() | st.integers(1, 18),
    layers=_codes(LAYER_CODES),
    basemap=st.sampled_from(BASEMAPS),
    language=st.sampled_from(LANGUAGES),
)


@PROPERTY
@given(valid_filters(), valid_views)
def test_a_valid_view_survives_the_link(filters, view):
    assert decode(encode(filters, view)) == (filters, view, [])


_hostile = st.sampled_from(
    [
        "",
        " ",
        ",",
        ";",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "9" * 400,
        "-0",
        "0x10",
        "١٢",
        "PE-AYA,",
        "\x00",
        "1 2;3 4;5 6",
        "-75,-14,-73,-12",
    ]
)
_any_params = st.dictionaries(
    st.sampled_from(list(keys().values())) | st.text(max_size=10),
    _hostile | st.text(max_size=40) | st.text(alphabet="0123456789.-, ;", max_size=40),
    max_size=12,
)


@PROPERTY
@given(_any_params)
def test_decode_never_raises_and_what_it_keeps_is_shareable(params):
    filters, view, notices = decode(params)
    assert isinstance(filters, Filters) and isinstance(view, MapView)
    assert all(n.parameter in params for n in notices)
    assert {n.reason for n in notices} <= {BAD_VALUE, UNKNOWN_PARAMETER}
    assert decode(encode(filters, view)) == (filters, view, [])


# Text a link carries, written to be shown as a phishing link, an outside image, raw HTML, bare addresses.
HOSTILE_LINK_TEXT = {
    "region": "[Inicie sesión aquí](http://evil.example/login)",
    "cultivo": "![t](http://evil.example/t.png)",
    "foo": "<img src=http://evil.example/x.png> www.evil.example soporte@evil.example",
    "[clic](http://evil.example/p)": "1",  # the parameter's name is the link's text too
    "zoom": "`` ` `` **negrita** _x_ $x^2$ :red[rojo] \n\n[salto](http://evil.example/n)",
}


def _outside_code(markdown: str) -> str:
    """What Markdown reads as syntax: the text with its inline code spans taken out."""
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown, flags=re.DOTALL)


def test_a_notice_shows_link_text_as_written_never_as_markdown(small_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.paths import PACKAGE, STORE_ENV
    from dashboard.safe_text import literal

    monkeypatch.setenv(STORE_ENV, str(small_store))
    at = AppTest.from_file(str(PACKAGE / "app.py"), default_timeout=60)
    for key, value in HOSTILE_LINK_TEXT.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    toasts = [toast.value for toast in at.toast]
    assert len(toasts) == len(HOSTILE_LINK_TEXT)
    for toast in toasts:
        syntax = _outside_code(toast)
        assert not any(mark in syntax for mark in ("[", "]", "<", "://", "www.", "@", "*", "_", "$", "`")), toast
    shown = " ".join(toasts)
    for key, value in HOSTILE_LINK_TEXT.items():  # each named as written (an unknown parameter by its name only)
        assert f"«{literal(value)}»" in shown or f"«{literal(key)}»" in shown


@pytest.mark.parametrize(
    ("value", "markdown"),
    [
        ("PE-PUN,PE-AYA", "PE-PUN,PE-AYA"),
        ("dos mil", "dos mil"),
        ("", ""),
        ("a_b", "` a_b `"),
        ("[x](http://e.example)", "` [x](http://e.example) `"),
        ("`x`", "`` `x` ``"),
        ("a ``` b", "```` a ``` b ````"),
        ("uno\n\ndos", "uno dos"),  # a line break could end a code span: whitespace becomes one space
    ],
)
def test_literal_keeps_plain_words_and_puts_anything_else_in_code(value, markdown):
    from dashboard.safe_text import literal

    assert literal(value) == markdown


@given(st.text())
@PROPERTY
def test_literal_leaves_no_markdown_outside_its_code_span(text):
    from dashboard.safe_text import literal

    shown = literal(text)
    outside = _outside_code(shown)
    assert outside == "" or outside == shown and re.fullmatch(r"[^\W_]+(?:[ ,-]+[^\W_]+)*", outside)
