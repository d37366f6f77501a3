"""Arrays prepared once per loaded store, so that every filter and count is a vectorised operation.

`FilterIndex` holds, per innovation: its community's code, its coded and listed values, its year,
its point as shown in public views and the words of its texts. Which columns it prepares is read
from the criterion registry (`filtering.criteria`), so a new criterion needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.privacy import ADMIN, AREA_LEVEL, public_points
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.words import WordIndex

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


@dataclass(frozen=True, eq=False)
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
    community_names: pd.Index  # community id of each community code; None for an area (see _communities)
    community_frame: pd.DataFrame  # country, region, province, district, natural region per community code
    year: np.ndarray  # year documented of each innovation, MISSING_YEAR when unknown
    coded: dict[str, tuple[np.ndarray, pd.Index]]  # coded column -> (code per innovation, -1: none; values)

    def __post_init__(self) -> None:
        # the index is cached and shared by every session: its arrays are made read-only, so no one patches it
        for value in _arrays(vars(self)):
            value.setflags(write=False)

    @classmethod
    def build(cls, innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> FilterIndex:
        links, patterns = {}, {}
        for column in list_columns():
            lengths = innovations[column].map(len).to_numpy(np.int64)  # an empty atlas maps to floats
            rows = np.repeat(np.arange(len(innovations)), lengths)
            codes, values = pd.factorize(np.array([v for listed in innovations[column] for v in listed], dtype=object))
            links[column] = (rows, codes, pd.Index(values, dtype=object))
            pattern, lists = pd.factorize(innovations[column].map(tuple))
            incidence = np.zeros((len(lists), len(values)), dtype=bool)
            for number, listed in enumerate(lists):
                incidence[number, pd.Index(values, dtype=object).get_indexer(list(listed))] = True
            patterns[column] = (pattern.astype(np.int32), incidence)
        by_id = communities.set_index("community_id")
        where = innovations["community_id"]
        names = [
            innovations["title"],
            innovations["title_local"],
            innovations["description"],
            where.map(by_id["name"]),
            where.map(by_id["name_local"]),
        ]
        joined = names[0].fillna("").astype("string[pyarrow]")
        for column in names[1:]:
            joined = joined + " | " + column.fillna("").astype("string[pyarrow]")
        points = public_points(innovations, communities)
        years = innovations[YEAR_COLUMN].dropna()
        community, community_names = _communities(innovations)
        return cls(
            links=links,
            patterns=patterns,
            community=community.astype(np.int32),
            search=WordIndex.build(fold(joined).reset_index(drop=True)),
            x=points.x.to_numpy(),
            y=points.y.to_numpy(),
            places=innovations[["region", "province", "district"]].drop_duplicates().reset_index(drop=True),
            years=(int(years.min()), int(years.max())) if len(years) else (FIRST_YEAR, LAST_YEAR),
            **_profile(innovations),
            community_names=community_names,
            community_frame=_community_frame(innovations, community, len(community_names)),
            year=innovations[YEAR_COLUMN].astype("Int64").fillna(MISSING_YEAR).to_numpy(np.int32),
            coded={column: _codes(innovations[column]) for column in coded_columns()},
        )


def _communities(innovations: gpd.GeoDataFrame) -> tuple[np.ndarray, pd.Index]:
    """A code per innovation of its community, and each code's community id. A record a viewer's store tied
    to no community (`privacy.generalised`) is coded by the area it is shown in, after the communities, and
    that code has no community id: places count it in its area, community counts do not count it."""
    community, names = pd.factorize(innovations["community_id"])
    untied = community < 0
    if not untied.any():
        return community, pd.Index(names, dtype=object)
    area = innovations.loc[untied, [AREA_LEVEL, *ADMIN]].astype(object).fillna("")
    areas, distinct = pd.factorize(pd.MultiIndex.from_frame(area))
    community[untied] = len(names) + areas
    return community, pd.Index([*names, *[None] * len(distinct)], dtype=object)


def _arrays(value: object) -> list[np.ndarray]:
    """Every numpy array inside `value` (a dict, tuple or list of them, nested)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, tuple | list):
        return [array for item in value for array in _arrays(item)]
    return []


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The category code of each value of a categorical column (-1: none), and the categories."""
    return column.cat.codes.to_numpy().copy(), pd.Index(column.cat.categories)  # a copy: the frame stays writable


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
    columns = list(place_columns())
    return innovations[columns].iloc[first].reset_index(drop=True)  # dtypes kept: categories give summary codes


def _columns(kind: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.column for c in CRITERIA.values() if c.kind == kind))


def place_columns() -> tuple[str, ...]:
    """Columns that are the same for every innovation of a community (country, region, …)."""
    return _columns("place")


def coded_columns() -> tuple[str, ...]:
    """Columns that hold one code per innovation (domain, PID stage, …)."""
    return _columns("coded")


def list_columns() -> tuple[str, ...]:
    """Columns that hold a list per innovation, stored in a link table (crops, partners, …)."""
    return _columns("list")
