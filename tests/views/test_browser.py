"""Every page in a real headless Chromium, with every request beyond loopback blocked and counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.data import demo, store
from dashboard.data.privacy import public_points
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.i18n import t
from tests.browser import ARTIFACTS, BAR, MAP_FRAME, Watch, running_servers

pytestmark = pytest.mark.browser

HOSTILE_TITLE = (
    "Qocha <img src=x onerror=alert(1)> <script>alert(2)</script> `${alert(3)}` "
    "C:\\datos\\2019 \"comillas\" 'simples' Ñawpa año Zxqv"
)
HOSTILE_DESCRIPTION = "Descripción <b onmouseover=alert(4)>hostil</b> ${document.title} \\u0041 \\n fin."
PAGES = {"mapa": "", "resumen": "resumen", "datos": "datos", "gestionar": "gestionar", "acerca": "acerca"}
SIZES = {"escritorio": (1366, 768), "telefono": (390, 844)}
COUNT_ON_MAP = """() => {
    let shown = document.querySelectorAll('path.leaflet-interactive').length;
    document.querySelectorAll('.marker-cluster').forEach(c => shown += parseInt(c.textContent, 10));
    return shown;
}"""


@pytest.fixture(scope="module")
def browser_data(tmp_path_factory):
    """A 60-innovation store with one hostile record (public, so it is drawn and clickable)."""
    data = demo.build(60, seed=11)
    hostile = int(data.innovations["consent_public"].to_numpy().argmax())
    data.innovations.loc[hostile, "title"] = HOSTILE_TITLE
    data.innovations.loc[hostile, "description"] = HOSTILE_DESCRIPTION
    path = tmp_path_factory.mktemp("browser") / "atlas.gpkg"
    store.write(data, path)
    return path, store.load(path)


@pytest.fixture(scope="module")
def server(browser_data, tmp_path_factory):
    yield from running_servers(browser_data[0], tmp_path_factory.mktemp("log") / "streamlit.log")


@pytest.fixture()
def watch() -> Watch:
    return Watch()


@pytest.fixture()
def page(chromium, watch):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)  # a busy 2-core machine: conditions, not sleeps, with room
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    yield page
    context.close()
    assert watch.outside == [], f"requests left loopback: {watch.outside[:5]}"
    assert watch.dialogs == [], f"a dialog opened: {watch.dialogs}"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stAppViewContainer] h1")
    _settle(page)


def _settle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    page.wait_for_selector("[data-testid=stSkeleton]", state="detached")


def _map(page):
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
    return page.wait_for_selector(MAP_FRAME).content_frame()


def _wait_for_count(frame, expected: int) -> None:
    frame.wait_for_function(f"() => ({COUNT_ON_MAP})() === {expected}")


def _choose(page, label: str, option: str) -> None:
    field = page.get_by_role("combobox", name=label, exact=True)
    tag = page.locator("[data-testid=stMultiSelect]", has=field).get_by_text(option, exact=True)
    for attempt in range(3):  # a rerun still in flight can swallow the click: try again, then fail
        _settle(page)
        field.click()
        field.fill(option)
        page.get_by_role("option", name=option, exact=True).first.click()
        page.keyboard.press("Escape")
        try:
            tag.wait_for(timeout=15_000)  # the choice shows as a tag once Streamlit took it
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    _settle(page)


def _search(page, text: str) -> None:
    field = page.locator("[data-testid=stTextInput] input").first
    field.fill(text)
    field.press("Enter")
    _settle(page)


def test_every_page_renders_offline_on_desktop_and_phone(chromium, server, watch):
    ARTIFACTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.route("**/*", watch.route)
        page = context.new_page()
        watch.attach(page)
        for name, path in PAGES.items():
            _open(page, f"{server.url}/{path}")
            if name == "mapa":
                _map(page)
            assert page.locator("[data-testid=stException]").count() == 0, name
            page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=True)
        context.close()
    assert watch.outside == [] and watch.dialogs == []
    # opened at /resumen, Streamlit first probes /resumen/_stcore/… to find its base path
    assert [m for m in watch.missing if not re.search(r"/_stcore/(health|host-config)$", m)] == []


def test_the_map_draws_every_innovation_and_a_filter_changes_it(page, server, browser_data):
    _, data = browser_data
    _open(page, server.url)
    frame = _map(page)
    _wait_for_count(frame, len(data.innovations))
    in_puno = int((data.innovations["region"] == "PE-PUN").sum())
    assert 0 < in_puno < len(data.innovations)
    _choose(page, "Región", "Puno")
    _wait_for_count(frame, in_puno)
    assert f"{in_puno} de {len(data.innovations)} innovaciones" in page.inner_text("body")
    page.get_by_role("link", name="Resumen").click()
    _settle(page)
    page.wait_for_selector("[data-testid=stMetricValue]")
    assert page.locator("[data-testid=stMetricValue]").first.inner_text() == str(in_puno)


def test_a_copied_link_reopens_the_same_counts(page, server, browser_data):
    _, data = browser_data
    _open(page, server.url)
    _choose(page, "Región", "Ayacucho")
    _choose(page, "Cultivo", "papa nativa")
    page.wait_for_function("() => location.search.includes('cultivo=papa_nativa')")
    link = page.url
    expected = sum(
        r == "PE-AYA" and "papa_nativa" in c
        for r, c in zip(data.innovations["region"], data.innovations["crops"], strict=True)
    )
    again = page.context.new_page()
    _open(again, link)
    _wait_for_count(_map(again), expected)
    assert f"{expected} de {len(data.innovations)} innovaciones" in again.inner_text("body")


def test_clicking_a_point_opens_its_details(page, server, browser_data):
    _, data = browser_data
    index = FilterIndex.build(data.innovations, data.communities)
    titles = data.innovations["title"]
    target = next(
        title
        for title in titles
        if title != HOSTILE_TITLE and mask(data.innovations, index, Filters(text=title)).sum() == 1
    )
    _open(page, server.url)
    frame = _map(page)
    _search(page, target)
    _wait_for_count(frame, 1)
    _click_a_point(page, frame)
    heading = page.wait_for_selector("[data-testid=stHeading] h3")
    assert heading.inner_text() == target


def _click_a_point(page, frame) -> None:
    """Open the cluster if the point is in one, then click the circle itself."""
    if frame.locator("path.leaflet-interactive").count() == 0:
        frame.locator(".marker-cluster").first.evaluate(
            "e => e.dispatchEvent(new MouseEvent('click', {bubbles: true}))"
        )
        frame.wait_for_selector("path.leaflet-interactive")
    frame.locator("path.leaflet-interactive").first.evaluate(
        "e => e.dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    _settle(page)


def test_hostile_text_is_shown_literally_and_runs_nothing(page, server, watch):
    _open(page, server.url)
    frame = _map(page)
    _search(page, "Zxqv")
    _wait_for_count(frame, 1)
    _click_a_point(page, frame)
    heading = page.wait_for_selector("[data-testid=stHeading] h3")
    assert heading.inner_text() == HOSTILE_TITLE
    assert HOSTILE_DESCRIPTION in page.inner_text("[data-testid=stMain]")
    assert page.locator("[data-testid=stMain] img[src=x]").count() == 0
    assert page.title() != "" and "${" not in page.title()
    assert watch.dialogs == []
    assert [e for e in watch.errors if "alert" in e or "SyntaxError" in e] == []


def test_no_restricted_name_or_exact_point_reaches_the_browser(page, server, browser_data, watch):
    _, data = browser_data
    _open(page, server.url)
    frame = _map(page)
    _wait_for_count(frame, len(data.innovations))
    drawn = frame.content().encode()
    for path in ("datos", "resumen", "acerca"):
        _open(page, f"{server.url}/{path}")
    sent = watch.everything_received() + page.content().encode() + drawn
    innovations = data.innovations
    for name in innovations["innovator_name"].dropna():
        assert name.encode() not in sent, name
    restricted = innovations[~innovations["consent_public"] & innovations["has_own_point"]]
    assert not restricted.empty
    shown = public_points(innovations, data.communities)
    for row, point in restricted.geometry.items():
        assert not point.equals(shown[row])
        lat, lon = (f"{round(v, 4)}".encode() for v in (point.y, point.x))
        assert not (re.search(re.escape(lat), sent) and re.search(re.escape(lon), sent)), (row, point)


def test_an_online_background_that_cannot_load_falls_back_and_says_so(chromium, server, watch):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    _open(page, f"{server.url}/?fondo=osm")
    frame = _map(page)
    notice = frame.wait_for_selector(".atlas-offline-notice")
    assert "Sin conexión" in notice.inner_text()
    assert frame.locator(".leaflet-tile-pane img").count() == 0  # the failed tile layer is gone
    assert frame.locator(".leaflet-background-pane path").count() > 0  # the bundled outlines remain
    page.screenshot(path=ARTIFACTS / "mapa-fondo-sin-conexion.png")
    context.close()
    assert watch.outside and all("tile.openstreetmap.org" in url for url in watch.outside)
    assert watch.dialogs == []


def _bar_centre(element, colour: tuple[int, int, int]) -> tuple[float, float]:
    """Page coordinates of the middle of the topmost bar drawn in `colour` inside `element`."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(element.screenshot())).convert("RGB")).astype(int)
    near = np.abs(pixels - np.array(colour)).sum(axis=2) < 30
    rows = np.flatnonzero(near.any(axis=1))
    assert len(rows), "no bar of that colour was drawn"
    gaps = np.flatnonzero(np.diff(rows) != 1)
    band = rows[: gaps[0] + 1] if len(gaps) else rows  # the rows of the first bar only
    middle = int(band[len(band) // 2])
    columns = np.flatnonzero(near[middle])
    box = element.bounding_box()
    return box["x"] + (columns[0] + columns[-1]) / 2, box["y"] + middle


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]", has=page.get_by_text(label, exact=True))
    return metric.locator("[data-testid=stMetricValue]").inner_text()


def test_clicking_a_bar_filters_every_page(page, server, browser_data):
    from dashboard.data.vocab import region_label
    from dashboard.summary.summaries import labels_for, summarise

    _, data = browser_data
    index = FilterIndex.build(data.innovations, data.communities)
    regions = summarise(index, mask(data.innovations, index, Filters())).table("region", labels_for("region", "es", {}))
    top = regions.iloc[0]
    _open(page, f"{server.url}/resumen")
    assert _metric(page, "Innovaciones") == str(len(data.innovations))
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the chart's first paint
    page.mouse.click(*_bar_centre(chart, BAR))
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(
            m => m.innerText.startsWith(label) && m.innerText.includes(value))""",
        arg=["Innovaciones\n", str(top["count"])],
    )
    _settle(page)
    assert page.get_by_text(f"Innovaciones en {region_label(top['code'])}", exact=True).is_visible()
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_text(region_label(top["code"]), exact=True).is_visible()  # the choice, shown
    page.screenshot(path=ARTIFACTS / "resumen-clic-en-barra.png", full_page=True)
    page.wait_for_function("code => location.search.includes('region=' + code)", arg=top["code"])
    _open(page, page.url.replace("/resumen", "/datos"))  # the link carries the choice to every page
    assert page.get_by_text(f"{top['count']} de {len(data.innovations)} innovaciones").first.is_visible()
    _open(page, page.url.replace("/datos", "/resumen"))
    page.get_by_role("button", name="Quitar filtros").first.click()  # and it is cleared where it was made
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(
            m => m.innerText.startsWith(label) && m.innerText.includes(value))""",
        arg=["Innovaciones\n", str(len(data.innovations))],
    )


def test_presentation_mode_fits_a_projector(chromium, server, watch):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    _open(page, f"{server.url}/resumen?region=PE-AYA")
    page.get_by_role("button", name="Modo presentación").click()
    page.wait_for_selector("[data-testid=stMetric]")
    frame = _map(page)
    _settle(page)
    frame.wait_for_selector(".leaflet-control-zoom")
    assert frame.locator(".leaflet-draw").count() == 0  # no drawing tools: nothing filters while presenting
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    body = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=stMetricLabel] p')).fontSize)"
    )
    assert body >= 24
    assert page.locator("h2").first.inner_text() == "Innovaciones en Ayacucho"
    assert page.locator("[data-testid=stMetric]").count() == 4
    page.screenshot(path=ARTIFACTS / "presentacion-1280x720.png")
    page.get_by_role("button", name="Salir").click()
    page.wait_for_selector("[data-testid=stSidebar]")
    context.close()
    assert watch.outside == [] and watch.dialogs == []


def _view(frame) -> tuple[int, float, float]:
    """The Leaflet map's zoom and centre, once it has settled."""
    frame.wait_for_function("() => window.map && !window.map._animatingZoom")
    return frame.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]")


def test_the_map_frames_the_selection_and_a_link_keeps_its_own_view(page, server, browser_data):
    _, data = browser_data
    innovations = data.innovations
    ayacucho = innovations[(innovations["region"] == "PE-AYA")]
    assert (innovations["region"] == "PE-PUN").any()
    _open(page, f"{server.url}/?region=PE-AYA")
    frame = _map(page)
    frame.wait_for_function("() => window.map && window.map.getZoom() > 5")  # no longer the three countries
    zoom, lat, lon = _view(frame)
    points = data.communities.set_index("community_id").loc[ayacucho["community_id"]].geometry
    assert zoom >= 6
    assert points.y.min() <= lat <= points.y.max() and points.x.min() <= lon <= points.x.max()
    page.screenshot(path=ARTIFACTS / "mapa-ayacucho.png")
    _choose(page, "Región", "Puno")  # a second region: the map widens to hold both
    _map(page).wait_for_function("z => window.map.getZoom() < z", arg=zoom)
    _open(page, f"{server.url}/?region=PE-AYA&lat=-9.5&lon=-75&zoom=5")  # a link with its own view keeps it
    zoom, lat, lon = _view(_map(page))
    assert (zoom, round(lat, 1), round(lon, 1)) == (5, -9.5, -75.0)


def test_the_offline_map_names_towns_and_draws_provinces_at_a_regional_zoom(page, server):
    paths = "() => document.querySelectorAll('.leaflet-background-pane path').length"
    towns = "() => [...document.querySelectorAll('.atlas-town')].map(n => n.textContent)"
    _open(page, f"{server.url}/?region=PE-AYA&lat=-13.16&lon=-74.22&zoom=8")
    frame = _map(page)
    frame.wait_for_function(f"() => ({paths})() > 250")  # countries, 59 regions and Peru's 195 provinces
    frame.wait_for_function("() => document.querySelectorAll('.atlas-town').length > 0")
    close = frame.evaluate(towns)
    assert {"Ayacucho", "Huanta"} <= set(close) and "<" not in "".join(close)
    page.screenshot(path=ARTIFACTS / "mapa-contexto-ayacucho.png")
    frame.evaluate("() => window.map.setZoom(5, {animate: false})")
    frame.wait_for_function(f"() => ({paths})() < 100")  # the provinces leave at a national zoom
    far = frame.evaluate(towns)
    assert "Lima" in far and len(far) < len(close)  # only the most important names stay


def test_the_year_player_steps_the_map_through_the_years_in_the_app(page, server, browser_data):
    _, data = browser_data
    ayacucho = data.innovations[data.innovations["region"] == "PE-AYA"]
    years = ayacucho["year_documented"].astype(int)
    last = int(years.max())
    _open(page, f"{server.url}/?region=PE-AYA&capas=years")
    frame = _map(page)
    summary = frame.locator(".atlas-years-summary")
    new = int((years == last).sum())
    expected = t("map.years.summary", "es", total=len(years), new=new, year=last)
    shown = "text => document.querySelector('.atlas-years-summary')?.textContent === text"
    frame.wait_for_function(shown, arg=expected)
    assert frame.locator(".atlas-years").evaluate("box => getComputedStyle(box).borderStyle") == "solid"  # styled
    frame.get_by_role("button", name=t("map.years.back", "es")).click()
    earlier = int((years <= last - 1).sum())
    assert summary.text_content() == t(
        "map.years.summary", "es", total=earlier, new=int((years == last - 1).sum()), year=last - 1
    )
    page.screenshot(path=ARTIFACTS / "mapa-anos-ayacucho.png")


def test_a_refit_after_a_filter_change_is_at_once_and_a_users_zoom_still_glides(page, server):
    _open(page, server.url)
    frame = _map(page)
    _view(frame)
    refit = "() => { window.map.setView([-13.2, -74.2], 8); return window.map.getZoom(); }"  # as st_folium refits
    assert frame.evaluate(refit) == 8  # already there: no animation for the clusters to redo twice
    glide = "() => { window.map.setZoom(10, {}); return window.map.getZoom(); }"
    assert frame.evaluate(glide) == 8  # a user's zoom (wheel, buttons, keys) glides there as before
    frame.wait_for_function("() => window.map.getZoom() === 10")


def test_the_map_controls_speak_spanish(page, server):
    _open(page, server.url)
    frame = _map(page)
    frame.wait_for_selector(".leaflet-draw-draw-polygon")
    titles = frame.evaluate("""() => ({
        zoomIn: document.querySelector('.leaflet-control-zoom-in').title,
        zoomOut: document.querySelector('.leaflet-control-zoom-out').getAttribute('aria-label'),
        polygon: document.querySelector('.leaflet-draw-draw-polygon').title,
        rectangle: document.querySelector('.leaflet-draw-draw-rectangle').title,
        remove: document.querySelector('.leaflet-draw-edit-remove').title,
    })""")
    words = ("zoom_in", "zoom_out", "draw_polygon", "draw_rectangle", "delete_none")
    assert titles == dict(zip(titles, [t(f"map.controls.{word}", "es") for word in words], strict=True))
    frame.locator(".leaflet-draw-draw-polygon").click()
    assert frame.locator(".leaflet-draw-tooltip").inner_text() == t("map.controls.polygon_start", "es")
    assert frame.get_by_text(t("map.controls.cancel", "es"), exact=True).is_visible()


def test_phones_may_pinch_zoom_the_map(page, server):
    _open(page, server.url)
    frame = _map(page)
    frame.wait_for_selector(".leaflet-control-zoom")
    viewports = frame.evaluate("() => [...document.querySelectorAll('meta[name=viewport]')].map(m => m.content)")
    assert viewports and all("maximum-scale" not in v and "user-scalable=no" not in v for v in viewports)
