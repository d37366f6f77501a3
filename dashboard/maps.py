"""Map builders: innovations in, a folium.Map out (shown by the Mapa view)."""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.plugins import MarkerCluster

from dashboard.i18n import t
from dashboard.offline import serve_locally
from dashboard.safe_text import for_map
from dashboard.vocab import DOMAIN

# Without tiles the sea shows through: a pale water tone instead of Leaflet's grey.
WATER_STYLE = "<style>.leaflet-container { background: #dce8ea; }</style>"
OUTLINE_STYLE = {"color": "#7a5c3e", "weight": 1, "fillColor": "#f3ead7", "fillOpacity": 1.0}
POINT_COLOUR = "#2f6f4f"
# Default view: the central and southern Peruvian Andes.
DEFAULT_CENTRE, DEFAULT_ZOOM = (-13.5, -73.5), 6


def public_points(innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Where each innovation may be shown: its own point only with public consent, else its community."""
    at_community = communities.set_index("community_id").geometry.reindex(innovations["community_id"])
    restricted = ~innovations["consent_public"].fillna(False).to_numpy(bool)
    return innovations.geometry.where(~restricted, at_community.to_numpy())


def base_map(outlines: gpd.GeoDataFrame, lang: str) -> folium.Map:
    """A map that draws with no network: country outlines as the basemap, OpenStreetMap optional."""
    fmap = folium.Map(location=DEFAULT_CENTRE, zoom_start=DEFAULT_ZOOM, tiles=None, maxZoom=18,
                      control_scale=True)
    fmap.get_root().header.add_child(folium.Element(WATER_STYLE))
    folium.GeoJson(
        outlines[["name", "geometry"]], name=t("map.outlines", lang), style_function=lambda _: OUTLINE_STYLE,
        control=False, smooth_factor=0.5,
    ).add_to(fmap)
    folium.TileLayer("OpenStreetMap", name=t("map.basemap_osm", lang), show=False, overlay=True).add_to(fmap)
    return fmap


def build_map(
    innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame, lang: str
) -> folium.Map:
    """Innovations as clustered points over the offline basemap, each with its title as tooltip."""
    fmap = base_map(outlines, lang)
    cluster = MarkerCluster(name=t("map.innovations", lang), maxClusterRadius=40).add_to(fmap)
    points = public_points(innovations, communities)
    for title, domain, point in zip(innovations["title"], innovations["domain"], points, strict=True):
        folium.CircleMarker(
            location=(point.y, point.x), radius=6, color=POINT_COLOUR, fill=True, fill_opacity=0.8,
            tooltip=f"{for_map(title)}<br><small>{for_map(DOMAIN.label(domain, lang))}</small>",
        ).add_to(cluster)
    folium.LayerControl(collapsed=True).add_to(fmap)
    if len(points):
        west, south, east, north = points.total_bounds
        fmap.fit_bounds([(south, west), (north, east)], padding=(20, 20))
    return serve_locally(fmap)
