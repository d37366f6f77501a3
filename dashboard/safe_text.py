"""Record text made inert for the places the map embeds it."""

from __future__ import annotations

import html
import re
import unicodedata

# folium puts popup and tooltip HTML inside a JavaScript template literal, where a
# backtick ends the string, `${` starts code and a backslash starts an escape.
_JS_TEMPLATE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def for_map(text: object) -> str:
    """`text` escaped for HTML and for the JavaScript template literal around it."""
    return html.escape("" if text is None else str(text), quote=True).translate(_JS_TEMPLATE)


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=")


# Streamlit turns a bare address into a link after escapes are read; a zero-width space breaks its pattern.
_AUTOLINK = re.compile(r"(://|www\.|@)", re.IGNORECASE)


def _unlinked(match: re.Match) -> str:
    found = match.group()
    return "\u200b@" if found == "@" else f"{found[0]}\u200b{found[1:]}"


def for_markdown(text: object) -> str:
    """`text` with every Markdown (and HTML) special character backslash-escaped, and no bare address a link."""
    plain = _AUTOLINK.sub(_unlinked, "" if text is None else str(text))
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in plain)


_PLAIN = re.compile(r"[^\W_]+(?:[ ,-]+[^\W_]+)*")  # words, numbers, spaces, commas and hyphens: no Markdown


def literal(value: object) -> str:
    """`value` for a Markdown string, shown exactly as written: plain words as they are, anything else as code.

    Markdown reads nothing inside inline code: no link, image, HTML or emphasis, and no bare address; the
    code style also sets a value from a link or a file apart from the sentence that quotes it.
    """
    text = re.sub(r"\s+", " ", str(value)).strip()  # a line break could end the code span
    if not text or _PLAIN.fullmatch(text):
        return text
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"  # one space each side is dropped, and lets the text start with a backtick


def for_file_name(text: str, longest: int = 60) -> str:
    """`text` as a part of a file name: plain lower-case letters and digits between hyphens, at most `longest`.

    «Papa nativa en Ayacucho, 2015–2025» becomes «papa-nativa-en-ayacucho-2015-2025»; cut at a hyphen.
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")
    return words if len(words) <= longest else words[: longest + 1].rsplit("-", 1)[0]
