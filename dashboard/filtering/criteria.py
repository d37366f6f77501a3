"""The filter criteria: one declaration each, in the manner of datasette's filter classes.

A criterion keeps the innovations whose column holds one of the chosen codes. From its entry
in `CRITERIA` everything else is derived: the filter mask (`test`), the sidebar widget (`widget`,
`label`, `options`, `show`), the shareable address (`address`, `valid`), chart clicks (`chart`)
and the filter sentence (`sentence`). Adding a criterion is one entry here plus its catalogue
strings (`filters.…` for the widget, `describe.…` for the sentence, `summary.by_…` for a chart).

Three kinds, by where the value lives: `PlaceCriterion` (the innovation's community: decided once
per community), `CodedCriterion` (one code per innovation), `ListCriterion` (a list per innovation,
stored in a link table: crops, livestock, partners, Local Contexts labels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from dashboard.data.vocab import COUNTRIES, Vocabulary, country_label, region_label, regions, vocabulary_of

if TYPE_CHECKING:
    from dashboard.data.dataset import Dataset
    from dashboard.filtering.filters import Filters
    from dashboard.filtering.index import FilterIndex

Codes = tuple[str, ...]
Test = Callable[[np.ndarray | None], np.ndarray]  # rows (None: all) -> whether each passes


def take(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """`values` at `rows`, or all of them."""
    return values if rows is None else values.take(rows)


def lookup(categories: pd.Index, wanted: Codes) -> np.ndarray:
    """A table indexed by code (last slot: missing, code -1) that says whether the code is wanted."""
    table = np.zeros(len(categories) + 1, dtype=bool)
    found = categories.get_indexer(list(wanted))
    table[found[found >= 0]] = True
    return table


@dataclass(frozen=True)
class Criterion:
    """One filter criterion over an innovations column; codes are checked against its vocabulary."""

    kind: ClassVar[str]
    name: str  # the Filters keyword: Filters(regions=("PE-AYA",))
    column: str  # the innovations column it reads
    address: str  # the word in a shared link; changing it breaks links already shared
    widget: str  # the sidebar widget's key
    label: str  # catalogue key of the widget's label
    sentence: int  # place in the filter sentence, first lowest
    more: bool = False  # drawn inside the sidebar's "more filters"
    chart: str | None = None  # the summary chart whose bars set this criterion
    single_hidden: bool = False  # not drawn while the data offers a single value (one country)

    @property
    def vocabulary(self) -> Vocabulary | None:
        return vocabulary_of(self.column)

    @property
    def describe_key(self) -> str:
        return f"describe.{self.name}"

    def show(self, code: str, lang: str, partner_names: dict[str, str]) -> str:
        """How a code is written in `lang`."""
        return code if self.vocabulary is None else self.vocabulary.label(code, lang)

    def valid(self, code: str) -> bool:
        """Whether a link may carry `code` (free names: anything non-empty)."""
        return bool(code) if self.vocabulary is None else code in self.vocabulary

    def options(self, data: Dataset, index: FilterIndex, filters: Filters) -> list[str]:
        """The codes the sidebar offers."""
        return list(self.vocabulary.codes) if self.vocabulary is not None else []

    def test(self, index: FilterIndex, wanted: Codes) -> Test:
        """Whether each innovation holds one of the `wanted` codes."""
        raise NotImplementedError


@dataclass(frozen=True)
class PlaceCriterion(Criterion):
    """A place of the innovation's community; `within` names the coarser places that narrow its options."""

    kind: ClassVar[str] = "place"
    within: tuple[str, ...] = ()  # criteria names, coarsest first
    level: int = 0  # administrative depth (country 1 … district 4); 0: not part of that hierarchy

    @property
    def describe_key(self) -> str:
        # the sentence names only the finest place chosen ("en Huamanga", not "en Perú, Ayacucho, Huamanga")
        return "describe.places" if self.level else super().describe_key

    def show(self, code: str, lang: str, partner_names: dict[str, str]) -> str:
        if self.column == "country":
            return country_label(code, lang)
        if self.column == "region":
            return region_label(code, lang)
        return super().show(code, lang, partner_names)

    def valid(self, code: str) -> bool:
        if self.column == "country":
            return code in COUNTRIES
        if self.column == "region":
            return code in regions()
        return super().valid(code)

    def options(self, data: Dataset, index: FilterIndex, filters: Filters) -> list[str]:
        if self.vocabulary is not None:
            return list(self.vocabulary.codes)
        places = index.community_frame
        for name in self.within:
            coarser = CRITERIA[name]
            if filters.chosen(name):
                places = places[places[coarser.column].isin(filters.chosen(name))]
        found = places[self.column].dropna().astype(str).unique()
        return sorted(found, key=region_label) if self.column == "region" else sorted(found)

    def test(self, index: FilterIndex, wanted: Codes) -> Test:
        passes = index.community_frame[self.column].isin(wanted).to_numpy(bool)
        return lambda rows: passes[take(index.community, rows)]


@dataclass(frozen=True)
class CodedCriterion(Criterion):
    """One code per innovation (domain, PID stage, innovator type)."""

    kind: ClassVar[str] = "coded"

    def test(self, index: FilterIndex, wanted: Codes) -> Test:
        codes, categories = index.coded[self.column]
        table = lookup(categories, wanted)
        return lambda rows: table[take(codes, rows)]


@dataclass(frozen=True)
class ListCriterion(Criterion):
    """A list per innovation (crops, livestock, partners); one chosen code in the list is enough."""

    kind: ClassVar[str] = "list"

    def show(self, code: str, lang: str, partner_names: dict[str, str]) -> str:
        return partner_names.get(code, code) if self.column == "partners" else super().show(code, lang, partner_names)

    def options(self, data: Dataset, index: FilterIndex, filters: Filters) -> list[str]:
        if self.vocabulary is not None:
            return list(self.vocabulary.codes)
        return [str(code) for code in data.partners["partner_id"]]  # the store's order, as in About

    def test(self, index: FilterIndex, wanted: Codes) -> Test:
        pattern, incidence = index.patterns[self.column]
        patterns_with_any = incidence[:, lookup(index.links[self.column][2], wanted)[:-1]].any(axis=1)
        return lambda rows: patterns_with_any[take(pattern, rows)]


# The registry, in the sidebar's order. Widget keys and address words are fixed: tests, saved
# sessions and shared links use them.
CRITERIA: dict[str, Criterion] = {
    c.name: c
    for c in (
        PlaceCriterion(
            "countries", "country", "pais", "filter_country", "filters.country", 4, level=1, single_hidden=True
        ),
        PlaceCriterion("regions", "region", "region", "filter_region", "filters.region", 4, level=2, chart="region"),
        PlaceCriterion(
            "provinces", "province", "provincia", "filter_province", "filters.province", 4, within=("regions",), level=3
        ),
        PlaceCriterion(
            "districts",
            "district",
            "distrito",
            "filter_district",
            "filters.district",
            4,
            within=("regions", "provinces"),
            level=4,
        ),
        ListCriterion("crops", "crops", "cultivo", "filter_crop", "filters.crop", 1, chart="crop"),
        ListCriterion("partners", "partners", "socio", "filter_partner", "filters.partner", 5, chart="partner"),
        CodedCriterion("domains", "domain", "ambito", "filter_domain", "filters.domain", 3, more=True, chart="domain"),
        ListCriterion("livestock", "livestock", "crianza", "filter_livestock", "filters.livestock", 2, more=True),
        CodedCriterion(
            "pid_stages", "pid_stage", "etapa", "filter_stage", "filters.pid_stage", 6, more=True, chart="pid_stage"
        ),
        CodedCriterion(
            "innovator_types",
            "innovator_type",
            "innovador",
            "filter_innovator",
            "filters.innovator",
            7,
            more=True,
            chart="innovator_type",
        ),
        PlaceCriterion(
            "natural_regions",
            "natural_region",
            "piso",
            "filter_natural_region",
            "filters.natural_region",
            8,
            more=True,
            chart="natural_region",
        ),
        ListCriterion("labels", "labels", "etiqueta", "filter_label", "filters.label", 9, more=True),
    )
}


def by_column(column: str) -> Criterion | None:
    """The criterion over `column`, if any."""
    return next((c for c in CRITERIA.values() if c.column == column), None)
