"""axe-core on every page and inside the map's frame, in both languages and on a phone: no serious or critical finding.

axe 4.14.1 is vendored (tests/vendor/axe-core): nothing downloads while the tests run. axe cannot read
the charts' SVG text for contrast, so a test measures it with axe's own colour functions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import demo, store
from dashboard.i18n import t
from tests.browser import MAP_FRAME, PASSWORD, Watch, running_servers, sign_in, watched_page, write_secrets

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
DESKTOP, PHONE, PROJECTOR = (1366, 900), (390, 844), (1280, 720)
# the page's own document only: the map's frame is checked on its own, with its own copy of axe
RUN_AXE = """async () => (await axe.run(document, {iframes: false, resultTypes: ['violations']})).violations
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))"""
# every word a chart shows, with its contrast on the page (its opacity included), measured by axe
CHART_TEXT = """() => {
    const {Color, getContrast} = axe.commons.color;
    const colour = text => { const c = new Color(); c.parseString(text); return c; };
    const page = colour(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor);
    return [...document.querySelectorAll('[data-testid=stVegaLiteChart] svg text')]
        .filter(text => text.textContent.trim())
        .map(text => {
            const style = getComputedStyle(text), fill = colour(style.fill);
            fill.alpha *= parseFloat(style.fillOpacity) * parseFloat(style.opacity);
            return {text: text.textContent, fill: style.fill, alpha: fill.alpha, ratio: getContrast(page, fill)};
        })
        .filter(word => word.alpha > 0);  // a label Vega hid (it overlapped another) is not read
}"""
# (address, viewport, language); presentation mode is projected, so it is checked at a projector's size
PAGES = {
    "mapa": ("", DESKTOP, "es"),
    "mapa-en": ("?idioma=en", DESKTOP, "en"),
    "mapa-telefono": ("", PHONE, "es"),
    "resumen": ("resumen", DESKTOP, "es"),
    "resumen-en": ("resumen?idioma=en", DESKTOP, "en"),
    "resumen-telefono": ("resumen", PHONE, "es"),
    "datos": ("datos", DESKTOP, "es"),
    "acerca": ("acerca", DESKTOP, "es"),
    "gestionar": ("gestionar", DESKTOP, "es"),
    "presentacion": ("presentacion", PROJECTOR, "es"),
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The 60-innovation demo store with Ana as its editor, and an empty atlas (the welcome page)."""
    folder = tmp_path_factory.mktemp("accessibility")
    demo_store = folder / "atlas.gpkg"
    store.write(demo.build(60, seed=11), demo_store)
    secrets = write_secrets(folder)
    empty = folder / "vacio.gpkg"
    assert CliRunner().invoke(main, ["init", "--out", str(empty), "--partners"]).exit_code == 0
    return demo_store, secrets, empty


@pytest.fixture(scope="module")
def server(stores, tmp_path_factory):
    yield from running_servers(stores[0], tmp_path_factory.mktemp("log") / "streamlit.log", stores[1])


def _open(chromium, url: str, size: tuple[int, int]):
    """A page at `url`, once Streamlit has drawn it; and the map's frame, once its points are drawn, if it has one."""
    watch = Watch()
    context, page = watched_page(chromium, watch, *size)
    page.goto(url)
    page.wait_for_selector("[data-testid=stAppViewContainer] :is(h1, h2)")
    _settle(page)
    frame = None
    if page.locator(MAP_FRAME).count():
        page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
        frame = page.wait_for_selector(MAP_FRAME).content_frame()
        frame.wait_for_selector(".marker-cluster, path.leaflet-interactive")
        _settle(page)
    return context, page, frame


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    page.wait_for_selector("[data-testid=stSkeleton]", state="detached")


def _axe(target) -> list[dict]:
    """axe's violations in a page or a frame (it is injected into that document first)."""
    target.add_script_tag(path=str(AXE))
    return target.evaluate(RUN_AXE)


def _blocking(where: str, violations: list[dict]) -> list[str]:
    """One line per element with a serious or critical finding: where, rule, impact, element and what is wrong."""
    return [
        f"{where}: {v['id']} ({v['impact']}) {node['target']}: {' '.join(node['summary'].split())}"
        for v in violations
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def _check(page, frame, name: str) -> list[str]:
    found = _blocking(name, _axe(page))
    if frame is not None:
        found += _blocking(f"{name}, map frame", _axe(frame))
    return found


@pytest.mark.parametrize("name", PAGES)
def test_a_page_and_its_map_frame_have_no_serious_finding(chromium, server, name):
    address, size, lang = PAGES[name]
    context, page, frame = _open(chromium, f"{server.url}/{address}", size)
    if name.startswith("resumen"):
        page.wait_for_selector("[data-testid=stVegaLiteChart] svg text")
    found = _check(page, frame, name)
    frame_name = page.locator(MAP_FRAME).get_attribute("title") if frame is not None else None
    context.close()
    assert found == [], "axe found serious or critical problems:\n" + "\n".join(found)
    if frame is not None:  # axe only asks that the frame has a name; this one says what it holds
        assert frame_name == t("map.frame.name", lang)


def test_the_editors_page_signed_in_has_no_serious_finding(chromium, server):
    context, page = watched_page(chromium, Watch(), *DESKTOP)
    sign_in(page, server.url, PASSWORD)
    _settle(page)
    found = _check(page, None, "gestionar (Ana)")
    context.close()
    assert found == [], "axe found serious or critical problems:\n" + "\n".join(found)


def test_the_welcome_page_of_an_empty_atlas_has_no_serious_finding(chromium, stores, tmp_path_factory):
    for welcome in running_servers(stores[2], tmp_path_factory.mktemp("log") / "streamlit.log"):
        context, page, _ = _open(chromium, welcome.url, DESKTOP)
        assert page.locator("h1").first.inner_text() == t("welcome.heading")
        found = _check(page, None, "bienvenida")
        context.close()
    assert found == [], "axe found serious or critical problems:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["resumen", "resumen-en", "presentacion"])
def test_every_word_in_the_charts_reads_at_least_4_5_to_1(chromium, server, name):
    address, size, _ = PAGES[name]
    context, page, _ = _open(chromium, f"{server.url}/{address}", size)
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg text")
    page.add_script_tag(path=str(AXE))
    words = page.evaluate(CHART_TEXT)
    context.close()
    assert words, "no chart text was found"
    faint = sorted({(w["fill"], round(w["ratio"], 2), w["text"]) for w in words if w["ratio"] < 4.5})
    assert faint == [], f"chart text under 4.5:1 on the page (colour, ratio, text): {faint[:10]}"
