"""Figures and counts for the current selection of innovations."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from dashboard.vocab import CROP, region_label, regions


@dataclass(frozen=True)
class Headline:
    """The four numbers every summary starts with."""

    innovations: int
    communities: int
    regions: int
    partners: int


def headline(innovations: gpd.GeoDataFrame) -> Headline:
    """Headline figures of a selection of innovations."""
    partners = {p for listed in innovations["partners"] for p in listed}
    return Headline(
        innovations=len(innovations),
        communities=innovations["community_id"].nunique(),
        regions=innovations["region"].nunique(),
        partners=len(partners),
    )


def count_by(innovations: gpd.GeoDataFrame, field: str, labels: dict[str, str]) -> pd.DataFrame:
    """Innovations per value of `field` (a code or a list of codes), most first.

    Returns columns `code`, `label`, `count`; an innovation with two crops counts once for each.
    """
    values = innovations[field]
    if values.dtype == object:
        values = values.explode().dropna()
    counts = values.astype(str).value_counts()
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
    if field == "partners":
        return dict(partner_names)
    raise KeyError(field)
