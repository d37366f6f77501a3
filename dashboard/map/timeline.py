"""Time on the map: a year player that shows where innovations had been documented by each year.

The selection is sent once as places and innovations per place and year (year documented, the
year the filters and the yearly chart use); the player (play, pause, step, a slider) redraws it
in the browser, with no round trip to the app, so it works the same in the offline HTML file.
Each place is a circle sized by the innovations documented there up to the year shown; places
with innovations new that year stand out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard import palette
from dashboard.filtering.index import MISSING_YEAR
from dashboard.filtering.selection import Selection
from dashboard.i18n import t

DECIMALS = 4  # about 11 m, as the points layer sends them
STEP_MS = 900  # one year per step while playing: slow enough to read the year and the figure
WORDS = ("play", "pause", "back", "forward", "slider", "summary", "place")
# the buttons' symbols, drawn (not font glyphs: a projector's browser may lack them); constants, never user text
ICONS = {
    name: f'<svg viewBox="0 0 18 18" width="18" height="18" aria-hidden="true" fill="currentColor">{shape}</svg>'
    for name, shape in {
        "back": '<rect x="3" y="3" width="2.5" height="12"/><path d="M15 3 6 9 15 15Z"/>',
        "play": '<path d="M5 3 15 9 5 15Z"/>',
        "pause": '<rect x="4" y="3" width="4" height="12"/><rect x="10" y="3" width="4" height="12"/>',
        "forward": '<path d="M3 3 12 9 3 15Z"/><rect x="12.5" y="3" width="2.5" height="12"/>',
    }.items()
}
# how each language groups the digits of a count (as dashboard.i18n.number does)
GROUPING = {"es": {"separator": "\u00a0", "from": 5}, "en": {"separator": ",", "from": 4}}


@dataclass(frozen=True)
class YearTally:
    """Places of the selection, and its innovations per place and year, years `first`..`last`."""

    lat: np.ndarray
    lon: np.ndarray
    first: int
    last: int
    counts: np.ndarray  # places × years

    def up_to(self, year: int) -> np.ndarray:
        """Innovations per place documented in or before `year`."""
        return self.counts[:, : year - self.first + 1].sum(axis=1)


def year_tally(selection: Selection) -> YearTally | None:
    """The selected innovations with a year and a point, per place and year; None when none has both."""
    rows = selection.rows
    year = selection.index.year[rows]
    lat = np.round(selection.index.y[rows], DECIMALS)
    lon = np.round(selection.index.x[rows], DECIMALS)
    known = (year != MISSING_YEAR) & np.isfinite(lat) & np.isfinite(lon)
    if not known.any():
        return None
    year, lat, lon = year[known], lat[known], lon[known]
    place, places = pd.factorize(pd.MultiIndex.from_arrays([lat, lon]))
    first, last = int(year.min()), int(year.max())
    counts = np.zeros((len(places), last - first + 1), dtype=np.int64)
    np.add.at(counts, (place, year - first), 1)
    at = places.to_frame(index=False).to_numpy()
    return YearTally(at[:, 0], at[:, 1], first, last, counts)


class YearPlayer(MacroElement):
    """The circles and the player's controls; the controls come and go with the layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            // the style goes in by script: the app sends a layer's script alone, without the page's header
            if (!document.getElementById("atlas-years-style")) {
                var sheet = document.createElement("style");
                sheet.id = "atlas-years-style";
                sheet.textContent = {{ this.css|tojson }};
                document.head.appendChild(sheet);
            }
            var lat = {{ this.lat|tojson }}, lon = {{ this.lon|tojson }}, first = {{ this.first }};
            var span = {{ this.span }}, flat = {{ this.counts|tojson }}, words = {{ this.words|tojson }};
            var grouping = {{ this.grouping|tojson }}, style = {{ this.style|tojson }}, icons = {{ this.icons|tojson }};
            function number(n) {
                var text = String(n);
                if (text.length < grouping.from) { return text; }
                return text.replace(/\\B(?=(\\d{3})+(?!\\d))/g, grouping.separator);
            }
            function fill(template, values) {
                return template.replace(/\\{(\\w+)\\}/g, function (all, key) {
                    return key in values ? values[key] : all;
                });
            }
            var circles = lat.map(function (y, k) {
                var text = document.createElement("span");
                var circle = L.circleMarker([y, lon[k]], {radius: 4, weight: 1, color: style.rim,
                                                           fillColor: style.earlier, fillOpacity: 0.8});
                circle.bindTooltip(text);
                return {circle: circle, text: text};
            });
            var year = first + span - 1, timer = null, box, yearText, summaryText, slider, playButton;
            function show(shown) {
                year = Math.max(first, Math.min(first + span - 1, shown));
                var at = year - first, total = 0, fresh = 0;
                circles.forEach(function (place, k) {
                    var upTo = 0;
                    for (var j = 0; j <= at; j++) { upTo += flat[k * span + j]; }
                    var added = flat[k * span + at];
                    total += upTo; fresh += added;
                    if (upTo === 0) { group.removeLayer(place.circle); return; }
                    place.circle.setRadius(4 + 3 * Math.sqrt(upTo));
                    place.circle.setStyle(added > 0
                        ? {fillColor: style.fresh, color: style.freshRim, weight: 2.5, fillOpacity: 0.95}
                        : {fillColor: style.earlier, color: style.rim, weight: 1, fillOpacity: 0.8});
                    place.text.textContent = fill(words.place, {total: number(upTo), new: number(added), year: year});
                    group.addLayer(place.circle);
                    if (added > 0) { place.circle.bringToFront(); }
                });
                if (box) {
                    yearText.textContent = String(year);
                    var figures = {total: number(total), new: number(fresh), year: year};
                    summaryText.textContent = fill(words.summary, figures);
                    slider.value = String(year);
                }
            }
            function pause() {
                if (timer !== null) { clearInterval(timer); timer = null; }
                if (!playButton) { return; }
                playButton.innerHTML = icons.play;
                playButton.setAttribute("aria-label", words.play);
            }
            function play() {
                if (year >= first + span - 1) { show(first); }
                timer = setInterval(function () {
                    if (year >= first + span - 1) { pause(); } else { show(year + 1); }
                }, {{ this.step_ms }});
                playButton.innerHTML = icons.pause;
                playButton.setAttribute("aria-label", words.pause);
            }
            function button(icon, label, action) {
                var b = L.DomUtil.create("button", "atlas-years-button", box);
                b.type = "button"; b.innerHTML = icons[icon]; b.setAttribute("aria-label", label); b.title = label;
                L.DomEvent.on(b, "click", action);
                return b;
            }
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                box = L.DomUtil.create("div", "atlas-years");
                box.setAttribute("role", "group");
                box.setAttribute("aria-label", words.slider);
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                button("back", words.back, function () { pause(); show(year - 1); });
                playButton = button("play", words.play, function () {
                    if (timer === null) { play(); } else { pause(); }
                });
                button("forward", words.forward, function () { pause(); show(year + 1); });
                yearText = L.DomUtil.create("output", "atlas-years-year", box);
                slider = L.DomUtil.create("input", "atlas-years-slider", box);
                slider.type = "range"; slider.min = String(first); slider.max = String(first + span - 1);
                slider.step = "1"; slider.setAttribute("aria-label", words.slider);
                L.DomEvent.on(slider, "input", function () { pause(); show(Number(slider.value)); });
                summaryText = L.DomUtil.create("div", "atlas-years-summary", box);
                summaryText.setAttribute("aria-live", "polite");
                show(year);
                return box;
            };
            group.on("add", function (event) { show(year); control.addTo(event.target._map); });
            group.on("remove", function () { pause(); control.remove(); box = null; });
            if (group._map) { control.addTo(group._map); } else { show(year); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, tally: YearTally, lang: str) -> None:
        super().__init__()
        self._name = "YearPlayer"
        self.lat, self.lon = tally.lat.tolist(), tally.lon.tolist()
        self.first, self.span = tally.first, tally.counts.shape[1]
        self.counts = tally.counts.ravel().tolist()
        self.words = {word: t(f"map.years.{word}", lang) for word in WORDS}
        self.grouping, self.step_ms, self.icons = GROUPING.get(lang, GROUPING["en"]), STEP_MS, ICONS
        self.style = {
            "earlier": palette.YEAR_EARLIER,
            "fresh": palette.YEAR_NEW,
            "freshRim": palette.YEAR_NEW_RIM,
            "rim": palette.WHITE,
        }
        self.css = (
            f".atlas-years {{ background: {palette.PAPER}; border: 1px solid {palette.OUTLINE}; border-radius: 6px;"
            f" padding: 6px 10px; font: 15px sans-serif; color: {palette.TOWN_TEXT}; max-width: 340px; }}"
            " .atlas-years-button { min-width: 40px; min-height: 40px; margin-right: 4px;"
            f" background: {palette.WHITE}; border: 1px solid {palette.OUTLINE}; border-radius: 4px; }}"
            " .atlas-years-year { font: 700 28px sans-serif; margin: 0 8px; vertical-align: middle; }"
            " .atlas-years-slider { display: block; width: 100%; margin: 6px 0 2px; }"
        )
