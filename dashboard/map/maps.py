"""The base map every layer is drawn on, and the clustered points the points layer sends.

The Mapa view shows the base map with `st_folium` and passes the layers (`dashboard.map.layers`) as
`feature_group_to_add`, so a filter change swaps the layers without re-creating
the map (the view stays where the user left it). Everything here is plain folium.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Draw
from jinja2 import Template

from dashboard import palette
from dashboard.data.vocab import DOMAIN
from dashboard.i18n import t
from dashboard.map import pointcodec
from dashboard.map.behaviour import FocusInPlace, LetPinch, NameTheFrame, RefitAtOnce, SpeakControls, ViewInAddress
from dashboard.map.context import Context
from dashboard.map.offline import serve_locally

# Default view: the Andes from Ecuador to Bolivia.
DEFAULT_CENTRE, DEFAULT_ZOOM = (-12.0, -73.5), 5
BACKGROUND_PANE = "background"
OUTLINES_URL = "/app/static/countries.geojson"
DOMAIN_COLOURS = dict(zip(DOMAIN.codes, palette.DOMAIN_COLOURS, strict=True))  # domain code -> point colour
# The box that says the map fell back to the bundled outlines.
NOTICE_STYLE = (
    f"background:{palette.PAPER};padding:4px 8px;border:1px solid {palette.OUTLINE};"
    "border-radius:4px;font:13px sans-serif"
)


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
                    box.style.cssText = {{ this.box_style|tojson }};
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
        self.tiles, self.outlines, self.message = tiles, outlines, message
        self.filled, self.box_style = palette.OUTLINE_STYLE, NOTICE_STYLE


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
    basemap: str, lang: str, centre: tuple[float, float] | None = None, zoom: int | None = None, drawing: bool = True
) -> folium.Map:
    """The map every layer is drawn on: a background, the drawing tools (unless not `drawing`), offline assets."""
    fmap = folium.Map(
        location=centre or DEFAULT_CENTRE, zoom_start=zoom or DEFAULT_ZOOM, tiles=None, maxZoom=18, control_scale=True
    )
    fmap.get_root().header.add_child(
        folium.Element(f"<style>.leaflet-container {{ background: {palette.WATER}; }}</style>")
    )
    tiles = BASEMAPS[basemap].tiles
    layer = folium.TileLayer(tiles, name=t(f"map.basemap.{basemap}", lang), max_zoom=18) if tiles else None
    if layer:
        layer.add_to(fmap)
    # the outlines are background: their own pane keeps them under every layer (heatmap canvas included)
    folium.map.CustomPane(BACKGROUND_PANE, z_index=250).add_to(fmap)
    style = palette.OUTLINE_OVER_TILES if tiles else palette.OUTLINE_STYLE
    drawn = Outlines(style, pane=BACKGROUND_PANE).add_to(fmap)
    if not tiles:  # tiles carry their own boundaries and names; the offline background gets them from the app
        Context(pane=BACKGROUND_PANE, attribution=t("credits.context", lang)).add_to(fmap)
    if layer:
        OfflineFallback(layer, drawn, t("map.offline_fallback", lang)).add_to(fmap)
    SpeakControls(lang).add_to(fmap)  # before the drawing tools, which read their words when built
    if drawing:  # presentation mode draws no tools: nothing there filters
        Draw(
            export=False,
            position="topleft",
            draw_options={
                "polyline": False,
                "circle": False,
                "marker": False,
                "circlemarker": False,
                "polygon": {"allowIntersection": False},
                "rectangle": {},
            },
            edit_options={"edit": False},
        ).add_to(fmap)
    _Assets().add_to(fmap)
    for behaviour in (ViewInAddress(), FocusInPlace(lang), RefitAtOnce(), LetPinch(), NameTheFrame(lang)):
        behaviour.add_to(fmap)
    return serve_locally(fmap)


class ClusteredPoints(MacroElement):
    """Innovations as circles coloured by domain, clustered, sent as one compressed binary block.

    Only places, a domain index and a row number per point reach the browser (see
    `dashboard.pointcodec`): details are looked up in Python when a point is clicked
    (the row comes back as the clicked feature's property `i`). Clusters split and merge without
    animation: a refit after a filter change then costs one re-clustering, not an animated two.
    Points and clusters are buttons:
    Tab reaches them, Enter or Space clicks them; their `names` say the domain or the count.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 45, animate: false,
                                                         spiderfyOnMaxZoom: true, showCoverageOnHover: false});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        (function (group) {
            var names = {{ this.names|tojson }};
            var Point = L.CircleMarker.extend({onAdd: function (on) {  // an SVG circle a keyboard can reach
                L.CircleMarker.prototype.onAdd.call(this, on);
                if (!this._path) return;  // a canvas draws no element to focus
                this._path.setAttribute("tabindex", "0");
                this._path.setAttribute("role", "button");
                this._path.setAttribute("aria-label", this.options.label);
                L.DomEvent.on(this._path, "focus", function () {  // one out of view is brought in, as a marker is
                    on.panInside(this._latlng, {padding: [10, 10]});
                }, this);
            }});
            var Count = L.DivIcon.extend({createIcon: function (old) {  // the cluster's button, named
                var icon = L.DivIcon.prototype.createIcon.call(this, old);
                icon.setAttribute("aria-label", this.options.label);
                return icon;
            }});
            group.options.iconCreateFunction = function (cluster) {  // markercluster's own icon, plus the name
                var count = cluster.getChildCount(), size = count < 10 ? "small" : count < 100 ? "medium" : "large";
                return new Count({html: "<div><span>" + count + "</span></div>", iconSize: new L.Point(40, 40),
                                  className: "marker-cluster marker-cluster-" + size,
                                  label: names.cluster.replace("{count}", count)});
            };
            function pressed(event) {  // Enter or Space, as on any button
                var key = event.originalEvent.key, press = key === "Enter" || key === " ";
                if (press) L.DomEvent.preventDefault(event.originalEvent);
                return press;
            }
            group.on("keydown", function (event) {
                if (pressed(event)) event.layer.fire("click", {latlng: event.layer.getLatLng()}, true);
            });
            group.on("clusterkeydown", function (event) {  // zoom in or spread; the focus stays in the map
                if (!pressed(event)) return;
                event.layer.fire("click", {latlng: event.layer.getLatLng()}, true);
                group._map.getContainer().focus({preventScroll: true});
            });
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
                var rim = {{ this.rim|tojson }}, scale = {{ this.scale }}, markers = new Array(n), row = 0;
                var kinds = {{ this.colours|tojson }}.map(function (colour, d) {  // shared by a domain's points
                    return Point.extend({options: {radius: 7, color: rim, weight: 1.5, fillOpacity: 0.95,
                                                   fillColor: colour, label: names.point[d]}});
                });
                for (var k = 0; k < n; k++) {
                    row += step[k];
                    var marker = new kinds[domain[k]]([lat[place[k]] / scale, lon[place[k]] / scale]);
                    marker.feature = {type: "Feature", properties: {i: row}};
                    markers[k] = marker;
                }
                group.addLayers(markers);
            });
        })({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self,
        rows: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        domains: pd.Series,
        lang: str,
        colour: str | None = None,
    ) -> None:
        """`colour`: every point in it, for where a legend of the domains has no room; else the domain's."""
        super().__init__()
        self._name = "ClusteredPoints"
        codes = pd.Categorical(domains.astype(str), categories=DOMAIN.codes).codes
        self.payload = pointcodec.encode(rows, lat, lon, codes)
        self.colours = [colour] * len(DOMAIN_COLOURS) if colour else list(DOMAIN_COLOURS.values())
        self.rim, self.scale = palette.WHITE, pointcodec.SCALE
        # what a point (one name per domain, in DOMAIN's order) and a cluster ({count}) are called
        self.names = {
            "point": [t("map.keyboard.point", lang, domain=DOMAIN.label(code, lang)) for code in DOMAIN.codes],
            "cluster": t("map.keyboard.cluster", lang),
        }
