"""The contract's vocabularies and the UI catalogues stay complete in both languages."""

import re

import pycountry
import pytest

from dashboard.data.contract import ENTITIES
from dashboard.data.vocab import LANGUAGES, VOCABULARIES, country_label, natural_region, regions
from dashboard.i18n import catalogue, t

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_code_has_a_label_in_every_language(name):
    vocabulary = VOCABULARIES[name]
    assert vocabulary.codes, name
    for code in vocabulary.codes:
        labels = vocabulary.labels[code]
        assert len(labels) == len(LANGUAGES), (name, code)
        assert all(label.strip() for label in labels), (name, code)


def test_catalogues_have_the_same_keys_and_placeholders():
    spanish, english = catalogue("es"), catalogue("en")
    assert set(spanish) == set(english), set(spanish) ^ set(english)
    for key in spanish:
        assert set(PLACEHOLDER.findall(spanish[key])) == set(PLACEHOLDER.findall(english[key])), key
        assert spanish[key].strip() and english[key].strip(), key


ODD_VALUES = ("{x}", "%s", "<b>", "", 0, None, 1.5)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_can_fail_whatever_its_parameters(lang):
    """A file's column may be called "key" or "lang"; a value may hold braces; a placeholder may go unfilled."""
    for key, text in catalogue(lang).items():
        names = PLACEHOLDER.findall(text)
        for value in ODD_VALUES:
            shown = t(key, lang, **{"key": value, "lang": value, **dict.fromkeys(names, value)})
            assert isinstance(shown, str), key
        partial = t(key, lang, unrelated="x")
        assert all(f"{{{name}}}" in partial for name in names), key


def test_a_parameter_named_key_fills_its_placeholder():
    assert t("validate.duplicate_in_file", "es", value="A-1", key="k").startswith("El registro «A-1»")


def test_spanish_is_the_default_language():
    assert LANGUAGES[0] == "es"
    assert t("nav.map") == "Mapa"
    assert t("nav.map", "en") == "Map"


def test_every_vocabulary_a_field_names_exists():
    for entity in ENTITIES:
        for field in entity.fields:
            if field.vocabulary:
                assert field.vocabulary in VOCABULARIES, (entity.layer, field.name)


def test_regions_come_from_iso_3166_2_for_the_three_countries():
    codes = regions()
    assert codes["PE-AYA"] == "Ayacucho"
    assert codes["BO-L"] == "La Paz"
    assert codes["EC-H"] == "Chimborazo"
    expected = {s.code for c in ("PE", "BO", "EC") for s in pycountry.subdivisions.get(country_code=c)}
    assert set(codes) == expected


def test_country_names_are_translated_by_pycountry():
    assert country_label("PE", "es") == "Perú"
    assert country_label("PE", "en") == "Peru"


@pytest.mark.parametrize(
    ("altitude", "slope", "expected"),
    [
        (5000, None, "janca"),
        (4800, None, "janca"),
        (4200, None, "puna"),
        (3800, None, "suni"),
        (3500, None, "suni"),
        (2750, None, "quechua"),
        (2300, None, "quechua"),
        (1500, "western", "yunga"),
        (200, "western", "chala"),
        (1500, "eastern", "yunga"),
        (700, "eastern", "rupa_rupa"),
        (150, "eastern", "omagua"),
        (1500, None, None),  # below 2,300 m the slope is needed
        (None, None, None),
        (float("nan"), "eastern", None),
    ],
)
def test_natural_region_follows_pulgar_vidal(altitude, slope, expected):
    assert natural_region(altitude, slope) == expected
