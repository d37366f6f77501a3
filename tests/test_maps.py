"""Map builders: clustered innovations, offline assets, and record text that stays text."""

from __future__ import annotations

import re

import folium
import pytest
from folium.plugins import MarkerCluster

from dashboard import offline
from dashboard.maps import build_map, public_points
from dashboard.outlines import outlines
from dashboard.safe_text import for_map, for_markdown

HOSTILE = 'Papa <img src=x onerror=alert(1)> `${alert(2)}` C:\\datos\\2019 "qochas" ñawi'


def _markers(fmap: folium.Map) -> list[folium.CircleMarker]:
    cluster = next(c for c in fmap._children.values() if isinstance(c, MarkerCluster))
    return [c for c in cluster._children.values() if isinstance(c, folium.CircleMarker)]


def test_every_selected_innovation_is_one_clustered_marker(small_dataset):
    shown = small_dataset.innovations.iloc[:17]
    fmap = build_map(shown, small_dataset.communities, outlines(), "es")
    assert len(_markers(fmap)) == 17


def test_restricted_records_are_drawn_at_their_community(small_dataset):
    innovations = small_dataset.innovations
    restricted = innovations[~innovations["consent_public"] & innovations["has_own_point"]]
    assert not restricted.empty, "the fixture needs a restricted record with its own point"
    points = public_points(restricted, small_dataset.communities)
    communities = small_dataset.communities.set_index("community_id").geometry
    for community_id, point, exact in zip(restricted["community_id"], points, restricted.geometry, strict=True):
        assert point.equals(communities[community_id]) and not point.equals(exact)
    html = build_map(restricted, small_dataset.communities, outlines(), "es").get_root().render()
    for exact in restricted.geometry:
        assert f"{exact.y}, {exact.x}" not in html


def test_map_loads_no_script_or_style_from_the_internet(small_dataset):
    fmap = build_map(small_dataset.innovations, small_dataset.communities, outlines(), "es")
    html = fmap.get_root().render()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "/app/static/vendor/leaflet-1.9.3/leaflet.js" in html
    assert "/app/static/vendor/leaflet.markercluster-1.1.0/leaflet.markercluster.js" in html


def test_a_plugin_without_a_local_copy_is_refused():
    fmap = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(KeyError, match="Fullscreen|fullscreen"):
        offline.serve_locally(fmap)


@pytest.mark.parametrize("name", sorted(offline.ASSETS))
def test_every_asset_is_bundled_with_its_recorded_hash(name):
    asset = offline.ASSETS[name]
    assert asset.file.is_file(), f"run `python -m dashboard assets` to fetch {asset.package}"
    assert offline.sha256(asset.file) == asset.sha256


def test_hostile_titles_reach_the_map_as_inert_text(small_dataset):
    shown = small_dataset.innovations.iloc[:1].copy()
    shown["title"] = HOSTILE
    html = build_map(shown, small_dataset.communities, outlines(), "es").get_root().render()
    assert "<img src=x" not in html and "${alert" not in html and "`${" not in html
    assert "C:\\datos" not in html
    assert for_map(HOSTILE) in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("`${a}`", "&#96;&#36;{a}&#96;"),
        ("C:\\datos\\2019", "C:&#92;datos&#92;2019"),
        ('"qocha" y \'muyuy\'', "&quot;qocha&quot; y &#x27;muyuy&#x27;"),
        ("Ñawpa wasi — añil", "Ñawpa wasi — añil"),
        (None, ""),
    ],
)
def test_text_for_the_map_is_escaped_for_html_and_template_literals(text, expected):
    assert for_map(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[clic](http://x)", "\\[clic\\]\\(http\\://x\\)"),
        ("**negrita** _y_ `código`", "\\*\\*negrita\\*\\* \\_y\\_ \\`código\\`"),
        ("<script>", "\\<script\\>"),
        ("Papa nativa en Ayacucho", "Papa nativa en Ayacucho"),
    ],
)
def test_text_for_markdown_shows_its_characters_literally(text, expected):
    assert for_markdown(text) == expected
