"""The map legend as HTML: each chosen layer's own part, in the user's language, every label escaped."""

from __future__ import annotations

import html

from dashboard import palette
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.map.layers import LAYERS, Key, Layer, Swatch


def _swatch(swatch: Swatch) -> str:
    radius = "50%" if swatch.circle else "2px"
    return (
        f'<div style="display:flex;align-items:center;gap:.4em;margin:.1em 0">'
        f'<span style="width:.9em;height:.9em;border-radius:{radius};background:{swatch.colour};'
        f'display:inline-block;border:1px solid {palette.WHITE}"></span>{html.escape(swatch.label)}</div>'
    )


def _part(key: Key) -> str:
    if not key.swatches:
        return ""
    heading = f"<b>{html.escape(key.heading)}</b>" if key.heading else ""
    return heading + "".join(_swatch(swatch) for swatch in key.swatches)


def legend_html(
    codes: tuple[str, ...],
    selection: Selection,
    lang: str,
    basemap: str = "outlines",
    layers: dict[str, Layer] = LAYERS,
    size: str = ".85rem",
) -> str:
    """Legend entries for the chosen layers, in registry order, and what happens if an online background fails;
    its text is `size` large."""
    parts = [_part(layer.legend(selection, lang)) for code, layer in layers.items() if code in codes]
    if basemap != "outlines":
        parts.append(f"<p><i>{html.escape(t('map.legend.fallback', lang))}</i></p>")
    return f'<div style="font-size:{size};line-height:1.3">{"".join(parts)}</div>'
