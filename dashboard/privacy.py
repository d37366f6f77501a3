"""What public views may show of a record: generalised points for records without consent."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.contract import CRS

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
    return gpd.GeoSeries(gpd.points_from_xy(x.round(5), y.round(5)), index=communities["community_id"],
                         crs=CRS)


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
