"""The map's switchable layers: one small class each, behind one registry.

A layer owns its code (the word in the page address: links already shared use it, so it never
changes), its name in the catalogue, how it draws the selection and its part of the legend.
The map, the legend, the standalone file and the address read `LAYERS`; nothing else names a layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import folium
import numpy as np
import pandas as pd
from folium.plugins import HeatMap

from dashboard import palette
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import DOMAIN, region_label
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map.maps import DOMAIN_COLOURS, ClusteredPoints
from dashboard.map.offline import serve_locally
from dashboard.map.shapes import CountedShapes, choropleth_bins, choropleth_level, located, public_counts
from dashboard.map.timeline import YearPlayer, year_tally
from dashboard.safe_text import for_map


def region_counts(selection: Selection) -> pd.DataFrame:
    """Innovations per region, placed at the centroid of that region's communities."""
    communities = selection.data.communities
    centre = (
        pd.DataFrame(
            {"x": communities.geometry.x, "y": communities.geometry.y, "region": communities["region"].astype(str)}
        )
        .groupby("region")
        .mean()
    )
    regions = selection.data.innovations["region"].astype(str).to_numpy()[selection.keep]
    counts = pd.Series(regions).value_counts().rename("count")
    return centre.join(counts, how="inner").reset_index().rename(columns={"index": "region"})


def partner_links(selection: Selection) -> pd.DataFrame:
    """One row per partner and community of a public record of the selection, with both points."""
    rows, codes, values = selection.index.links["partners"]
    # a line to a restricted record's community would show where the public view hides it
    public = selection.data.innovations["consent_public"].fillna(False).to_numpy(bool)
    kept = selection.keep[rows] & public[rows]
    community = selection.data.innovations["community_id"].to_numpy(object)[rows[kept]]
    pairs = pd.DataFrame({"partner_id": values[codes[kept]], "community_id": community})
    pairs = pairs.value_counts().rename("count").reset_index()
    partners = selection.data.partners.set_index("partner_id")
    communities = selection.data.communities.set_index("community_id")
    colours = partner_colours(selection.data)
    return pairs.assign(
        name=pairs["partner_id"].map(selection.partner_names),
        colour=pairs["partner_id"].map(colours),
        hq_x=pairs["partner_id"].map(partners.geometry.x),
        hq_y=pairs["partner_id"].map(partners.geometry.y),
        x=pairs["community_id"].map(communities.geometry.x),
        y=pairs["community_id"].map(communities.geometry.y),
    )


def partner_colours(data: Dataset) -> dict[str, str]:
    """One line colour per partner, fixed by the partners' order in the store."""
    colours = palette.PARTNER_COLOURS
    return {p: colours[i % len(colours)] for i, p in enumerate(data.partners["partner_id"])}


@dataclass(frozen=True)
class Swatch:
    """One legend entry: a colour (or any CSS background) and what it stands for."""

    colour: str
    label: str
    circle: bool = False  # a circle for point-like symbols, else a square


@dataclass(frozen=True)
class Key:
    """A layer's part of the legend: an optional heading over its swatches; no swatches, no part."""

    heading: str | None = None
    swatches: tuple[Swatch, ...] = ()


class Layer:
    """One switchable map layer: its address code, its catalogue name, how it draws and its legend."""

    code: ClassVar[str]  # the word in the page address; never renamed, links already shared use it
    label_key: ClassVar[str]  # catalogue key of the layer's name

    def label(self, lang: str) -> str:
        """The layer's name in `lang`, as the layer picker and the map's layer control show it."""
        return t(self.label_key, lang)

    def group(self, lang: str) -> folium.FeatureGroup:
        """An empty, named group for the layer to draw in."""
        return folium.FeatureGroup(name=self.label(lang))

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup | None:
        """The layer for `selection`, or None when it has nothing to draw; `level`: a choropleth's boundaries."""
        raise NotImplementedError

    def legend(self, selection: Selection, lang: str) -> Key:
        """The layer's part of the legend."""
        return Key()


class Points(Layer):
    """The selected innovations at their public points, coloured by domain and clustered."""

    code, label_key = "points", "map.layer.points"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        rows, group = selection.rows, self.group(lang)
        domains = selection.data.innovations["domain"].iloc[rows]
        ClusteredPoints(rows, selection.index.y[rows], selection.index.x[rows], domains, lang).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        present = set(selection.data.innovations["domain"].iloc[selection.rows].astype(str))  # drawn domains only
        return Key(
            t("map.legend.points", lang),
            tuple(Swatch(DOMAIN_COLOURS[c], DOMAIN.label(c, lang), circle=True) for c in DOMAIN.codes if c in present),
        )


class OneColourPoints(Points):
    """The points in one colour, for where eleven domain swatches have no room (presentation mode)."""

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        rows, group = selection.rows, self.group(lang)
        domains = selection.data.innovations["domain"].iloc[rows]
        y, x = selection.index.y[rows], selection.index.x[rows]
        ClusteredPoints(rows, y, x, domains, lang, palette.PRESENTED_POINT).add_to(group)  # each named by its domain
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        return Key(None, (Swatch(palette.PRESENTED_POINT, t("map.legend.one_colour", lang), circle=True),))


class Regions(Layer):
    """Proportional circles: one per region at the centroid of its communities."""

    code, label_key = "regions", "map.layer.regions"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        counts, group = region_counts(selection), self.group(lang)
        largest = max(int(counts["count"].max()), 1) if len(counts) else 1
        for row in counts.itertuples():
            label = t("map.region_tooltip", lang, region=region_label(row.region, lang), count=row.count)
            folium.CircleMarker(
                location=(row.y, row.x),
                radius=6 + 34 * (row.count / largest) ** 0.5,
                color=palette.REGION_COLOUR,
                weight=1.5,
                fill=True,
                fill_opacity=0.45,
                tooltip=for_map(label),
            ).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        return Key(None, (Swatch(palette.REGION_COLOUR, t("map.legend.regions", lang), circle=True),))


class Heatmap(Layer):
    """Where innovations concentrate, as a heatmap of their public points."""

    code, label_key = "heatmap", "map.layer.heatmap"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        rows, group = selection.rows, self.group(lang)
        coordinates = np.column_stack([np.round(selection.index.y[rows], 4), np.round(selection.index.x[rows], 4)])
        # leaflet.heat fades points by 2^(maxZoom − zoom): a low maxZoom keeps the regional view readable
        HeatMap(coordinates.tolist(), radius=18, blur=22, min_opacity=0.3, max_zoom=7).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        return Key(None, (Swatch(palette.HEAT_GRADIENT, t("map.legend.heatmap", lang)),))


class Links(Layer):
    """Lines from each partner's head office to the communities it works with."""

    code, label_key = "links", "map.layer.links"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        group = self.group(lang)
        for (name, colour), rows in partner_links(selection).groupby(["name", "colour"], sort=True):
            segments = [[(r.hq_y, r.hq_x), (r.y, r.x)] for r in rows.itertuples()]
            label = t("map.link_tooltip", lang, partner=name, communities=len(rows))
            folium.PolyLine(segments, color=colour, weight=1.6, opacity=0.75, tooltip=for_map(label)).add_to(group)
            hq = rows.iloc[0]
            folium.CircleMarker(
                (hq.hq_y, hq.hq_x), radius=6, color=colour, fill=True, fill_opacity=1.0, tooltip=for_map(name)
            ).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        colours = partner_colours(selection.data)
        present = set(partner_links(selection)["partner_id"])  # the partners whose lines are drawn
        return Key(
            t("map.legend.links", lang),
            tuple(Swatch(colour, selection.partner_names.get(p, p)) for p, colour in colours.items() if p in present),
        )


class Choropleth(Layer):
    """Boundaries of one level shaded by their number of selected innovations."""

    code, label_key = "choropleth", "map.layer.choropleth"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        level = choropleth_level(selection.data, level)
        found = located(selection, level)
        counts, shown = public_counts(selection, found, level, lang)  # per district, small numbers hidden
        bins = choropleth_bins(shown).tolist()  # classes from shown counts only: an edge could tell a hidden one
        group = self.group(lang)
        CountedShapes(found, counts, bins, t("map.choropleth_tooltip", lang)).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        classes = t("map.legend.classes", lang).split("|")
        return Key(
            t("map.legend.choropleth", lang),
            tuple(Swatch(c, label) for c, label in zip(palette.CHOROPLETH_COLOURS, classes, strict=True)),
        )


class Years(Layer):
    """Where innovations had been documented by each year, with a player to step through the years."""

    code, label_key = "years", "map.layer.years"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup | None:
        tally = year_tally(selection)
        if tally is None:
            return None
        group = self.group(lang)
        YearPlayer(tally, lang).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        return Key(
            t("map.legend.years", lang),
            (
                Swatch(palette.YEAR_EARLIER, t("map.years.existing", lang), circle=True),
                Swatch(palette.YEAR_NEW, t("map.years.new", lang), circle=True),
            ),
        )


# Layer code -> layer, in the order the map stacks them and the legend lists them.
LAYERS: dict[str, Layer] = {
    layer.code: layer for layer in (Points(), Regions(), Heatmap(), Links(), Choropleth(), Years())
}
LAYER_CODES: tuple[str, ...] = tuple(LAYERS)  # the words a page address may name in its layer list
DEFAULT_LAYERS: tuple[str, ...] = ("points",)  # what a bare address shows
PRESENTED: dict[str, Layer] = {**LAYERS, "points": OneColourPoints()}  # presentation mode's short legend


def build_layers(
    codes: tuple[str, ...], selection: Selection, lang: str, level: str | None = None, layers: dict[str, Layer] = LAYERS
) -> list[folium.FeatureGroup]:
    """The chosen layers, in registry order, for the current selection; a choropleth colours by `level`."""
    groups = [layer.build(selection, lang, level) for code, layer in layers.items() if code in codes]
    return [serve_locally(group) for group in groups if group is not None]
