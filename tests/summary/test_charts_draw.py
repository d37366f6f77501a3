"""Every chart of the registry draws its bars as the app shows it (width fitted to the page), in both languages."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import vl_convert

from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import partner_names
from dashboard.summary.charts import CHARTS, summary_chart
from dashboard.summary.summaries import summarise

PAGE_WIDTH = 600  # a column of the Resumen page
# how Streamlit lays out a chart drawn with width="stretch", unless the chart says otherwise
STRETCHED = {"type": "fit", "contains": "padding"}
_BARS = re.compile(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', re.S)
_RECT = re.compile(r'd="M([-0-9.]+),([-0-9.]+)h([-0-9.]+)v([-0-9.]+)')
_SIZE = re.compile(r'<svg[^>]*width="([0-9.]+)"[^>]*height="([0-9.]+)"')


def _extent(svg: str, axis: str) -> float:
    """How far the bars reach along `axis` ("x" or "y"), in pixels: from the lowest edge to the farthest."""
    edges = []
    for group in _BARS.findall(svg):
        for x, y, w, h in _RECT.findall(group):
            start, length = (float(x), float(w)) if axis == "x" else (float(y), float(h))
            edges += [start, start + length]
    return max(edges) - min(edges) if edges else 0.0


def _value_axis(spec: dict) -> str:
    """The axis the counts run along: "y" for upright bars, "x" for a ranking."""
    encoding = (spec.get("layer") or [spec])[0]["encoding"]
    return "y" if encoding["y"].get("type") == "quantitative" or "aggregate" in encoding["y"] else "x"


@pytest.fixture(scope="module")
def demo_summary(small_dataset):
    index = FilterIndex.build(small_dataset.innovations, small_dataset.communities)
    return summarise(index, np.ones(len(small_dataset.innovations), dtype=bool)), partner_names(small_dataset)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_draws_bars_that_fill_its_plot(demo_summary, name, lang):
    summary, names = demo_summary
    spec = summary_chart(name, summary, lang, names).to_dict()
    spec.setdefault("autosize", STRETCHED)
    spec["width"] = PAGE_WIDTH
    svg = vl_convert.vegalite_to_svg(json.dumps(spec))
    size = dict(zip("xy", map(float, _SIZE.search(svg).groups()), strict=True))
    axis = _value_axis(spec)
    # the bars reach over half the chart along their value axis: a plot squeezed by its legend fails
    reach = _extent(svg, axis) / size[axis]
    assert reach >= 0.5, f"{name} ({lang}): the bars span {reach:.0%} of the chart"
