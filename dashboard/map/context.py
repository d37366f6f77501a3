"""The offline map's context: regions, Peru's provinces from a regional zoom, town names by rank.

Drawn from the bundled files (`python -m dashboard context`): the app's map fetches them once and
the browser caches them like the country outlines; a standalone file, which has no app to ask,
carries the part near its selection (`embedded`). Never tiles.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from dashboard import palette
from dashboard.i18n import t

CONTEXT_URL = "/app/static/context"
PROVINCES_FROM = 7  # the zoom from which Peru's provinces are drawn: one region fills the map
TOWNS_FROM = 1  # a town of rank r is named from zoom r + TOWNS_FROM: Lima from 2, department capitals (6–7) from 7–8
# what the sources ask to be credited with (geodata/README.md); shown in the map's corner
ATTRIBUTION = t("credits.context", "es")
TOWN_STYLE = (
    f".atlas-town {{ background: none; border: none; box-shadow: none; padding: 0; font: 600 13px sans-serif;"
    f" color: {palette.TOWN_TEXT}; text-shadow: 0 0 3px {palette.TOWN_HALO}, 0 0 3px {palette.TOWN_HALO}; }}"
    " .atlas-town::before { display: none; }"
)


class Context(MacroElement):
    """Region and province lines and town names, on the map's background pane."""

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            {% if this.embedded %}
            var files = {{ this.embedded }};  // outlines deflated and in base64, towns as they are
            function load(name) {
                if (typeof files[name] !== "string") { return Promise.resolve(files[name]); }
                var packed = Uint8Array.from(atob(files[name]), function (c) { return c.charCodeAt(0); });
                var stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
                return new Response(stream).json();
            }
            {% else %}
            function load(name) {
                return fetch({{ this.url|tojson }} + "/" + name).then(function (a) { return a.json(); });
            }
            {% endif %}
            var regions = L.geoJSON(null, {pane: {{ this.pane|tojson }}, interactive: false,
                style: function (f) { return f.properties.approximate ? {{ this.approximate|tojson }}
                                                                     : {{ this.region|tojson }}; }});
            var provinces = L.geoJSON(null, {pane: {{ this.pane|tojson }}, interactive: false,
                style: {{ this.province|tojson }}});
            var towns = [];
            // names have a pane of their own above the land (which is filled) and below the data
            var names = map.getPane({{ this.labels|tojson }}) || map.createPane({{ this.labels|tojson }});
            names.style.zIndex = {{ this.labels_z }};
            names.style.pointerEvents = "none";
            function show() {
                var zoom = map.getZoom();
                if (zoom >= {{ this.provinces_from }}) { provinces.addTo(map); } else { provinces.remove(); }
                towns.forEach(function (town) {
                    if (zoom >= town.rank + {{ this.towns_from }}) { town.marker.addTo(map); }
                    else { town.marker.remove(); }
                });
            }
            load("regions.geojson").then(function (shapes) { regions.addData(shapes).addTo(map); });
            load("provinces_pe.geojson").then(function (shapes) { provinces.addData(shapes); show(); });
            load("towns.geojson").then(function (places) {
                towns = places.features.map(function (f) {
                    var at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
                    var marker = L.tooltip({permanent: true, direction: "center", className: "atlas-town",
                                            interactive: false, pane: {{ this.labels|tojson }}})
                        .setLatLng(at).setContent(document.createTextNode(f.properties.name));  // text, never markup
                    return {rank: f.properties.rank, marker: marker};
                });
                show();
            });
            map.on("zoomend", show);
            map.attributionControl.addAttribution({{ this.attribution|tojson }});
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self, pane: str, url: str = CONTEXT_URL, embedded: str | None = None, attribution: str = ATTRIBUTION
    ) -> None:
        """The context on `pane`, its sources credited with `attribution`.

        The files are fetched from `url`, unless `embedded` holds them: a JavaScript object (safe inside a
        <script> element) of file name -> the file's FeatureCollection, or that JSON deflated in base64.
        """
        super().__init__()
        self._name = "Context"
        self.url, self.embedded, self.pane, self.css = url, embedded, pane, TOWN_STYLE
        self.region, self.approximate, self.province = (
            palette.REGION_LINE,
            palette.APPROXIMATE_LINE,
            palette.PROVINCE_LINE,
        )
        self.provinces_from, self.towns_from = PROVINCES_FROM, TOWNS_FROM
        self.labels, self.labels_z = "atlasTowns", 350  # Leaflet's overlays start at 400
        self.attribution = attribution
