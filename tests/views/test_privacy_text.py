"""What the atlas says about privacy is what it shows, and a visitor never sees the administrator's setup."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import hash_password
from dashboard.data.privacy import MIN_COMMUNITIES_ENV, public_view
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map.details import innovation_details
from dashboard.pack.downloads import PACK
from dashboard.paths import PACKAGE, ROOT, STORE_ENV
from tests.handmade import PARTNER_NAMES, handmade_dataset

APP = str(PACKAGE / "app.py")
# The one rule for names (dashboard/data/privacy.py `shown_name`), as each catalogue words it.
NAME_RULE = {
    "es": "solo si el registro tiene consentimiento público y la persona innovadora aceptó publicar su nombre",
    "en": "only where the record has public consent and the innovator agreed to publish their name",
}
# Where a restricted record is shown (privacy.py `generalised_areas`), as each catalogue words it.
PLACE_RULE = {
    "es": "centro de la zona más pequeña que reúne suficientes comunidades para no señalar a ninguna",
    "en": "centre of the smallest area holding enough communities not to single one out",
}
ASK_ACCESS = {"es": "pida acceso a la persona que administra el atlas", "en": "ask the person who runs the atlas"}
SETUP = ("password_hash", "[editors", "secrets.toml", "hash-password")
NAMED, CONSENT_ONLY, RESTRICTED = "INN-A", "INN-B", "INN-F"  # F has no public consent


def _shown_text(at: AppTest) -> str:
    """Every text element of the page, main area and sidebar."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def _manage_page(store: Path, monkeypatch, editors: dict | None) -> AppTest:
    monkeypatch.setenv(STORE_ENV, str(store))
    at = AppTest.from_file(APP, default_timeout=60)
    if editors:
        at.secrets["editors"] = editors
    at.run()
    return at.switch_page("views/gestionar.py").run()


@pytest.mark.parametrize("editors", [None, {"ana": {"name": "Ana Quispe", "password_hash": hash_password("x" * 12)}}])
def test_a_visitor_on_manage_data_sees_a_short_note_never_the_setup(small_store, monkeypatch, editors):
    at = _manage_page(small_store, monkeypatch, editors)
    assert not at.exception
    shown = _shown_text(at)
    for setup in SETUP:
        assert setup not in shown, setup
    assert ASK_ACCESS["es"] in shown
    signing_in = bool(editors)  # the sign-in form only where there is someone to sign in
    assert [w.key for w in at.main.text_input] == (["sign_in_user", "sign_in_password"] if signing_in else [])


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_public_notes_on_manage_data_ask_for_access_in_both_languages(lang):
    for key in ("auth.how_to_enable", "auth.required"):
        assert ASK_ACCESS[lang] in t(key, lang), key
        assert not any(setup in t(key, lang) for setup in SETUP), key


def test_the_readme_keeps_the_setup_the_page_no_longer_shows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for step in ("secrets.example.toml", "python -m dashboard hash-password", "[editors.usuario]", "password_hash"):
        assert step in readme, step


def _handmade() -> Selection:
    """The handmade store, everything kept: A consents and publishes its name, B only consents, F neither."""
    data = handmade_dataset()
    innovations = data.innovations
    innovations.loc[innovations["innovation_id"].isin([NAMED, RESTRICTED]), "name_public"] = True
    index = FilterIndex.build(innovations, data.communities)
    keep = mask(innovations, index, Filters())
    return Selection(data=data, index=index, filters=Filters(), keep=keep, partner_names=PARTNER_NAMES)


def _name(data, innovation_id: str) -> str:
    return data.innovations.set_index("innovation_id").loc[innovation_id, "innovator_name"]


def test_names_are_in_the_record_card_and_the_csv_only_as_the_sentence_says():
    chosen = _handmade()
    data = chosen.data
    csv = PACK["csv"].make(chosen, "es").decode("utf-8-sig")
    cards = {
        code: innovation_details(data, int(np.flatnonzero(data.innovations["innovation_id"] == code)[0]), "es", {})
        for code in (NAMED, CONSENT_ONLY, RESTRICTED)
    }
    label = t("columns.innovator_name", "es")
    assert cards[NAMED][label] == _name(data, NAMED)
    assert label not in cards[CONSENT_ONLY] and label not in cards[RESTRICTED]
    assert _name(data, NAMED) in csv
    assert _name(data, CONSENT_ONLY) not in csv and _name(data, RESTRICTED) not in csv
    for key in ("data.caption", "pack.data_caption", "export.readme.restricted"):
        for lang in ("es", "en"):
            assert NAME_RULE[lang] in t(key, lang), (key, lang)


def test_a_bad_minimum_of_communities_stops_the_app_with_a_clear_message(atlas, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(atlas))  # a store of its own: a good setting's load is not cached for it
    monkeypatch.setenv(MIN_COMMUNITIES_ENV, "tres")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception  # no traceback
    assert any(f"{MIN_COMMUNITIES_ENV} debe ser un número entero de al menos 1, no «tres»" in e.value for e in at.error)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_note_on_restricted_points_words_the_rule_the_public_views_follow(lang):
    for key in ("pack.data_caption", "export.readme.restricted", "brief.privacy", "poster.privacy"):
        assert PLACE_RULE[lang] in t(key, lang), key
        assert "distrit" not in t(key, lang), key  # no longer the centre of the record's district


def test_the_data_page_says_where_names_and_restricted_points_appear(small_store, small_dataset, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(small_store))
    at = AppTest.from_file(APP, default_timeout=60).run().switch_page("views/datos.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert NAME_RULE["es"] in captions and PLACE_RULE["es"] in captions
    assert "sin nombres de personas innovadoras" not in captions  # the CSV carries the names allowed
    innovations = small_dataset.innovations
    allowed = innovations["consent_public"].fillna(False) & innovations["name_public"].fillna(False)
    assert allowed.any()  # so the sentence is about names the downloads really hold
    view = public_view(small_dataset, np.ones(len(innovations), bool))
    assert set(view.innovations["innovator_name"].dropna()) == set(innovations.loc[allowed, "innovator_name"].dropna())


def test_the_excel_readme_says_which_names_its_sheets_hold():
    chosen = _handmade()
    workbook = PACK["xlsx"].make(chosen, "es")
    readme = "\n".join(pd.read_excel(io.BytesIO(workbook), sheet_name="léame", header=None)[0])
    assert NAME_RULE["es"] in readme and PLACE_RULE["es"] in readme
    sheet = pd.read_excel(io.BytesIO(workbook), sheet_name="innovaciones")
    names = set(sheet[t("export.column.innovator_name", "es")].dropna())
    assert names == {_name(chosen.data, NAMED)}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_brief_says_it_names_nobody_and_names_nobody(lang):
    chosen = _handmade()
    pdf = PACK["pdf"].make(chosen, lang)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).replace("\xa0", " ").split())
    assert t("brief.privacy", lang) in text
    assert PLACE_RULE[lang] in text
    assert "Persona ficticia" not in text  # not even the name its innovator agreed to publish
    said = {"es": "Este resumen no nombra a ninguna persona innovadora", "en": "This brief names no innovator"}
    assert said[lang] in text
