"""Map builders: a stable base map, plus one folium.FeatureGroup per chosen layer.

The Mapa view shows the base map with `st_folium` and passes the layers as
`feature_group_to_add`, so a filter change swaps the layers without re-creating
the map (the view stays where the user left it). Everything here is plain folium.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Draw, HeatMap
from jinja2 import Template

from dashboard.data.vocab import DOMAIN, region_label
from dashboard.i18n import t
from dashboard.map import pointcodec
from dashboard.map.offline import serve_locally
from dashboard.safe_text import for_map

# Default view: the Andes from Ecuador to Bolivia.
DEFAULT_CENTRE, DEFAULT_ZOOM = (-12.0, -73.5), 5
WATER = "#dce8ea"
BACKGROUND_PANE = "background"
OUTLINES_URL = "/app/static/countries.geojson"
OUTLINE_STYLE = {"color": "#7a5c3e", "weight": 1, "fillColor": "#f3ead7", "fillOpacity": 1.0}
OUTLINE_OVER_TILES = {"color": "#7a5c3e", "weight": 1.2, "fillOpacity": 0.0}
# Paul Tol's muted scheme plus two of his "light" colours: one per domain, in DOMAIN order.
DOMAIN_COLOURS = dict(zip(DOMAIN.codes, (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255",
    "#44AA99", "#999933", "#AA4499", "#EE8866", "#6699CC",
), strict=True))
REGION_COLOUR = "#8C5A2B"
PARTNER_COLOURS = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#CC6677", "#6699CC")
CHOROPLETH_COLOURS = ("#f7efe2", "#e8cfa8", "#d4a76a", "#b07a3b", "#7c5223")  # light → dark brown


@dataclass(frozen=True)
class Basemap:
    """A background: tiles from a provider with their attribution, or none at all."""

    tiles: str | None  # a folium/xyzservices provider name; None draws only the bundled outlines


BASEMAPS = {
    "outlines": Basemap(None),
    "osm": Basemap("OpenStreetMap.Mapnik"),
    "topo": Basemap("OpenTopoMap"),
    "satellite": Basemap("Esri.WorldImagery"),
}


class _Assets(JSCSSMixin, MacroElement):
    """Loads the scripts the layers need once, with the base map (layers arrive later)."""

    _template = Template("")
    default_js = [("markerclusterjs", ""), ("leaflet-heat.js", "")]
    default_css = [("markerclustercss", ""), ("markerclusterdefaultcss", "")]


class _ViewInAddress(MacroElement):
    """Keeps the map's centre and zoom in the page address, without a Streamlit rerun."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("moveend", function () {
            try {
                var map = {{ this._parent.get_name() }}, centre = map.getCenter();
                var address = new URL(window.parent.location.href);
                address.searchParams.set("lat", centre.lat.toFixed(4));
                address.searchParams.set("lon", centre.lng.toFixed(4));
                address.searchParams.set("zoom", String(map.getZoom()));
                window.parent.history.replaceState(window.parent.history.state, "", address);
            } catch (error) { /* a map opened outside the app has no address to keep */ }
        });
        {% endmacro %}
    """)


class OfflineFallback(MacroElement):
    """When tiles cannot load, removes them, fills the bundled outlines and says so on the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, tiles = {{ this.tiles.get_name() }};
            var outlines = {{ this.outlines.get_name() }}, loaded = 0, failed = 0, switched = false;
            tiles.on("tileload", function () { loaded += 1; });
            tiles.on("tileerror", function () {
                failed += 1;
                if (switched || loaded > 0 || failed < 3) return;  // a few failures online are normal
                switched = true;
                map.removeLayer(tiles);
                outlines.options.style = {{ this.filled|tojson }};
                outlines.setStyle({{ this.filled|tojson }});
                var notice = L.control({position: "bottomleft"});
                notice.onAdd = function () {
                    var box = L.DomUtil.create("div", "atlas-offline-notice");
                    box.style.cssText = "background:#fffdf8;padding:4px 8px;border:1px solid #7a5c3e;"
                        + "border-radius:4px;font:13px sans-serif";
                    box.textContent = {{ this.message|tojson }};
                    return box;
                };
                notice.addTo(map);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, tiles: folium.TileLayer, outlines: Outlines, message: str) -> None:
        super().__init__()
        self._name = "OfflineFallback"
        self.tiles, self.outlines, self.message, self.filled = tiles, outlines, message, OUTLINE_STYLE


class Outlines(MacroElement):
    """The bundled country outlines, fetched from the app (cached by the browser, never embedded)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(null, {
            style: {{ this.style|tojson }}, pane: {{ this.pane|tojson }}, interactive: false
        }).addTo({{ this._parent.get_name() }});
        fetch({{ this.url|tojson }}).then(function (answer) { return answer.json(); })
            .then(function (shapes) { {{ this.get_name() }}.addData(shapes); });
        {% endmacro %}
    """)

    def __init__(self, style: dict, url: str = OUTLINES_URL, pane: str = "background") -> None:
        super().__init__()
        self._name = "Outlines"
        self.style, self.url, self.pane = style, url, pane


def base_map(
    basemap: str, lang: str, centre: tuple[float, float] | None = None, zoom: int | None = None,
) -> folium.Map:
    """The map every layer is drawn on: a background, the drawing tools, offline assets."""
    fmap = folium.Map(location=centre or DEFAULT_CENTRE, zoom_start=zoom or DEFAULT_ZOOM, tiles=None,
                      maxZoom=18, control_scale=True)
    fmap.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container {{ background: {WATER}; }}</style>"))
    tiles = BASEMAPS[basemap].tiles
    layer = folium.TileLayer(tiles, name=t(f"map.basemap.{basemap}", lang), max_zoom=18) if tiles else None
    if layer:
        layer.add_to(fmap)
    # the outlines are background: their own pane keeps them under every layer (heatmap canvas included)
    folium.map.CustomPane(BACKGROUND_PANE, z_index=250).add_to(fmap)
    drawn = Outlines(OUTLINE_OVER_TILES if tiles else OUTLINE_STYLE, pane=BACKGROUND_PANE).add_to(fmap)
    if layer:
        OfflineFallback(layer, drawn, t("map.offline_fallback", lang)).add_to(fmap)
    Draw(export=False, position="topleft", draw_options={
        "polyline": False, "circle": False, "marker": False, "circlemarker": False,
        "polygon": {"allowIntersection": False}, "rectangle": {},
    }, edit_options={"edit": False}).add_to(fmap)
    _Assets().add_to(fmap)
    _ViewInAddress().add_to(fmap)
    return serve_locally(fmap)


class ClusteredPoints(MacroElement):
    """Innovations as circles coloured by domain, clustered, sent as one compressed binary block.

    Only places, a domain index and a row number per point reach the browser (see
    `dashboard.pointcodec`): details are looked up in Python when a point is clicked
    (the row comes back as the clicked feature's property `i`).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 45,
                                                         spiderfyOnMaxZoom: true, showCoverageOnHover: false});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        (function (group) {
            var packed = Uint8Array.from(atob({{ this.payload|tojson }}), function (c) { return c.charCodeAt(0); });
            var stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
            new Response(stream).arrayBuffer().then(function (buffer) {
                var head = new Int32Array(buffer, 0, 3), n = head[1], m = head[2], at = 12;
                var bytes = new Uint8Array(buffer);
                function planes(count) {  // four byte planes back into int32 values
                    var values = new Int32Array(count);
                    for (var k = 0; k < count; k++) {
                        values[k] = bytes[at + k] | bytes[at + count + k] << 8 |
                                    bytes[at + 2 * count + k] << 16 | bytes[at + 3 * count + k] << 24;
                    }
                    at += 4 * count;
                    return values;
                }
                var lat = planes(m), lon = planes(m), place = planes(n), step = planes(n);
                var domain = bytes.subarray(at, at + n);
                var colours = {{ this.colours|tojson }}, scale = {{ this.scale }}, markers = new Array(n), row = 0;
                for (var k = 0; k < n; k++) {
                    row += step[k];
                    var marker = L.circleMarker([lat[place[k]] / scale, lon[place[k]] / scale], {
                        radius: 7, color: "#ffffff", weight: 1.5, fillOpacity: 0.95, fillColor: colours[domain[k]]});
                    marker.feature = {type: "Feature", properties: {i: row}};
                    markers[k] = marker;
                }
                group.addLayers(markers);
            });
        })({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, domains: pd.Series) -> None:
        super().__init__()
        self._name = "ClusteredPoints"
        codes = pd.Categorical(domains.astype(str), categories=DOMAIN.codes).codes
        self.payload = pointcodec.encode(rows, lat, lon, codes)
        self.colours, self.scale = list(DOMAIN_COLOURS.values()), pointcodec.SCALE


def points_layer(
    rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, domains: pd.Series, lang: str
) -> folium.FeatureGroup:
    """The selected innovations (row numbers into the store) at their public points."""
    group = folium.FeatureGroup(name=t("map.layer.points", lang))
    ClusteredPoints(rows, lat, lon, domains).add_to(group)
    return group


def regions_layer(counts: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Proportional circles: one per region at the centroid of its communities (columns region, count, x, y)."""
    group = folium.FeatureGroup(name=t("map.layer.regions", lang))
    largest = max(int(counts["count"].max()), 1) if len(counts) else 1
    for row in counts.itertuples():
        label = t("map.region_tooltip", lang, region=region_label(row.region, lang), count=row.count)
        folium.CircleMarker(
            location=(row.y, row.x), radius=6 + 34 * (row.count / largest) ** 0.5,
            color=REGION_COLOUR, weight=1.5, fill=True, fill_opacity=0.45, tooltip=for_map(label),
        ).add_to(group)
    return group


def heat_layer(lat: np.ndarray, lon: np.ndarray, lang: str) -> folium.FeatureGroup:
    """Where innovations concentrate, as a heatmap of their public points."""
    group = folium.FeatureGroup(name=t("map.layer.heatmap", lang))
    coordinates = np.column_stack([np.round(lat, 4), np.round(lon, 4)])
    # leaflet.heat fades points by 2^(maxZoom − zoom): a low maxZoom keeps the regional view readable
    HeatMap(coordinates.tolist(), radius=18, blur=22, min_opacity=0.3, max_zoom=7).add_to(group)
    return group


def links_layer(links: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Lines from each partner's head office to the communities it works with.

    `links` has one row per partner and community: name, colour, hq_x, hq_y, x, y, count.
    """
    group = folium.FeatureGroup(name=t("map.layer.links", lang))
    for (name, colour), rows in links.groupby(["name", "colour"], sort=True):
        segments = [[(r.hq_y, r.hq_x), (r.y, r.x)] for r in rows.itertuples()]
        label = t("map.link_tooltip", lang, partner=name, communities=len(rows))
        folium.PolyLine(segments, color=colour, weight=1.6, opacity=0.75, tooltip=for_map(label)).add_to(group)
        hq = rows.iloc[0]
        folium.CircleMarker((hq.hq_y, hq.hq_x), radius=6, color=colour, fill=True, fill_opacity=1.0,
                            tooltip=for_map(name)).add_to(group)
    return group


def choropleth_layer(counted: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """Boundaries shaded by their number of innovations (columns name, count, geometry)."""
    group = folium.FeatureGroup(name=t("map.layer.choropleth", lang))
    bins = choropleth_bins(counted["count"])
    shown = counted.assign(
        colour=[CHOROPLETH_COLOURS[int(np.searchsorted(bins, c, side="right")) - 1] for c in counted["count"]],
        label=[for_map(t("map.choropleth_tooltip", lang, name=n, count=c))
               for n, c in zip(counted["name"], counted["count"], strict=True)],
    )[["label", "colour", "geometry"]]
    folium.GeoJson(
        shown, style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#7a5c3e",
                                         "weight": 0.8, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(group)
    return group


def choropleth_bins(counts: pd.Series) -> np.ndarray:
    """Lower edges of the shading classes: 0, then four equal-count steps of the non-zero values."""
    positive = counts[counts > 0]
    if positive.empty:
        return np.array([0.0] * len(CHOROPLETH_COLOURS))
    edges = np.unique(np.quantile(positive, np.linspace(0, 1, len(CHOROPLETH_COLOURS))[:-1]).round())
    return np.concatenate([[0.0], edges[edges > 0]])[: len(CHOROPLETH_COLOURS)]
