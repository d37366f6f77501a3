"""The language is part of the page address: a link opens in its language, and choosing one writes it there."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.paths import PACKAGE, STORE_ENV
from tests.locales import add_locale

APP = str(PACKAGE / "app.py")


@pytest.fixture()
def fresh(small_store: Path, monkeypatch) -> AppTest:
    """The app not yet run, so that a test can set its address first."""
    monkeypatch.setenv(STORE_ENV, str(small_store))
    return AppTest.from_file(APP, default_timeout=60)


def test_a_link_in_english_opens_in_english_and_keeps_its_word(fresh):
    fresh.query_params["idioma"] = "en"
    fresh.run()
    assert not fresh.exception and not fresh.toast
    assert fresh.title[0].value == "Where do innovations happen?"
    assert fresh.selectbox(key=state.LANGUAGE).value == "en"
    assert dict(fresh.query_params) == {"idioma": "en"}


def test_choosing_english_writes_it_into_the_address_and_spanish_leaves_it_out(fresh):
    fresh.run()
    assert dict(fresh.query_params) == {}
    fresh.selectbox(key=state.LANGUAGE).set_value("en").run()
    assert dict(fresh.query_params) == {"idioma": "en"}
    fresh.selectbox(key=state.LANGUAGE).set_value("es").run()
    assert dict(fresh.query_params) == {}


def test_a_bad_language_is_ignored_with_a_notice(fresh):
    fresh.query_params["idioma"] = "klingon"
    fresh.run()
    assert not fresh.exception
    assert fresh.title[0].value == "¿Dónde ocurren las innovaciones?"
    assert [toast.value for toast in fresh.toast] == [
        "Se ignoró el valor «klingon» del parámetro «idioma»: no es válido."
    ]
    assert dict(fresh.query_params) == {}


def test_a_new_catalogue_file_is_offered_and_falls_back_to_spanish(fresh, tmp_path, monkeypatch):
    add_locale(tmp_path, monkeypatch)
    fresh.run()
    selector = fresh.selectbox(key=state.LANGUAGE)
    assert selector.options == ["Español", "English", "Xlingua"]
    selector.set_value("xx").run()
    assert not fresh.exception
    assert dict(fresh.query_params) == {"idioma": "xx"}
    assert fresh.title[0].value == "¿Dónde ocurren las innovaciones?"  # not translated: Spanish


@pytest.mark.parametrize("page", ["views/mapa.py", "views/resumen.py", "views/datos.py", "views/acerca.py"])
def test_every_page_runs_in_a_partly_translated_language(fresh, tmp_path, monkeypatch, page):
    add_locale(tmp_path, monkeypatch)
    fresh.query_params["idioma"] = "xx"
    fresh.run()
    fresh.switch_page(page).run()
    assert not fresh.exception, fresh.exception
    assert fresh.title[0].value
