"""The shared filter: one immutable value that every page applies to the innovations.

`FilterIndex` is built once per loaded store (arrays for list fields, a word index of the
accent-folded text, searched from the start of words; the points as shown); `mask` then
answers any `Filters` value with vectorised operations, fast enough for a million innovations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.data.privacy import public_points
from dashboard.data.vocab import (
    CROP,
    DOMAIN,
    INNOVATOR_TYPE,
    LIVESTOCK,
    NATURAL_REGION,
    PID_STAGE,
    country_label,
    region_label,
)
from dashboard.filtering.words import WordIndex
from dashboard.i18n import t

Codes = tuple[str, ...]


@dataclass(frozen=True)
class Filters:
    """Every criterion the user has chosen; an empty value means no restriction."""

    countries: Codes = ()
    regions: Codes = ()
    provinces: Codes = ()
    districts: Codes = ()
    crops: Codes = ()
    livestock: Codes = ()
    partners: Codes = ()
    domains: Codes = ()
    pid_stages: Codes = ()
    innovator_types: Codes = ()
    natural_regions: Codes = ()
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""
    area: tuple[tuple[float, float], ...] = ()  # a polygon drawn on the map, (lon, lat) vertices
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north: "only in view"

    @property
    def active(self) -> bool:
        return self != Filters()


# Filters field -> innovations column, for the criteria that match one value per innovation: places
# (the same for every innovation of a community) and coded fields.
PLACE_CRITERIA = {"countries": "country", "regions": "region", "provinces": "province", "districts": "district",
                  "natural_regions": "natural_region"}
CODED_CRITERIA = {"domains": "domain", "pid_stages": "pid_stage", "innovator_types": "innovator_type"}
# Filters field -> innovations list column (stored in a link table).
LIST_CRITERIA = {"crops": "crops", "livestock": "livestock", "partners": "partners"}
# Coded innovation fields combined, with the year, into one joint code that summaries count at once.
PROFILE_FIELDS = ("domain", "pid_stage", "innovator_type")
YEAR_COLUMN = "year_documented"
MISSING_YEAR = -1  # below every year, so "from" and "to" comparisons both reject it
FIRST_YEAR, LAST_YEAR = 2005, 2025  # the year slider's span when no record has a year


def fold(text: pd.Series) -> pd.Series:
    """Lower-case text without accents, for searches that ignore both ("anos" finds "años")."""
    plain = text.fillna("").astype("string[pyarrow]").str.normalize("NFKD")
    return plain.str.replace(r"\p{Mn}", "", regex=True).str.lower()


def fold_query(query: str) -> str:
    """A search query folded the same way as the searched text."""
    return fold(pd.Series([query]))[0].strip()


@dataclass(frozen=True)
class FilterIndex:
    """Arrays prepared once per store so that every filter is a vectorised operation."""

    links: dict[str, tuple[np.ndarray, np.ndarray, pd.Index]]  # list column -> (rows, value codes, values)
    # list column -> (pattern of each innovation, pattern × value incidence): innovations share few
    # distinct lists (the same two partners, the same crops), so counts run over patterns, not links
    patterns: dict[str, tuple[np.ndarray, np.ndarray]]
    community: np.ndarray  # integer code of each innovation's community
    search: WordIndex  # words of the title, local title, description, community and local names; a term
    # matches from the start of a word ("qoch" finds «qochas», "cip" not «participación»)
    x: np.ndarray  # the points as shown in public views
    y: np.ndarray
    places: pd.DataFrame  # distinct region, province and district of the innovations (for cascades)
    years: tuple[int, int]  # first and last year documented
    # joint code of PROFILE_FIELDS and year per innovation, and the values along each of its axes
    profile: np.ndarray
    profile_axes: tuple[pd.Index, ...]
    community_names: pd.Index  # community id of each community code
    community_frame: pd.DataFrame  # country, region, province, district, natural region per community code
    year: np.ndarray  # year documented of each innovation, MISSING_YEAR when unknown
    # results computed once per store (the unfiltered summary); not part of the index's value
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> FilterIndex:
        links, patterns = {}, {}
        for column in LIST_CRITERIA.values():
            lengths = innovations[column].map(len).to_numpy(np.int64)  # an empty atlas maps to floats
            rows = np.repeat(np.arange(len(innovations)), lengths)
            codes, values = pd.factorize(np.array([v for listed in innovations[column] for v in listed],
                                                  dtype=object))
            links[column] = (rows, codes, pd.Index(values, dtype=object))
            pattern, lists = pd.factorize(innovations[column].map(tuple))
            incidence = np.zeros((len(lists), len(values)), dtype=bool)
            for number, listed in enumerate(lists):
                incidence[number, pd.Index(values, dtype=object).get_indexer(list(listed))] = True
            patterns[column] = (pattern.astype(np.int32), incidence)
        by_id = communities.set_index("community_id")
        where = innovations["community_id"]
        names = [innovations["title"], innovations["title_local"], innovations["description"],
                 where.map(by_id["name"]), where.map(by_id["name_local"])]
        joined = names[0].fillna("").astype("string[pyarrow]")
        for column in names[1:]:
            joined = joined + " | " + column.fillna("").astype("string[pyarrow]")
        points = public_points(innovations, communities)
        years = innovations[YEAR_COLUMN].dropna()
        community, community_names = pd.factorize(where)
        return cls(links=links, patterns=patterns, community=community.astype(np.int32),
                   search=WordIndex.build(fold(joined).reset_index(drop=True)),
                   x=points.x.to_numpy(), y=points.y.to_numpy(),
                   places=innovations[["region", "province", "district"]].drop_duplicates().reset_index(drop=True),
                   years=(int(years.min()), int(years.max())) if len(years) else (FIRST_YEAR, LAST_YEAR),
                   **_profile(innovations), community_names=pd.Index(community_names),
                   community_frame=_community_frame(innovations, community, len(community_names)),
                   year=innovations[YEAR_COLUMN].astype("Int64").fillna(MISSING_YEAR).to_numpy(np.int32))


def _axis(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0…n-1 of a categorical column, missing values in a last slot n; and the n+1 values."""
    codes = column.cat.codes.to_numpy().astype(np.int64)
    categories = list(column.cat.categories)
    return np.where(codes < 0, len(categories), codes), pd.Index([*categories, None], dtype=object)


def _profile(innovations: gpd.GeoDataFrame) -> dict:
    """One integer per innovation combining domain, PID stage, innovator type and year documented."""
    year = innovations[YEAR_COLUMN].astype("Int64")
    known = year.dropna()
    first = int(known.min()) if len(known) else 0
    span = int(known.max()) - first + 1 if len(known) else 0
    year_code = (year - first).fillna(span).to_numpy(np.int64)
    joint, axes = np.zeros(len(innovations), dtype=np.int64), []
    for name in PROFILE_FIELDS:
        codes, values = _axis(innovations[name])
        joint, axes = joint * len(values) + codes, [*axes, values]
    years = pd.Index([*range(first, first + span), None], dtype=object)
    return {"profile": (joint * len(years) + year_code).astype(np.int32), "profile_axes": (*axes, years)}


def _community_frame(innovations: gpd.GeoDataFrame, community: np.ndarray, size: int) -> pd.DataFrame:
    """The place columns of each community code, read from one of its innovations."""
    first = np.zeros(size, dtype=np.int64)
    first[community[::-1]] = np.arange(len(community))[::-1]
    columns = list(PLACE_CRITERIA.values())
    return innovations[columns].iloc[first].reset_index(drop=True)  # dtypes kept: categories give summary codes


def _lookup(categories: pd.Index, wanted: Codes) -> np.ndarray:
    """A table indexed by code (last slot: missing, code -1) that says whether the code is wanted."""
    table = np.zeros(len(categories) + 1, dtype=bool)
    found = categories.get_indexer(list(wanted))
    table[found[found >= 0]] = True
    return table


Test = Callable[[np.ndarray | None], np.ndarray]  # rows (None: all) -> whether each passes


def _take(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    return values if rows is None else values.take(rows)


def _places_test(index: FilterIndex, filters: Filters) -> Test | None:
    """One lookup per innovation for every place criterion, decided once per community."""
    wanted = {column: getattr(filters, name) for name, column in PLACE_CRITERIA.items() if getattr(filters, name)}
    if not wanted:
        return None
    passes = np.ones(len(index.community_names), dtype=bool)
    for column, values in wanted.items():
        passes &= index.community_frame[column].isin(values).to_numpy(bool)
    return lambda rows: passes[_take(index.community, rows)]


def _coded_test(column: pd.Series, wanted: Codes) -> Test:
    table = _lookup(pd.Index(column.cat.categories), wanted)
    codes = column.cat.codes.to_numpy()
    return lambda rows: table[_take(codes, rows)]


def _list_test(index: FilterIndex, column: str, wanted: Codes) -> Test:
    pattern, incidence = index.patterns[column]
    patterns_with_any = incidence[:, _lookup(index.links[column][2], wanted)[:-1]].any(axis=1)
    return lambda rows: patterns_with_any[_take(pattern, rows)]


def _year_test(index: FilterIndex, first: int | None, last: int | None) -> Test:
    def test(rows: np.ndarray | None) -> np.ndarray:
        year = _take(index.year, rows)
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
        x, y = _take(index.x, rows), _take(index.y, rows)
        passes = np.ones(len(x), dtype=bool)
        if polygon is not None:
            passes &= shapely.contains_xy(polygon, x, y)
        if filters.bounds is not None:
            west, south, east, north = filters.bounds
            passes &= (x >= west) & (x <= east) & (y >= south) & (y <= north)
        return passes
    return test


def _tests(innovations: gpd.GeoDataFrame, index: FilterIndex, filters: Filters) -> list[Test]:
    """One test per active criterion, the cheapest and most selective first."""
    tests = [_places_test(index, filters)]
    tests += [_coded_test(innovations[column], getattr(filters, name))
              for name, column in CODED_CRITERIA.items() if getattr(filters, name)]
    tests += [_list_test(index, column, getattr(filters, name))
              for name, column in LIST_CRITERIA.items() if getattr(filters, name)]
    if filters.year_from is not None or filters.year_to is not None:
        tests.append(_year_test(index, filters.year_from, filters.year_to))
    query = fold_query(filters.text)
    if query:
        tests.append(lambda rows: _take(index.search.matching(query), rows))
    if len(filters.area) >= 3 or filters.bounds is not None:
        tests.append(_where_test(index, filters))
    return [test for test in tests if test is not None]


def mask(innovations: gpd.GeoDataFrame, index: FilterIndex, filters: Filters) -> np.ndarray:
    """For each innovation, whether it meets every criterion of `filters`.

    After the first criterion only the rows still in play are tested, so narrow filters
    cost less than broad ones.
    """
    rows = None
    for test in _tests(innovations, index, filters):
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


def choices(places: pd.DataFrame, filters: Filters, level: str) -> list[str]:
    """Values offered for a place level, narrowed by the levels above it (region → province → district).

    `places` is any frame with region, province and district columns: the innovations, or
    the index's distinct `places` (much shorter).
    """
    frame = places
    if level in ("province", "district") and filters.regions:
        frame = frame[frame["region"].isin(filters.regions)]
    if level == "district" and filters.provinces:
        frame = frame[frame["province"].isin(filters.provinces)]
    return sorted(frame[level].dropna().astype(str).unique())


def describe(filters: Filters, lang: str, partner_names: dict[str, str]) -> str:
    """The filter in one sentence, e.g. «Innovaciones de papa nativa en Ayacucho, 2015–2025»."""
    if not filters.active:
        return t("describe.all", lang)
    labelled = {
        "crops": [CROP.label(c, lang) for c in filters.crops],
        "livestock": [LIVESTOCK.label(c, lang) for c in filters.livestock],
        "domains": [DOMAIN.label(c, lang) for c in filters.domains],
        "places": _places(filters, lang),
        "partners": [partner_names.get(p, p) for p in filters.partners],
        "pid_stages": [PID_STAGE.label(c, lang) for c in filters.pid_stages],
        "innovator_types": [INNOVATOR_TYPE.label(c, lang) for c in filters.innovator_types],
        "natural_regions": [NATURAL_REGION.label(c, lang) for c in filters.natural_regions],
    }
    parts = [t("describe.some", lang)]
    parts += [t(f"describe.{key}", lang, values=_join(values, lang)) for key, values in labelled.items() if values]
    sentence = " ".join(parts)
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


def _places(filters: Filters, lang: str) -> list[str]:
    if filters.districts:
        return list(filters.districts)
    if filters.provinces:
        return list(filters.provinces)
    if filters.regions:
        return [region_label(r, lang) for r in filters.regions]
    return [country_label(c, lang) for c in filters.countries]


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
