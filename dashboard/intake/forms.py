"""KoboToolbox and ODK Central exports: recognised by their columns, then one column per question.

Both tools export a geopoint as several columns and a multi-select as a summary column plus one 0/1
column per choice, and prefix questions with their group path. `normalise_form` merges each geopoint
into latitude/longitude/altitude/accuracy, each multi-select into one list column (choices joined with
"; "), strips group paths where that leaves names unique, and says in a `FormReport` what it did.

Kobo: `group/field` (the export's "group separator", "/" by default), `group/_field_latitude` …
`_precision`, `field/choice`; "n/a" means missing. ODK Central: `group-field`, `field-Latitude` …
`-Accuracy`, `field/choice`; its CSV has no combined geopoint column. Exports must use XML values
(Kobo: "XML values and headers"); label exports cannot be told from free text.

What is not one row per submission (a form definition, a repeat group's table or columns) is refused or
left out by the readers before this (see `dashboard.intake.submissions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboard.intake.issues import FLAG, REJECT, Issue
from dashboard.pack.exports import LIST_SEPARATOR

KOBO, ODK = "kobo", "odk"
KOBO_MARKERS = frozenset({"_uuid", "_submission_time", "_index", "_id", "_validation_status", "__version__"})
GROUP_SEPARATORS = {KOBO: "/", ODK: "-"}
CHOICE_SEPARATOR = "/"  # "<question>/<choice>"; Kobo uses its group separator there too
KOBO_MISSING = "n/a"
PARTS = ("latitude", "longitude", "altitude", "accuracy")
SPLIT_SUFFIXES = {
    KOBO: ("latitude", "longitude", "altitude", "precision"),
    ODK: ("Latitude", "Longitude", "Altitude", "Accuracy"),
}
CHOSEN = frozenset({"1", "True", "true"})  # older KoboToolbox (KoBoCAT) exports wrote True/False
CHOICE_VALUES = CHOSEN | {"0", "False", "false", None}


@dataclass(frozen=True)
class FormReport:
    """What normalising a form export did, for the import report."""

    flavour: str
    key: str | None  # the column that identifies a submission (Kobo `_uuid`, ODK `instanceID` or `KEY`)
    renamed: dict[str, str] = field(default_factory=dict)  # exported column -> column now
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column now -> exported columns merged into it
    lists: tuple[str, ...] = ()  # multi-select columns, choices joined with "; "


@dataclass
class Question:
    """One output of the normalisation: a plain column, a geopoint or a multi-select."""

    path: str  # the question's path as exported, groups included
    kind: str  # "plain", "geopoint" or "choices"
    parts: dict[str, str | None]  # geopoint: part -> column; choices: choice -> column; plain: {"": column}
    combined: str | None = None  # the geopoint's "lat lon alt acc" or the multi-select's summary column

    @property
    def sources(self) -> tuple[str, ...]:
        columns = [self.combined, *self.parts.values()]
        return tuple(c for c in columns if c is not None)


def detect_flavour(columns: Sequence[str]) -> str | None:
    """The tool that made an export, told by its own metadata columns: "kobo", "odk" or None."""
    names = set(columns)
    if len(names & KOBO_MARKERS) >= 2:
        return KOBO
    if "SubmissionDate" in names and ("KEY" in names or any(c.endswith("instanceID") for c in names)):
        return ODK
    return None


def _geopoints(columns: list[str], flavour: str, separator: str) -> list[Question]:
    suffixes = SPLIT_SUFFIXES[flavour]
    pattern = (
        re.compile(rf"(?P<prefix>(?:.*{re.escape(separator)})?)_(?P<name>.+)_latitude")
        if flavour == KOBO
        else re.compile(r"(?P<prefix>)(?P<name>.+)-Latitude")
    )
    found = []
    for column in columns:
        match = pattern.fullmatch(column)
        if not match:
            continue
        prefix, name = match["prefix"], match["name"]
        split = [f"{prefix}_{name}_{s}" if flavour == KOBO else f"{name}-{s}" for s in suffixes]
        parts = {part: c if c in columns else None for part, c in zip(PARTS, split, strict=True)}
        path = prefix + name
        found.append(Question(path, "geopoint", parts, path if path in columns else None))
    return found


def _choices(frame: pd.DataFrame, taken: set[str], separators: tuple[str, ...]) -> list[Question]:
    """Multi-selects: a summary column followed by "<summary><separator><choice>" columns holding 0/1 only."""
    columns = [c for c in frame.columns if c not in taken]
    found = []
    for column in columns:
        parts = {}
        for separator in separators:
            prefix = column + separator
            parts |= {
                c[len(prefix) :]: c
                for c in columns
                if c.startswith(prefix) and not any(s in c[len(prefix) :] for s in separators)
            }
        if parts and all(set(frame[c]) <= CHOICE_VALUES for c in parts.values()):
            found.append(Question(column, "choices", parts, column))
            taken.update(parts.values())
    return found


def _names(questions: list[Question], separator: str) -> dict[str, str]:
    """Each question's name: its last path step, unless two questions would share it (then the whole path)."""
    short = {q.path: q.path.rsplit(separator, 1)[-1] for q in questions}
    counts = pd.Series(list(short.values()), dtype=object).value_counts()
    return {path: name if counts[name] == 1 else path for path, name in short.items()}


def _geopoint_names(question: Question, base: str, single: bool, taken: set[str]) -> dict[str, str]:
    """latitude, longitude… for a form's only geopoint; else prefixed with the question's name (or path)."""
    if single and not taken & set(PARTS):
        return {part: part for part in PARTS}
    names = {part: f"{base}_{part}" for part in PARTS}
    return names if not taken & set(names.values()) else {part: f"{question.path}_{part}" for part in PARTS}


def _geopoint_values(
    frame: pd.DataFrame, q: Question, rows: Sequence[int], issues: list[Issue]
) -> dict[str, list[str | None]]:
    """Each part of a geopoint per row: from its split column, else from the combined "lat lon alt acc"."""
    split = {part: list(frame[c]) if c else [None] * len(frame) for part, c in q.parts.items()}
    combined = list(frame[q.combined]) if q.combined else [None] * len(frame)
    for position, (row, text) in enumerate(zip(rows, combined, strict=True)):
        if text is None or all(split[part][position] is not None for part in PARTS[:2]):
            continue
        tokens = text.split()
        if not 2 <= len(tokens) <= 4:
            issues.append(
                Issue(
                    row,
                    q.combined,
                    "readers.form.bad_geopoint",
                    {"row": row, "field": q.combined, "value": text[:60]},
                    REJECT,
                )
            )
            continue
        for part, token in zip(PARTS, tokens, strict=False):
            split[part][position] = split[part][position] or token
    return split


def _choice_values(frame: pd.DataFrame, q: Question, rows: Sequence[int], issues: list[Issue]) -> list[str | None]:
    """The chosen choices per row: from the 0/1 columns when answered there, else from the summary column."""
    values = []
    summaries = list(frame[q.combined])
    for position, (row, summary) in enumerate(zip(rows, summaries, strict=True)):
        cells = {choice: frame.at[frame.index[position], column] for choice, column in q.parts.items()}
        chosen = [choice for choice, cell in cells.items() if cell in CHOSEN]
        if all(cell is None for cell in cells.values()):
            chosen = summary.split() if summary else []
        elif summary is not None and set(summary.split()) != set(chosen):
            issues.append(
                Issue(
                    row,
                    q.combined,
                    "readers.form.choices_disagree",
                    {"row": row, "field": q.combined, "summary": summary, "chosen": " ".join(chosen)},
                    FLAG,
                )
            )
        values.append(LIST_SEPARATOR.join(chosen) or None)
    return values


def _questions(frame: pd.DataFrame, flavour: str, separator: str) -> list[Question]:
    """Every output question, in the order of the first exported column it uses."""
    columns = list(frame.columns)
    geopoints = _geopoints(columns, flavour, separator)
    taken = {c for q in geopoints for c in q.sources}
    choices = _choices(frame, taken, tuple(dict.fromkeys((CHOICE_SEPARATOR, separator))))
    taken |= {c for q in choices for c in q.sources}
    plain = [Question(c, "plain", {"": c}) for c in columns if c not in taken]
    first = {c: i for i, c in enumerate(columns)}
    return sorted(geopoints + choices + plain, key=lambda q: min(first[c] for c in q.sources))


def normalise_form(
    frame: pd.DataFrame, rows: Sequence[int], flavour: str, *, separator: str | None = None
) -> tuple[pd.DataFrame, FormReport, list[Issue]]:
    """A form export with one column per question, the report of what was merged and renamed, and row issues."""
    separator = separator or GROUP_SEPARATORS[flavour]
    if flavour == KOBO:
        frame = _without_missing(frame)
    questions = _questions(frame, flavour, separator)
    names = _names(questions, separator)
    geopoints = [q for q in questions if q.kind == "geopoint"]
    taken = {names[q.path] for q in questions if q.kind != "geopoint"}
    columns: dict[str, list[str | None]] = {}
    renamed, merged, issues = {}, {}, []
    for q in questions:
        if q.kind == "plain":
            columns[names[q.path]] = list(frame[q.path])
            if names[q.path] != q.path:
                renamed[q.path] = names[q.path]
        elif q.kind == "choices":
            columns[names[q.path]] = _choice_values(frame, q, rows, issues)
            merged[names[q.path]] = q.sources
        else:
            values = _geopoint_values(frame, q, rows, issues)
            for part, name in _geopoint_names(q, names[q.path], len(geopoints) == 1, taken).items():
                columns[name] = values[part]
                merged[name] = q.sources
    lists = tuple(names[q.path] for q in questions if q.kind == "choices")
    report = FormReport(flavour, _key(columns, flavour), renamed, merged, lists)
    return pd.DataFrame(columns, index=frame.index, dtype=object), report, issues


def _without_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Kobo's "n/a" (a question that was not asked) as None; `DataFrame.map` would turn None into NaN."""
    columns = {c: [None if v == KOBO_MISSING else v for v in frame[c]] for c in frame.columns}
    return pd.DataFrame(columns, index=frame.index, dtype=object)


def _key(columns: dict[str, list], flavour: str) -> str | None:
    candidates = ("_uuid", "instanceID") if flavour == KOBO else ("instanceID", "KEY")
    return next((c for c in candidates if c in columns), None)
