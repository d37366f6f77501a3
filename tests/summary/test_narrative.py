"""The paragraph that tells a selection in words: exact sentences, counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.filtering.filters import Filters, mask
from dashboard.i18n import number, percent
from dashboard.summary.narrative import join, paragraph
from dashboard.summary.summaries import Headline, Summary, summarise
from tests.handmade import PARTNER_NAMES

NB = "\u00a0"  # no-break space: thousands and, in Spanish, before "%"


HANDMADE = [
    # everything: A–F; women A, C; advanced B; papa nativa A, C, E; WN A, B, C, E
    (
        Filters(),
        "es",
        f"Entre 2008 y 2022 se documentaron 6 innovaciones en 5 comunidades de 3 regiones. "
        f"El 33{NB}% de ellas fueron impulsadas por mujeres o grupos de mujeres. "
        f"El 17{NB}% de ellas están en experimentación conjunta o en una etapa posterior. "
        "Cultivo más frecuente: papa nativa (3 innovaciones). "
        "Socio que acompaña más innovaciones: WN (4 innovaciones).",
    ),
    (
        Filters(),
        "en",
        "Between 2008 and 2022, 6 innovations were documented in 5 communities in 3 regions. "
        "33% of them were led by women or women's groups. "
        "17% of them are in joint experimentation or a later stage. "
        "Most frequent crop: native potato (3 innovations). "
        "Partner supporting the most innovations: WN (4 innovations).",
    ),
    # one innovation in one year: B, by a man, spreading, quinua, ABA and WN
    (
        Filters(year_from=2015, year_to=2015),
        "es",
        "En 2015 se documentó una innovación en una comunidad de una región. "
        "Está en experimentación conjunta o en una etapa posterior. "
        "Único cultivo registrado: quinua (una innovación). "
        "Socios: ABA y WN (una innovación cada uno).",
    ),
    (
        Filters(year_from=2015, year_to=2015),
        "en",
        "In 2015, one innovation was documented in one community in one region. "
        "It is in joint experimentation or a later stage. "
        "Only crop recorded: quinoa (one innovation). "
        "Partners: ABA and WN (one innovation each).",
    ),
    # one innovation led by a women's group: C
    (
        Filters(regions=("PE-PUN",), innovator_types=("womens_group",)),
        "es",
        "En 2018 se documentó una innovación en una comunidad de una región. "
        "Fue impulsada por una mujer o un grupo de mujeres. "
        "Único cultivo registrado: papa nativa (una innovación). "
        "Único socio: WN (una innovación).",
    ),
    # a tie: Ayacucho (A, B, F): crops once each; CEDAP (A, F) and WN (A, B) lead ABA (B)
    (
        Filters(regions=("PE-AYA",)),
        "es",
        "Entre 2008 y 2015 se documentaron 3 innovaciones en 2 comunidades de una región. "
        f"El 33{NB}% de ellas fueron impulsadas por mujeres o grupos de mujeres. "
        f"El 33{NB}% de ellas están en experimentación conjunta o en una etapa posterior. "
        "Cultivos registrados: oca, papa nativa y quinua (una innovación cada uno). "
        "Socios que acompañan más innovaciones: CEDAP y WN (2 innovaciones cada uno).",
    ),
    (
        Filters(regions=("PE-AYA",)),
        "en",
        "Between 2008 and 2015, 3 innovations were documented in 2 communities in one region. "
        "33% of them were led by women or women's groups. "
        "33% of them are in joint experimentation or a later stage. "
        "Crops recorded: native potato, oca and quinoa (one innovation each). "
        "Partners supporting the most innovations: CEDAP and WN (2 innovations each).",
    ),
    # no crops: D (alpacas), and no women, nothing advanced: only true sentences remain
    (
        Filters(livestock=("alpaca",)),
        "es",
        "En 2020 se documentó una innovación en una comunidad de una región. "
        "Socios: ABA y CEDAP (una innovación cada uno).",
    ),
    (
        Filters(livestock=("alpaca",)),
        "en",
        "In 2020, one innovation was documented in one community in one region. "
        "Partners: ABA and CEDAP (one innovation each).",
    ),
    # none by women, none advanced, among several: D and F
    (
        Filters(innovator_types=("community", "man"), pid_stages=("documented",)),
        "en",
        "Between 2008 and 2020, 2 innovations were documented in 2 communities in 2 regions. "
        "None was led by women or women's groups. "
        "None is in joint experimentation or a later stage. "
        "Partner supporting the most innovations: CEDAP (2 innovations).",
    ),
    (Filters(year_from=2030), "es", "No hay innovaciones para este filtro."),
    (Filters(year_from=2030), "en", "There are no innovations for this filter."),
]


@pytest.mark.parametrize(("filters", "lang", "expected"), HANDMADE)
def test_paragraph_of_the_handmade_store(data, index, filters, lang, expected):
    summary = summarise(index, mask(data.innovations, index, filters))
    assert paragraph(summary, lang, PARTNER_NAMES) == expected


def _summary(
    innovations: int,
    by_women: int = 0,
    advanced: int = 0,
    years=(2010, 2020),
    crops: dict[str, int] | None = None,
    partners: dict[str, int] | None = None,
    communities: int = 2,
    regions: int = 2,
) -> Summary:
    """A summary made up for one case: only what the paragraph reads."""
    headline = Headline(
        innovations=innovations,
        communities=communities,
        regions=regions,
        partners=len(partners or {}),
        by_women=by_women,
        advanced=advanced,
        first_year=years[0],
        newest_year=years[1],
    )
    counts = {"crops": pd.Series(crops or {}, dtype="int64"), "partners": pd.Series(partners or {}, dtype="int64")}
    return Summary(headline=headline, counts=counts, by_year_domain=pd.DataFrame())


TIED_CROPS = {"quinua": 40, "papa_nativa": 40, "oca": 3}
ONCE_EACH = {"quinua": 1, "oca": 1, "haba": 1, "maiz": 1}
THREE_LEAD = {"cedap": 3, "aba": 3, "ind": 3, "wn": 1}
CUSTOM = [
    # one year, many innovations; thousands grouped; a tie of two crops at the top
    (
        _summary(12345, by_women=6172, advanced=12345, years=(2015, 2015), crops=TIED_CROPS),
        "es",
        f"En 2015 se documentaron 12{NB}345 innovaciones en 2 comunidades de 2 regiones. "
        f"El 50{NB}% de ellas fueron impulsadas por mujeres o grupos de mujeres. "
        "Todas están en experimentación conjunta o en una etapa posterior. "
        "Cultivos más frecuentes: papa nativa y quinua (40 innovaciones cada uno).",
    ),
    (
        _summary(12345, by_women=6172, advanced=12345, years=(2015, 2015), crops=TIED_CROPS),
        "en",
        "In 2015, 12,345 innovations were documented in 2 communities in 2 regions. "
        "50% of them were led by women or women's groups. "
        "All are in joint experimentation or a later stage. "
        "Most frequent crops: native potato and quinoa (40 innovations each).",
    ),
    # shares that round to 0 or 100 without being so; every crop once among many: no "most frequent"
    (
        _summary(300, by_women=1, advanced=299, crops=ONCE_EACH),
        "es",
        "Entre 2010 y 2020 se documentaron 300 innovaciones en 2 comunidades de 2 regiones. "
        f"Menos del 1{NB}% de ellas fueron impulsadas por mujeres o grupos de mujeres. "
        f"Más del 99{NB}% de ellas están en experimentación conjunta o en una etapa posterior.",
    ),
    # four values share the top count: none is named
    (
        _summary(8, by_women=8, advanced=0, partners={"a": 2, "b": 2, "c": 2, "d": 2, "e": 1}),
        "en",
        "Between 2010 and 2020, 8 innovations were documented in 2 communities in 2 regions. "
        "All were led by women or women's groups. "
        "None is in joint experimentation or a later stage.",
    ),
    # three lead: named, with "e" before an /i/ sound in Spanish; no year known
    (
        _summary(5, years=(None, None), partners=THREE_LEAD, communities=1, regions=1),
        "es",
        "Se documentaron 5 innovaciones en una comunidad de una región. "
        "Ninguna fue impulsada por mujeres ni por grupos de mujeres. "
        "Ninguna está en experimentación conjunta ni en una etapa posterior. "
        "Socios que acompañan más innovaciones: ABA, CEDAP e Instituto (3 innovaciones cada uno).",
    ),
]


@pytest.mark.parametrize(("summary", "lang", "expected"), CUSTOM)
def test_paragraph_of_made_up_summaries(summary, lang, expected):
    assert paragraph(summary, lang, {**PARTNER_NAMES, "ind": "Instituto"}) == expected


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (0, "es", "0"),
        (999, "es", "999"),
        (1234, "es", "1234"),  # RAE: four digits stay together
        (12345, "es", f"12{NB}345"),
        (1234567, "es", f"1{NB}234{NB}567"),
        (1234, "en", "1,234"),
    ],
)
def test_counts_group_thousands_as_each_language_writes_them(value, lang, text):
    assert number(value, lang) == text


@pytest.mark.parametrize(
    ("part", "whole", "lang", "text"),
    [
        (41, 100, "es", f"41{NB}%"),
        (41, 100, "en", "41%"),
        (1, 8, "en", "13%"),
        (1, 6, "es", f"17{NB}%"),
        (1, 300, "es", f"<1{NB}%"),
        (299, 300, "en", ">99%"),
        (0, 5, "en", "0%"),
        (5, 5, "en", "100%"),
    ],
)
def test_percent_figures_round_half_up_and_never_hide_a_minority(part, whole, lang, text):
    assert percent(part, whole, lang) == text


@pytest.mark.parametrize(
    ("items", "lang", "text"),
    [
        ([], "es", ""),
        (["quinua"], "es", "quinua"),
        (["oca", "quinua"], "es", "oca y quinua"),
        (["oca", "haba", "quinua"], "en", "oca, haba and quinua"),
        (["papa", "Ichu"], "es", "papa e Ichu"),
        (["agua", "hilo"], "es", "agua e hilo"),
        (["agua", "hierro"], "es", "agua y hierro"),
        (["ABA", "Ichu"], "en", "ABA and Ichu"),
    ],
)
def test_lists_join_with_and(items, lang, text):
    assert join(items, lang) == text
