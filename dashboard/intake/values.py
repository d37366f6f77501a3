"""Text from a file turned into the contract's values: codes through labels and synonyms, years, yes/no, lists.

Nothing is guessed silently: a value that matches no code, label or synonym is an error that
names it, and so is a year written in words. Matching ignores case, accents and a plural "s".
"""

from __future__ import annotations

import re
from functools import cache

from dashboard.data.vocab import VOCABULARIES, Vocabulary
from dashboard.intake.mapping import fold

# vocabulary -> {folded synonym: code}, for the words field teams use that are not the labels
SYNONYMS: dict[str, dict[str, str]] = {
    # an older public export's words, from before points were generalised to an area
    "location_shown": {"generalizada centro del distrito": "generalised", "generalised district centre": "generalised"},
    "crop": {
        "papas nativas": "papa_nativa",
        "papas mejoradas": "papa_mejorada",
        "quinoa": "quinua",
        "kinua": "quinua",
        "amaranto": "kiwicha",
        "canihua": "canihua",
        "qanihua": "canihua",
        "maiz amilaceo": "maiz",
        "choclo": "maiz",
        "habas": "haba",
        "chocho": "tarwi",
        "lupino": "tarwi",
        "ulluco": "olluco",
        "isano": "mashua",
        "pasto": "pastos",
        "verduras": "hortalizas",
        "frutas": "frutales",
    },
    "livestock": {
        "alpacas": "alpaca",
        "llamas": "llama",
        "ovejas": "ovino",
        "oveja": "ovino",
        "vacas": "vacuno",
        "ganado vacuno": "vacuno",
        "cuyes": "cuy",
        "gallinas": "aves",
        "pollos": "aves",
        "abeja": "abejas",
    },
    "innovator_type": {
        "mujer": "woman",
        "mujeres": "womens_group",
        "hombre": "man",
        "varon": "man",
        "hombres": "mens_group",
        "grupo mixto": "mixed_group",
        "comunidad campesina": "community",
        "comunal": "community",
    },
    "pid_stage": {
        "identificacion": "identified",
        "documentacion": "documented",
        "priorizacion": "prioritised",
        "experimentacion": "joint_experimentation",
        "experimentacion participativa": "joint_experimentation",
        "difusion": "spreading",
        "escalamiento": "spreading",
        "compartida": "results_shared",
    },
    "kind": {
        "tecnologica": "technical",
        "tecnica": "technical",
        "social": "socio_institutional",
        "institucional": "socio_institutional",
        "organizativa": "socio_institutional",
    },
}
YES = {"si", "s", "yes", "y", "true", "verdadero", "1", "x"}
NO = {"no", "n", "false", "falso", "0"}
LIST_SEPARATORS = re.compile(r"\s*[;,|/]\s*|\s+y\s+|\s+and\s+")


class ValueProblem(ValueError):
    """A text that is not a value of its field; `reason` is a catalogue key, `params` fill its message."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params


def _singular(word: str) -> str:
    for ending in ("es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)]
    return word


@cache
def _lookup(vocabulary_name: str) -> dict[str, str]:
    vocabulary: Vocabulary = VOCABULARIES[vocabulary_name]
    table: dict[str, str] = {}
    for code, labels in vocabulary.labels.items():
        for name in (code, *labels, code.replace("_", " "), *(label.split("(")[0] for label in labels)):
            table[fold(name)] = code  # "riesgo climático" is the label without its examples in brackets
    table.update(SYNONYMS.get(vocabulary_name, {}))
    for name, found in list(table.items()):  # a plural written as singular never overrides a real entry
        table.setdefault(_singular(name), found)
    return table


def code(text: str, vocabulary_name: str) -> str:
    """The code `text` stands for in `vocabulary_name` (its code, a label in either language or a synonym)."""
    table = _lookup(vocabulary_name)
    folded = fold(text)
    found = table.get(folded) or table.get(_singular(folded))
    if found is None:
        known = ", ".join(VOCABULARIES[vocabulary_name].label(c) for c in VOCABULARIES[vocabulary_name].codes)
        raise ValueProblem("values.unknown_code", value=text, known=known)
    return found


def codes(text: str, vocabulary_name: str) -> list[str]:
    """Several codes written in one cell ("papa nativa; quinua", "oca y olluco"), in order, once each."""
    found: list[str] = []
    for part in (p for p in LIST_SEPARATORS.split(text.strip()) if p):
        for value in _codes_in(part, vocabulary_name):
            found += [value] if value not in found else []
    return found


def _codes_in(part: str, vocabulary_name: str) -> list[str]:
    """One value, or a form's multi-select written as codes separated by spaces ("papa_nativa tarwi")."""
    try:
        return [code(part, vocabulary_name)]
    except ValueProblem:
        words = part.split()
        if len(words) > 1 and all(word in VOCABULARIES[vocabulary_name].labels for word in words):
            return words
        raise


def year(text: str, earliest: int, latest: int) -> int:
    """A year written in digits ("2015", "2015.0" from a spreadsheet); words and out-of-range years refused."""
    plain = text.strip()
    match = re.fullmatch(r"(\d{4})(?:[.,]0+)?", plain)
    if not match:
        raise ValueProblem("values.not_a_year", value=text)
    value = int(match.group(1))
    if not earliest <= value <= latest:
        raise ValueProblem("values.year_out_of_range", value=value, earliest=earliest, latest=latest)
    return value


def yes_no(text: str) -> bool:
    """Sí/no, yes/no, true/false, 1/0, x."""
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueProblem("values.not_yes_no", value=text)


def whole_number(text: str) -> int:
    """A whole number such as an altitude ("3 850", "3850", "3.850 m" are refused only if ambiguous)."""
    plain = re.sub(r"\s*(m|msnm|m\.s\.n\.m\.)$", "", text.strip().lower()).replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(?:[.,]0+)?", plain):
        raise ValueProblem("values.not_a_number", value=text)
    return int(re.split(r"[.,]", plain)[0])
