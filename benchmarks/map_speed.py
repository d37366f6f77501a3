"""Map speed: what the Mapa page sends to the browser for N points, against two plain folium maps.

Three ways to draw the same N innovations (all of them, no filter), at the same public points
rounded to 4 decimals as the atlas sends them:

- atlas: `base_map` plus `build_layers(("points",), ...)`, turned into the strings `st_folium`
  sends (script, html, header, feature_group), made with streamlit_folium's own helpers in
  st_folium's order, without a Streamlit runtime;
- naive: one `folium.Marker` with an HTML popup (title and description) per point in a
  `MarkerCluster`, rendered as a whole page;
- fast_marker_cluster: `folium.plugins.FastMarkerCluster` with the coordinates, rendered as a page.

Plus the rerun time of the real app in Streamlit's AppTest after a region filter change.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import tempfile
import time
from functools import cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import streamlit as st
import streamlit_folium
from folium.elements import JSCSSMixin
from folium.plugins import FastMarkerCluster, MarkerCluster
from streamlit.testing.v1 import AppTest

from benchmarks.timing import median_seconds
from dashboard import state
from dashboard.data import demo
from dashboard.data.backend import open_store
from dashboard.data.dataset import Dataset
from dashboard.data.vocab import DOMAIN
from dashboard.filtering.criteria import CRITERIA
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection, partner_names
from dashboard.map.layers import build_layers
from dashboard.map.maps import DOMAIN_COLOURS, base_map
from dashboard.paths import PACKAGE, STORE_ENV

APP = str(PACKAGE / "app.py")
LANG = "es"
LAYER_CODES = ("points",)
NAIVE_SINGLE_RUN_FROM = 50_000  # the naive map takes minutes per run from here on: one timed run
NAIVE_WARMUP_POINTS = 1_000  # ...after a warm-up on this many points instead of a full-size run
APPTEST_UP_TO = 100_000
APPTEST_SELECTIONS = (["PE-AYA"], ["PE-PUN", "PE-CUS"])  # alternated, so every timed rerun is a change
PARTS = ("script", "html", "header", "feature_group")


@cache
def synthetic(n: int) -> Dataset:
    """`demo.build(n, seed=1)`, built once per process (the filter suite reuses it)."""
    return demo.build(n, seed=1)


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _links(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """css_links and js_links as st_folium collects them (its nested `walk`; the atlas has no colour maps)."""

    def walk(element):
        if isinstance(element, JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    css, js = [], []
    for element in walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def st_folium_payload(fmap: folium.Map, groups: list[folium.FeatureGroup]) -> dict:
    """The strings `st_folium(fmap, key="map", feature_group_to_add=groups)` passes to its component.

    Same steps, in the same order, as streamlit_folium's st_folium (render=True, a folium.Map).
    """
    fmap.get_root().render()
    fmap.render()
    html_part = streamlit_folium._get_html(fmap)
    header = streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    fmap.get_bounds()  # the component's default "bounds"
    feature_group = "".join(
        streamlit_folium._get_feature_group_string(group, map=fmap, idx=i) for i, group in enumerate(groups)
    )
    css_links, js_links = _links(fmap)
    streamlit_folium.generate_js_hash(script, state.MAP, False)  # the component's key
    return {
        "script": script,
        "html": html_part,
        "header": header,
        "feature_group": feature_group,
        "css_links": css_links,
        "js_links": js_links,
    }


def _atlas(selection: Selection, repeat: int) -> dict:
    sent: dict = {}

    def work() -> None:
        fmap = base_map("outlines", LANG)
        sent.update(st_folium_payload(fmap, build_layers(LAYER_CODES, selection, LANG)))

    seconds = median_seconds(work, repeat)
    standalone = base_map("outlines", LANG)
    for group in build_layers(LAYER_CODES, selection, LANG):
        group.add_to(standalone)
    parts = {name: _utf8(sent[name]) for name in PARTS}
    return {
        "build_render_s": seconds,
        "payload_bytes": sum(parts.values()),
        "payload_parts_bytes": parts,
        "links_bytes": sum(_utf8(link) for link in sent["css_links"] + sent["js_links"]),
        "standalone_html_bytes": _utf8(standalone.get_root().render()),
        "runs": repeat,
    }


def _naive(lat: list[float], lon: list[float], titles: list[str], descriptions: list[str], repeat: int) -> dict:
    def page(count: int) -> str:
        fmap = folium.Map(tiles=None)
        cluster = MarkerCluster().add_to(fmap)
        for y, x, title, description in zip(
            lat[:count], lon[:count], titles[:count], descriptions[:count], strict=True
        ):
            popup = f"<b>{html.escape(title)}</b><br>{html.escape(description)}"
            folium.Marker((y, x), popup=folium.Popup(popup, max_width=320)).add_to(cluster)
        return fmap.get_root().render()

    n = len(lat)
    if n < NAIVE_SINGLE_RUN_FROM:
        last: list[str] = []

        def work() -> None:
            last[:] = [page(n)]

        seconds = median_seconds(work, repeat)
        return {"build_render_s": seconds, "html_bytes": _utf8(last[0]), "runs": repeat}
    # minutes per run from here: one timed run, warmed up on a few points rather than a full extra run
    page(NAIVE_WARMUP_POINTS)
    start = time.perf_counter()
    text = page(n)
    seconds = round(time.perf_counter() - start, 4)
    return {"build_render_s": seconds, "html_bytes": _utf8(text), "runs": 1, "warmup": f"{NAIVE_WARMUP_POINTS} points"}


# The same information the atlas sends: where, which domain colour, which row to look up on click.
SAME_AS_ATLAS = (
    "function (row) { var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 7, "
    "color: '#ffffff', weight: 1.5, fillOpacity: 0.95, fillColor: %s[row[2]]}); "
    "marker.feature = {type: 'Feature', properties: {i: row[3]}}; return marker; }"
)


def _fast(data: list[list], repeat: int, callback: str | None = None) -> dict:
    page: list[str] = []

    def work() -> None:
        fmap = folium.Map(tiles=None)
        FastMarkerCluster(data=data, callback=callback).add_to(fmap)
        page[:] = [fmap.get_root().render()]

    return {"build_render_s": median_seconds(work, repeat), "html_bytes": _utf8(page[0]), "runs": repeat}


def _apptest(dataset: Dataset, repeat: int) -> dict:
    """Rerun time of the real app (Mapa page, points layer) after a region change, and with no change."""
    before = os.environ.get(STORE_ENV)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.gpkg"
            open_store(path).create(dataset)
            os.environ[STORE_ENV] = str(path)
            at = AppTest.from_file(APP, default_timeout=300).run()  # loads the store into the cache
            if at.exception:
                raise RuntimeError(f"the app failed under AppTest: {at.exception[0].message}")
            choices = itertools.cycle(APPTEST_SELECTIONS)
            regions = CRITERIA["regions"].widget
            change_s = median_seconds(lambda: at.multiselect(key=regions).set_value(next(choices)).run(), repeat)
            same_s = median_seconds(lambda: at.run(), repeat)
            if at.exception:
                raise RuntimeError(f"the app failed under AppTest: {at.exception[0].message}")
    finally:
        if before is None:
            os.environ.pop(STORE_ENV, None)
        else:
            os.environ[STORE_ENV] = before
        st.cache_resource.clear()  # drop the loaded store and its index
    return {"apptest_rerun_s": change_s, "apptest_rerun_same_s": same_s, "apptest_runs": repeat}


def _ratio(other: float, atlas: float) -> float | None:
    return round(other / atlas, 2) if atlas else None


def run(sizes: list[int], repeat: int) -> dict:
    rows = []
    for n in sizes:
        dataset = synthetic(n)
        innovations = dataset.innovations
        index = FilterIndex.build(innovations, dataset.communities)
        selection = Selection(
            data=dataset,
            index=index,
            filters=Filters(),
            keep=np.ones(len(innovations), dtype=bool),
            partner_names=partner_names(dataset),
        )
        lat, lon = np.round(index.y, 4).tolist(), np.round(index.x, 4).tolist()
        titles = innovations["title"].fillna("").astype(str).tolist()
        descriptions = innovations["description"].fillna("").astype(str).tolist()

        atlas = _atlas(selection, repeat)
        naive = _naive(lat, lon, titles, descriptions, repeat)
        domains = pd.Categorical(innovations["domain"].astype(str), categories=DOMAIN.codes).codes
        same = [
            [y, x, int(d), r]
            for y, x, d, r in zip(index.y.tolist(), index.x.tolist(), domains.tolist(), range(n), strict=True)
        ]
        fast = _fast(same, repeat, SAME_AS_ATLAS % json.dumps(list(DOMAIN_COLOURS.values())))
        bare = _fast([[y, x] for y, x in zip(lat, lon, strict=True)], repeat)
        row = {
            "innovations": n,
            "atlas": atlas,
            "naive": naive,
            "fast_marker_cluster": fast,
            "fast_marker_cluster_coordinates_only": bare,
            "payload_ratio_vs_naive": _ratio(naive["html_bytes"], atlas["payload_bytes"]),
            "payload_ratio_vs_fast": _ratio(fast["html_bytes"], atlas["payload_bytes"]),
            "payload_ratio_vs_fast_coordinates_only": _ratio(bare["html_bytes"], atlas["payload_bytes"]),
            "speed_ratio_vs_naive": _ratio(naive["build_render_s"], atlas["build_render_s"]),
            "speed_ratio_vs_fast": _ratio(fast["build_render_s"], atlas["build_render_s"]),
            "speed_ratio_vs_fast_coordinates_only": _ratio(bare["build_render_s"], atlas["build_render_s"]),
        }
        if n <= APPTEST_UP_TO:
            row.update(_apptest(dataset, repeat))
        rows.append(row)
    return {
        "notes": {
            "seconds": "median of `runs` timed runs after one untimed warm-up",
            "atlas": "base_map + build_layers(points) + the strings st_folium makes "
            "(streamlit_folium helpers, st_folium's order); payload = script+html+header+feature_group",
            "naive": "Marker + HTML popup per point in a MarkerCluster; from N >= "
            f"{NAIVE_SINGLE_RUN_FROM}: 1 timed run after a warm-up on {NAIVE_WARMUP_POINTS} points",
            "fast_marker_cluster": "FastMarkerCluster given what the atlas sends: [[lat, lon, domain, row], ...] "
            "as stored, with a callback colouring by domain and keeping the row for clicks",
            "fast_marker_cluster_coordinates_only": "FastMarkerCluster(data=[[lat, lon], ...]) rounded to 4 "
            "decimals, no colour and no row: less than the atlas sends",
            "ratios": "other / atlas (bytes: naive or fast page vs atlas payload; seconds likewise)",
            "apptest": "AppTest rerun of dashboard/app.py (Mapa page, points) after alternating the region "
            f"filter between {APPTEST_SELECTIONS[0]} and {APPTEST_SELECTIONS[1]}; "
            f"_same_s = at.run() with nothing changed; N <= {APPTEST_UP_TO}",
        },
        "sizes": rows,
    }
