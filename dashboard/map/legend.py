"""The map legend as HTML, in the user's language, with every label escaped."""

from __future__ import annotations

import html

from dashboard.data.vocab import DOMAIN
from dashboard.i18n import t
from dashboard.map import maps


def _swatch(colour: str, label: str, shape: str = "square") -> str:
    radius = "50%" if shape == "circle" else "2px"
    return (f'<div style="display:flex;align-items:center;gap:.4em;margin:.1em 0">'
            f'<span style="width:.9em;height:.9em;border-radius:{radius};background:{colour};'
            f'display:inline-block;border:1px solid #fff"></span>{html.escape(label)}</div>')


def legend_html(layers: tuple[str, ...], lang: str, partner_colours: dict[str, str],
                basemap: str = "outlines") -> str:
    """Legend entries for the chosen layers, and what happens if an online background fails."""
    parts = []
    if "points" in layers:
        parts.append(f"<b>{html.escape(t('map.legend.points', lang))}</b>")
        parts += [_swatch(maps.DOMAIN_COLOURS[c], DOMAIN.label(c, lang), "circle") for c in DOMAIN.codes]
    if "regions" in layers:
        parts.append(_swatch(maps.REGION_COLOUR, t("map.legend.regions", lang), "circle"))
    if "heatmap" in layers:
        parts.append(_swatch("linear-gradient(90deg,blue,lime,red)", t("map.legend.heatmap", lang)))
    if "links" in layers and partner_colours:
        parts.append(f"<b>{html.escape(t('map.legend.links', lang))}</b>")
        parts += [_swatch(colour, name) for name, colour in partner_colours.items()]
    if "choropleth" in layers:
        parts.append(f"<b>{html.escape(t('map.legend.choropleth', lang))}</b>")
        parts += [_swatch(c, label) for c, label in zip(maps.CHOROPLETH_COLOURS,
                                                         t("map.legend.classes", lang).split("|"), strict=True)]
    if basemap != "outlines":
        parts.append(f"<p><i>{html.escape(t('map.legend.fallback', lang))}</i></p>")
    return f'<div style="font-size:.85rem;line-height:1.3">{"".join(parts)}</div>'
