"""Every colour is named once, in the palette, and the palette covers what it colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import palette
from dashboard.data.vocab import DOMAIN
from dashboard.map.maps import DOMAIN_COLOURS
from dashboard.paths import PACKAGE, STATIC

HEX = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b")
PALETTE = PACKAGE / "palette.py"


def _sources() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path != PALETTE and STATIC not in path.parents)


def test_the_scan_reads_the_modules_that_draw():
    names = {path.relative_to(PACKAGE).as_posix() for path in _sources()}
    assert {"map/maps.py", "map/layers.py", "summary/charts.py", "pack/brief.py", "pack/staticmap.py"} <= names


@pytest.mark.parametrize("path", _sources(), ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_no_colour_is_written_outside_the_palette(path):
    found = [
        (number, match.group())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in HEX.finditer(line)
    ]
    assert found == [], f"{path.name}: name these colours in dashboard/palette.py"


def test_every_domain_has_its_own_colour():
    assert len(palette.DOMAIN_COLOURS) == len(DOMAIN.codes) == len(set(palette.DOMAIN_COLOURS))
    assert list(DOMAIN_COLOURS) == list(DOMAIN.codes)


@pytest.mark.parametrize("name", [n for n in vars(palette) if n.isupper()])
def test_palette_values_are_colours_or_styles_of_colours(name):
    value = getattr(palette, name)
    if isinstance(value, dict):  # a line or fill style: its colour entries (a dash pattern is not a colour)
        values = [v for k, v in value.items() if "color" in k.lower()]
    else:
        values = value if isinstance(value, tuple) else [value]
    colours = [v for v in values if isinstance(v, str)]
    assert colours and all(HEX.fullmatch(c) or c.startswith("linear-gradient(") for c in colours), name
