"""The same record as the public, a partner's reader and the committee see it, in Chromium."""

from __future__ import annotations

import pytest

from dashboard.auth import hash_password
from dashboard.data import store
from tests.browser import ARTIFACTS, Watch, running_servers, watched_page
from tests.cli.test_export_as import _name, built  # noqa: F401  (the store built for the role matrix)

pytestmark = pytest.mark.browser

PASSWORD = "una-clave-larga"
RECORD = "INN-000003"  # for the committee, generalised for others, in full for its partner CEDAP's reader
PEOPLE = {"lectora": ("Lectora Cedap", "reader", "cedap"), "ana": ("Ana Quispe", "editor", None)}


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("roles-browser")
    lines = []
    for user, (name, role, partner) in PEOPLE.items():
        lines += [f"[editors.{user}]", f'name = "{name}"', f'password_hash = "{hash_password(PASSWORD)}"']
        lines += [f'role = "{role}"'] + ([f'partner = "{partner}"'] if partner else [])
    (folder / "secrets.toml").write_text("\n".join(lines) + "\n")
    yield from running_servers(built[0], folder / "streamlit.log", folder / "secrets.toml")


@pytest.mark.parametrize("who", ["public", "lectora", "ana"])
def test_the_same_record_as_each_role_sees_it(chromium, server, built, who):  # noqa: F811
    _, data = built
    title = data.innovations.set_index("innovation_id").loc[RECORD, "title"]
    watch = Watch()
    context, page = watched_page(chromium, watch, 1366, 900)
    if who != "public":
        page.goto(f"{server.url}/gestionar")
        page.get_by_label("Usuario").fill(who)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text(f"Sesión iniciada como {PEOPLE[who][0]}").wait_for()
    page.get_by_role("link", name="Datos").first.click()
    page.get_by_text("Descargar los datos").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for()
    page.screenshot(path=ARTIFACTS / f"rol-{who}-datos.png")
    cells = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame]')].map(g => g.innerText).join(' ')"
    )
    assert store is not None and title  # the record exists in the store built for the matrix
    shown = {"public": 28 - 1 - 2, "lectora": 28 - 1 - 2, "ana": 30}[who]  # hidden, draft and withdrawn records
    assert page.get_by_text(f"de {shown} innovaciones").first.is_visible()
    assert _name(RECORD) not in cells  # names are not a column of the public table
    context.close()
    assert watch.outside == [] and watch.dialogs == []
