"""UI strings: one catalogue file per language, Spanish first and the fallback for every missing key.

Adding a language is adding `locales/<code>.toml`: it becomes selectable at once, and each key it does not
(yet) hold is shown in Spanish. Spanish and English are complete (a test keeps them in sync), and the
controlled vocabularies carry labels in those two.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pycountry

LANGUAGES = ("es", "en")  # the complete languages, Spanish first: the default
DEFAULT_LANGUAGE = LANGUAGES[0]
_LOCALES = Path(__file__).with_name("locales")
NAME_KEY = "language.name"  # the language's own name for itself, as its catalogue file declares it


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def languages() -> tuple[str, ...]:
    """Every language with a catalogue file: the complete ones first (Spanish the first), then the others by code."""
    return _languages(_LOCALES)


@cache
def _languages(folder: Path) -> tuple[str, ...]:
    found = sorted(path.stem for path in folder.glob("*.toml"))
    return (*LANGUAGES, *(code for code in found if code not in LANGUAGES))


def catalogue(lang: str) -> dict[str, str]:
    """Every UI string the catalogue of `lang` holds, keyed by dotted name (missing keys are not filled in)."""
    return _catalogue(_LOCALES, lang)


@cache
def _catalogue(folder: Path, lang: str) -> dict[str, str]:
    with (folder / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def language_name(lang: str) -> str:
    """What the language selector shows: the name the catalogue declares, else ISO 639's, else the code."""
    declared = catalogue(lang).get(NAME_KEY) if lang in languages() else None
    known = pycountry.languages.get(**{"alpha_2" if len(lang) == 2 else "alpha_3": lang})
    return declared or (known.name if known else lang)


def missing(lang: str) -> list[str]:
    """The Spanish keys the catalogue of `lang` does not translate yet, sorted."""
    return sorted(set(catalogue(DEFAULT_LANGUAGE)) - set(catalogue(lang)))


class _Params(dict):
    """Placeholder values; one that was not given stays written as `{name}` rather than failing."""

    def __missing__(self, name: str) -> str:
        return f"{{{name}}}"


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The string `key` in `lang` (in Spanish when `lang` lacks it), with `{name}` placeholders filled from `params`.

    `key` and `lang` are positional only, so a value named like them (a file's column called "key")
    is a placeholder value like any other; a placeholder without a value is left as written.
    """
    text = catalogue(lang).get(key) if lang in languages() else None
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map(_Params(params)) if params else text


def number(value: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number as the language writes it: 1234 and 12 345 in Spanish (RAE), 1,234 in English.

    Spanish groups with a no-break space, and only from five digits on.
    """
    if lang == "es":
        return f"{value:,}".replace(",", "\u00a0") if abs(value) >= 10_000 else str(value)
    return f"{value:,}"


def rounded_share(part: int, whole: int) -> tuple[str, int]:
    """`part` of `whole` as a whole percentage, half up, never 0 or 100 when it is neither.

    The kind says how to read the value: "exact", "below" (under 1 %) or "above" (over 99 %).
    """
    value = (200 * part + whole) // (2 * whole)  # half up, in integers
    if value == 0 and part > 0:
        return "below", 1
    if value == 100 and part < whole:
        return "above", 99
    return "exact", value


def percent(part: int, whole: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """`part` of `whole` as a percentage: «41 %», «<1 %», «>99 %» in Spanish; "41%" in English."""
    kind, value = rounded_share(part, whole)
    return {"below": "<", "above": ">"}.get(kind, "") + t("narrative.percent", lang, value=value)
