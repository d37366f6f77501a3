"""The map's switchable layers: one registry entry each, from the current selection to a FeatureGroup."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
import pandas as pd

from dashboard.data.boundaries import count_by_boundary
from dashboard.data.store import Dataset
from dashboard.data.vocab import BOUNDARY_LEVEL
from dashboard.filtering.selection import Selection
from dashboard.map import maps
from dashboard.map.offline import serve_locally


def region_counts(selection: Selection) -> pd.DataFrame:
    """Innovations per region, placed at the centroid of that region's communities."""
    communities = selection.data.communities
    centre = pd.DataFrame({"x": communities.geometry.x, "y": communities.geometry.y,
                           "region": communities["region"].astype(str)}).groupby("region").mean()
    regions = selection.data.innovations["region"].astype(str).to_numpy()[selection.keep]
    counts = pd.Series(regions).value_counts().rename("count")
    return centre.join(counts, how="inner").reset_index().rename(columns={"index": "region"})


def partner_links(selection: Selection) -> pd.DataFrame:
    """One row per partner and community it works with in the selection, with both points."""
    rows, codes, values = selection.index.links["partners"]
    kept = selection.keep[rows]
    community = selection.data.innovations["community_id"].to_numpy(object)[rows[kept]]
    pairs = pd.DataFrame({"partner_id": values[codes[kept]], "community_id": community})
    pairs = pairs.value_counts().rename("count").reset_index()
    partners = selection.data.partners.set_index("partner_id")
    communities = selection.data.communities.set_index("community_id")
    colours = partner_colours(selection.data)
    return pairs.assign(
        name=pairs["partner_id"].map(selection.partner_names), colour=pairs["partner_id"].map(colours),
        hq_x=pairs["partner_id"].map(partners.geometry.x), hq_y=pairs["partner_id"].map(partners.geometry.y),
        x=pairs["community_id"].map(communities.geometry.x), y=pairs["community_id"].map(communities.geometry.y),
    )


def partner_colours(data: Dataset) -> dict[str, str]:
    """One line colour per partner, fixed by the partners' order in the store."""
    palette = maps.PARTNER_COLOURS
    return {p: palette[i % len(palette)] for i, p in enumerate(data.partners["partner_id"])}


def boundary_levels(data: Dataset) -> list[str]:
    """The boundary levels the store holds, finest first (district, province, region)."""
    stored = set() if data.boundaries is None else set(data.boundaries["level"].astype(str))
    return [level for level in reversed(BOUNDARY_LEVEL.codes) if level in stored]


def choropleth_level(data: Dataset, level: str | None = None) -> str | None:
    """`level` if the store holds it, else the finest level it holds; None without boundaries."""
    levels = boundary_levels(data)
    return level if level in levels else next(iter(levels), None)


def boundary_counts(selection: Selection, level: str) -> gpd.GeoDataFrame | None:
    """Boundaries of `level` with the number of selected innovations inside, or None without boundaries."""
    counted = _counted(selection, level)
    return None if counted is None else counted[0]


def outside_boundaries(selection: Selection, level: str | None = None) -> int | None:
    """How many selected innovations lie outside every boundary the choropleth of `level` draws."""
    counted = _counted(selection, choropleth_level(selection.data, level))
    return None if counted is None else counted[1]


def _counted(selection: Selection, level: str | None) -> tuple[gpd.GeoDataFrame, int] | None:
    boundaries = selection.data.boundaries
    if boundaries is None or level not in boundary_levels(selection.data):
        return None
    return count_by_boundary(boundaries, selection.points, level)


# Every builder takes the selection, the language and the boundary level a choropleth colours by
# (None: the finest stored); only the choropleth uses the level.
def _points(selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
    rows = selection.rows
    domains = selection.data.innovations["domain"].iloc[rows]
    return maps.points_layer(rows, selection.index.y[rows], selection.index.x[rows], domains, lang)


def _regions(selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
    return maps.regions_layer(region_counts(selection), lang)


def _heatmap(selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
    rows = selection.rows
    return maps.heat_layer(selection.index.y[rows], selection.index.x[rows], lang)


def _links(selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
    return maps.links_layer(partner_links(selection), lang)


def _choropleth(selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup | None:
    counted = boundary_counts(selection, choropleth_level(selection.data, level))
    return None if counted is None else maps.choropleth_layer(counted, lang)


# Layer code (as in the page address) -> builder; a builder may return None when it has nothing to draw.
LAYERS: dict[str, Callable[[Selection, str, str | None], folium.FeatureGroup | None]] = {
    "points": _points, "regions": _regions, "heatmap": _heatmap, "links": _links, "choropleth": _choropleth,
}


def build_layers(
    codes: tuple[str, ...], selection: Selection, lang: str, level: str | None = None,
) -> list[folium.FeatureGroup]:
    """The chosen layers, in registry order, for the current selection; a choropleth colours by `level`."""
    groups = [LAYERS[code](selection, lang, level) for code in LAYERS if code in codes]
    return [serve_locally(group) for group in groups if group is not None]
