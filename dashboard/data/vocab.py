"""Controlled vocabularies: codes stored in the data, labels in Spanish and English."""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import cache

import pycountry

from dashboard.data.contract import COMMUNITIES, INNOVATIONS
from dashboard.data.localcontexts import LABEL_NAMES
from dashboard.i18n import LANGUAGES


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of codes, each with a label per language."""

    name: str
    labels: dict[str, tuple[str, str]]  # code -> (es, en), in the order of LANGUAGES
    wocat: dict[str, str] = field(default_factory=dict)  # code -> WOCAT term, where one exists

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, code: str, lang: str = "es") -> str:
        """Label of `code` in `lang` (Spanish for a language without vocabulary labels); an unknown code as itself."""
        pair = self.labels.get(code)
        return code if pair is None else pair[LANGUAGES.index(lang) if lang in LANGUAGES else 0]

    def __contains__(self, code: object) -> bool:
        return code in self.labels


DOMAIN = Vocabulary(
    "domain",
    {
        "crop_management": ("manejo de cultivos", "crop management"),
        "seeds_varieties": ("semillas y variedades", "seeds and varieties"),
        "soil_fertility": ("fertilidad del suelo", "soil fertility"),
        "water_irrigation": ("agua y riego", "water management and irrigation"),
        "pest_disease": ("plagas y enfermedades", "pest and disease management"),
        "livestock_health": ("ganadería y sanidad animal", "livestock and animal health"),
        "postharvest_processing": ("poscosecha y transformación", "post-harvest and processing"),
        "agroforestry_nrm": ("agroforestería y recursos naturales", "agroforestry and natural resources"),
        "climate_risk": ("riesgo climático (helada, granizo, sequía)", "climate risk (frost, hail, drought)"),
        "marketing_organisation": ("comercialización y organización", "marketing and organisation"),
        "food_nutrition": ("alimentación y nutrición", "food and nutrition"),
    },
    # WOCAT SLM groups, so records can later be shared with WOCAT
    wocat={
        "crop_management": "integrated crop-livestock management",
        "seeds_varieties": "improved plant varieties/ animal breeds",
        "soil_fertility": "integrated soil fertility management",
        "water_irrigation": "water harvesting",
        "pest_disease": "integrated pest and disease management (incl. organic agriculture)",
        "postharvest_processing": "post-harvest measures",
        "agroforestry_nrm": "agroforestry",
        "climate_risk": "ecosystem-based disaster risk reduction",
    },
)

KIND = Vocabulary(
    "kind",
    {"technical": ("técnica", "technical"), "socio_institutional": ("socio-institucional", "socio-institutional")},
)

CROP = Vocabulary(
    "crop",
    {
        "papa_nativa": ("papa nativa", "native potato"),
        "papa_mejorada": ("papa mejorada", "improved potato"),
        "quinua": ("quinua", "quinoa"),
        "kiwicha": ("kiwicha", "amaranth (kiwicha)"),
        "canihua": ("cañihua", "cañihua"),
        "maiz": ("maíz", "maize"),
        "haba": ("haba", "broad bean"),
        "tarwi": ("tarwi", "Andean lupin (tarwi)"),
        "oca": ("oca", "oca"),
        "olluco": ("olluco", "ulluco"),
        "mashua": ("mashua", "mashua"),
        "cebada": ("cebada", "barley"),
        "trigo": ("trigo", "wheat"),
        "arveja": ("arveja", "pea"),
        "alfalfa": ("alfalfa", "alfalfa"),
        "pastos": ("pastos", "pasture"),
        "hortalizas": ("hortalizas", "vegetables"),
        "frutales": ("frutales", "fruit trees"),
        "cafe": ("café", "coffee"),
        "cacao": ("cacao", "cocoa"),
    },
)

LIVESTOCK = Vocabulary(
    "livestock",
    {
        "alpaca": ("alpaca", "alpaca"),
        "llama": ("llama", "llama"),
        "vicuna": ("vicuña", "vicuña"),
        "ovino": ("ovino", "sheep"),
        "vacuno": ("vacuno", "cattle"),
        "cuy": ("cuy", "guinea pig"),
        "aves": ("aves de corral", "poultry"),
        "abejas": ("abejas", "bees"),
    },
)

PID_STAGE = Vocabulary(
    "pid_stage",
    {
        "identified": ("identificada", "identified"),
        "documented": ("documentada", "documented"),
        "prioritised": ("priorizada", "prioritised"),
        "joint_experimentation": ("experimentación conjunta", "joint experimentation"),
        "results_shared": ("resultados compartidos", "results shared"),
        "spreading": ("en difusión", "spreading"),
    },
)

INNOVATOR_TYPE = Vocabulary(
    "innovator_type",
    {
        "woman": ("mujer", "woman"),
        "man": ("hombre", "man"),
        "womens_group": ("grupo de mujeres", "women's group"),
        "mens_group": ("grupo de hombres", "men's group"),
        "mixed_group": ("grupo mixto", "mixed group"),
        "community": ("comunidad", "community"),
    },
)

PARTNER_KIND = Vocabulary(
    "partner_kind",
    {
        "farmer_organisation": ("organización de productores", "farmer organisation"),
        "savings_credit_cooperative": ("cooperativa de ahorro y crédito", "savings and credit cooperative"),
        "ngo": ("ONG", "NGO"),
        "university": ("universidad", "university"),
        "government": ("gobierno", "government"),
        "private_sector": ("sector privado", "private sector"),
        "international_ngo": ("ONG internacional", "international NGO"),
    },
)

PARTNER_ROLE = Vocabulary(
    "partner_role", {"host": ("organización anfitriona", "host organisation"), "member": ("miembro", "member")}
)

VISIBILITY = Vocabulary(  # who may see a record in full; WITHHELD: how it shows to anyone else
    "visibility",
    {"public": ("público", "public"), "partners": ("socios", "partners"), "committee": ("comité", "committee")},
)
WITHHELD = Vocabulary("withheld", {"generalised": ("generalizado", "generalised"), "hidden": ("oculto", "hidden")})
_STATUS = {"draft": ("borrador", "draft"), "in_review": ("en revisión", "in review")}
RECORD_STATUS = Vocabulary(
    "record_status", {**_STATUS, "published": ("publicado", "published"), "withdrawn": ("retirado", "withdrawn")}
)
LOCATION_SHOWN = Vocabulary(  # where an export's point comes from: re-importing it never moves a stored point
    "location_shown",
    {
        "own": ("punto propio", "own point"),
        "community": ("punto de la comunidad", "community's point"),
        "generalised": ("generalizada (centro de una zona)", "generalised (centre of an area)"),
    },
)

LOCATION_SOURCE = Vocabulary(
    "location_source",
    {"gps": ("GPS", "GPS"), "gazetteer": ("nomenclátor", "gazetteer"), "approximate": ("aproximada", "approximate")},
)

PEOPLE = Vocabulary(
    "people",
    {
        "quechua": ("quechua", "Quechua"),
        "aymara": ("aimara", "Aymara"),
        "kichwa": ("kichwa", "Kichwa"),
        "uru": ("uru", "Uru"),
        "mestizo": ("mestizo", "mestizo"),
        "other": ("otro", "other"),
    },
)

# Slope of the Andes: below 2,300 m it decides between Pulgar Vidal's western and eastern regions.
SLOPE = Vocabulary(
    "slope", {"western": ("vertiente occidental", "western slope"), "eastern": ("vertiente oriental", "eastern slope")}
)

NATURAL_REGION = Vocabulary(
    "natural_region",
    {
        "chala": ("chala", "chala (coast)"),
        "yunga": ("yunga", "yunga"),
        "quechua": ("quechua", "quechua"),
        "suni": ("suni", "suni (jalca)"),
        "puna": ("puna", "puna"),
        "janca": ("janca", "janca (cordillera)"),
        "rupa_rupa": ("rupa rupa (selva alta)", "rupa rupa (high jungle)"),
        "omagua": ("omagua (selva baja)", "omagua (lowland jungle)"),
    },
)

BOUNDARY_LEVEL = Vocabulary(
    "boundary_level",
    {"region": ("región", "region"), "province": ("provincia", "province"), "district": ("distrito", "district")},
)

COUNTRIES = ("PE", "BO", "EC")


def natural_region(altitude_m: float | None, slope: str | None = None) -> str | None:
    """Pulgar Vidal's natural region for an altitude; below 2,300 m the slope decides."""
    if altitude_m is None or altitude_m != altitude_m:  # None or NaN
        return None
    for floor, code in ((4800, "janca"), (4000, "puna"), (3500, "suni"), (2300, "quechua")):
        if altitude_m >= floor:
            return code
    if slope == "western":
        return "yunga" if altitude_m >= 500 else "chala"
    if slope == "eastern":
        if altitude_m >= 1000:
            return "yunga"
        return "rupa_rupa" if altitude_m >= 400 else "omagua"
    return None


@cache
def _country_names(lang: str) -> gettext.NullTranslations:
    # a language pycountry does not translate into falls back to Spanish, as the UI strings do; English is
    # pycountry's own language (its untranslated names), so it has no catalogue to find
    chain = [lang] if lang == "en" else [lang, LANGUAGES[0]]
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=chain, fallback=True)


def country_label(code: str, lang: str = "es") -> str:
    """Short name of a country in `lang`, from pycountry's ISO 3166-1 catalogue."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _country_names(lang).gettext(name)


@cache
def regions() -> dict[str, str]:
    """First-level subdivisions (ISO 3166-2 code -> name) of the network's countries."""
    return {
        sub.code: sub.name
        for country in COUNTRIES
        for sub in sorted(pycountry.subdivisions.get(country_code=country), key=lambda s: s.code)
        if sub.parent_code is None
    }


def region_label(code: str, lang: str = "es") -> str:
    """Name of an ISO 3166-2 region; the same in every language, as pycountry gives it."""
    return regions().get(code, code)


VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        DOMAIN,
        KIND,
        CROP,
        LIVESTOCK,
        PID_STAGE,
        INNOVATOR_TYPE,
        PARTNER_KIND,
        PARTNER_ROLE,
        LOCATION_SOURCE,
        LOCATION_SHOWN,
        VISIBILITY,
        WITHHELD,
        RECORD_STATUS,
        PEOPLE,
        SLOPE,
        NATURAL_REGION,
        BOUNDARY_LEVEL,
        Vocabulary("label", LABEL_NAMES),  # Local Contexts labels and notices (dashboard/data/localcontexts.py)
    )
}


def vocabulary_of(column: str) -> Vocabulary | None:
    """The vocabulary of an innovation or community column, as the contract declares it."""
    for entity in (INNOVATIONS, COMMUNITIES):
        for declared in entity.fields:
            if declared.name == column:
                return VOCABULARIES.get(declared.vocabulary or "")
    return VOCABULARIES.get(column)  # a derived column named after its vocabulary (natural_region)


def labelled(column: str, value: object, lang: str) -> str:
    """A code of `column`, or a list of them, written in `lang`; codes without a vocabulary as they are."""
    vocabulary = vocabulary_of(column)
    codes = [value] if isinstance(value, str) else list(value)
    return ", ".join(str(code) if vocabulary is None else vocabulary.label(str(code), lang) for code in codes)
