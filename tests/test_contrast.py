"""Text reads at least 4.5:1 (WCAG 2 AA) on what it is drawn on: Streamlit's captions and the charts' words.

The browser tests run axe-core on the pages (tests/views/test_accessibility.py); these check the same
colours in milliseconds, where they are chosen: the palette, the theme and the chart specs.
"""

from __future__ import annotations

import tomllib

import pytest

from dashboard import palette
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.paths import ROOT
from dashboard.summary.charts import CHARTS, summary_chart
from dashboard.summary.summaries import summarise
from tests.handmade import PARTNER_NAMES, handmade_dataset

AA = 4.5  # normal-size text
CAPTION_OPACITY = 0.6  # Streamlit's captions: the theme's text colour at 60 % (its `fadedText60`)


def _channels(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in _channels(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: str, background: str, opacity: float) -> str:
    """`colour` at `opacity` laid over `background`, as the browser paints it."""
    mixed = (
        round(opacity * c + (1 - opacity) * b) for c, b in zip(_channels(colour), _channels(background), strict=True)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


@pytest.mark.parametrize(
    ("one", "other", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#807c76", "#fbf8f2", 3.91),  # the captions a user measured with axe 4.14
        ("#808495", "#fbf8f2", 3.50),  # Streamlit's grey chart axes, measured by the same user
    ],
)
def test_the_contrast_ratio_is_wcags(one, other, ratio):
    assert contrast(one, other) == pytest.approx(ratio, abs=0.005)


def test_a_caption_is_the_text_colour_at_60_percent_over_the_page():
    assert over("#2E2A24", "#FBF8F2", CAPTION_OPACITY) == "#807c76"  # what axe read before the theme changed


def test_the_streamlit_theme_is_the_palettes():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    named = {
        "primaryColor": palette.BAR_COLOUR,
        "backgroundColor": palette.PAGE,
        "secondaryBackgroundColor": palette.SIDEBAR,
        "textColor": palette.INK,
    }
    assert {key: theme[key].lower() for key in named} == {key: value.lower() for key, value in named.items()}


@pytest.mark.parametrize("background", ["PAGE", "SIDEBAR"])
def test_text_and_captions_read_on_the_page_and_in_the_sidebar(background):
    ground = getattr(palette, background)
    assert contrast(palette.INK, ground) >= AA
    assert contrast(over(palette.INK, ground, CAPTION_OPACITY), ground) >= AA


def _texts(spec: dict) -> list[tuple[str, str | None]]:
    """Every axis's and legend's label and title colour, and every text mark's colour, in a Vega-Lite spec."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("axis", "legend") and isinstance(value, dict):
                found += [(f"{key}.{part}", value.get(part)) for part in ("labelColor", "titleColor")]
            elif key == "mark" and isinstance(value, dict) and value.get("type") == "text":
                found.append(("text mark", value.get("color")))
            found += _texts(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _texts(value)
    return found


@pytest.fixture(scope="module")
def summary():
    data = handmade_dataset()
    index = FilterIndex.build(data.innovations, data.communities)
    return summarise(index, mask(data.innovations, index, Filters()))


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_every_word_of_a_chart_reads_on_the_page(summary, name, lang):
    texts = _texts(summary_chart(name, summary, lang, PARTNER_NAMES).to_dict())
    assert texts, "the chart has no axis, legend or text to check"
    # unset, a colour falls to Streamlit's theme, whose axes are grey at 3.5:1
    unset = [part for part, colour in texts if colour is None]
    assert unset == [], f"{name}: set these colours from the palette"
    faint = {(part, colour, round(contrast(colour, palette.PAGE), 2)) for part, colour in texts}
    assert {entry for entry in faint if entry[2] < AA} == set()
