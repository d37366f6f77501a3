"""An editor signs in, uploads a messy field file, reads the report and imports it, in a real Chromium."""

from __future__ import annotations

import pytest

from dashboard.data import demo, store
from tests.browser import ARTIFACTS, PASSWORD, Watch, running_servers, sign_in, watched_page, write_secrets

pytestmark = pytest.mark.browser

MESSY = """Título;Comunidad;Región;Socios;Cultivos;Año;Ámbito;Tipo;Etapa DPI;Tipo de innovador;\
Latitud;Longitud;Consentimiento;Título de la innovación (quechua)
Qocha en la puna;Huanta;Ayacucho;CEDAP;papas nativas;2019;agua y riego;técnica;documentada;mujer;-12,94;-74,25;sí;Qocha
Qocha en la puna;Huanta;Ayacucho;CEDAP;papas nativas;2019;agua y riego;técnica;documentada;mujer;-12,94;-74,25;sí;Qocha
Helada sin año;Huanta;Ayacucho;CEDAP;quinua;cinco;riesgo climático;técnica;documentada;mujer;-12,94;-74,25;sí;
Al revés;Huanta;Ayacucho;CEDAP;quinua;2020;agua y riego;técnica;documentada;hombre;-74,25;-12,94;sí;
<script>alert(1)</script>;Macondo;Ayacucho;CEDAP;oca;2021;agua y riego;técnica;documentada;mujer;;;no;
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("intake")
    path = folder / "atlas.gpkg"
    store.write(demo.build(40, seed=11), path)
    secrets = write_secrets(folder)
    yield from running_servers(path, folder / "streamlit.log", secrets)


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")


def test_an_editor_imports_a_messy_file_after_reading_its_report(chromium, server, tmp_path):
    watch = Watch()
    context, page = watched_page(chromium, watch, height=2600)  # the whole report in one picture
    sign_in(page, server.url, PASSWORD)
    messy = tmp_path / "campo.csv"
    messy.write_text(MESSY, encoding="cp1252")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(messy))
    page.get_by_text("5 filas leídas").wait_for()
    page.locator("[data-testid=stMetric]").nth(3).wait_for()  # the report's four counts
    _settle(page)
    report = page.locator("[data-testid=stMetric]")
    values = {
        report.nth(i).locator("[data-testid=stMetricLabel]").inner_text(): report.nth(i)
        .locator("[data-testid=stMetricValue]")
        .inner_text()
        for i in range(report.count())
    }
    assert values == {"nuevo": "1", "actualización": "0", "sin cambios (duplicado)": "1", "rechazado": "3"}
    # the column left out is said, with what it probably is and how to map it
    page.get_by_text("parece ser «Título en lengua local»").first.wait_for()
    page.screenshot(path=ARTIFACTS / "gestionar-informe.png", full_page=True)
    page.get_by_text("He revisado el informe").click()
    page.get_by_text("Sí, quiero importar en el atlas de demostración").click()  # the demo store asks once more
    page.get_by_role("button", name="Importar", exact=True).click()
    page.get_by_text("Importación guardada como CHG-000001").wait_for()
    context.close()
    assert watch.outside == [] and watch.dialogs == []
    stored = store.load(server.store)
    assert "Qocha en la puna" in set(stored.innovations["title"]) and len(stored.innovations) == 41


def test_refused_files_are_said_on_the_page_never_as_a_traceback(chromium, server):
    from tests.views.test_page_hardening import HOSTILE

    watch = Watch()
    context, page = watched_page(chromium, watch, height=1000)
    sign_in(page, server.url, PASSWORD)
    before = server.store.read_bytes()
    for number, (name, said) in enumerate([("risas.xlsx", "entidades XML"), ("anidado.geojson", "anidado")], 1):
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": HOSTILE[name]()}]
        )
        error = page.locator("[data-testid=stAlertContentError]").filter(has_text=name)
        error.wait_for()
        _settle(page)
        assert said in error.inner_text()
        assert page.locator("[data-testid=stException]").count() == 0
        page.screenshot(path=ARTIFACTS / f"rechazo-{number}.png", full_page=True)
    context.close()
    assert watch.outside == [] and watch.dialogs == []
    assert server.store.read_bytes() == before
