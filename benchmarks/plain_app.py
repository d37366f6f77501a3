"""The plain way to map the atlas's innovations in Streamlit: the baseline of the browser benchmark.

`streamlit run plain_app.py -- STORE.gpkg` reads the innovations and their communities with
geopandas (cached), offers one region filter in the sidebar, says how many innovations it shows
and draws them as circles with folium's `FastMarkerCluster`, fitted to the points, through `st_folium`.
Leaflet and markercluster come from the app's own `static/` folder instead of a CDN, so it draws
offline; everything else is written as a team new to the data would write it.
"""

import sys

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from folium.plugins import FastMarkerCluster
from streamlit_folium import st_folium

from dashboard.map.offline import serve_locally

# folium's default marker needs Font Awesome markers from a CDN: circles, as the atlas draws, need nothing more
CIRCLE = "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 7}); }"


@st.cache_data
def load(path: str) -> pd.DataFrame:
    """One row per innovation: its community's region and its point (its own, else its community's)."""
    innovations = gpd.read_file(path, layer="innovations")
    communities = gpd.read_file(path, layer="communities")
    merged = innovations.merge(communities, on="community_id", suffixes=("", "_community"))
    points = merged.geometry.fillna(merged["geometry_community"])
    return pd.DataFrame({"region": merged["region"], "lat": points.y, "lon": points.x})


data = load(sys.argv[1])
regions = st.sidebar.multiselect("Región", sorted(data["region"].unique()))
shown = data[data["region"].isin(regions)] if regions else data
st.title("Innovaciones")
st.markdown(f"{len(shown)} de {len(data)} innovaciones")
fmap = folium.Map(tiles=None, maxZoom=18)
FastMarkerCluster(shown[["lat", "lon"]].to_numpy().tolist(), callback=CIRCLE).add_to(fmap)
fmap.fit_bounds([[shown["lat"].min(), shown["lon"].min()], [shown["lat"].max(), shown["lon"].max()]])
st_folium(serve_locally(fmap), height=600, use_container_width=True, returned_objects=[])
