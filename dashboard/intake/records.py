"""One input row, as text under its mapped targets, turned into a contract record or into issues.

Each field is parsed by its contract type; a field that cannot be read is an `Issue` naming
the row, the input column and the value, never a silent default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dashboard.data.contract import EARLIEST_YEAR, Entity, Field
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import COUNTRIES, country_label, regions
from dashboard.intake import values
from dashboard.intake.issues import FLAG, Issue
from dashboard.intake.mapping import fold

Texts = dict[str, str]  # target -> non-empty text of one row
FREE_TEXT = ("id", "text")  # field types whose text is the value itself


class Lookups:
    """What a row may refer to in the store: partners, communities, regions, by the names people write."""

    def __init__(self, data: Dataset) -> None:
        partners = data.partners
        self.partners = {
            fold(v): pid
            for column in ("partner_id", "acronym", "name")
            for pid, v in zip(partners["partner_id"], partners[column], strict=True)
            if isinstance(v, str)
        }
        communities = data.communities
        self.community_ids = set(communities["community_id"])
        self.communities_by_name: dict[str, list[tuple[str, str]]] = {}
        for cid, name, local, region in zip(
            communities["community_id"],
            communities["name"],
            communities["name_local"],
            communities["region"].astype(str),
            strict=True,
        ):
            for written in {name, local} - {None}:
                if isinstance(written, str):
                    self.communities_by_name.setdefault(fold(written), []).append((cid, region))
        self.regions = {fold(code): code for code in regions()} | {fold(n): c for c, n in regions().items()}
        self.countries = {fold(c): c for c in COUNTRIES} | {
            fold(country_label(c, lang)): c for c in COUNTRIES for lang in ("es", "en")
        }
        self._read: dict[str, dict[str, tuple[object, values.ValueProblem | None]]] = {}

    def read(self, field: Field, text: str) -> object:
        """The value of `field` written as `text`; raises ValueProblem.

        A file repeats the same few words in a column (a region, a partner, a year) thousands of times:
        each distinct text is read once per file. Free text is only stripped.
        """
        if field.type in FREE_TEXT:
            return text.strip()
        known = self._read.setdefault(field.name, {})
        if text not in known:
            try:
                known[text] = (parser(field, self)(text), None)
            except values.ValueProblem as problem:
                known[text] = (None, problem)
        value, problem = known[text]
        if problem is not None:
            raise values.ValueProblem(problem.reason, **problem.params)
        return list(value) if isinstance(value, list) else value  # each record owns its list


def _partners(text: str, lookups: Lookups) -> list[str]:
    """Partners named by id, acronym or name, separated by ; , | / or "y"; or by spaces (a Kobo multiple choice)
    when every word is a partner's id or acronym."""
    found = []
    for part in (p for p in values.LIST_SEPARATORS.split(text.strip()) if p):
        partner = lookups.partners.get(fold(part))
        words = part.split()
        if partner is None and len(words) > 1 and all(fold(w) in lookups.partners for w in words):
            found += [p for p in dict.fromkeys(lookups.partners[fold(w)] for w in words) if p not in found]
            continue
        if partner is None:
            raise values.ValueProblem("records.unknown_partner", value=part)
        found += [partner] if partner not in found else []
    return found


def _region(text: str, lookups: Lookups) -> str:
    found = lookups.regions.get(fold(text))
    if found is None:
        raise values.ValueProblem("records.unknown_region", value=text)
    return found


def _country(text: str, lookups: Lookups) -> str:
    found = lookups.countries.get(fold(text))
    if found is None:
        raise values.ValueProblem("records.unknown_country", value=text)
    return found


def _ref(text: str, lookups: Lookups) -> str:
    if text.strip() not in lookups.community_ids:
        raise values.ValueProblem("records.unknown_community", value=text)
    return text.strip()


def parser(field: Field, lookups: Lookups) -> Callable[[str], object]:
    """How the text of `field` becomes its value."""
    latest = dt.date.today().year
    return {
        "id": str.strip,
        "text": str.strip,
        "code": lambda text: values.code(text, field.vocabulary),
        "codes": lambda text: values.codes(text, field.vocabulary),
        "year": lambda text: values.year(text, EARLIEST_YEAR, latest),
        "int": values.whole_number,
        "bool": values.yes_no,
        "region": lambda text: _region(text, lookups),
        "country": lambda text: _country(text, lookups),
        "ref": lambda text: _ref(text, lookups),
        "refs": lambda text: _partners(text, lookups),
    }[field.type]


def parse_fields(
    entity: Entity, texts: Texts, columns: dict[str, str], row: int, lookups: Lookups
) -> tuple[dict[str, object], list[Issue]]:
    """The contract fields of one row, and an issue for every field that cannot be read."""
    record: dict[str, object] = {}
    issues: list[Issue] = []
    for field in entity.fields:
        text = texts.get(field.name)
        if text is None:
            continue
        try:
            record[field.name] = lookups.read(field, text)
        except values.ValueProblem as problem:
            issues.append(
                Issue(
                    row,
                    columns.get(field.name, field.name),
                    problem.reason,
                    {"field": columns.get(field.name, field.name), **problem.params},
                )
            )
    return record, issues


def community_of(
    texts: Texts, record: dict, columns: dict[str, str], row: int, lookups: Lookups
) -> tuple[str | None, list[Issue]]:
    """The community an innovation row names, by id or by name (with its region when names repeat)."""
    if "community_id" in record:
        return str(record["community_id"]), []
    name = texts.get("community_name")
    if name is None:
        return None, []
    column = columns.get("community_name", "community_name")
    found = lookups.communities_by_name.get(fold(name), [])
    region = lookups.regions.get(fold(texts.get("region", "")))
    if region is not None:
        found = [f for f in found if f[1] == region]
    if len(found) == 1:
        return found[0][0], []
    reason = "records.unknown_community" if not found else "records.ambiguous_community"
    return None, [Issue(row, column, reason, {"value": name, "field": column})]


def missing_required(entity: Entity, record: dict, columns: dict[str, str], row: int, skip: set[str]) -> list[Issue]:
    """An issue for every required field the row leaves empty (except those `skip` fills otherwise)."""
    return [
        Issue(row, columns.get(f.name, f.name), "records.required", {"field": columns.get(f.name, f.name)})
        for f in entity.fields
        if f.required and f.name not in record and f.name not in skip
    ]


def consent_defaults(record: dict, row: int) -> list[Issue]:
    """Consents left empty are read as "no" (the safe side), and the row is flagged for a person to check."""
    issues = []
    for name in ("consent_public", "name_public"):
        if name not in record:
            record[name] = False
            issues.append(Issue(row, name, "records.consent_assumed_no", {"field": name}, FLAG))
    return issues
