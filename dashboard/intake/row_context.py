"""What every row of one file is checked against: the store, its lookups and where its communities are."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import shapely

from dashboard.data.contract import Entity
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import district_centroids
from dashboard.intake import coords
from dashboard.intake.comparison import plain
from dashboard.intake.matching import Matcher
from dashboard.intake.records import Lookups


@dataclass(frozen=True)
class Place:
    """What a row needs of the community it names: where it is."""

    country: str
    region: str
    geometry: shapely.Geometry


@dataclass
class RowContext:
    """The store and the mapping one file's rows are read and matched with."""

    entity: Entity
    data: Dataset
    lookups: Lookups
    columns: dict[str, str]  # target -> input column, for messages
    default_zone: str | None
    boundaries: coords.RegionShapes  # the store's region polygons, for points said to lie in a region
    matcher: Matcher = field(init=False)
    places: dict[str, Place] = field(init=False, default_factory=dict)  # community id -> where it is, once read

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.entity, self.data)

    @cached_property
    def communities(self) -> gpd.GeoDataFrame:
        """The stored communities by their id."""
        return self.data.communities.set_index("community_id", drop=False)

    @cached_property
    def generalised(self) -> dict[str, tuple[float, float]]:
        """Community id -> the point public views show a restricted innovation of it at."""
        centres = district_centroids(self.data.communities)
        return {cid: plain(point) for cid, point in centres.items()}


def place_of(ctx: RowContext, community: str | None) -> Place | None:
    """The stored community an innovation names (read once per community); None if unknown."""
    if community is None or community not in ctx.lookups.community_ids:
        return None
    if community not in ctx.places:
        row = ctx.communities.loc[community]
        ctx.places[community] = Place(str(row["country"]), str(row["region"]), row.geometry)
    return ctx.places[community]
