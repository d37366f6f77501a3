"""Scripts, stylesheets and the images they name, written into a map's page so the file needs no network."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from dashboard.map.offline import ASSETS, UNUSED, Asset
from dashboard.map.shapes import CountedShapes

IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
_CSS_IMAGE = re.compile(r"""url\(\s*['"]?(images/[^'")]+)['"]?\s*\)""")


def _elements(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def _bundled(links: list[tuple[str, str]]) -> list[str]:
    unknown = [name for name, _ in links if name not in ASSETS and name not in UNUSED]
    if unknown:
        raise KeyError(f"no bundled copy of map asset {unknown[0]!r} to inline; add it to dashboard.map.offline.ASSETS")
    return [name for name, _ in links if name in ASSETS]


@cache
def _script_text(asset: Asset) -> str:
    text = asset.file.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", text, flags=re.IGNORECASE):
        raise ValueError(f"{asset.file}: contains '</script' or '<!--', so it cannot be written into a page")
    return text


def _image(path: Path) -> str:
    """An image a stylesheet names, as a data: URI; `none` for one the package does not ship."""
    # leaflet.css names marker-icon.png only to locate default markers, which these maps never use
    if not path.is_file():
        return "none"
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"url(data:{IMAGE_TYPES[path.suffix]};base64,{encoded})"


@cache
def _style_text(asset: Asset) -> str:
    text = asset.file.read_text(encoding="utf-8")
    if "</style" in text.lower():
        raise ValueError(f"{asset.file}: contains '</style' and cannot be written into a page")
    return _CSS_IMAGE.sub(lambda found: _image(asset.file.parent / found.group(1)), text)


def inline_assets(fmap: folium.Map) -> folium.Map:
    """Write every script and stylesheet the map's elements name, and the shapes they fetch, into its page."""
    scripts: dict[str, None] = {}
    styles: dict[str, None] = {}
    for shapes in (e for e in _elements(fmap) if isinstance(e, CountedShapes)):
        shapes.embed()
    for element in (e for e in _elements(fmap) if isinstance(e, JSCSSMixin)):
        scripts.update(dict.fromkeys(_bundled(element.default_js)))
        styles.update(dict.fromkeys(_bundled(element.default_css)))
        element.default_js, element.default_css = [], []
    blocks = [f"<style>{_style_text(ASSETS[name])}</style>" for name in styles]
    blocks += [f"<script>{_script_text(ASSETS[name])}</script>" for name in scripts]
    fmap.get_root().header.add_child(Element("\n".join(blocks)), name="inlined_assets")
    return fmap
