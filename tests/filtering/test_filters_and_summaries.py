"""The shared filter and the figures drawn from it, on a small hand-made store."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.privacy import generalised_points
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters, apply, describe
from dashboard.filtering.index import fold_query
from dashboard.summary.summaries import labels_for, summarise
from tests.handmade import PARTNER_NAMES


def _ids(data, index, filters) -> str:
    return "".join(i[-1] for i in apply(data.innovations, index, filters)["innovation_id"])


AYACUCHO_BOX = ((-74.5, -13.5), (-74.0, -13.5), (-74.0, -12.8), (-74.5, -12.8))

CASES = [
    # criteria                                              -> kept innovations (last letter of id)
    (Filters(), "ABCDEF"),
    (Filters(countries=("BO",)), "E"),
    (Filters(countries=("PE", "EC")), "ABCDF"),
    (Filters(regions=("PE-AYA",)), "ABF"),
    (Filters(regions=("PE-AYA", "BO-L")), "ABEF"),
    (Filters(regions=("PE-AYA",), provinces=("Huanta",)), "AF"),
    (Filters(regions=("PE-AYA",), provinces=("Huamanga",), districts=("Socos",)), "B"),
    (Filters(districts=("Socos", "Juli")), "BC"),
    (Filters(crops=("papa_nativa",)), "ACE"),
    (Filters(crops=("oca", "quinua")), "ABE"),
    (Filters(livestock=("alpaca",)), "D"),
    (Filters(partners=("aba",)), "BD"),
    (Filters(domains=("water_irrigation",)), "AF"),
    (Filters(pid_stages=("spreading", "identified")), "BE"),
    (Filters(innovator_types=("woman", "womens_group")), "AC"),
    (Filters(natural_regions=("puna",)), "D"),
    (Filters(year_from=2015), "BCDE"),
    (Filters(year_to=2015), "ABF"),
    (Filters(year_from=2015, year_to=2015), "B"),
    (Filters(year_from=2026), ""),
    (Filters(text="quinua"), "B"),
    (Filters(text="QUINUA"), "B"),
    (Filters(text="anos"), "C"),  # «años», without the tilde
    (Filters(text="Ñawi"), "D"),  # local community name
    (Filters(text="  wanta "), "AF"),  # local name of the community, spaces trimmed
    (Filters(text="no existe nada así"), ""),
    (Filters(text="qocha papa"), "A"),  # every term, each the start of a word, anywhere in the record
    (Filters(text="ochas"), ""),  # inside «qochas», not at its start
    (Filters(text="cion"), ""),  # every description has «descripción», none a word starting «cion»
    (Filters(text="papa, qochas!"), "A"),  # punctuation separates terms
    (Filters(text="hel"), "B"),
    (Filters(text="semillas"), "CE"),
    (Filters(regions=("PE-AYA",), crops=("quinua",)), "B"),
    (Filters(regions=("PE-CUS",), crops=("papa_nativa",)), ""),
    (Filters(regions=("EC-H",)), ""),
    (Filters(area=AYACUCHO_BOX), "AB"),  # F (restricted) is shown at the centre of the whole atlas, not here
    (Filters(bounds=(-74.5, -13.5, -74.0, -12.8)), "AB"),
    (Filters(bounds=(-70.0, -17.0, -68.0, -15.0)), "CE"),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_filter_keeps_exactly_the_matching_innovations(data, index, filters, expected):
    assert _ids(data, index, filters) == expected


def _around(point: shapely.Point) -> tuple[float, float, float, float]:
    return (point.x - 0.1, point.y - 0.1, point.x + 0.1, point.y + 0.1)


def test_restricted_records_are_filtered_where_they_are_shown(data, index):
    # F has no public consent. With k=3 no area smaller than the atlas holds 3 of the six communities without
    # leaving 1 or 2 alone, so F is shown at the centre of the whole atlas, far from its own point
    exact = data.innovations.set_index("innovation_id").geometry["INN-F"]
    shown = generalised_points(data.communities)["c1"]
    assert exact.distance(shown) > 1
    assert "F" not in _ids(data, index, Filters(bounds=_around(exact)))  # a box drawn on its own point misses it
    assert _ids(data, index, Filters(bounds=_around(shown))) == "F"
    west, south, east, north = _around(shown)
    assert _ids(data, index, Filters(area=((west, south), (east, south), (east, north), (west, north)))) == "F"


def test_filter_is_one_immutable_value():
    chosen = Filters(regions=("PE-AYA",))
    with pytest.raises(AttributeError):
        chosen.regions = ()
    assert chosen == Filters(regions=("PE-AYA",)) and chosen.active and not Filters().active


def test_place_choices_cascade_from_region_to_district(data, index):
    provinces, districts = CRITERIA["provinces"], CRITERIA["districts"]
    assert provinces.options(data, index, Filters()) == ["Chucuito", "Huamanga", "Huanta", "Los Andes", "Melgar"]
    assert provinces.options(data, index, Filters(regions=("PE-AYA",))) == ["Huamanga", "Huanta"]
    assert districts.options(data, index, Filters(regions=("PE-AYA",), provinces=("Huamanga",))) == ["Socos"]


@pytest.mark.parametrize(
    ("query", "folded"),
    [("Años", "anos"), ("ÑAWI", "nawi"), ("  Quinua ", "quinua"), ("Cañihua – señal", "canihua – senal")],
)
def test_search_ignores_case_and_accents(query, folded):
    assert fold_query(query) == folded


@pytest.mark.parametrize(
    ("filters", "lang", "sentence"),
    [
        (Filters(), "es", "Todas las innovaciones"),
        (
            Filters(crops=("papa_nativa",), regions=("PE-AYA",), year_from=2015, year_to=2025),
            "es",
            "Innovaciones de papa nativa en Ayacucho, 2015–2025",
        ),
        (
            Filters(crops=("papa_nativa",), regions=("PE-AYA",), year_from=2015, year_to=2025),
            "en",
            "Innovations on native potato in Ayacucho, 2015–2025",
        ),
        (
            Filters(regions=("PE-AYA", "PE-PUN", "BO-L"), partners=("cedap",)),
            "es",
            "Innovaciones en Ayacucho, Puno o La Paz acompañadas por CEDAP",
        ),
        (Filters(regions=("PE-AYA",), districts=("Socos",), year_from=2010), "es", "Innovaciones en Socos, desde 2010"),
        (Filters(countries=("BO",), year_to=2012), "en", "Innovations in Bolivia, until 2012"),
        (Filters(text="qocha", area=AYACUCHO_BOX), "es", "Innovaciones que mencionan «qocha» en el área dibujada"),
        (
            Filters(domains=("water_irrigation",), innovator_types=("woman",)),
            "en",
            "Innovations about water management and irrigation (innovator: woman)",
        ),
    ],
)
def test_filter_reads_as_a_sentence(filters, lang, sentence):
    assert describe(filters, lang, PARTNER_NAMES) == sentence


def _keep(data, index, filters):
    from dashboard.filtering.filters import mask

    return mask(data.innovations, index, filters)


def _figures(headline):
    return {
        name: getattr(headline, name)
        for name in (
            "innovations",
            "communities",
            "regions",
            "partners",
            "by_women",
            "advanced",
            "first_year",
            "newest_year",
        )
    }


def test_headline_counts_distinct_communities_regions_and_partners(data, index):
    everything = summarise(index, _keep(data, index, Filters())).headline
    # A (woman) and C (women's group) are led by women; only B has reached joint experimentation or later
    assert _figures(everything) == {
        "innovations": 6,
        "communities": 5,
        "regions": 3,
        "partners": 3,
        "by_women": 2,
        "advanced": 1,
        "first_year": 2008,
        "newest_year": 2022,
    }
    ayacucho = summarise(index, _keep(data, index, Filters(regions=("PE-AYA",)))).headline
    assert _figures(ayacucho) == {
        "innovations": 3,
        "communities": 2,
        "regions": 1,
        "partners": 3,
        "by_women": 1,
        "advanced": 1,
        "first_year": 2008,
        "newest_year": 2015,
    }
    nothing = summarise(index, np.zeros(6, dtype=bool)).headline
    assert _figures(nothing) == {
        "innovations": 0,
        "communities": 0,
        "regions": 0,
        "partners": 0,
        "by_women": 0,
        "advanced": 0,
        "first_year": None,
        "newest_year": None,
    }


@pytest.mark.parametrize(
    ("field", "filters", "expected"),
    [
        # altitudes: c1 2640 m and c2 3380 m are quechua, c3 3870 m and c5 3860 m suni, c4 4010 m puna
        ("natural_region", Filters(), [["quechua", 3], ["suni", 2], ["puna", 1]]),
        ("country", Filters(), [["PE", 5], ["BO", 1]]),
        ("pid_stage", Filters(), [["documented", 3], ["identified", 1], ["prioritised", 1], ["spreading", 1]]),
        ("innovator_type", Filters(regions=("PE-AYA",)), [["man", 2], ["woman", 1]]),
        (
            "domain",
            Filters(crops=("papa_nativa",)),
            [["marketing_organisation", 1], ["seeds_varieties", 1], ["water_irrigation", 1]],
        ),  # ties: by label
        ("year", Filters(partners=("cedap",)), [["2008", 1], ["2010", 1], ["2020", 1]]),
        ("livestock", Filters(), [["alpaca", 1]]),
    ],
)
def test_summary_counts_every_field_by_hand(data, index, field, filters, expected):
    summary = summarise(index, _keep(data, index, filters))
    table = summary.table(field, labels_for(field, "en", PARTNER_NAMES))
    assert table[["code", "count"]].values.tolist() == expected


def test_innovations_per_year_are_split_by_domain(data, index):
    by_year = summarise(index, _keep(data, index, Filters())).by_year_domain
    assert by_year.loc[2010, "water_irrigation"] == 1 and by_year.loc[2008, "water_irrigation"] == 1
    assert by_year.loc[2015, "seeds_varieties"] == 1 and by_year.loc[2015].sum() == 1
    assert int(by_year.to_numpy().sum()) == 6


def test_counts_by_a_list_field_count_each_value_once_per_innovation(data, index):
    keep = _keep(data, index, Filters())
    table = summarise(index, keep).table("crops", labels_for("crops", "es", PARTNER_NAMES))
    assert table[["label", "count"]].values.tolist() == [["papa nativa", 3], ["quinua", 2], ["oca", 1]]


def test_counts_by_region_and_partner_use_readable_labels(data, index):
    keep = _keep(data, index, Filters())
    regions = summarise(index, keep).table("region", labels_for("region", "en", PARTNER_NAMES))
    assert regions[["code", "label", "count"]].values.tolist()[0] == ["PE-AYA", "Ayacucho", 3]
    assert set(regions["label"]) == {"Ayacucho", "Puno", "La Paz"}
    partners = summarise(index, keep).table("partners", labels_for("partners", "es", PARTNER_NAMES))
    assert partners[["label", "count"]].values.tolist() == [["WN", 4], ["CEDAP", 3], ["ABA", 2]]
    none = summarise(index, np.zeros(6, dtype=bool)).table("crops", {})
    assert none.empty


@pytest.mark.parametrize(
    ("texts", "query", "expected"),
    [
        (["papa papa nativa", "qochas, papa", ""], "papa", [True, True, False]),
        (["papa papa nativa", "qochas, papa", ""], "qocha", [False, True, False]),
        (["papa papa nativa", "qochas, papa", ""], "nativa papa", [True, False, False]),
        (["papa papa nativa", "qochas, papa", ""], "", [True, True, True]),
        (["c:\\datos\\2019 uno", "dos"], "2019", [True, False]),
        (["participacion del cip", "participacion"], "cip", [True, False]),  # never inside a word
        (["apoyo (cip)", "la helada, el granizo", "cip-peru"], "cip", [True, False, True]),
        (["apoyo (cip)", "la helada, el granizo", "cip-peru"], "helada granizo", [False, True, False]),
        (["apoyo (cip)", "la helada, el granizo", "cip-peru"], "peru", [False, False, True]),
        (["anos de sequia", "qochas"], "sequ qoch", [False, False]),
        (["a\u00a0b\tc", "ab"], "b", [True, False]),  # a no-break space or a tab separates words too
        ([], "papa", []),
    ],
)
def test_word_index_matches_every_term_at_the_start_of_a_word(texts, query, expected):
    from dashboard.filtering.words import WordIndex

    index = WordIndex.build(pd.Series(texts, dtype="string[pyarrow]"))
    assert index.matching(query).tolist() == expected


def _starts_a_word(text: str, term: str) -> bool:
    """The search rule in plain Python: `term` begins a run of letters and digits of `text`."""
    words = re.split(r"[\W_]+", text)  # \w is letters, digits and "_": "_" breaks words here too
    return any(word.startswith(term) for word in words)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(st.text(alphabet="ab1 -_(),.\t\u00a0«»'", max_size=12), max_size=6),
    st.text(alphabet="ab1", min_size=1, max_size=3),
)
def test_word_index_agrees_with_a_plain_reading_of_the_rule(texts, term):
    from dashboard.filtering.words import WordIndex

    index = WordIndex.build(pd.Series(texts, dtype="string[pyarrow]"))
    assert index.matching(term).tolist() == [_starts_a_word(text, term) for text in texts]
