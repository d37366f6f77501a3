"""The app runs on a PostGIS store as on a GeoPackage, and never shows the database's password."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.backend import open_store
from dashboard.paths import PACKAGE, STORE_ENV

APP = str(PACKAGE / "app.py")


@pytest.mark.parametrize("page", ["views/mapa.py", "views/resumen.py", "views/datos.py", "views/acerca.py"])
def test_every_page_runs_on_a_database_named_with_its_password(small_dataset, postgis_url, monkeypatch, page):
    address = postgis_url.replace("postgres@", "postgres:secreto@")  # the test server trusts any password
    open_store(address).create(small_dataset)
    monkeypatch.setenv(STORE_ENV, address)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page(page).run()
    assert not app.exception and not app.error
    shown = " ".join(str(element.value) for element in [*app.markdown, *app.caption, *app.title])
    assert "secreto" not in shown
    assert app.title[0].value
