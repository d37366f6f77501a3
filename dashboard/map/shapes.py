"""The choropleth's boundaries: counted per filter in Python, drawn from a file the browser fetches once.

The polygons of a level go to the browser once, as a GeoJSON file the app serves
(`dashboard/static/shapes/`, named by a digest of its content, so the browser may keep it); a
filter change sends only one count per polygon, in the file's order, and the colour classes.
Which polygon each innovation's public point falls in is worked out once per loaded store and
level; a count is then one `bincount` of the selection.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard import palette
from dashboard.data import files
from dashboard.data.boundaries.counts import locate, tally
from dashboard.data.context import geojson_bytes, map_boundaries
from dashboard.data.contract import CRS
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import BOUNDARY_LEVEL
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.paths import STATIC
from dashboard.summary import small

SHAPES = STATIC / "shapes"  # written when first drawn; not part of the repository
SHAPES_URL = "/app/static/shapes"
TOLERANCE_DEG = 0.001  # about 100 m: Lima's smallest districts keep their shape


@dataclass(frozen=True)
class Located:
    """The polygons of one level, where each innovation of the store falls among them, and their file."""

    polygons: gpd.GeoDataFrame
    where: np.ndarray  # per innovation: position of its polygon, or counts.OUTSIDE / counts.NO_POINT
    content: bytes  # the polygons as GeoJSON (position `i`, `name`, simplified shape)
    url: str | None  # where the app serves them; None where it cannot write them (then pages carry them)

    def counted(self, keep: np.ndarray) -> tuple[np.ndarray, int]:
        """Kept innovations per polygon, and how many kept ones lie in none."""
        return tally(self.where[keep], len(self.polygons))


_LOCATED: weakref.WeakKeyDictionary[FilterIndex, dict[str, Located]] = weakref.WeakKeyDictionary()


def boundary_levels(data: Dataset) -> list[str]:
    """The levels a choropleth can colour, finest first: the store's, and always regions (bundled if not stored)."""
    held = {"region"} | (set() if data.boundaries is None else set(data.boundaries["level"].astype(str)))
    return [level for level in reversed(BOUNDARY_LEVEL.codes) if level in held]


def choropleth_level(data: Dataset, level: str | None = None) -> str | None:
    """`level` if the store holds it, else the finest level it holds."""
    levels = boundary_levels(data)
    return level if level in levels else next(iter(levels), None)


def located(selection: Selection, level: str) -> Located:
    """The polygons of `level` and where every innovation of the store lies among them, once per store."""
    per_level = _LOCATED.setdefault(selection.index, {})
    if level not in per_level:
        index = selection.index
        points = gpd.GeoSeries(gpd.points_from_xy(index.x, index.y), crs=CRS)
        polygons, where = locate(map_boundaries(selection.data.boundaries), points, level)
        content = shapes_geojson(polygons)
        per_level[level] = Located(polygons, where, content, publish(content))
    return per_level[level]


def boundary_counts(selection: Selection, level: str) -> gpd.GeoDataFrame | None:
    """Boundaries of `level` with the number of selected innovations inside, or None for a level not held."""
    if level not in boundary_levels(selection.data):
        return None
    found = located(selection, level)
    return found.polygons.assign(count=found.counted(selection.keep)[0])


def outside_boundaries(selection: Selection, level: str | None = None) -> int:
    """How many selected innovations lie outside every boundary the choropleth of `level` draws."""
    return located(selection, choropleth_level(selection.data, level)).counted(selection.keep)[1]


def district_groups(selection: Selection, found: Located) -> pd.Series:
    """Per polygon, the province its kept innovations lie in (the total a province map shows beside it)."""
    index, keep = selection.index, selection.keep
    inside = found.where[keep] >= 0
    province = index.community_frame["province"].astype(object).to_numpy()[index.community[keep][inside]]
    first = pd.Series(province).groupby(found.where[keep][inside]).first()
    return pd.Series(range(len(found.polygons))).map(first)


def public_counts(selection: Selection, found: Located, level: str, lang: str) -> tuple[list[int | str], pd.Series]:
    """The counts per polygon as the browser may get them: per district a hidden small number and its complements
    are text ("<5", "≥5"), never the count; and the shown counts alone (zero where hidden), for the classes."""
    counts = pd.Series(found.counted(selection.keep)[0])
    if not small.is_fine(level):
        return counts.tolist(), counts
    hidden = small.suppressed_within(counts, district_groups(selection, found)).to_numpy()
    cells = counts.to_numpy()
    written = [
        small.cell_label(lang, complement=count >= small.min_cell()) if hide else int(count)
        for count, hide in zip(cells, hidden, strict=True)
    ]
    return written, counts.where(~hidden, 0)


def choropleth_bins(counts: pd.Series) -> np.ndarray:
    """Lower edges of the shading classes: 0, then four equal-count steps of the non-zero values."""
    classes = len(palette.CHOROPLETH_COLOURS)
    positive = counts[counts > 0]
    if positive.empty:
        return np.array([0.0] * classes)
    edges = np.unique(np.quantile(positive, np.linspace(0, 1, classes)[:-1]).round())
    return np.concatenate([[0.0], edges[edges > 0]])[:classes]


def shapes_geojson(polygons: gpd.GeoDataFrame) -> bytes:
    """The polygons as the browser draws them: position `i`, `name`, shape simplified to TOLERANCE_DEG."""
    shapes = gpd.GeoDataFrame(
        {"i": range(len(polygons)), "name": polygons["name"].astype(str).to_numpy()},
        geometry=polygons.geometry.to_numpy(),
        crs=polygons.crs,
    )
    return geojson_bytes(shapes, TOLERANCE_DEG)


def publish(content: bytes) -> str | None:
    """Write `content` where the app serves it, named by its digest; its address, or None if it cannot be written
    (an installation the app may not write to: the page then carries the shapes itself)."""
    name = f"{hashlib.sha256(content).hexdigest()[:20]}.geojson"
    try:
        if not (SHAPES / name).exists():
            SHAPES.mkdir(parents=True, exist_ok=True)
            files.write_bytes(SHAPES / name, content)
    except OSError:
        return None
    return f"{SHAPES_URL}/{name}"


def file_of(url: str) -> Path:
    """The file behind a shapes address `publish` gave."""
    return SHAPES / url.removeprefix(f"{SHAPES_URL}/")


class CountedShapes(MacroElement):
    """Polygons fetched from the app once, shaded by counts sent with each filter change.

    Tooltips are built as text nodes from the catalogue's template: a boundary's name is never markup.
    A count may be text ("<5", "≥5": a hidden small number, `public_counts`): shaded as few, written as it is.
    `embed()` writes the polygons into the page instead, for a map saved as one file.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            var counts = {{ this.counts|tojson }}, edges = {{ this.bins|tojson }};
            var colours = {{ this.colours|tojson }}, label = {{ this.label|tojson }};
            function shade(count) {
                if (typeof count !== "number") { return colours[1]; }  // a hidden small number: "few"
                var k = 0;
                while (k + 1 < edges.length && count >= edges[k + 1]) { k += 1; }
                return colours[k];
            }
            function draw(shapes) {
                L.geoJSON(shapes, {
                    style: function (f) {
                        return Object.assign({}, {{ this.style|tojson }}, {fillColor: shade(counts[f.properties.i])});
                    },
                    onEachFeature: function (f, layer) {
                        var text = document.createElement("span");
                        text.textContent = label.replace("{name}", f.properties.name)
                                                .replace("{count}", counts[f.properties.i]);
                        layer.bindTooltip(text, {sticky: true});
                    }
                }).addTo(group);
            }
            {% if this.shapes is not none %}draw({{ this.shapes }});
            {% else %}fetch({{ this.url|tojson }}).then(function (answer) { return answer.json(); }).then(draw);
            {% endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, found: Located, counts: list[int | str], bins: list[float], label: str) -> None:
        super().__init__()
        self._name = "CountedShapes"
        self.url, self.counts, self.bins, self.label = found.url, counts, bins, label
        self.colours, self.style = list(palette.CHOROPLETH_COLOURS), palette.BOUNDARY_STYLE
        self._content = found.content
        self.shapes: str | None = None
        if self.url is None:
            self.embed()

    def embed(self) -> None:
        """Carry the polygons in the page itself (no app to fetch them from)."""
        text = self._content.decode("utf-8").strip()
        self.shapes = text.replace("</", "<\\/")  # JSON still, and no name can close the script
