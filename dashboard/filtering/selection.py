"""What the shared filter keeps: the store, its index, the filter and the kept innovations, as one value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex


def partner_names(data: Dataset) -> dict[str, str]:
    """Short partner names for lists and charts: the acronym where there is one."""
    names = data.partners["acronym"].fillna(data.partners["name"])
    return dict(zip(data.partners["partner_id"], names, strict=True))


def full_names(partners: pd.DataFrame) -> dict[str, str]:
    """Each partner's name for prose, with its acronym where it has a different one: «World Neighbors (WN)»."""
    names = {}
    for code, name, acronym in zip(partners["partner_id"], partners["name"], partners["acronym"], strict=True):
        short = acronym if isinstance(acronym, str) and acronym not in ("", name) else None
        names[code] = f"{name} ({short})" if short else str(name)
    return names


def acronyms(data: Dataset, partners: Iterable[str]) -> list[tuple[str, str]]:
    """(acronym, full name) of those of `partners` whose chart label is an acronym, in the store's order."""
    rows = data.partners[data.partners["partner_id"].isin(set(partners))]
    pairs = zip(rows["acronym"], rows["name"], strict=True)
    return [(short, name) for short, name in pairs if isinstance(short, str) and short not in ("", name)]


@dataclass(frozen=True, eq=False)
class Selection:
    """The store, its prepared index, the filter and which innovations it keeps; built once per change."""

    data: Dataset
    index: FilterIndex
    filters: Filters
    keep: np.ndarray
    partner_names: dict[str, str]

    @classmethod
    def of(cls, data: Dataset, index: FilterIndex, filters: Filters) -> Selection:
        """What `filters` keeps of the store."""
        return cls(
            data=data,
            index=index,
            filters=filters,
            keep=mask(data.innovations, index, filters),
            partner_names=partner_names(data),
        )

    @property
    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.keep)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The kept innovations as a frame (for tables)."""
        return self.data.innovations.iloc[self.rows]

    @property
    def points(self) -> gpd.GeoSeries:
        """Public points of the kept innovations."""
        rows = self.rows
        return gpd.GeoSeries(gpd.points_from_xy(self.index.x[rows], self.index.y[rows]), crs=CRS)
