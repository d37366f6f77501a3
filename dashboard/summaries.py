"""Figures and counts for the current selection, computed on the prepared arrays (fast at 1M rows)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.filters import LIST_CRITERIA, FilterIndex
from dashboard.vocab import CROP, LIVESTOCK, region_label, regions


@dataclass(frozen=True)
class Headline:
    """The four numbers every summary starts with."""

    innovations: int
    communities: int
    regions: int
    partners: int


def _tally(codes: np.ndarray, keep: np.ndarray, size: int) -> np.ndarray:
    """How many kept innovations have each code (code -1, missing, is not counted)."""
    present = codes >= 0
    if present.all():
        return np.bincount(codes, weights=keep, minlength=size).astype(np.int64)
    return np.bincount(codes[present], weights=keep[present], minlength=size).astype(np.int64)


def _distinct(codes: np.ndarray, keep: np.ndarray) -> int:
    return int(np.count_nonzero(_tally(codes, keep, int(codes.max(initial=-1)) + 1)))


def _list_counts(index: FilterIndex, column: str, keep: np.ndarray) -> pd.Series:
    values = index.links[column][2]
    pattern, incidence = index.patterns[column]
    per_pattern = np.bincount(pattern, weights=keep, minlength=len(incidence))
    return pd.Series((per_pattern @ incidence).round().astype(np.int64), index=values)


def headline(innovations: gpd.GeoDataFrame, index: FilterIndex, keep: np.ndarray) -> Headline:
    """Headline figures of the innovations where `keep` is true."""
    return Headline(
        innovations=int(keep.sum()),
        communities=_distinct(index.community, keep),
        regions=_distinct(innovations["region"].cat.codes.to_numpy(), keep),
        partners=int(np.count_nonzero(_list_counts(index, "partners", keep))),
    )


def count_by(
    innovations: gpd.GeoDataFrame, index: FilterIndex, keep: np.ndarray, field: str, labels: dict[str, str]
) -> pd.DataFrame:
    """Innovations per value of `field`, most first: columns `code`, `label`, `count`.

    An innovation with two crops counts once for each of them.
    """
    if field in LIST_CRITERIA.values():
        counts = _list_counts(index, field, keep)
    else:
        column = innovations[field]
        counts = pd.Series(_tally(column.cat.codes.to_numpy(), keep, len(column.cat.categories)),
                           index=column.cat.categories)
    counts = counts[counts > 0]
    table = pd.DataFrame({"code": counts.index.astype(str), "count": counts.to_numpy()})
    table["label"] = table["code"].map(lambda code: labels.get(code, code))
    return table.sort_values(["count", "label"], ascending=[False, True]).reset_index(drop=True)


def labels_for(field: str, lang: str, partner_names: dict[str, str]) -> dict[str, str]:
    """How the codes of a countable field are shown in `lang`."""
    if field == "region":
        return {code: region_label(code, lang) for code in regions()}
    if field == "crops":
        return {code: CROP.label(code, lang) for code in CROP.codes}
    if field == "livestock":
        return {code: LIVESTOCK.label(code, lang) for code in LIVESTOCK.codes}
    if field == "partners":
        return dict(partner_names)
    raise KeyError(field)
