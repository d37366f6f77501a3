"""How the app's map behaves in its frame: the view kept in the page address, focus without a jump,
a refit after a filter change that happens at once, and a name for the frame.

Small scripts added to the base map (`dashboard.map.maps.base_map`); plain Leaflet, no plugin.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from dashboard.i18n import t


class ViewInAddress(MacroElement):
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


class FocusInPlace(MacroElement):
    """A press on the map focuses it without scrolling the page; the frame says its language (names are read in it).

    Leaflet focuses the map on the first mouse press; in the app's frame the browser then scrolled the page
    to show the whole map, the release landed elsewhere and the click (on a cluster, a point) was lost.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        document.documentElement.lang = {{ this.lang|tojson }};
        (function (keyboard) {
            if (!keyboard) return;
            keyboard.disable();
            keyboard._onMouseDown = function () {
                if (!this._focused) this._map.getContainer().focus({preventScroll: true});
            };
            keyboard.enable();
        })({{ this._parent.get_name() }}.keyboard);
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name, self.lang = "FocusInPlace", lang


class RefitAtOnce(MacroElement):
    """The view a filter change asks for is set at once, not animated.

    streamlit-folium refits the map with `setView(centre, zoom)` (no options) after swapping the
    layers; animated, the clusters were rebuilt twice (during and after the zoom) while the new
    points were still being added in chunks, which cost half a second at 10,000 points and could
    leave some undrawn. A user's own zooming (wheel, buttons, keys) passes options and stays animated.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            map.setView = function (centre, zoom, options) {
                var asked = options === undefined ? {animate: false} : options;
                return L.Map.prototype.setView.call(this, centre, zoom, asked);
            };
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "RefitAtOnce"


def _words(lang: str) -> dict:
    """Leaflet.draw's strings (its `L.drawLocal`, only the parts the atlas's tools show) in `lang`."""

    def say(key: str) -> str:
        return t(f"map.controls.{key}", lang)

    def pair(key: str) -> dict[str, str]:
        return {"text": say(key), "title": say(f"{key}_title")}

    return {
        "draw": {
            "toolbar": {
                "actions": pair("cancel"),
                "finish": pair("finish"),
                "undo": pair("undo"),
                "buttons": {"polygon": say("draw_polygon"), "rectangle": say("draw_rectangle")},
            },
            "handlers": {
                "polygon": {
                    "tooltip": {"start": say("polygon_start"), "cont": say("polygon_cont"), "end": say("polygon_end")}
                },
                "rectangle": {"tooltip": {"start": say("rectangle_start")}},
                "simpleshape": {"tooltip": {"end": say("shape_end")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": pair("save"),
                    "cancel": {"text": say("cancel"), "title": say("delete_cancel_title")},
                    "clearAll": pair("clear_all"),
                },
                "buttons": {"remove": say("delete"), "removeDisabled": say("delete_none")},
            },
            "handlers": {"remove": {"tooltip": {"text": say("remove_tip")}}},
        },
    }


class SpeakControls(MacroElement):
    """The map's controls in the page's language: the zoom buttons, and the drawing tools if present.

    Added before the drawing tools, which read `L.drawLocal` when they are built.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var zoom = map.zoomControl;
            if (zoom) {
                [[zoom._zoomInButton, {{ this.zoom_in|tojson }}], [zoom._zoomOutButton, {{ this.zoom_out|tojson }}]]
                    .forEach(function (pair) {
                        pair[0].title = pair[1];
                        pair[0].setAttribute("aria-label", pair[1]);
                    });
            }
            if (L.drawLocal) {
                (function merge(into, from) {
                    Object.keys(from).forEach(function (key) {
                        if (typeof from[key] === "object") { merge(into[key] = into[key] || {}, from[key]); }
                        else { into[key] = from[key]; }
                    });
                })(L.drawLocal, {{ this.words|tojson }});
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "SpeakControls"
        self.zoom_in, self.zoom_out = t("map.controls.zoom_in", lang), t("map.controls.zoom_out", lang)
        self.words = _words(lang)


class LetPinch(MacroElement):
    """Phones may pinch-zoom the page: folium's viewport forbids it (`maximum-scale=1.0, user-scalable=no`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        document.querySelectorAll('meta[name="viewport"]').forEach(function (meta) {
            meta.setAttribute("content", "width=device-width, initial-scale=1.0");
        });
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "LetPinch"


class NameTheFrame(MacroElement):
    """The frame the map is shown in says what it holds, in the page's language, to screen readers.

    Streamlit titles a component's frame with the component's name ("streamlit_folium.st_folium");
    the frame is same-origin, so the map gives it its own title and name.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        try {
            if (window.frameElement) {
                window.frameElement.setAttribute("title", {{ this.label|tojson }});
                window.frameElement.setAttribute("aria-label", {{ this.label|tojson }});
            }
        } catch (error) { /* a map opened on its own, or in a frame of another origin, has no frame to name */ }
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name, self.label = "NameTheFrame", t("map.frame.name", lang)
