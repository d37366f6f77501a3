"""What public views may show of a record: a restricted record (no public consent) hides among k communities.

A restricted innovation is shown at the centre of the smallest area — district, province, region,
country, else the whole atlas — that holds at least k communities of the store, and carries no
community, innovator type or name; the area is named instead.
"""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.conform import ContractError
from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import country_label, region_label
from dashboard.i18n import DEFAULT_LANGUAGE, t

MIN_COMMUNITIES_ENV = "ATLAS_MIN_COMMUNITIES"
DEFAULT_MIN_COMMUNITIES = 3
# the administrative parts of a community, coarsest first: an area at one level is keyed by it and those before
ADMIN = ("country", "region", "province", "district")
ATLAS = "atlas"  # the last resort: every community of the store
AREA_LEVEL = "area_level"  # the column a public view adds: the level a restricted record is shown at
# columns that would single a restricted record out in a public file: consents and how its point was made
PUBLIC_HIDDEN = ("consent_public", "name_public", "location_shown")
PUBLIC_FLAG = "public_view"  # the metadata key that marks a public view (and its files)


class MinCommunitiesError(ContractError):
    """$ATLAS_MIN_COMMUNITIES is not a whole number of at least 1. A ContractError, so that the app and the
    commands that catch one when they load the store say so in the user's language instead of a traceback."""

    def __init__(self, value: str) -> None:
        super().__init__(MIN_COMMUNITIES_ENV, None, None, None, "error.bad_min_communities", value=value)
        self.args = (f"{MIN_COMMUNITIES_ENV} must be a whole number of at least 1, not {value!r}",)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What is wrong and how to mend it, in `lang` (no file, layer or row: it is a setting)."""
        return t(self.key, lang, name=MIN_COMMUNITIES_ENV, value=self.params["value"], default=DEFAULT_MIN_COMMUNITIES)


def min_communities() -> int:
    """k: the fewest communities an area must hold to hide a restricted record ($ATLAS_MIN_COMMUNITIES, else 3)."""
    raw = os.environ.get(MIN_COMMUNITIES_ENV, "").strip()
    if not raw:
        return DEFAULT_MIN_COMMUNITIES
    if not raw.isdecimal() or int(raw) < 1:
        raise MinCommunitiesError(raw)
    return int(raw)


def generalised_areas(communities: gpd.GeoDataFrame, k: int | None = None) -> pd.DataFrame:
    """Per community id: the area its restricted innovations are shown in (its level, and its parts with
    the finer ones blank) and the centre of the communities shown in that area, rounded to 5 decimals.

    Each area shown holds at least `k` communities: a community whose district holds fewer is shown in
    its province, and so on up to the whole atlas. The communities that stay in a coarser area are
    counted apart from those shown in a finer one; knowing the rule must not narrow them down to fewer than k.
    """
    k = min_communities() if k is None else k
    parts = communities[list(ADMIN)].astype(object).to_numpy()
    depth = np.zeros(len(communities), dtype=int)  # 0: the whole atlas, then ADMIN[depth - 1]
    _split(parts, np.arange(len(communities)), 0, k, depth)
    level = np.array((ATLAS, *ADMIN), dtype=object)[depth]
    kept = np.arange(len(ADMIN)) < depth[:, None]  # the parts that name the area; finer ones are blank
    areas = pd.DataFrame(np.where(kept, parts, None), columns=list(ADMIN), index=communities.index)
    areas.insert(0, AREA_LEVEL, level)
    key = [areas[name].to_numpy() for name in (AREA_LEVEL, *ADMIN)]
    areas["x"] = communities.geometry.x.groupby(key, dropna=False).transform("mean").round(5)
    areas["y"] = communities.geometry.y.groupby(key, dropna=False).transform("mean").round(5)
    return areas.set_axis(communities["community_id"].to_numpy())


def _split(parts: np.ndarray, members: np.ndarray, depth: int, k: int, shown: np.ndarray) -> None:
    """Show `members` at `depth`, except those of a sub-area holding k, which are split in turn; when that
    would leave 1 to k-1 behind, the smallest such sub-area stays with them."""
    shown[members] = depth
    if depth == len(ADMIN):
        return
    values = pd.Series(parts[members, depth], index=members).dropna()
    areas = sorted((group.index.to_numpy() for _, group in values.groupby(values) if len(group) >= k), key=len)
    left = len(members) - sum(len(area) for area in areas)
    if 0 < left < k and areas:
        areas.pop(0)
    for area in areas:
        _split(parts, area, depth + 1, k, shown)


def generalised_points(communities: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Per community id, the point public views show its restricted innovations at."""
    areas = generalised_areas(communities)
    return gpd.GeoSeries(gpd.points_from_xy(areas["x"], areas["y"]), index=areas.index, crs=CRS)


# The intake (intake/row_context.py) and a map test still use the old name; it means the same point.
district_centroids = generalised_points


def area_label(area: pd.Series, lang: str) -> str:
    """An area's name as a reader says it: "provincia Huamanga (Ayacucho)", "Bolivia (todo el país)"."""
    return t(
        f"generalised.{area[AREA_LEVEL]}",
        lang,
        country=country_label(str(area["country"]), lang),
        region=region_label(str(area["region"]), lang),
        province=area["province"],
        district=area["district"],
    )


def area_labels(innovations: pd.DataFrame, lang: str) -> pd.Series:
    """The area each restricted innovation of a public view is shown in, in words; None for the others."""
    labels = pd.Series(None, index=innovations.index, dtype=object)
    shown = innovations[AREA_LEVEL].notna().to_numpy(bool)
    areas = innovations.loc[shown, [AREA_LEVEL, *ADMIN]]
    labels[shown] = [area_label(area, lang) for _, area in areas.iterrows()]
    return labels


def public_points(innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Where each innovation may be shown: its own point with public consent, else its area's centre (where a
    viewer's store has already put a record it tied to no community)."""
    generalised = generalised_points(communities).reindex(innovations["community_id"]).to_numpy()
    exact = innovations["consent_public"].fillna(False).to_numpy(bool) | innovations["community_id"].isna().to_numpy()
    points = innovations.geometry.where(pd.Series(exact, index=innovations.index), generalised)
    return gpd.GeoSeries(points, index=innovations.index, crs=CRS)


def shown_areas(innovations: pd.DataFrame, communities: gpd.GeoDataFrame) -> pd.DataFrame:
    """The area (level and parts, as `generalised_areas`) each innovation's restricted record is shown in:
    a record already tied to no community carries its own, the others their community's."""
    areas = generalised_areas(communities).reindex(innovations["community_id"]).set_axis(innovations.index)
    if AREA_LEVEL in innovations.columns:
        carried = innovations[AREA_LEVEL].notna()
        areas.loc[carried, [AREA_LEVEL, *ADMIN]] = innovations.loc[carried, [AREA_LEVEL, *ADMIN]].astype(object)
    return areas


def shown_name(innovation: pd.Series) -> str | None:
    """The innovator's name only when the record allows it to be public."""
    if bool(innovation.get("consent_public")) and bool(innovation.get("name_public")):
        return innovation.get("innovator_name")
    return None


def is_public(view: Dataset) -> bool:
    """Whether `view` is a public view (`public_view` without an editor), as its files must be written."""
    return view.metadata.get(PUBLIC_FLAG) == "true"


def generalised(innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Restricted innovations tied to no community: at their area's centre, with its level and parts, no
    community, natural region or innovator type (always blank: a rule on counts would differ between two
    filtered files, and comparing them would give it away), no name. Filters, search and counts then find
    such a record only by the area it is shown in. A record already tied to no community stays as it is."""
    tied = innovations["community_id"].notna().to_numpy()
    restricted = ~innovations["consent_public"].fillna(False).to_numpy(bool) & tied
    areas = generalised_areas(communities).reindex(innovations["community_id"]).set_axis(innovations.index)
    centres = gpd.points_from_xy(areas["x"], areas["y"], crs=CRS)
    innovations = innovations.set_geometry(innovations.geometry.where(~restricted, centres))
    named = innovations["consent_public"].fillna(False) & innovations["name_public"].fillna(False)
    innovations["innovator_name"] = innovations["innovator_name"].where(named.to_numpy(bool), None)
    before = innovations[AREA_LEVEL] if AREA_LEVEL in innovations.columns else None
    innovations[AREA_LEVEL] = areas[AREA_LEVEL].where(restricted, before)
    for name in ADMIN:
        innovations[name] = innovations[name].where(~restricted, areas[name].astype(innovations[name].dtype))
    for name in ("community_id", "natural_region", "innovator_type"):
        innovations[name] = innovations[name].mask(restricted)
    innovations["has_own_point"] = innovations["has_own_point"].to_numpy(bool) & ~restricted
    return innovations


def _hidden(innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`generalised`, without the columns that would single a restricted record out in a public file."""
    innovations = generalised(innovations, communities)
    return innovations.drop(columns=[c for c in PUBLIC_HIDDEN if c in innovations.columns])


def public_view(data: Dataset, keep: np.ndarray, *, editor: bool = False) -> Dataset:
    """The kept innovations and the communities and partners they name, as a public view may show them.

    Without an editor, restricted innovations (no public consent) are tied to no community (see `_hidden`),
    only the communities of public records are listed, no innovator carries a name unless both consents
    allow it, and the metadata marks the view as public. An editor's view keeps every point and name,
    and says which points are not the innovation's own (`location_shown`).
    """
    innovations = data.innovations.iloc[np.flatnonzero(keep)].copy()
    metadata = dict(data.metadata)
    if editor:
        shown = np.where(innovations["has_own_point"].to_numpy(bool), "own", "community")
        innovations["location_shown"] = shown  # codes of vocab.LOCATION_SHOWN: a re-import keeps exact points
    else:
        innovations, metadata = _hidden(innovations, data.communities), {**metadata, PUBLIC_FLAG: "true"}
    communities = data.communities[data.communities["community_id"].isin(innovations["community_id"])]
    named_partners = {p for listed in innovations["partners"] for p in listed}
    partners = data.partners[data.partners["partner_id"].isin(named_partners)]
    return Dataset(
        partners=partners.reset_index(drop=True),
        communities=communities.reset_index(drop=True),
        innovations=innovations.reset_index(drop=True),
        metadata=metadata,
    )
