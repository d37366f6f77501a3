"""Figures and counts for the current selection, computed on the prepared arrays (fast at 1M rows).

`summarise` tallies the kept innovations once: one count over a joint code of domain,
PID stage, innovator type and year; one over communities (which give regions, countries
and natural regions); one over the distinct lists of crops, livestock and partners.
Every figure, chart and sentence of a summary is read from that `Summary`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.vocab import COUNTRIES, country_label, region_label, regions
from dashboard.filtering.criteria import by_column
from dashboard.filtering.index import PROFILE_FIELDS, FilterIndex, list_columns, place_columns

WOMEN = ("woman", "womens_group")  # innovator types counted as led by women
ADVANCED = ("joint_experimentation", "results_shared", "spreading")  # stages from joint experimentation on


@dataclass(frozen=True)
class Headline:
    """The figures every summary starts with."""

    innovations: int
    communities: int
    regions: int
    partners: int
    by_women: int  # led by a woman or a women's group
    advanced: int  # in joint experimentation, results shared or spreading
    first_year: int | None  # first and newest year documented
    newest_year: int | None
    small: int = 0  # counts of innovations from 1 to small-1 are written "<small" (summary.small.guarded)
    # innovations whose innovator type is known to the viewer (None: all): the women's share is of these, so a
    # type that is missing, or withheld from a public view, does not read as a man's
    typed: int | None = None

    @property
    def of_known_type(self) -> int:
        """How many innovations the share led by women is a share of."""
        return self.innovations if self.typed is None else self.typed

    def hidden(self, count: int) -> bool:
        """Whether a count of innovations of this headline is too small to be shown."""
        return 0 < count < self.small


@dataclass(frozen=True)
class Summary:
    """Counts of the kept innovations by every countable field, and the headline figures."""

    headline: Headline
    counts: dict[str, pd.Series]  # field -> innovations per code (code-ordered, zeros kept)
    by_year_domain: pd.DataFrame  # years × domains

    def table(self, field: str, labels: dict[str, str]) -> pd.DataFrame:
        """Innovations per value of `field`, most first (years in order): columns `code`, `label`, `count`."""
        counts = self.counts[field]
        present = np.flatnonzero((counts.to_numpy() > 0) & counts.index.notna())
        codes = [str(code) for code in counts.index[present]]
        values = counts.to_numpy(np.int64)[present]
        shown = [labels.get(code, code) for code in codes]
        order = np.arange(len(codes)) if field == "year" else np.lexsort((shown, -values))
        return pd.DataFrame(
            {
                "code": np.array(codes, dtype=object)[order],
                "count": values[order],
                "label": np.array(shown, dtype=object)[order],
            }
        )


def _taken(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    return values if rows is None else values.take(rows)


def _place_counts(index: FilterIndex, per_community: np.ndarray) -> dict[str, pd.Series]:
    counts = {}
    for field in place_columns():
        column = index.community_frame[field]
        if not isinstance(column.dtype, pd.CategoricalDtype):  # names from the data (province, district)
            continue
        codes, categories = column.cat.codes.to_numpy(), column.cat.categories
        present = codes >= 0
        tally = np.bincount(codes[present], weights=per_community[present], minlength=len(categories))
        counts[field] = pd.Series(tally.astype(np.int64), index=categories)
    return counts


def _list_counts(index: FilterIndex, rows: np.ndarray | None) -> dict[str, pd.Series]:
    counts = {}
    for column in list_columns():
        pattern, incidence = index.patterns[column]
        per_pattern = np.bincount(_taken(pattern, rows), minlength=len(incidence))
        counts[column] = pd.Series(per_pattern @ incidence, index=index.links[column][2])
    return counts


def _coded_counts(index: FilterIndex, rows: np.ndarray | None, counted: set[str]) -> dict[str, pd.Series]:
    """Counts of the coded columns the joint profile code does not cover (a criterion added later)."""
    counts = {}
    for column, (codes, values) in index.coded.items():
        if column not in counted:
            taken = _taken(codes, rows)
            tally = np.bincount(taken[taken >= 0], minlength=len(values))
            counts[column] = pd.Series(tally.astype(np.int64), index=values)
    return counts


# The unfiltered summary of each loaded index, computed once; the index itself stays an immutable value.
_EVERYTHING: weakref.WeakKeyDictionary[FilterIndex, Summary] = weakref.WeakKeyDictionary()


def summarise(index: FilterIndex, keep: np.ndarray) -> Summary:
    """Every count of the innovations where `keep` is true (the unfiltered summary is kept per index)."""
    if keep.all():
        if index not in _EVERYTHING:
            _EVERYTHING[index] = _summarise(index, keep, None)
        return _EVERYTHING[index]
    return _summarise(index, keep, np.flatnonzero(keep))


def _summarise(index: FilterIndex, keep: np.ndarray, rows: np.ndarray | None) -> Summary:
    axes = index.profile_axes
    joint = np.bincount(_taken(index.profile, rows), minlength=int(np.prod([len(a) for a in axes])))
    joint = joint.reshape([len(a) for a in axes])
    counts = {
        field: pd.Series(joint.sum(axis=tuple(a for a in range(joint.ndim) if a != axis)), index=axes[axis])
        for axis, field in enumerate((*PROFILE_FIELDS, "year"))
    }
    per_community = np.bincount(_taken(index.community, rows), minlength=len(index.community_names))
    counts |= _place_counts(index, per_community) | _list_counts(index, rows)
    counts |= _coded_counts(index, rows, set(counts))
    years = counts["year"][counts["year"] > 0].index.dropna()
    figures = Headline(
        innovations=len(keep) if rows is None else len(rows),
        communities=int(np.count_nonzero(per_community[index.community_names.notna()])),
        regions=int(np.count_nonzero(counts["region"])),
        partners=int(np.count_nonzero(counts["partners"])),
        by_women=int(counts["innovator_type"].reindex(WOMEN, fill_value=0).sum()),
        typed=int(counts["innovator_type"][counts["innovator_type"].index.notna()].sum()),
        advanced=int(counts["pid_stage"].reindex(ADVANCED, fill_value=0).sum()),
        first_year=int(years.min()) if len(years) else None,
        newest_year=int(years.max()) if len(years) else None,
    )
    by_year_domain = pd.DataFrame(joint.sum(axis=(1, 2)).T, index=axes[-1], columns=axes[0])
    return Summary(headline=figures, counts=counts, by_year_domain=by_year_domain)


def labels_for(field: str, lang: str, partner_names: dict[str, str]) -> dict[str, str]:
    """How the codes of a countable field are shown in `lang` (years: as they are)."""
    if field == "region":
        return {code: region_label(code, lang) for code in regions()}
    if field == "country":
        return {code: country_label(code, lang) for code in COUNTRIES}
    if field == "partners":
        return dict(partner_names)
    criterion = by_column(field)
    if criterion is None or criterion.vocabulary is None:
        return {}
    return {code: criterion.show(code, lang, partner_names) for code in criterion.vocabulary.codes}
