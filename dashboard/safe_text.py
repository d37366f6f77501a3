"""Record text made inert for the places the map embeds it."""

from __future__ import annotations

import html

# folium puts popup and tooltip HTML inside a JavaScript template literal, where a
# backtick ends the string, `${` starts code and a backslash starts an escape.
_JS_TEMPLATE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def for_map(text: object) -> str:
    """`text` escaped for HTML and for the JavaScript template literal around it."""
    return html.escape("" if text is None else str(text), quote=True).translate(_JS_TEMPLATE)


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=")


def for_markdown(text: object) -> str:
    """`text` with every Markdown (and HTML) special character backslash-escaped."""
    plain = "" if text is None else str(text)
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in plain)
