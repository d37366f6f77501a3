"""A standalone map: the current selection as one self-contained HTML file that opens offline.

Meant to be copied to a USB stick or mailed, and opened with a double click where there is
neither the app nor the internet. Leaflet, the plugins the chosen layers need, the images
their stylesheets name, the country outlines and the app's context near the selection
(regions, provinces, towns: `dashboard.pack.nearby`) are written into the page; the layers are
the app's own (`dashboard.map.layers`). No Python answers a click here, so each point's details
travel with it as a small allow-listed payload (`detail_payload`) that the page shows as
text, never as markup.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard import palette
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import AREA_LEVEL, area_labels, shown_areas
from dashboard.data.vocab import DOMAIN, PID_STAGE, Vocabulary, region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import languages, t
from dashboard.map import maps
from dashboard.map.behaviour import LetPinch, SpeakControls
from dashboard.map.context import Context
from dashboard.map.details import LABELS
from dashboard.map.layers import LAYERS, build_layers
from dashboard.map.legend import legend_html
from dashboard.pack import nearby
from dashboard.pack.inline import inline_assets
from dashboard.paths import OUTLINES
from dashboard.safe_text import for_map

# What a point's popup may say, in this order. Never the innovator's name (a copied file
# cannot be recalled if consent is withdrawn) and no free text such as the description
# (prose may name people, and it is the bulk of every record). A restricted record (no public consent)
# names neither its community nor its region, only the area it is shown in, as the record card does.
DETAIL_FIELDS = ("title", "community", "area", "region", "domain", "year_documented", "pid_stage")
ATTRIBUTION = "Leaflet"  # plain text: the file links to nothing; the context credits its sources after it
FIT_MAX_ZOOM = 7  # a selection in one community still shows the region around it
# Characters that could end the <script> element, open an HTML comment, end a JS line
# (old engines) or start a template expression. JSON only has them inside strings, where
# the \u form stands for the same character.
_SCRIPT_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&'`$\u2028\u2029"})
PAGE_STYLE = f"""<style>
html, body {{ height: 100%; margin: 0; }}
body {{ display: flex; flex-direction: column; font-family: system-ui, sans-serif; }}
.atlas-head {{ flex: none; padding: .45rem .9rem; background: {palette.PAPER};
  border-bottom: 2px solid {palette.OUTLINE}; }}
.atlas-head h1 {{ margin: 0; font-size: 1.2rem; }}
.atlas-head p {{ margin: .15rem 0 0; font-size: .85rem; color: {palette.CAPTION_TEXT}; }}
.atlas-head .atlas-credit {{ font-size: .75rem; }}
.folium-map {{ flex: 1 1 auto; min-height: 0; height: auto !important; }}
.leaflet-container {{ background: {palette.WATER}; }}
.atlas-legend {{ position: fixed; right: 10px; bottom: 26px; z-index: 1001; max-height: 55vh;
  overflow: auto; background: {palette.PAPER}; border: 1px solid {palette.OUTLINE}; border-radius: 4px;
  padding: .4rem .6rem; }}
.atlas-details strong {{ display: block; margin-bottom: .2rem; }}
</style>"""


def script_json(value: object) -> str:
    """`value` as JSON that stays data inside a <script> element (no `</`, `<!--`, U+2028, `${`)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.translate(_SCRIPT_UNSAFE)


class EmbeddedOutlines(MacroElement):
    """The bundled country outlines written into the page: a file has no app to fetch them from."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.shapes }}, {
            style: {{ this.style|tojson }}, pane: {{ this.pane|tojson }}, interactive: false
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, path: Path = OUTLINES) -> None:
        super().__init__()
        self._name = "Outlines"
        self.shapes = _outlines_json(path)
        self.style, self.pane = palette.OUTLINE_STYLE, maps.BACKGROUND_PANE


@cache
def _outlines_json(path: Path) -> str:
    return script_json(json.loads(path.read_text(encoding="utf-8")))


class PlainAttribution(MacroElement):
    """Credits as plain text: Leaflet's own prefix is a link, and this file links to nothing."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.text|tojson }});
        }
        {% endmacro %}
    """)

    def __init__(self, text: str = ATTRIBUTION) -> None:
        super().__init__()
        self._name, self.text = "PlainAttribution", text


class ClusterAssets(JSCSSMixin, MacroElement):
    """Names the clustering plugin the points layer needs (the app loads it with its base map)."""

    _template = Template("")
    default_js = [("markerclusterjs", "")]
    default_css = [("markerclustercss", ""), ("markerclusterdefaultcss", "")]


class PointDetails(MacroElement):
    """On a click, a popup with the point's allow-listed details, written as text nodes."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, group, details, labels) {
            group.on("click", function (event) {
                var found = event.layer.feature && details[event.layer.feature.properties.i];
                if (!found) return;
                var box = document.createElement("div");
                box.className = "atlas-details";
                found.forEach(function (value, k) {
                    if (value === null || value === "") return;
                    var line = document.createElement(k === 0 ? "strong" : "div");
                    line.textContent = k === 0 ? String(value) : labels[k] + ": " + value;
                    box.appendChild(line);
                });
                L.popup({maxWidth: 320}).setLatLng(event.layer.getLatLng())
                    .setContent(box).openOn(map);
            });
        })({{ this._parent.get_name() }}, {{ this.group }}, {{ this.details }}, {{ this.labels }});
        {% endmacro %}
    """)

    def __init__(self, group: str, details: dict[str, list], labels: list[str]) -> None:
        super().__init__()
        self._name = "PointDetails"
        self.group, self.details, self.labels = group, script_json(details), script_json(labels)


def _texts(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def _labels(values: pd.Series, vocabulary: Vocabulary, lang: str) -> list[str | None]:
    return _texts(values.astype(str).map({c: vocabulary.label(c, lang) for c in vocabulary.codes}))


def detail_payload(selection: Selection, lang: str) -> dict[str, list[str | int | None]]:
    """Store row -> the DETAIL_FIELDS of each kept innovation, coded values labelled in `lang`."""
    kept = selection.data.innovations.iloc[selection.rows]
    names = selection.data.communities.set_index("community_id")["name"]
    public = kept["consent_public"].fillna(False).astype(bool)
    areas = shown_areas(kept, selection.data.communities)
    areas[AREA_LEVEL] = areas[AREA_LEVEL].where(~public)
    columns = [
        _texts(kept["title"]),
        _texts(kept["community_id"].map(names).where(public)),
        _texts(area_labels(areas, lang)),
        _texts(kept["region"].astype(str).map(lambda code: region_label(code, lang)).where(public)),
        _labels(kept["domain"], DOMAIN, lang),
        [None if pd.isna(v) else int(v) for v in kept["year_documented"]],
        _labels(kept["pid_stage"], PID_STAGE, lang),
    ]
    records = zip(selection.rows.tolist(), zip(*columns, strict=True), strict=True)
    return {str(row): list(record) for row, record in records}


def caption(data: Dataset, lang: str, made: datetime.date) -> str:
    """When the file was made, from what, and whether the data are illustrative, as one line."""
    source = f"{t('app.title', lang)}, {t('app.subtitle', lang)}"
    parts = [t("standalone.made", lang, date=made.isoformat()), t("standalone.source", lang, source=source)]
    if data.metadata.get("updated"):
        parts.append(t("standalone.updated", lang, date=str(data.metadata["updated"])[:10]))
    if data.is_demo:
        parts.append(t("standalone.demo", lang))
    return " · ".join(parts)


def _frame(
    fmap: folium.Map, selection: Selection, lang: str, title: str, layers: tuple[str, ...], made: datetime.date
) -> None:
    """Title, count and caption above the map, the legend over it, the page's own style."""
    data = selection.data
    shown = t("filters.showing", lang, shown=int(selection.keep.sum()), total=len(data.innovations))
    root = fmap.get_root()
    root.title = for_map(f"{title} — {t('app.title', lang)}")
    root.header.add_child(Element(PAGE_STYLE), name="standalone_style")
    head = (
        f'<header class="atlas-head"><h1>{for_map(title)}</h1><p><span class="atlas-count">'
        f"{for_map(shown)}</span> · {for_map(caption(data, lang, made))}</p>"
        f'<p class="atlas-credit">{for_map(t("credits.context", lang))}</p></header>'
    )
    root.html.add_child(Element(head), name="standalone_head")
    legend = legend_html(layers, selection, lang)
    root.html.add_child(Element(f'<aside class="atlas-legend">{legend}</aside>'), name="legend")


def _with_point_details(fmap: folium.Map, groups: list[folium.FeatureGroup], selection: Selection, lang: str) -> None:
    points = next(
        (child for group in groups for child in group._children.values() if isinstance(child, maps.ClusteredPoints)),
        None,
    )
    if points is None:
        return
    ClusterAssets().add_to(fmap)
    labels = [t(LABELS.get(field, f"columns.{field}"), lang) for field in DETAIL_FIELDS]
    PointDetails(points.get_name(), detail_payload(selection, lang), labels).add_to(fmap)


def _fit(fmap: folium.Map, lat: np.ndarray, lon: np.ndarray) -> None:
    if len(lat):
        corners = [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]
        frame = folium.map.FitBounds(corners, padding=(30, 30), max_zoom=FIT_MAX_ZOOM)
        # at once: in Chromium, a zoom animation of several levels at load half-drew the outlines
        frame.options["animate"] = False
        frame.add_to(fmap)


def _check(layers: tuple[str, ...], lang: str) -> None:
    unknown = [code for code in layers if code not in LAYERS]
    if unknown:
        raise ValueError(f"unknown map layer {unknown[0]!r}; the layers are {', '.join(LAYERS)}")
    if lang not in languages():
        raise ValueError(f"unknown language {lang!r}; the languages are {', '.join(languages())}")


def standalone_map(
    selection: Selection,
    lang: str,
    title: str,
    layers: tuple[str, ...] = ("points", "regions", "years"),
    made: datetime.date | None = None,
) -> bytes:
    """One self-contained UTF-8 HTML page of the selection's map that draws with no network.

    `selection` is the filtered store (as `dashboard.state.selection()` builds it); `lang`
    the language of every label; `title` the heading (e.g. the filter in one sentence,
    shown as text); `layers` codes of `dashboard.map.layers.LAYERS` (the year player, with
    other layers, starts switched off in the layer control: its circles would cover theirs);
    `made` the date the caption gives (today if None). The background is the bundled outlines
    and context: no tiles.
    """
    _check(layers, lang)
    fmap = folium.Map(
        location=maps.DEFAULT_CENTRE, zoom_start=maps.DEFAULT_ZOOM, tiles=None, maxZoom=18, control_scale=True
    )
    folium.map.CustomPane(maps.BACKGROUND_PANE, z_index=250).add_to(fmap)
    EmbeddedOutlines().add_to(fmap)
    lat, lon = selection.index.y[selection.rows], selection.index.x[selection.rows]
    files = script_json(nearby.embedded(nearby.around(lon, lat)))
    Context(maps.BACKGROUND_PANE, embedded=files, attribution=t("credits.context", lang)).add_to(fmap)
    PlainAttribution().add_to(fmap)
    SpeakControls(lang).add_to(fmap)
    LetPinch().add_to(fmap)
    groups = build_layers(layers, selection, lang)
    waiting = LAYERS["years"].label(lang) if len(groups) > 1 else None
    for group in groups:
        group.show = group.layer_name != waiting
        group.add_to(fmap)
    _with_point_details(fmap, groups, selection, lang)
    if len(groups) > 1:
        folium.LayerControl(collapsed=False).add_to(fmap)
    _fit(fmap, lat, lon)
    inline_assets(fmap)
    _frame(fmap, selection, lang, title, layers, made or datetime.date.today())
    page = fmap.get_root().render().replace("<html>", f'<html lang="{lang}">', 1)
    # the charset first: a long title could push folium's declaration past the first 1024 bytes
    return page.replace("<head>", '<head>\n<meta charset="utf-8">', 1).encode("utf-8")
