"""The standalone map file: self-contained, offline, in the chosen language, private and inert."""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import folium
import numpy as np
import pandas as pd
import pytest

from dashboard import palette
from dashboard.data import demo, store
from dashboard.data.privacy import public_points
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map import pointcodec
from dashboard.map.details import innovation_details
from dashboard.map.layers import region_counts
from dashboard.map.offline import ASSETS
from dashboard.pack import nearby
from dashboard.pack.inline import inline_assets
from dashboard.pack.standalone import DETAIL_FIELDS, detail_payload, script_json, standalone_map
from dashboard.paths import OUTLINES
from dashboard.safe_text import for_map
from tests.browser import ARTIFACTS, Watch
from tests.handmade import handmade_dataset

HOSTILE_TITLE = (
    "Qocha <img src=x onerror=alert(1)> <script>alert(2)</script> `${alert(3)}` "
    "C:\\datos\\2019 \"comillas\" 'simples' <!-- Ñawpa año\u2028Zxqv"
)
HOSTILE_DESCRIPTION = "Descripción <b onmouseover=alert(4)>hostil</b> ${document.title} fin."
HOSTILE_COMMUNITY = "Comunidad </script><script>alert(5)</script> ${alert(6)}"
MADE = datetime.date(2025, 6, 1)
ALL_LAYERS = ("points", "regions", "heatmap", "links", "choropleth")
EVERYTHING = Filters()
NETWORK_CALLS = r"\bfetch\s*\(|XMLHttpRequest|importScripts|\bimport\s*\(|sendBeacon|WebSocket"


class Page(HTMLParser):
    """Every tag with its attributes, and the text of each <script> and <style> element."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._open: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._open == "script":
            self.scripts.append(data)
        elif self._open == "style":
            self.styles.append(data)

    def handle_endtag(self, tag):
        self._open = None


def _selection(data, filters: Filters = EVERYTHING) -> Selection:
    index = FilterIndex.build(data.innovations, data.communities)
    names = dict(zip(data.partners["partner_id"], data.partners["name"], strict=True))
    return Selection(data, index, filters, mask(data.innovations, index, filters), names)


def _page(
    data, lang="es", title="Todas las innovaciones", layers=("points", "regions"), filters: Filters = EVERYTHING
) -> str:
    return standalone_map(_selection(data, filters), lang, title, layers, made=MADE).decode("utf-8")


@pytest.fixture(scope="module")
def hostile_data():
    """80 demo innovations; one public record has a hostile title, description and community."""
    data = demo.build(80, seed=11)
    row = int(data.innovations["consent_public"].to_numpy().argmax())
    data.innovations.loc[row, "title"] = HOSTILE_TITLE
    data.innovations.loc[row, "description"] = HOSTILE_DESCRIPTION
    community = data.innovations.loc[row, "community_id"]
    data.communities.loc[data.communities["community_id"] == community, "name"] = HOSTILE_COMMUNITY
    return data


@pytest.mark.parametrize("layers", [("points", "regions"), ALL_LAYERS])
def test_the_page_names_nothing_on_the_internet(hostile_data, layers):
    html = _page(hostile_data, layers=layers)
    page = Page(html)
    linked = [
        (tag, name, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href", "action", "srcset", "data") and value
    ]
    assert linked == []  # no script, stylesheet, image or link of any kind: everything is inline
    assert not [tag for tag, _ in page.tags if tag in ("link", "iframe", "img", "object", "embed")]
    for code in page.scripts:
        assert not re.search(NETWORK_CALLS, code)
    for style in page.styles:
        assert "@import" not in style
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", style):
            assert target.startswith("data:") or target == "#default#VML", target
    assert "/app/static" not in html


@pytest.mark.parametrize(
    ("layers", "inlined", "left_out"),
    [
        (("points",), ["leaflet", "markerclusterjs"], ["leaflet-heat.js", "leaflet_draw_js"]),
        (("regions",), ["leaflet"], ["markerclusterjs", "leaflet-heat.js", "leaflet_draw_js"]),
        (("heatmap", "links"), ["leaflet", "leaflet-heat.js"], ["markerclusterjs", "leaflet_draw_js"]),
    ],
)
def test_leaflet_and_the_plugins_the_layers_need_are_inlined(hostile_data, layers, inlined, left_out):
    html = _page(hostile_data, layers=layers)
    scripts = Page(html).scripts
    for name in inlined:
        assert ASSETS[name].file.read_text(encoding="utf-8") in scripts, name
    for name in left_out:
        assert ASSETS[name].file.read_text(encoding="utf-8")[:400] not in html, name
    assert 't.version="1.9.3"' in html
    layers_icon = base64.b64encode(ASSETS["leaflet_layers_png"].file.read_bytes()).decode()
    assert f"url(data:image/png;base64,{layers_icon})" in html  # the layer control's icon, as data


def test_the_country_outlines_are_embedded(hostile_data):
    html = _page(hostile_data)
    assert script_json(json.loads(OUTLINES.read_text(encoding="utf-8"))) in html
    for code in ("PE", "BO", "EC"):
        assert f'"iso_a2":"{code}"' in html


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        (
            "es",
            [
                "agua y riego",
                "Ámbito",
                "80 de 80 innovaciones",
                "Mapa generado el 2025-06-01",
                "datos ilustrativos",
                "Área proporcional al número de innovaciones",
                '<html lang="es">',
            ],
            ["water management", "illustrative data"],
        ),
        (
            "en",
            [
                "water management and irrigation",
                "Domain",
                "80 of 80 innovations",
                "Map made on 2025-06-01",
                "illustrative data",
                '<html lang="en">',
            ],
            ["agua y riego", "datos ilustrativos"],
        ),
    ],
)
def test_legend_count_and_caption_speak_the_chosen_language(hostile_data, lang, expected, absent):
    html = _page(hostile_data, lang=lang)
    for text in expected:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_real_data_carry_no_illustrative_warning():
    data = handmade_dataset()
    assert not data.is_demo
    html = _page(data)
    assert "datos ilustrativos" not in html and "6 de 6 innovaciones" in html


def test_hostile_title_description_and_community_are_inert(hostile_data):
    html = _page(hostile_data, title=HOSTILE_TITLE, layers=ALL_LAYERS)
    plain = _page(hostile_data, title="Título", layers=ALL_LAYERS)
    for raw in (
        "<script>alert",
        "<img src=x",
        "<b onmouseover",
        "${",
        "`${",
        "<!-- Ñawpa",
        "</script><script>",
        "C:\\datos",
    ):
        assert html.count(raw) == plain.count(raw), raw  # only where the map's own templates write it
    # a raw U+2028 ends a line of JavaScript in older engines
    assert not [code for code in Page(html).scripts if "\u2028" in code]
    tags, plain_tags = Page(html).tags, Page(plain).tags
    assert [tag for tag, _ in tags] == [tag for tag, _ in plain_tags]  # the text made no element
    assert "Descripción" not in html and "hostil" not in html  # descriptions never travel


def test_hostile_text_survives_as_data_in_the_popup_payload(hostile_data):
    selection = _selection(hostile_data)
    payload = detail_payload(selection, "es")
    row = str(int(hostile_data.innovations["title"].eq(HOSTILE_TITLE).to_numpy().argmax()))
    assert payload[row][:2] == [HOSTILE_TITLE, HOSTILE_COMMUNITY]
    assert json.loads(script_json(payload)) == payload
    page = standalone_map(selection, "es", "x", ("points",), made=MADE).decode()
    assert script_json(payload) in page


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "<!--",
        "`${alert(2)}`",
        "línea\u2028otra\u2029fin",
        "'simples' & \"dobles\"",
        "C:\\datos\\2019",
        "Ñawpa año",
    ],
)
def test_script_json_keeps_text_as_data_inside_a_script_element(text):
    written = script_json({"t": text})
    assert json.loads(written) == {"t": text}
    for unsafe in ("</", "<!--", "${", "`", "\u2028", "\u2029", "<", ">", "&"):
        assert unsafe not in written


def test_detail_payload_holds_only_the_allow_listed_fields():
    data = handmade_dataset()
    payload = detail_payload(_selection(data), "en")
    assert len(DETAIL_FIELDS) == 7 and "innovator_name" not in DETAIL_FIELDS
    row_a, row_f = (int(data.innovations["innovation_id"].eq(i).to_numpy().argmax()) for i in ("INN-A", "INN-F"))
    assert payload[str(row_a)] == [
        "Qochas para la papa",
        "Huanta",
        None,
        "Ayacucho",
        "water management and irrigation",
        2010,
        "documented",
    ]
    # F has no public consent: the handed-out file names only the area it is shown in, as the record card does
    card = innovation_details(data, row_f, "en", {})
    assert payload[str(row_f)] == [
        "Riego por turnos",
        None,
        card[t("generalised.card", "en")],
        None,
        "water management and irrigation",
        2008,
        "documented",
    ]
    assert card[t("generalised.card", "en")] == "the whole atlas"
    assert set(payload) == {str(r) for r in range(len(data.innovations))}
    in_puno = detail_payload(_selection(data, Filters(regions=("PE-PUN",))), "es")
    titles = [values[0] for values in in_puno.values()]
    assert titles == ["Semillas de hace años", "Botiquín para alpacas"]


def _numbers(html: str, value: float) -> bool:
    """Whether `value`, at 4 or 5 decimals, is written as a whole number anywhere in `html`."""
    written = (re.escape(str(round(value, digits))) for digits in (4, 5))
    return any(re.search(rf"(?<![\d.]){number}(?!\d)", html) for number in written)


@pytest.mark.parametrize("make", [handmade_dataset, lambda: demo.build(80, seed=11)], ids=["handmade", "demo"])
def test_no_restricted_name_or_exact_point_reaches_the_file(make):
    data = make()
    html = _page(data, layers=ALL_LAYERS)
    innovations = data.innovations
    for name in innovations["innovator_name"].dropna():
        assert name not in html, name
    restricted = innovations[~innovations["consent_public"] & innovations["has_own_point"]]
    assert not restricted.empty
    for point in restricted.geometry:
        assert not (_numbers(html, point.y) and _numbers(html, point.x)), point
    (payload,) = re.findall(r'atob\(("[^"]+")\)', html)
    sent = pointcodec.decode(json.loads(payload))
    shown = public_points(innovations, data.communities)
    for row, point in restricted.geometry.items():
        at = int(np.flatnonzero(sent.rows == row)[0])
        assert (sent.lat[at], sent.lon[at]) != (round(point.y, 4), round(point.x, 4))
        assert abs(sent.lat[at] - shown[row].y) <= 0.5 / pointcodec.SCALE + 1e-9


def test_an_empty_selection_still_makes_a_map():
    data = handmade_dataset()
    html = _page(data, filters=Filters(regions=("PE-CUS",)))
    assert "0 de 6 innovaciones" in html and '"iso_a2":"PE"' in html


def test_the_charset_comes_first_even_after_a_long_title():
    page = standalone_map(_selection(handmade_dataset()), "es", "Ñ" * 3000, made=MADE)
    assert b'<meta charset="utf-8">' in page[:200]
    assert "Ñ" * 3000 in page.decode("utf-8")


@pytest.mark.parametrize(
    ("layers", "lang", "message"),
    [(("points", "tiles"), "es", "unknown map layer 'tiles'"), (("points",), "qu", "unknown language 'qu'")],
)
def test_an_unknown_layer_or_language_is_refused(layers, lang, message):
    with pytest.raises(ValueError, match=message):
        standalone_map(_selection(handmade_dataset()), lang, "x", layers)


def test_a_plugin_without_a_bundled_copy_is_refused():
    fmap = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(KeyError, match="ullscreen"):
        inline_assets(fmap)


# --- In a real browser, opened from disk with every other request refused ---

LOCAL_SCHEMES = ("file", "data", "blob", "about")
POPUP_SHOWN = "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
FIND_MAP = "() => Object.values(window).find(value => value instanceof L.Map)"
MAP_ZOOM = f"() => ({FIND_MAP})().getZoom()"
TOWN_NAMES = "() => [...document.querySelectorAll('.atlas-town')].map(name => name.textContent)"
COUNT_POINTS = """() => {
    let shown = document.querySelectorAll('path.leaflet-interactive[stroke="#ffffff"]').length;
    document.querySelectorAll('.marker-cluster').forEach(c => shown += parseInt(c.textContent, 10));
    return shown;
}"""


@pytest.fixture()
def opened(chromium, tmp_path):
    """Opens a standalone file from disk; afterwards, checks nothing beyond it was asked for."""
    watch, requested = Watch(), []
    context = chromium.new_context(viewport={"width": 1366, "height": 860})
    context.set_default_timeout(60_000)

    def only_the_file(route) -> None:
        if urlparse(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    watch.attach(page)
    page.on("request", lambda request: requested.append(request.url))

    def open_file(html: bytes):
        path = tmp_path / "mapa.html"
        path.write_bytes(html)
        page.goto(path.as_uri())
        return page

    yield open_file
    context.close()
    assert watch.outside == [] and watch.dialogs == [] and watch.errors == []
    assert [url for url in requested if urlparse(url).scheme not in LOCAL_SCHEMES] == []


def _assert_land_around(page, point) -> None:
    """The outlines really are painted around a point inland (as land, not as water).

    A region line or a town's name may cross a sample: each must be nearer the land's colour than the water's.
    """
    from PIL import Image

    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    land, water = (bytes.fromhex(colour.lstrip("#")) for colour in (palette.LAND, palette.WATER))
    for dx, dy in ((-60, 0), (60, 0), (0, -60), (0, 60)):
        pixel = shot.getpixel((int(x + dx), int(y + dy)))
        off = [max(abs(a - b) for a, b in zip(pixel, colour, strict=True)) for colour in (land, water)]
        assert off[0] < off[1], (dx, dy, pixel)


@pytest.mark.browser
def test_the_file_draws_the_map_with_no_network(opened):
    data = store.load()  # the bundled demo store, as a user would save it from the app
    selection = _selection(data)
    page = opened(standalone_map(selection, "es", "Todas las innovaciones", made=MADE))
    page.wait_for_selector(".leaflet-background-pane path")
    assert page.locator(".leaflet-background-pane path").count() >= 9  # a path per country
    page.wait_for_function(f"() => ({COUNT_POINTS})() === {len(data.innovations)}")
    assert page.locator(".marker-cluster").count() > 0
    regions = len(region_counts(selection))
    assert page.locator('path.leaflet-interactive[stroke="#8C5A2B"]').count() == regions
    total = len(data.innovations)
    assert page.inner_text(".atlas-count") == f"{total} de {total} innovaciones"
    assert "datos ilustrativos" in page.inner_text(".atlas-head")
    assert page.locator(".leaflet-control-attribution a").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "standalone-map.png")


@pytest.mark.browser
def test_a_click_shows_the_details_as_text_and_runs_nothing(opened, hostile_data):
    selection = _selection(hostile_data, Filters(text="Zxqv"))
    assert selection.keep.sum() == 1
    page = opened(standalone_map(selection, "en", HOSTILE_TITLE, ("points",), made=MADE))
    assert page.eval_on_selector(".atlas-head h1", "e => e.textContent") == HOSTILE_TITLE
    point = page.wait_for_selector('path.leaflet-interactive[stroke="#ffffff"]')
    _assert_land_around(page, point)
    point.dispatch_event("click")
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-details")
    page.wait_for_function(POPUP_SHOWN)
    assert popup.eval_on_selector("strong", "e => e.textContent") == HOSTILE_TITLE
    assert f"Community: {HOSTILE_COMMUNITY}" in popup.inner_text()
    assert page.locator("img[src=x], b[onmouseover]").count() == 0
    assert page.title().startswith("Qocha <img src=x")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "standalone-popup.png")


# --- The context: region lines, provinces and town names near the selection, credited ---

IN_AYACUCHO = Filters(regions=("PE-AYA",))
HOSTILE_TOWN = "Pueblo <img src=x onerror=alert(7)> `${alert(8)}`"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_context_near_the_selection_travels_in_the_file_with_its_credits(lang):
    html = _page(handmade_dataset(), lang=lang, filters=IN_AYACUCHO)
    credit = t("credits.context", lang)
    assert f'<p class="atlas-credit">{for_map(credit)}</p>' in html  # in the caption
    assert [code for code in Page(html).scripts if "addAttribution(" in code and "INEI 2007" in code]  # the corner
    for town in ("Ayacucho", "Huanta", "Lima", "Cusco"):
        assert f'"name":"{town}"' in html, town  # names are data, not drawn markup
    assert '"name":"Quito"' not in html  # only what is near the selection travels


@pytest.mark.browser
def test_the_file_draws_region_lines_and_names_towns_by_rank_with_no_network(opened, monkeypatch):
    bundled_towns = nearby.towns_within

    def with_a_hostile_town(area):
        towns = bundled_towns(area)
        hostile = towns[towns["name"] == "Ayacucho"].assign(name=HOSTILE_TOWN, rank=1)
        return pd.concat([hostile, towns], ignore_index=True)

    monkeypatch.setattr(nearby, "towns_within", with_a_hostile_town)
    html = standalone_map(_selection(store.load(), IN_AYACUCHO), "es", "Ayacucho", made=MADE)
    assert HOSTILE_TOWN.encode() not in html and script_json(HOSTILE_TOWN).encode() in html  # escaped data
    page = opened(html)
    page.wait_for_selector(".atlas-town")
    assert page.evaluate(MAP_ZOOM) == 7  # a region fills the map: its provinces are drawn
    lines = ".leaflet-background-pane path[fill='none']"
    page.wait_for_selector(f"{lines}[stroke-dasharray='3 3']", state="attached")  # provinces
    assert page.locator(f"{lines}[stroke-width='1.3']").count() == 1  # regions: one layer of lines
    assert len(page.get_attribute(f"{lines}[stroke-width='1.3']", "d")) > 10_000
    names = page.evaluate(TOWN_NAMES)
    assert {"Ayacucho", "Lima", HOSTILE_TOWN} <= set(names) and "Puquio" not in names  # rank 8: from zoom 9
    assert page.locator("img[src=x]").count() == 0  # the hostile name is text
    page.evaluate(f"() => ({FIND_MAP})().setView([-14.7, -74.13], 9, {{animate: false}})")
    page.wait_for_function(f"() => ({TOWN_NAMES})().includes('Puquio')")
    credit = t("credits.context", "es")
    assert page.inner_text(".atlas-credit") == credit
    assert page.inner_text(".leaflet-control-attribution") == f"Leaflet | {credit}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "standalone-context.png")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_zoom_buttons_speak_the_chosen_language(hostile_data, lang):
    html = _page(hostile_data, lang=lang)
    assert json.dumps(t("map.controls.zoom_in", lang)) in html  # Leaflet's own "Zoom in" is in every file
    assert (json.dumps(t("map.controls.zoom_out", "es")) in html) == (lang == "es")
