"""Map builders as objects: layers, legend, offline assets, privacy and inert record text."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pytest
import shapely
from folium.plugins import HeatMap

from dashboard.data.privacy import district_centroids, public_points
from dashboard.data.vocab import DOMAIN, region_label
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import LANGUAGES, t
from dashboard.map import layers, offline, pointcodec
from dashboard.map.layers import (
    DEFAULT_LAYERS,
    LAYER_CODES,
    LAYERS,
    Key,
    Layer,
    Swatch,
    build_layers,
    partner_links,
    region_counts,
)
from dashboard.map.legend import legend_html
from dashboard.map.maps import DOMAIN_COLOURS, ClusteredPoints, base_map
from dashboard.map.shapes import CountedShapes
from dashboard.safe_text import for_map, for_markdown

HOSTILE = 'Papa <img src=x onerror=alert(1)> `${alert(2)}` C:\\datos\\2019 "qochas" ñawi </script>'


def _selection(data, names=None, filters: Filters | None = None) -> Selection:
    filters = filters or Filters()
    index = FilterIndex.build(data.innovations, data.communities)
    names = names or dict(zip(data.partners["partner_id"], data.partners["name"], strict=True))
    return Selection(data, index, filters, mask(data.innovations, index, filters), names)


def _page(selection: Selection, layers=tuple(LAYERS), lang="es") -> str:
    fmap = base_map("outlines", lang)
    for group in build_layers(layers, selection, lang):
        group.add_to(fmap)
    return fmap.get_root().render()


def _public_partners(data) -> set[str]:
    """The partners named by records with public consent: those the links layer draws."""
    public = data.innovations["consent_public"].fillna(False).astype(bool)
    return {p for listed in data.innovations.loc[public, "partners"] for p in listed}


def _payload(group: folium.FeatureGroup) -> pointcodec.Points:
    element = next(c for c in group._children.values() if isinstance(c, ClusteredPoints))
    return pointcodec.decode(element.payload)


def test_points_layer_sends_each_selected_innovation_at_its_public_point(small_dataset):
    chosen = _selection(small_dataset, filters=Filters(regions=("PE-AYA",)))
    (group,) = build_layers(("points",), chosen, "es")
    sent = _payload(group)
    expected = np.flatnonzero(chosen.keep)
    assert sent.rows.tolist() == expected.tolist()
    shown = public_points(small_dataset.innovations, small_dataset.communities).iloc[expected]
    assert np.abs(sent.lat - shown.y.to_numpy()).max() <= 0.5 / pointcodec.SCALE + 1e-9
    assert np.abs(sent.lon - shown.x.to_numpy()).max() <= 0.5 / pointcodec.SCALE + 1e-9
    domains = small_dataset.innovations["domain"].astype(str).to_numpy()[expected]
    assert [list(DOMAIN_COLOURS)[d] for d in sent.domains] == domains.tolist()
    assert "INN-" not in _page(chosen, layers=("points",))  # no id or text travels with the points


@pytest.mark.parametrize("lang", LANGUAGES)
def test_points_and_clusters_are_named_for_a_keyboard_in_the_page_language(small_dataset, lang):
    (group,) = build_layers(("points",), _selection(small_dataset), lang)
    element = next(c for c in group._children.values() if isinstance(c, ClusteredPoints))
    names = element.names
    assert names["point"] == [t("map.keyboard.point", lang, domain=DOMAIN.label(c, lang)) for c in DOMAIN.codes]
    assert names["cluster"] == t("map.keyboard.cluster", lang) and "{count}" in names["cluster"]
    script = element._template.module.script(element)
    for part in ('"tabindex", "0"', '"role", "button"', '"aria-label"', '"keydown"', '"clusterkeydown"', "panInside"):
        assert part in script
    other = next(other for other in LANGUAGES if other != lang)
    assert DOMAIN.label("water_irrigation", other) not in script  # one language per page
    assert "INN-" not in script  # the names speak of domains only: no record's text travels with the points


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_map_frame_says_its_language_and_a_first_click_does_not_scroll_the_page(lang):
    html = base_map("outlines", lang).get_root().render()
    assert f'document.documentElement.lang = "{lang}";' in html
    assert "focus({preventScroll: true})" in html


@pytest.mark.parametrize("rows", [[], [0], [3, 4, 9, 1_000_000], list(range(0, 5000, 7))])
def test_point_codec_round_trips(rows):
    rows = np.array(rows, dtype=np.int64)
    generator = np.random.default_rng(len(rows))
    lat, lon = generator.uniform(-22, 2, len(rows)).round(4), generator.uniform(-81, -57, len(rows)).round(4)
    domains = generator.integers(0, 11, len(rows))
    decoded = pointcodec.decode(pointcodec.encode(rows, lat, lon, domains))
    assert decoded.rows.tolist() == rows.tolist() and decoded.domains.tolist() == domains.tolist()
    assert np.allclose(decoded.lat, lat) and np.allclose(decoded.lon, lon)


def test_every_layer_draws_the_selection(small_dataset):
    chosen = _selection(small_dataset)
    groups = dict(
        zip(
            ("points", "regions", "heatmap", "links"),
            build_layers(("points", "regions", "heatmap", "links"), chosen, "es"),
            strict=True,
        )
    )
    regions = region_counts(chosen)
    circles = [c for c in groups["regions"]._children.values() if isinstance(c, folium.CircleMarker)]
    assert len(circles) == len(regions) == small_dataset.innovations["region"].nunique()
    assert regions["count"].sum() == len(small_dataset.innovations)
    assert any(isinstance(c, HeatMap) for c in groups["heatmap"]._children.values())
    lines = [c for c in groups["links"]._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == len(_public_partners(small_dataset))
    assert len(build_layers(("choropleth",), chosen, "es")) == 1  # the bundled regions, with no boundaries stored


def test_partner_links_join_each_partner_to_the_communities_of_its_public_records(small_dataset):
    links = partner_links(_selection(small_dataset))
    innovations = small_dataset.innovations
    pairs = {
        public: {(p, c) for c, listed in zip(group["community_id"], group["partners"], strict=True) for p in listed}
        for public, group in innovations.groupby(innovations["consent_public"].fillna(False).astype(bool))
    }
    assert set(zip(links["partner_id"], links["community_id"], strict=True)) == pairs[True]
    assert pairs[False] - pairs[True]  # some partner works with a community only through restricted records
    assert links[["hq_x", "hq_y", "x", "y"]].notna().all().all()


def test_legend_speaks_the_chosen_language(small_dataset):
    spanish = legend_html(("points", "regions"), _selection(small_dataset), "es")
    english = legend_html(("points", "regions"), _selection(small_dataset), "en")
    assert "agua y riego" in spanish and "Ámbito" in spanish
    assert "water management and irrigation" in english and "Domain" in english
    assert "agua y riego" not in english


def test_the_legend_explains_only_the_chosen_layers_in_registry_order(small_dataset):
    chosen = _selection(small_dataset, names={p: f"Socio {p}" for p in small_dataset.partners["partner_id"]})
    html = legend_html(("links", "points"), chosen, "es")
    assert "agua y riego" in html and "Área proporcional" not in html  # points yes, regions no
    assert html.index("Ámbito") < html.index(t("map.legend.links", "es"))  # registry order, not the order asked
    drawn = _public_partners(small_dataset)
    assert all((f"Socio {p}" in html) == (p in drawn) for p in small_dataset.partners["partner_id"])
    assert "sin internet" in legend_html((), chosen, "es", basemap="osm")  # the fallback note comes with tiles


def test_layer_codes_are_the_registry_and_keep_the_words_of_shared_links():
    assert LAYER_CODES == tuple(LAYERS) == ("points", "regions", "heatmap", "links", "choropleth", "years")
    assert set(DEFAULT_LAYERS) <= set(LAYER_CODES)
    for code, layer in LAYERS.items():
        assert layer.code == code and layer.label("es") != layer.label("en")


class Grid(Layer):
    """A layer the atlas does not have: one marker, and a legend with markup in its words."""

    code, label_key = "grid", "map.layer.heatmap"

    def build(self, selection: Selection, lang: str, level: str | None = None) -> folium.FeatureGroup:
        group = self.group(lang)
        folium.Marker((-12.0, -75.0)).add_to(group)
        return group

    def legend(self, selection: Selection, lang: str) -> Key:
        return Key("Cuadrícula <b>", (Swatch("black", "celda"),))


def test_a_layer_added_to_the_registry_is_drawn_and_explained_with_no_other_change(small_dataset, monkeypatch):
    monkeypatch.setitem(layers.LAYERS, "grid", Grid())
    chosen = _selection(small_dataset)
    groups = build_layers(("grid", "points"), chosen, "es")
    assert len(groups) == 2 and any(isinstance(c, folium.Marker) for c in groups[-1]._children.values())
    html = legend_html(("grid",), chosen, "es")
    assert "Cuadrícula &lt;b&gt;" in html and "celda" in html and "Ámbito" not in html
    from dashboard.pack.standalone import standalone_map

    assert b"Cuadr" in standalone_map(chosen, "es", "x", ("grid",))  # the standalone file takes it too


def test_no_name_and_no_exact_point_of_a_restricted_record_reaches_the_page(small_dataset):
    innovations = small_dataset.innovations
    restricted = innovations[~innovations["consent_public"] & innovations["has_own_point"]]
    assert not restricted.empty
    html = _page(_selection(small_dataset))
    for point in restricted.geometry:
        for digits in (4, 5):
            assert f"{round(point.y, digits)}" not in html or f"{round(point.x, digits)}" not in html
    for name in innovations["innovator_name"].dropna():
        assert name not in html
    for text in innovations["description"].dropna().head(20):
        assert text not in html


def test_restricted_points_move_to_their_district_centroid(small_dataset):
    innovations = small_dataset.innovations
    shown = public_points(innovations, small_dataset.communities)
    centroids = district_centroids(small_dataset.communities)
    for consent, _own, community, point, exact in zip(
        innovations["consent_public"],
        innovations["has_own_point"],
        innovations["community_id"],
        shown,
        innovations.geometry,
        strict=True,
    ):
        if consent:
            assert point.equals(exact)
        else:
            assert point.equals(centroids[community])


def test_hostile_text_in_partner_names_is_inert(small_dataset):
    names = {p: HOSTILE for p in small_dataset.partners["partner_id"]}
    html = _page(_selection(small_dataset, names=names), layers=("links",))
    assert "<img src=x" not in html and "${alert" not in html and "C:\\datos" not in html
    assert "</script>" not in html.split("<script>")[-1].split("</script>")[0]
    assert for_map(HOSTILE).split("&lt;img")[0] in html


def test_map_loads_no_script_or_style_from_the_internet(small_dataset):
    html = _page(_selection(small_dataset))
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    assert "/app/static/countries.geojson" in html
    for asset in (
        "leaflet-1.9.3/leaflet.js",
        "leaflet.markercluster-1.1.0/leaflet.markercluster.js",
        "leaflet.heat-0.2.0/leaflet-heat.js",
        "leaflet-draw-1.0.2/leaflet.draw.js",
    ):
        assert f"/app/static/vendor/{asset}" in html


@pytest.mark.parametrize("basemap", ["osm", "topo", "satellite"])
def test_online_basemaps_carry_their_attribution(basemap):
    html = base_map(basemap, "es").get_root().render()
    attribution = re.search(r'"attribution": "([^\n]*)",', html)
    assert attribution and re.search("OpenStreetMap|Esri|SRTM", attribution.group(1))


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("`${a}`", "&#96;&#36;{a}&#96;"),
        ("C:\\datos\\2019", "C:&#92;datos&#92;2019"),
        ("\"qocha\" y 'muyuy'", "&quot;qocha&quot; y &#x27;muyuy&#x27;"),
        ("Ñawpa wasi — añil", "Ñawpa wasi — añil"),
        (None, ""),
    ],
)
def test_text_for_the_map_is_escaped_for_html_and_template_literals(text, expected):
    assert for_map(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[clic](http://x)", "\\[clic\\]\\(http\\:\u200b//x\\)"),
        ("Inicie sesión en https://evil.example", "Inicie sesión en https\\:\u200b//evil\\.example"),
        ("www.evil.example o ana@evil.example", "w\u200bww\\.evil\\.example o ana\u200b@evil\\.example"),
        ("**negrita** _y_ `código`", "\\*\\*negrita\\*\\* \\_y\\_ \\`código\\`"),
        ("<script>", "\\<script\\>"),
        ("Papa nativa en Ayacucho", "Papa nativa en Ayacucho"),
    ],
)
def test_text_for_markdown_shows_its_characters_literally(text, expected):
    assert for_markdown(text) == expected


def _with_region_boundaries(data, hostile_name: str | None = None):
    import dataclasses

    import geopandas as gpd

    grouped = data.communities.dissolve(by=data.communities["region"].astype(str)).geometry
    hulls = gpd.GeoSeries(shapely.buffer(grouped.convex_hull.values, 0.02), index=grouped.index)
    boundaries = gpd.GeoDataFrame(
        {
            "boundary_id": [f"region-{c}" for c in hulls.index],
            "level": "region",
            "code": list(hulls.index),
            "name": [hostile_name or region_label(c) for c in hulls.index],
        },
        geometry=hulls.values,
        crs="EPSG:4326",
    )
    return dataclasses.replace(data, boundaries=boundaries)


def test_choropleth_counts_innovations_per_boundary(small_dataset):
    from dashboard.map.shapes import boundary_counts

    data = _with_region_boundaries(small_dataset)
    chosen = _selection(data)
    counted = boundary_counts(chosen, "region").set_index("code")
    points = public_points(data.innovations, data.communities)
    for code, row in counted.iterrows():
        assert row["count"] == points.within(row.geometry).sum(), code
    assert counted["count"].sum() >= len(points) * 0.9
    (group,) = build_layers(("choropleth",), chosen, "en")
    shaded = next(c for c in group._children.values() if isinstance(c, CountedShapes))
    assert dict(zip(counted.index, shaded.counts, strict=True)) == counted["count"].to_dict()
    assert shaded.label == "{name}: {count} innovations"  # filled in the browser, as text


def test_hostile_boundary_names_are_inert(small_dataset):
    data = _with_region_boundaries(small_dataset, hostile_name=HOSTILE)
    html = _page(_selection(data), layers=("choropleth",))
    assert "<img src=x" not in html and "${alert" not in html and "C:\\datos" not in html


def test_without_stored_boundaries_the_choropleth_colours_the_bundled_regions(small_dataset):
    from dashboard.map.shapes import boundary_counts, boundary_levels

    assert small_dataset.boundaries is None
    chosen = _selection(small_dataset)
    assert boundary_levels(small_dataset) == ["region"]
    counted = boundary_counts(chosen, "region").set_index("code")
    points = public_points(small_dataset.innovations, small_dataset.communities)
    per_region = small_dataset.innovations["region"].astype(str).value_counts()
    assert counted.loc["PE-AYA", "count"] == points.within(counted.loc["PE-AYA"].geometry).sum()
    assert counted.loc["PE-AYA", "count"] >= per_region["PE-AYA"] * 0.9  # a community on a lake shore may fall out
    assert {"PE", "BO", "EC"} <= {code[:2] for code in counted.index}
    (group,) = build_layers(("choropleth",), chosen, "es")
    assert any(isinstance(c, CountedShapes) for c in group._children.values())


def test_the_legend_lists_only_the_domains_and_partners_in_the_selection(small_dataset):
    from dashboard.data.vocab import DOMAIN

    innovations = small_dataset.innovations
    domain = str(innovations["domain"].iloc[0])
    chosen = _selection(small_dataset, filters=Filters(domains=(domain,)))
    html = legend_html(("points", "links"), chosen, "es")
    shown = [code for code in DOMAIN.codes if f">{DOMAIN.label(code, 'es')}<" in html]
    assert shown == [domain]
    kept = innovations[innovations["domain"] == domain]
    partners = {p for listed in kept["partners"] for p in listed}
    for partner, name in chosen.partner_names.items():
        assert (name in html) == (partner in partners), name


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_offline_background_credits_its_sources_in_the_page_language(lang):
    page = base_map("outlines", lang).get_root().render()
    other = "en" if lang == "es" else "es"
    assert json.dumps(t("credits.context", lang)) in page and t("credits.context", other).split(":")[0] not in page
