"""The shared filter: one immutable value that every page applies to the innovations.

A `Filters` value holds the codes chosen for each criterion of the registry (`filtering.criteria`)
plus the year span, the search text, a drawn area and the map's bounds. `mask` answers any value
with vectorised operations on the `FilterIndex`, fast enough for a million innovations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from dashboard.filtering.criteria import CRITERIA, Codes, Test, take
from dashboard.filtering.index import MISSING_YEAR, FilterIndex, fold_query
from dashboard.i18n import t
from dashboard.safe_text import for_file_name

Area = tuple[tuple[float, float], ...]  # a polygon drawn on the map, (lon, lat) vertices
Bounds = tuple[float, float, float, float]  # west, south, east, north: "only what is in view"


@dataclass(frozen=True, init=False)
class Filters:
    """Every criterion the user has chosen; an empty value means no restriction.

    Chosen codes are given by criterion name, `Filters(regions=("PE-AYA",), crops=("quinua",))`,
    and read the same way, `filters.regions`; an unknown name is an error.
    """

    codes: tuple[tuple[str, Codes], ...]  # (criterion name, chosen codes), registry order, only those chosen
    year_from: int | None
    year_to: int | None
    text: str
    area: Area
    bounds: Bounds | None

    def __init__(
        self,
        *,
        year_from: int | None = None,
        year_to: int | None = None,
        text: str = "",
        area: Area = (),
        bounds: Bounds | None = None,
        **chosen: Iterable[str],
    ) -> None:
        unknown = sorted(set(chosen) - set(CRITERIA))
        if unknown:
            raise TypeError(f"unknown filter criterion: {', '.join(unknown)}")
        codes = tuple((name, tuple(chosen[name])) for name in CRITERIA if chosen.get(name))
        for attribute, value in (
            ("codes", codes),
            ("year_from", year_from),
            ("year_to", year_to),
            ("text", text),
            ("area", tuple(area)),
            ("bounds", bounds),
        ):
            object.__setattr__(self, attribute, value)

    def __getattr__(self, name: str) -> Codes:
        if name in CRITERIA:
            return self.chosen(name)
        raise AttributeError(name)

    def chosen(self, name: str) -> Codes:
        """The codes chosen for criterion `name` (empty: no restriction)."""
        return dict(self.codes).get(name, ())

    def replaced(self, **changes: object) -> Filters:
        """This filter with some criteria (or the years, text, area, bounds) changed."""
        current = {
            **dict(self.codes),
            "year_from": self.year_from,
            "year_to": self.year_to,
            "text": self.text,
            "area": self.area,
            "bounds": self.bounds,
        }
        return Filters(**{**current, **changes})

    @property
    def active(self) -> bool:
        return self != Filters()


def _year_test(index: FilterIndex, first: int | None, last: int | None) -> Test:
    def test(rows: np.ndarray | None) -> np.ndarray:
        year = take(index.year, rows)
        passes = year != MISSING_YEAR
        if first is not None:
            passes &= year >= first
        if last is not None:
            passes &= year <= last
        return passes

    return test


def _where_test(index: FilterIndex, filters: Filters) -> Test:
    polygon = shapely.Polygon(filters.area) if len(filters.area) >= 3 else None

    def test(rows: np.ndarray | None) -> np.ndarray:
        x, y = take(index.x, rows), take(index.y, rows)
        passes = np.ones(len(x), dtype=bool)
        if polygon is not None:
            passes &= shapely.contains_xy(polygon, x, y)
        if filters.bounds is not None:
            west, south, east, north = filters.bounds
            passes &= (x >= west) & (x <= east) & (y >= south) & (y <= north)
        return passes

    return test


def _tests(index: FilterIndex, filters: Filters) -> list[Test]:
    """One test per active criterion: places first (decided once per community), the drawn area last."""
    order = sorted(filters.codes, key=lambda chosen: CRITERIA[chosen[0]].kind != "place")
    tests = [CRITERIA[name].test(index, codes) for name, codes in order]
    if filters.year_from is not None or filters.year_to is not None:
        tests.append(_year_test(index, filters.year_from, filters.year_to))
    query = fold_query(filters.text)
    if query:
        tests.append(lambda rows: take(index.search.matching(query), rows))
    if len(filters.area) >= 3 or filters.bounds is not None:
        tests.append(_where_test(index, filters))
    return tests


def mask(innovations: gpd.GeoDataFrame, index: FilterIndex, filters: Filters) -> np.ndarray:
    """For each innovation, whether it meets every criterion of `filters`.

    After the first criterion only the rows still in play are tested, so narrow filters
    cost less than broad ones.
    """
    rows = None
    for test in _tests(index, filters):
        passes = test(rows)
        rows = np.flatnonzero(passes) if rows is None else rows[passes]
    if rows is None:
        return np.ones(len(innovations), dtype=bool)
    keep = np.zeros(len(innovations), dtype=bool)
    keep[rows] = True
    return keep


def apply(innovations: gpd.GeoDataFrame, index: FilterIndex, filters: Filters) -> gpd.GeoDataFrame:
    """The innovations that meet every criterion of `filters`."""
    return innovations[mask(innovations, index, filters)]


def describe(filters: Filters, lang: str, partner_names: dict[str, str]) -> str:
    """The filter in one sentence, e.g. «Innovaciones de papa nativa en Ayacucho, 2015–2025»."""
    if not filters.active:
        return t("describe.all", lang)
    parts: dict[str, str] = {}  # catalogue key -> values; a later (finer) place replaces a coarser one
    for name, codes in sorted(filters.codes, key=lambda chosen: CRITERIA[chosen[0]].sentence):
        criterion = CRITERIA[name]
        parts[criterion.describe_key] = _join([criterion.show(c, lang, partner_names) for c in codes], lang)
    sentence = " ".join([t("describe.some", lang), *(t(key, lang, values=values) for key, values in parts.items())])
    years = _years(filters, lang)
    if years:
        sentence += f", {years}"
    if filters.text.strip():
        sentence += " " + t("describe.text", lang, text=filters.text.strip())
    if filters.area:
        sentence += " " + t("describe.area", lang)
    if filters.bounds:
        sentence += " " + t("describe.bounds", lang)
    return sentence


def file_words(filters: Filters, lang: str, partner_names: dict[str, str]) -> str:
    """The filter for a file name, in the sidebar's order: «ayacucho-papa-nativa-2015-2025»; "" for no filter."""
    words = [CRITERIA[name].show(code, lang, partner_names) for name, codes in filters.codes for code in codes]
    return for_file_name(" ".join([*words, _years(filters, lang), filters.text.strip()]))


def _years(filters: Filters, lang: str) -> str:
    start, end = filters.year_from, filters.year_to
    if start is not None and end is not None:
        return f"{start}–{end}" if start != end else str(start)
    if start is not None:
        return t("describe.since", lang, year=start)
    if end is not None:
        return t("describe.until", lang, year=end)
    return ""


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('describe.or', lang)} {items[-1]}"
