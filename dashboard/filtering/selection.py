"""What the shared filter keeps: the store, its index, the filter and the kept innovations, as one value."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex


def partner_names(data: Dataset) -> dict[str, str]:
    """Short partner names for lists and charts: the acronym where there is one."""
    names = data.partners["acronym"].fillna(data.partners["name"])
    return dict(zip(data.partners["partner_id"], names, strict=True))


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
