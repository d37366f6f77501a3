"""The same record as the public, a partner's reader and the committee see it, in Chromium."""

from __future__ import annotations

import pytest

from dashboard.data.viewers import Viewer
from tests.browser import ARTIFACTS, PASSWORD, Watch, running_servers, watched_page, write_secrets
from tests.cli.test_export_as import built  # noqa: F401  (the store built for the role matrix)

pytestmark = pytest.mark.browser

RECORD = "INN-000003"  # for the committee, generalised for others, in full for its partner CEDAP's reader
PEOPLE = {
    "lectora": {"name": "Lectora Cedap", "role": "reader", "partner": "cedap"},
    "ana": {"name": "Ana Quispe", "role": "editor"},
}


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("roles-browser")
    secrets = write_secrets(folder, PEOPLE)
    yield from running_servers(built[0], folder / "streamlit.log", secrets)


@pytest.mark.parametrize("who", ["public", "lectora", "ana"])
def test_the_same_record_as_each_role_sees_it(chromium, server, built, who):  # noqa: F811
    _, data = built
    title = data.innovations.set_index("innovation_id").loc[RECORD, "title"]
    viewer = {"public": Viewer(), "lectora": Viewer("reader", "cedap"), "ana": Viewer("editor")}[who]
    watch = Watch()
    context, page = watched_page(chromium, watch, 1366, 900)
    page.goto(server.url)
    page.wait_for_selector("[data-testid=stAppViewContainer] h1")
    if who != "public":  # signed in within the session: a new address would start a new one
        page.get_by_role("link", name="Gestionar datos").first.click()
        page.get_by_label("Usuario").fill(who)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text(f"Sesión iniciada como {PEOPLE[who]['name']}").wait_for()
    page.get_by_role("link", name="Datos").first.click()
    page.get_by_text("Descargar los datos").wait_for()
    total = int(viewer.shown(data.innovations).sum())
    page.get_by_text(f"de {total} innovaciones").first.wait_for()  # only what this role may see is counted
    search = page.locator("[data-testid=stTextInput] input").first
    search.fill(title)
    search.press("Enter")
    page.get_by_text(f"1 de {total} innovaciones").first.wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    page.wait_for_timeout(800)
    page.screenshot(path=ARTIFACTS / f"rol-{who}-{RECORD}.png")
    context.close()
    assert watch.outside == [] and watch.dialogs == []
