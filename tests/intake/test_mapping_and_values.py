"""Column names matched to the contract in Spanish and English; cell text turned into values, never guessed."""

from __future__ import annotations

import pytest

from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.intake import mapping, values


@pytest.mark.parametrize(
    ("column", "target"),
    [
        ("Latitud", "latitude"),
        ("lat", "latitude"),
        ("Y", "latitude"),
        ("Longitud", "longitude"),
        ("lng", "longitude"),
        ("X", "longitude"),
        ("Comunidad", "community_name"),
        ("Cultivos", "crops"),
        ("cultivo", "crops"),
        ("Socio", "partners"),
        ("Aliados", "partners"),
        ("Región", "region"),
        ("Distrito", None),
        ("Año", "year_documented"),
        ("AÑO DE INICIO", "year_started"),
        ("Título", "title"),
        ("Descripción", "description"),
        ("_uuid", "source_key"),
        ("meta-instanceID", "source_key"),
        ("KEY", "source_key"),
        ("Zona UTM", "utm_zone"),
        ("Tipo de innovador", "innovator_type"),
        ("Etapa DPI", "pid_stage"),
        ("crops", "crops"),
        ("year_documented", "year_documented"),
        ("_submission_time", None),
        ("observaciones del técnico", None),
    ],
)
def test_columns_are_matched_by_their_spanish_or_english_names(column, target):
    assert mapping.guess([column], INNOVATIONS)[column] == target


def test_a_community_file_maps_its_own_name_and_code():
    guessed = mapping.guess(["Código", "Comunidad", "Región", "Altitud"], COMMUNITIES)
    assert guessed == {"Código": "community_id", "Comunidad": "name", "Región": "region", "Altitud": "altitude_m"}


def test_a_target_is_never_given_to_two_columns():
    guessed = mapping.guess(["lat", "Latitud"], INNOVATIONS)
    assert guessed == {"lat": "latitude", "Latitud": None}


def test_a_saved_mapping_is_found_again_for_the_same_form(tmp_path):
    columns = ["Nombre de la innovación", "comunidad", "gps", "obs"]
    chosen = mapping.guess(columns, INNOVATIONS) | {"obs": "description"}
    mapping.save(tmp_path, "Formulario Kobo 2026", chosen, columns, INNOVATIONS)
    found = mapping.saved_for(tmp_path, list(reversed(columns)), INNOVATIONS)  # order does not matter
    assert found is not None and found["mapping"]["obs"] == "description"
    assert mapping.saved_for(tmp_path, [*columns, "otra"], INNOVATIONS) is None  # another form
    assert mapping.saved_for(tmp_path, columns, COMMUNITIES) is None
    assert mapping.applied(found["mapping"], [*columns, "Cultivos"], INNOVATIONS)["Cultivos"] == "crops"


@pytest.mark.parametrize(
    ("text", "vocabulary", "code"),
    [
        ("papas nativas", "crop", "papa_nativa"),
        ("generalizada (centro del distrito)", "location_shown", "generalised"),  # an older public export
        ("generalised (district centre)", "location_shown", "generalised"),
        ("Papa nativa", "crop", "papa_nativa"),
        ("papa_nativa", "crop", "papa_nativa"),
        ("native potato", "crop", "papa_nativa"),
        ("QUINOA", "crop", "quinua"),
        ("Cañihua", "crop", "canihua"),
        ("habas", "crop", "haba"),
        ("mujer", "innovator_type", "woman"),
        ("Grupo de mujeres", "innovator_type", "womens_group"),
        ("women's group", "innovator_type", "womens_group"),
        ("alpacas", "livestock", "alpaca"),
        ("en difusión", "pid_stage", "spreading"),
        ("Técnica", "kind", "technical"),
    ],
)
def test_vocabulary_values_are_read_through_labels_and_synonyms(text, vocabulary, code):
    assert values.code(text, vocabulary) == code


@pytest.mark.parametrize(
    ("text", "vocabulary"),
    [("papa", "crop"), ("papas", "crop"), ("familia", "innovator_type"), ("ninguno", "crop"), ("", "crop")],
)
def test_an_unknown_or_ambiguous_value_is_refused_not_guessed(text, vocabulary):
    with pytest.raises(values.ValueProblem) as raised:
        values.code(text, vocabulary)
    assert raised.value.reason == "values.unknown_code" and raised.value.params["value"] == text


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("papa nativa; quinua", ["papa_nativa", "quinua"]),
        ("oca y olluco", ["oca", "olluco"]),
        ("quinua, quinua", ["quinua"]),
        ("maíz|haba", ["maiz", "haba"]),
    ],
)
def test_several_values_in_one_cell(text, codes):
    assert values.codes(text, "crop") == codes


@pytest.mark.parametrize(("text", "year"), [("2015", 2015), (" 2015 ", 2015), ("2015.0", 2015)])
def test_years_in_digits(text, year):
    assert values.year(text, 1950, 2026) == year


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cinco", "values.not_a_year"),
        ("15", "values.not_a_year"),
        ("2099", "values.year_out_of_range"),
        ("2015-03", "values.not_a_year"),
    ],
)
def test_years_in_words_or_out_of_range_are_refused(text, reason):
    with pytest.raises(values.ValueProblem) as raised:
        values.year(text, 1950, 2026)
    assert raised.value.reason == reason


@pytest.mark.parametrize(("text", "answer"), [("Sí", True), ("si", True), ("x", True), ("No", False), ("0", False)])
def test_yes_and_no(text, answer):
    assert values.yes_no(text) is answer


def test_a_yes_no_field_with_anything_else_is_refused():
    with pytest.raises(values.ValueProblem):
        values.yes_no("tal vez")


@pytest.mark.parametrize("entity", [INNOVATIONS, COMMUNITIES])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_target_an_editor_can_choose_has_a_readable_name(entity, lang):
    names = [mapping.label(target, lang) for target in mapping.targets(entity)]
    assert all(name and name not in mapping.targets(entity) for name in names), names
    assert mapping.label("latitude", "es") == "Latitud" and mapping.label(None, "en") == "(not imported)"


def test_a_public_exports_area_column_is_not_taken_for_a_utm_zone():
    from dashboard.data.contract import INNOVATIONS

    assert mapping.suggest("Zona UTM", INNOVATIONS, set()) == "utm_zone"
    assert mapping.suggest("Zona mostrada", INNOVATIONS, set()) is None
    assert mapping.suggest("Area shown", INNOVATIONS, set()) is None
