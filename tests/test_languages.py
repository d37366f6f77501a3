"""Adding a language is one catalogue file: it becomes selectable, and whatever it lacks is shown in Spanish."""

from __future__ import annotations

import pytest

from dashboard.address import MapView, decode, encode
from dashboard.data.vocab import CROP, DOMAIN, country_label, labelled, region_label
from dashboard.filtering.filters import Filters
from dashboard.i18n import LANGUAGES, catalogue, language_name, languages, missing, t
from tests.locales import TRANSLATED, add_locale


@pytest.fixture()
def partial(tmp_path, monkeypatch) -> str:
    add_locale(tmp_path, monkeypatch)
    return "xx"


def test_the_shipped_languages_are_complete_and_named():
    assert languages()[: len(LANGUAGES)] == LANGUAGES == ("es", "en")
    assert [language_name(lang) for lang in LANGUAGES] == ["Español", "English"]
    assert missing("en") == []


def test_a_new_file_is_a_selectable_language_with_its_own_name(partial):
    assert languages() == ("es", "en", "xx")
    assert language_name(partial) == "Xlingua"


@pytest.mark.parametrize(
    ("code", "name"), [("qu", "Quechua"), ("ay", "Aymara"), ("quz", "Cusco Quechua"), ("zz", "zz")]
)
def test_a_file_without_a_name_is_named_by_iso_639_else_by_its_code(tmp_path, monkeypatch, code, name):
    add_locale(tmp_path, monkeypatch, code, '[nav]\nmap = "Mapa"\n')
    assert code in languages()
    assert language_name(code) == name


def test_translated_keys_show_and_missing_ones_fall_back_to_spanish(partial):
    assert t("nav.map", partial) == "Mapa-xx"
    assert t("nav.summary", partial) == t("nav.summary", "es") == "Resumen"
    assert t("share.bad_value", partial, parameter="zoom", value="99") == "xx: «zoom» = «99»"
    assert t("backups.restored", partial, backup="b", entry="e") == t("backups.restored", "es", backup="b", entry="e")
    assert t("share.bad_value", partial, value="99") == "xx: «{parameter}» = «99»"  # an unfilled one stays


def test_missing_lists_every_spanish_key_the_file_lacks(partial):
    assert set(catalogue(partial)) == TRANSLATED
    assert missing(partial) == sorted(set(catalogue("es")) - TRANSLATED)


def test_an_unknown_language_is_shown_in_spanish(partial):
    assert t("nav.map", "zz") == "Mapa"
    assert t("nav.map", "../es") == "Mapa"


def test_vocabulary_labels_fall_back_to_spanish(partial):
    assert CROP.label("quinua", partial) == "quinua"
    assert DOMAIN.label("soil_fertility", partial) == DOMAIN.label("soil_fertility", "es") == "fertilidad del suelo"
    assert labelled("crops", ["tarwi", "haba"], partial) == "tarwi, haba"
    assert region_label("PE-AYA", partial) == "Ayacucho"
    assert country_label("PE", partial) == "Perú"
    assert country_label("PE", "en") == "Peru"


def test_a_link_carries_the_new_language(partial):
    params = encode(Filters(), MapView(language=partial))
    assert params == {"idioma": "xx"}
    assert decode(params) == (Filters(), MapView(language=partial), [])


def test_the_offline_map_and_the_brief_are_made_in_a_partly_translated_language(partial, small_dataset):
    import datetime
    import io

    from pypdf import PdfReader

    from dashboard.filtering.filters import Filters
    from dashboard.filtering.index import FilterIndex
    from dashboard.filtering.selection import Selection
    from dashboard.pack.brief import long_date, policy_brief
    from dashboard.pack.standalone import standalone_map

    index = FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    chosen = Selection.of(small_dataset, index, Filters())
    page = standalone_map(chosen, "xx", "Xx", made=datetime.date(2026, 12, 7)).decode("utf-8")
    made = t("standalone.made", "es", date="2026-12-07")
    assert '<html lang="xx">' in page and made in page  # Spanish where xx has no string
    assert long_date(datetime.date(2026, 12, 7), "xx") == "7 de diciembre de 2026"  # Babel has no xx: Spanish dates
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(policy_brief(chosen, "xx"))).pages)
    assert t("brief.title", "es") in text.replace("\n", " ")
