"""What public views may show of a record: generalised points for records without consent."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset

DISTRICT = ["region", "province", "district"]


def district_centroids(communities: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """For each community, the centroid of the communities of its district (itself if no district)."""
    keyed = communities[DISTRICT].astype("string").fillna("")
    key = keyed["region"] + "|" + keyed["province"] + "|" + keyed["district"]
    x = communities.geometry.x.groupby(key).transform("mean")
    y = communities.geometry.y.groupby(key).transform("mean")
    unknown = communities["district"].isna().to_numpy()
    x = x.where(~unknown, communities.geometry.x)
    y = y.where(~unknown, communities.geometry.y)
    return gpd.GeoSeries(gpd.points_from_xy(x.round(5), y.round(5)), index=communities["community_id"], crs=CRS)


def public_points(innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Where each innovation may be shown: its own point with public consent, else its district's centroid."""
    generalised = district_centroids(communities).reindex(innovations["community_id"]).to_numpy()
    public = innovations["consent_public"].fillna(False).to_numpy(bool)
    points = innovations.geometry.where(pd.Series(public, index=innovations.index), generalised)
    return gpd.GeoSeries(points, index=innovations.index, crs=CRS)


def shown_name(innovation: pd.Series) -> str | None:
    """The innovator's name only when the record allows it to be public."""
    if bool(innovation.get("consent_public")) and bool(innovation.get("name_public")):
        return innovation.get("innovator_name")
    return None


def public_view(data: Dataset, keep: np.ndarray, *, editor: bool = False) -> Dataset:
    """The kept innovations and the communities and partners they name, as a public view may show them.

    Without an editor, restricted innovations (no public consent) take their district's
    centroid and no innovator carries a name unless both consents allow it. An editor's
    view keeps every point and name.
    """
    innovations = data.innovations.iloc[np.flatnonzero(keep)].copy()
    shown = np.where(innovations["has_own_point"].to_numpy(bool), "own", "community").astype(object)
    if not editor:
        restricted = ~innovations["consent_public"].fillna(False).to_numpy(bool)
        shown[restricted] = "generalised"
        innovations = innovations.set_geometry(public_points(innovations, data.communities))
        named = innovations["consent_public"].fillna(False) & innovations["name_public"].fillna(False)
        innovations["innovator_name"] = innovations["innovator_name"].where(named.to_numpy(bool), None)
    innovations["location_shown"] = shown  # codes of vocab.LOCATION_SHOWN: exports say which points are not exact
    communities = data.communities[data.communities["community_id"].isin(innovations["community_id"])]
    named_partners = {p for listed in innovations["partners"] for p in listed}
    partners = data.partners[data.partners["partner_id"].isin(named_partners)]
    return Dataset(
        partners=partners.reset_index(drop=True),
        communities=communities.reset_index(drop=True),
        innovations=innovations.reset_index(drop=True),
        metadata=dict(data.metadata),
    )
