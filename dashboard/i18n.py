"""UI strings: one catalogue per language, Spanish first."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from dashboard.vocab import LANGUAGES

DEFAULT_LANGUAGE = LANGUAGES[0]
_LOCALES = Path(__file__).with_name("locales")


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every UI string of `lang`, keyed by dotted name."""
    with (_LOCALES / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The string `key` in `lang`, with `{name}` placeholders filled from `params`."""
    text = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)[key]
    return text.format(**params) if params else text
