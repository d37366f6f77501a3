"""The shared filter: one immutable value that every page applies to the innovations."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from dashboard.i18n import t
from dashboard.vocab import CROP, region_label


@dataclass(frozen=True)
class Filters:
    """Every criterion the user has chosen; an empty tuple means no restriction."""

    regions: tuple[str, ...] = ()
    crops: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.regions or self.crops or self.partners)


def _any_in(lists: gpd.GeoSeries, wanted: tuple[str, ...]) -> np.ndarray:
    chosen = set(wanted)
    return np.fromiter((not chosen.isdisjoint(v) for v in lists), dtype=bool, count=len(lists))


def apply(innovations: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """The innovations that meet every criterion of `filters`."""
    keep = np.ones(len(innovations), dtype=bool)
    if filters.regions:
        keep &= innovations["region"].isin(filters.regions).to_numpy()
    if filters.crops:
        keep &= _any_in(innovations["crops"], filters.crops)
    if filters.partners:
        keep &= _any_in(innovations["partners"], filters.partners)
    return innovations[keep]


def describe(filters: Filters, lang: str, partner_names: dict[str, str]) -> str:
    """The filter in one sentence, e.g. «Innovaciones de papa nativa en Ayacucho»."""
    parts = [t("describe.some" if filters.active else "describe.all", lang)]
    if filters.crops:
        parts.append(t("describe.crops", lang, crops=_join((CROP.label(c, lang) for c in filters.crops), lang)))
    if filters.regions:
        parts.append(t("describe.regions", lang, regions=_join(map(region_label, filters.regions), lang)))
    if filters.partners:
        names = (partner_names.get(p, p) for p in filters.partners)
        parts.append(t("describe.partners", lang, partners=_join(names, lang)))
    return " ".join(parts)


def _join(items, lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('describe.or', lang)} {items[-1]}"
