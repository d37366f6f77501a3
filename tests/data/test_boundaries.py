"""Administrative boundaries: import from GeoPackage, GeoJSON and zipped Shapefile; every problem at once;
skipping and merging; history and undo; levels side by side on the map; counts inside and outside; CLI."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from dashboard import address
from dashboard.cli import main
from dashboard.data import store
from dashboard.data.backend import open_store
from dashboard.data.boundaries import read_boundary_file
from dashboard.data.boundaries.counts import count_by_boundary
from dashboard.data.boundaries.levels import with_boundaries
from dashboard.data.boundaries.problems import BoundaryProblems, Problem
from dashboard.data.changes import Source
from dashboard.data.conform import ContractError
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import public_points
from dashboard.data.vocab import region_label
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.map import shapes
from dashboard.map.layers import build_layers
from dashboard.map.shapes import CountedShapes, outside_boundaries
from dashboard.paths import DEMO_STORE

MARGIN = 0.05  # degrees of box around a region's communities
AYACUCHO = shapely.box(-74.3, -13.2, -74.2, -13.1)  # around Huamanga, district 050101


def read_boundaries(*args, **options) -> gpd.GeoDataFrame:
    """The boundaries a file gives: what the boundaries command stores."""
    return read_boundary_file(*args, **options).boundaries


def _file(path: Path, columns: dict, geometry: list, crs: str | None = "EPSG:4326", layer: str | None = None) -> Path:
    """A one-layer vector file at `path`, its driver chosen by the suffix."""
    gpd.GeoDataFrame(columns, geometry=geometry, crs=crs).to_file(path, layer=layer)
    return path


def _box(communities: gpd.GeoDataFrame) -> shapely.Polygon:
    west, south, east, north = communities.total_bounds
    return shapely.box(west - MARGIN, south - MARGIN, east + MARGIN, north + MARGIN)


def region_boxes(small_dataset) -> gpd.GeoDataFrame:
    """A box per region around its demo communities; Puno as a two-part MultiPolygon."""
    communities = small_dataset.communities
    rows = []
    for code, group in communities.groupby(communities["region"].astype(str)):
        geometry = _box(group)
        if code == "PE-PUN":
            # two disjoint boxes, around Puno's communities north and south of 15.5° S
            north = group.geometry.y >= -15.5
            geometry = shapely.MultiPolygon([_box(group[north]), _box(group[~north])])
        rows.append({"ISO": code, "NOMBRE": region_label(code), "geometry": geometry})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    """`frame` as a Shapefile, zipped the way INEI and GEO GPS Perú distribute them."""
    folder.mkdir()
    frame.to_file(folder / f"{folder.name}.shp", driver="ESRI Shapefile", encoding="UTF-8")
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as handle:
        for part in sorted(folder.iterdir()):
            handle.write(part, part.name)
    return archive


def _write(frame: gpd.GeoDataFrame, tmp_path: Path, kind: str) -> Path | str:
    if kind == "gpkg":
        frame.to_file(tmp_path / "regiones.gpkg", layer="regiones", driver="GPKG")
        return tmp_path / "regiones.gpkg"
    if kind == "geojson":
        frame.to_file(tmp_path / "regiones.geojson", driver="GeoJSON")
        return tmp_path / "regiones.geojson"
    archive = _zipped_shapefile(frame, tmp_path / "regiones")
    return archive if kind == "zip" else f"zip://{archive}"


@pytest.mark.parametrize("kind", ["gpkg", "geojson", "zip", "zip_uri"])
def test_regions_import_from_every_format(small_dataset, tmp_path, kind):
    boxes = region_boxes(small_dataset)
    imported = read_boundaries(_write(boxes, tmp_path, kind), "region", "ISO", "NOMBRE")
    assert list(imported.columns) == ["boundary_id", "level", "code", "name", "geometry"]
    assert imported["code"].tolist() == boxes["ISO"].tolist()
    assert imported["name"].tolist() == boxes["NOMBRE"].tolist()
    assert imported["boundary_id"].tolist() == [f"region-{code}" for code in boxes["ISO"]]
    assert set(imported["level"].astype(str)) == {"region"}
    assert imported.crs.to_epsg() == 4326
    assert set(imported.geom_type) <= {"Polygon", "MultiPolygon"}
    puno = imported.geometry[imported["code"] == "PE-PUN"].iloc[0]
    assert puno.geom_type == "MultiPolygon" and len(puno.geoms) == 2
    # shapes, not types (a GeoPackage stores a mixed layer as MultiPolygon) nor the last digits
    # (GeoJSON writes 15 significant ones)
    distance = shapely.hausdorff_distance(imported.geometry.array, boxes.geometry.array)
    assert (distance < 1e-9).all()


def test_a_layer_in_utm_is_reprojected(tmp_path):
    # UTM 18S: easting 500 000 m (the false easting) lies on the zone's central meridian, 75° W
    corners = [(500_000, 8_500_000), (510_000, 8_500_000), (510_000, 8_510_000), (500_000, 8_510_000)]
    path = _file(
        tmp_path / "utm.gpkg",
        {"IDPROV": ["0501"], "NOMBPROV": ["Huamanga"]},
        [shapely.Polygon(corners)],
        crs="EPSG:32718",
    )
    imported = read_boundaries(path, "province", "IDPROV", "NOMBPROV")
    assert imported.crs.to_epsg() == 4326
    lon, lat = imported.geometry.iloc[0].exterior.coords[0]
    assert abs(lon - -75.0) < 1e-6
    assert abs(lat - -13.568451278467258) < 1e-6


@pytest.mark.parametrize("suffix", ["gpkg", "geojson"])
def test_a_ubigeo_keeps_its_leading_zero(tmp_path, suffix):
    path = _file(
        tmp_path / f"distritos.{suffix}",
        {"UBIGEO": ["050101", "050102"], "DISTRITO": ["Ayacucho", "Acocro"]},
        [AYACUCHO, shapely.box(-74.2, -13.2, -74.0, -13.1)],
    )
    imported = read_boundaries(path, "district", "UBIGEO", "DISTRITO")
    assert imported["code"].tolist() == ["050101", "050102"]
    assert imported["boundary_id"].tolist() == ["district-050101", "district-050102"]


def _numeric_codes(tmp_path: Path) -> Path:
    """INEI's department layer as some tools export it: IDDPTO typed as a number."""
    return _file(
        tmp_path / "departamentos.gpkg", {"IDDPTO": [5], "NOMBDEP": ["Ayacucho"]}, [shapely.box(-75, -15, -73, -12)]
    )


def test_a_numeric_code_column_is_refused_naming_the_column(tmp_path):
    with pytest.raises(ContractError) as caught:
        read_boundaries(_numeric_codes(tmp_path), "region", "IDDPTO", "NOMBDEP")
    error = caught.value
    assert error.field == "IDDPTO"
    message = str(error)
    assert "departamentos.gpkg" in message and "«IDDPTO»" in message and "como texto" in message
    assert "as text" in error.message("en")


def test_a_point_layer_is_refused(small_dataset, tmp_path):
    communities = small_dataset.communities.head(3)
    path = _file(
        tmp_path / "puntos.gpkg",
        {"id": communities["community_id"].tolist(), "name": communities["name"].tolist()},
        communities.geometry.tolist(),
        layer="puntos",
    )
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "district", "id", "name")
    assert (caught.value.layer, caught.value.row, caught.value.field) == ("puntos", 1, "geometry")
    assert "Point" in str(caught.value)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_layer_without_crs_is_refused(tmp_path):
    # GeoJSON always means WGS 84, so a Shapefile without its .prj is the realistic case
    path = _file(
        tmp_path / "sin_src.shp",
        {"ISO": ["PE-AYA"], "NOMBRE": ["Ayacucho"]},
        [shapely.box(-75, -15, -73, -12)],
        crs=None,
    )
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "region", "ISO", "NOMBRE")
    assert caught.value.field == "geometry"
    assert "sin_src.shp" in str(caught.value) and "sistema de coordenadas" in str(caught.value)


@pytest.mark.parametrize(
    ("code_column", "name_column", "missing"), [("UBIGEO", "NOMBRE", "UBIGEO"), ("ISO", "NOMBRE_DEP", "NOMBRE_DEP")]
)
def test_a_missing_column_is_named(small_dataset, tmp_path, code_column, name_column, missing):
    path = _write(region_boxes(small_dataset), tmp_path, "gpkg")
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "region", code_column, name_column)
    message = str(caught.value)
    assert caught.value.field == missing
    assert f"«{missing}»" in message and "falta la columna" in message
    assert "ISO, NOMBRE" in message  # the columns the file does have, to pick from


def test_a_missing_and_a_repeated_code_are_reported_together(tmp_path):
    path = _file(
        tmp_path / "repetidos.geojson",
        {"UBIGEO": ["050101", "050102", "050101", ""], "NOMBRE": ["a", "b", "c", "d"]},
        [shapely.box(i, 0, i + 1, 1) for i in range(4)],
    )
    with pytest.raises(BoundaryProblems) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBRE")
    assert caught.value.problems == (Problem("repeated_code", "050101", (1, 3)), Problem("no_code", "", (4,)))
    message = str(caught.value)
    assert "UBIGEO «050101» se repite en 2 elementos: 1, 3" in message
    assert "elemento 4: no tiene UBIGEO" in message and "--dissolve-duplicates" in message
    assert "--skip-empty" not in message  # no empty geometry, so no advice to skip one
    # merging the repeated code does not make a missing code acceptable
    with pytest.raises(BoundaryProblems) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBRE", dissolve_duplicates=True)
    assert caught.value.problems == (Problem("no_code", "", (4,)),)


def test_a_file_with_several_layers_needs_one_named(small_dataset, tmp_path):
    path = _write(region_boxes(small_dataset), tmp_path, "gpkg")
    _file(path, {"ISO": ["PE-AYA"], "NOMBRE": ["x"]}, [shapely.box(0, 0, 1, 1)], layer="otra")
    with pytest.raises(ContractError, match="--layer"):
        read_boundaries(path, "region", "ISO", "NOMBRE")
    assert len(read_boundaries(path, "region", "ISO", "NOMBRE", layer="otra")) == 1
    with pytest.raises(ContractError, match="falta la capa"):
        read_boundaries(path, "region", "ISO", "NOMBRE", layer="ninguna")


def test_an_unknown_level_and_a_missing_file_are_refused(tmp_path):
    with pytest.raises(ContractError, match="departamento"):
        read_boundaries(tmp_path / "x.gpkg", "departamento", "ISO", "NOMBRE")
    with pytest.raises(ContractError, match="no existe"):
        read_boundaries(tmp_path / "nada.gpkg", "region", "ISO", "NOMBRE")


def _level(level: str, codes: list[str], boxes: list[tuple[float, ...]]) -> gpd.GeoDataFrame:
    """Boundaries of one level, already in the contract's shape."""
    return gpd.GeoDataFrame(
        {"boundary_id": [f"{level}-{c}" for c in codes], "level": level, "code": codes, "name": codes},
        geometry=[shapely.box(*b) for b in boxes],
        crs="EPSG:4326",
    )


# Two provinces sharing the edge x = 1, a third apart, and a region over all (another level).
SQUARES = pd.concat(
    [
        _level("province", ["A", "B", "C"], [(0, 0, 1, 1), (1, 0, 2, 1), (5, 5, 6, 6)]),
        _level("region", ["R"], [(-1, -1, 7, 7)]),
    ],
    ignore_index=True,
)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([], {"A": 0, "B": 0, "C": 0}),
        ([(0.5, 0.5)], {"A": 1, "B": 0, "C": 0}),
        ([(1.5, 0.5), (1.2, 0.2), (5.5, 5.5)], {"A": 0, "B": 2, "C": 1}),
        ([(3, 3), (-5, -5)], {"A": 0, "B": 0, "C": 0}),  # outside every province
        ([(1, 0.5)], {"A": 1, "B": 0, "C": 0}),  # on the shared edge: once, to the first polygon
        ([(1, 1), (1, 0)], {"A": 2, "B": 0, "C": 0}),  # shared corners
        ([(0, 0.5), (2, 0.5)], {"A": 1, "B": 1, "C": 0}),  # an outer edge counts as inside
        ([(0.5, 0.5), None, (0.5, 0.5)], {"A": 2, "B": 0, "C": 0}),  # None skipped; twice counts 2
    ],
)
def test_count_by_boundary_matches_a_hand_count(points, expected):
    series = gpd.GeoSeries([p and shapely.Point(p) for p in points], crs="EPSG:4326")
    counted, outside = count_by_boundary(SQUARES, series, "province")
    assert dict(zip(counted["code"], counted["count"], strict=True)) == expected
    assert counted["count"].dtype == "int64"
    assert list(counted.columns) == ["boundary_id", "level", "code", "name", "geometry", "count"]
    # every located point is either counted once or outside; a missing point is neither
    assert outside == sum(p is not None for p in points) - sum(expected.values())
    inside = sum(p is not None and -1 <= p[0] <= 7 and -1 <= p[1] <= 7 for p in points)
    counted, outside = count_by_boundary(SQUARES, series, "region")
    assert counted["count"].tolist() == [inside]
    assert outside == sum(p is not None for p in points) - inside


def test_every_public_point_is_counted_once_though_region_boxes_overlap(small_dataset):
    boxes = region_boxes(small_dataset).rename(columns={"ISO": "code", "NOMBRE": "name"})
    boxes["level"], boxes["boundary_id"] = "region", "region-" + boxes["code"]
    points = public_points(small_dataset.innovations, small_dataset.communities)
    # some points lie in two boxes (Ayacucho's and Huancavelica's overlap), yet each counts once
    matches, _ = boxes.sindex.query(points.array, predicate="intersects")
    assert len(matches) > len(points)
    counted, outside = count_by_boundary(boxes, points, "region")
    # a restricted record's area centre may fall beyond these made-up boxes (between Puno's two parts)
    expected, beyond = _hand_counts(boxes, points, "region")
    assert dict(zip(counted["code"], counted["count"], strict=True)) == expected and outside == beyond
    assert counted["count"].sum() + outside == len(points) and beyond < len(points) / 10
    counted, outside = count_by_boundary(boxes, points, "district")
    assert counted.empty and outside == len(points)  # no district: every point is outside


def test_with_boundaries_replaces_only_the_same_level(small_dataset):
    regions = _level("region", ["R1", "R2"], [(0, 0, 1, 1), (1, 0, 2, 1)])
    districts = _level("district", ["050101"], [(0, 0, 0.5, 0.5)])
    first = with_boundaries(small_dataset, regions)
    assert small_dataset.boundaries is None  # the original is untouched
    both = with_boundaries(first, districts)
    assert both.boundaries["boundary_id"].tolist() == ["region-R1", "region-R2", "district-050101"]
    again = with_boundaries(both, _level("region", ["R3"], [(3, 3, 4, 4)]))
    assert again.boundaries["boundary_id"].tolist() == ["region-R3", "district-050101"]
    assert again.innovations is small_dataset.innovations


def _import(target: Path, path: Path | str, level: str, code: str, name: str, *options: str):
    arguments = [
        "boundaries",
        str(path),
        "--level",
        level,
        "--code-column",
        code,
        "--name-column",
        name,
        "--store",
        str(target),
        "--editor",
        "Ana",
        *options,
    ]
    return CliRunner().invoke(main, arguments)


def test_cli_imports_boundaries_and_keeps_other_levels(small_dataset, small_store, tmp_path):
    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    regions = _write(region_boxes(small_dataset), tmp_path, "zip")
    districts = _file(tmp_path / "distritos.geojson", {"UBIGEO": ["050101"], "DISTRITO": ["Ayacucho"]}, [AYACUCHO])

    result = _import(target, regions, "region", "ISO", "NOMBRE")
    assert result.exit_code == 0, result.output
    assert "límites de nivel «región» importados" in result.output and "región 12" in result.output
    result = _import(target, districts, "district", "UBIGEO", "DISTRITO")
    assert result.exit_code == 0, result.output
    assert "región 12, distrito 1" in result.output

    loaded = store.load(target)
    levels = loaded.boundaries["level"].astype(str).value_counts().to_dict()
    assert levels == {"region": 12, "district": 1}
    district = loaded.boundaries[loaded.boundaries["level"] == "district"].iloc[0]
    assert (district["code"], district["name"]) == ("050101", "Ayacucho")
    assert district.geometry.equals(AYACUCHO)
    assert len(loaded.innovations) == len(small_dataset.innovations)
    assert store.load(small_store).boundaries is None  # the shared fixture was not touched


def test_cli_reports_a_broken_file_in_spanish_and_leaves_the_store(small_store, tmp_path):
    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    before = target.read_bytes()
    result = _import(target, _numeric_codes(tmp_path), "region", "IDDPTO", "NOMBDEP")
    assert result.exit_code == 1
    assert "campo «IDDPTO»" in result.output and "como texto" in result.output
    assert target.read_bytes() == before


# INEI's districts as they come: features 1 and 3 share 050101, 2 and 6 share 050102 (disjoint parts
# of one district), feature 4 has a null geometry and feature 5 an empty one. In UTM 18S, as INEI
# often distributes them: 0.1° is about 11 km there.
UTM = "EPSG:32718"
_PARTS = {1: (580_000, 8_540_000), 2: (600_000, 8_540_000), 3: (580_000, 8_560_000), 6: (600_000, 8_560_000)}
DISTRICTS = gpd.GeoDataFrame(
    {
        "UBIGEO": ["050101", "050102", "050101", "050103", "050104", "050102"],
        "NOMBDIST": ["Ayacucho", "Acocro", "Ayacucho (anexo)", "Acos Vinchos", "Carmen Alto", "Acocro (anexo)"],
    },
    geometry=[
        shapely.box(*_PARTS[n], _PARTS[n][0] + 10_000, _PARTS[n][1] + 10_000)
        if n in _PARTS
        else (None if n == 4 else shapely.Polygon())
        for n in range(1, 7)
    ],
    crs=UTM,
)


def _districts(tmp_path: Path, kind: str) -> Path | str:
    if kind == "gpkg":
        DISTRICTS.to_file(tmp_path / "distritos.gpkg", layer="distritos", driver="GPKG")
        return tmp_path / "distritos.gpkg"
    return _zipped_shapefile(DISTRICTS, tmp_path / "distritos")  # a Shapefile stores both as null


@pytest.mark.parametrize("kind", ["gpkg", "zip"])
def test_every_empty_geometry_and_repeated_code_is_reported_at_once(tmp_path, kind):
    with pytest.raises(BoundaryProblems) as caught:
        read_boundaries(_districts(tmp_path, kind), "district", "UBIGEO", "NOMBDIST")
    error = caught.value
    assert isinstance(error, ContractError) and error.column == "UBIGEO"
    assert error.problems == (
        Problem("repeated_code", "050101", (1, 3)),
        Problem("repeated_code", "050102", (2, 6)),
        Problem("empty_geometry", "050103", (4,)),
        Problem("empty_geometry", "050104", (5,)),
    )
    spanish = error.message("es")
    for line in (
        "UBIGEO «050101» se repite en 2 elementos: 1, 3",
        "UBIGEO «050102» se repite en 2 elementos: 2, 6",
        "elemento 4, UBIGEO «050103»: no tiene geometría",
        "elemento 5, UBIGEO «050104»: no tiene geometría",
        "--skip-empty",
        "--dissolve-duplicates",
        "distritos",
    ):
        assert line in spanish
    english = error.message("en")
    assert "UBIGEO «050102» is repeated in 2 features: 2, 6" in english
    assert "feature 5, UBIGEO «050104»: has no geometry" in english


def test_each_option_gets_past_its_own_problems_only(tmp_path):
    path = _districts(tmp_path, "gpkg")
    with pytest.raises(BoundaryProblems) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBDIST", skip_empty=True)
    assert [p.reason for p in caught.value.problems] == ["repeated_code", "repeated_code"]
    with pytest.raises(BoundaryProblems) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBDIST", dissolve_duplicates=True)
    assert [p.features for p in caught.value.problems] == [(4,), (5,)]
    read = read_boundary_file(path, "district", "UBIGEO", "NOMBDIST", skip_empty=True, dissolve_duplicates=True)
    assert read.skipped == (4, 5)
    assert read.merged == {"050101": (1, 3), "050102": (2, 6)}
    boundaries = read.boundaries
    assert boundaries["code"].tolist() == ["050101", "050102"]
    assert boundaries["name"].tolist() == ["Ayacucho", "Acocro"]  # the first feature's name
    expected = DISTRICTS.to_crs("EPSG:4326").geometry
    for code, (first, second) in read.merged.items():
        merged = boundaries.geometry[boundaries["code"] == code].iloc[0]
        assert merged.geom_type == "MultiPolygon" and len(merged.geoms) == 2
        assert shapely.symmetric_difference(merged, expected[first - 1].union(expected[second - 1])).area < 1e-12


@pytest.fixture()
def atlas(tmp_path) -> Path:
    """The bundled demo store, copied: every test may change its copy."""
    target = tmp_path / "atlas.gpkg"
    shutil.copy(DEMO_STORE, target)
    return target


def test_cli_refuses_the_whole_file_then_imports_it_with_skip_empty_and_dissolve(tmp_path, atlas):
    path = _districts(tmp_path, "zip")
    before = atlas.read_bytes()
    result = _import(atlas, path, "district", "UBIGEO", "NOMBDIST")
    assert result.exit_code == 1
    for code in ("050101", "050102", "050103", "050104"):
        assert f"UBIGEO «{code}»" in result.output
    assert atlas.read_bytes() == before and open_store(atlas).history().empty

    result = _import(atlas, path, "district", "UBIGEO", "NOMBDIST", "--skip-empty", "--dissolve-duplicates")
    assert result.exit_code == 0, result.output
    assert "Elementos omitidos por no tener geometría: 2 (4, 5)" in result.output
    assert "Elementos unidos por tener el mismo código: 4, ahora 2 límites (050101, 050102)" in result.output
    assert "Límites en el almacén: distrito 2" in result.output and "CHG-000001" in result.output
    stored = store.load(atlas).boundaries
    assert stored["code"].tolist() == ["050101", "050102"]
    assert set(stored.geom_type) == {"MultiPolygon"}


def _region_boxes(data: Dataset) -> gpd.GeoDataFrame:
    """The contract's region boundaries: a box per Peruvian region around its communities."""
    boxes = region_boxes(data)
    boxes = boxes[boxes["ISO"].str.startswith("PE-")]
    return gpd.GeoDataFrame(
        {"boundary_id": "region-" + boxes["ISO"], "level": "region", "code": boxes["ISO"], "name": boxes["NOMBRE"]},
        geometry=boxes.geometry.values,
        crs="EPSG:4326",
    )


def test_a_boundaries_change_is_in_the_history_and_undo_brings_back_the_previous_one(atlas, tmp_path):
    data = store.load(atlas)
    first = _region_boxes(data)
    path = _file(tmp_path / "regiones.gpkg", {"ISO": ["PE-AYA"], "NOMBRE": ["Ayacucho"]}, [AYACUCHO])
    entry = open_store(atlas).replace_boundaries(first, Source("boundaries", "cajas.gpkg"), "Ana")
    result = _import(atlas, path, "region", "ISO", "NOMBRE")
    assert result.exit_code == 0, result.output
    assert store.load(atlas).boundaries["code"].tolist() == ["PE-AYA"]

    history = open_store(atlas).history()
    assert history["id"].tolist() == ["CHG-000002", entry] and set(history["kind"]) == {"boundaries"}
    assert json.loads(history["counts"][0]) == {"skipped": 0, "merged": 0, "level": "region", "count": 1}
    assert history["file"][0] == "regiones.gpkg" and len(history["sha256"][0]) == 64
    assert (atlas.parent / "backups" / history["backup"][0]).is_file()
    # the first change cannot be undone while the second, on the same level, is in effect
    refused = CliRunner().invoke(main, ["undo", entry, "--editor", "Ana", "--store", str(atlas)])
    assert refused.exit_code == 1 and "boundaries «region»" in refused.output

    result = CliRunner().invoke(main, ["undo", "CHG-000002", "--editor", "Ana", "--store", str(atlas)])
    assert result.exit_code == 0, result.output
    restored = store.load(atlas)
    assert restored.boundaries["code"].tolist() == first["code"].tolist()
    assert restored.boundaries.geom_equals(first.geometry, align=False).all()
    assert len(restored.innovations) == len(data.innovations)
    open_store(atlas).undo(entry, "Ana")
    assert store.load(atlas).boundaries is None  # before the first change there were none
    assert open_store(atlas).history()["kind"].tolist() == ["undo", "undo", "boundaries", "boundaries"]


def _province_patches(data: Dataset) -> gpd.GeoDataFrame:
    """Ayacucho's provinces only: small disjoint squares around each of their communities."""
    communities = data.communities[data.communities["region"] == "PE-AYA"]
    squares = gpd.GeoSeries(
        shapely.box(
            communities.geometry.x - 0.01,
            communities.geometry.y - 0.01,
            communities.geometry.x + 0.01,
            communities.geometry.y + 0.01,
        )
    )
    patches = squares.groupby(communities["province"].astype(str).to_numpy()).agg(shapely.union_all)
    return gpd.GeoDataFrame(
        {"boundary_id": "province-" + patches.index, "level": "province", "code": patches.index, "name": patches.index},
        geometry=patches.values,
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def two_levels(tmp_path_factory) -> Path:
    """The demo store with Peruvian regions and Ayacucho's provinces side by side; tests must not modify it."""
    target = tmp_path_factory.mktemp("levels") / "atlas.gpkg"
    shutil.copy(DEMO_STORE, target)
    data = store.load(target)
    open_store(target).replace_boundaries(_region_boxes(data), Source("boundaries", "regiones"), "Ana")
    open_store(target).replace_boundaries(_province_patches(data), Source("boundaries", "provincias"), "Ana")
    return target


def _hand_counts(boundaries: gpd.GeoDataFrame, points: gpd.GeoSeries, level: str) -> tuple[dict[str, int], int]:
    polygons = boundaries[boundaries["level"] == level]
    inside = {code: 0 for code in polygons["code"]}
    outside = 0
    for point in points:
        # a point on a shared border goes to the first polygon, as count_by_boundary does
        hit = next(
            (code for code, shape in zip(polygons["code"], polygons.geometry, strict=True) if shape.intersects(point)),
            None,
        )
        if hit is None:
            outside += 1
        else:
            inside[hit] += 1
    return inside, outside


@pytest.mark.parametrize("level", ["region", "province", None])
@pytest.mark.parametrize("regions", [(), ("PE-AYA", "PE-PUN")])
def test_each_stored_level_draws_its_choropleth_and_counts_what_lies_outside(two_levels, level, regions, monkeypatch):
    # k=1: restricted records at their district's centre, which lies inside the made-up boxes; where an area of
    # k communities is shown is tested in tests/data/test_reidentification.py
    monkeypatch.setenv("ATLAS_MIN_COMMUNITIES", "1")
    data = store.load(two_levels)
    assert data.boundaries["level"].astype(str).value_counts().to_dict() == {"region": 6, "province": 8}
    selection = Selection.of(data, FilterIndex.build(data.innovations, data.communities), Filters(regions=regions))
    expected, outside = _hand_counts(data.boundaries, selection.points, level or "province")  # default: finest
    assert outside_boundaries(selection, level) == outside
    # Bolivia's and Ecuador's points lie beyond every Peruvian region, Puno's beyond Ayacucho's provinces
    assert (outside == 0) == (level == "region" and regions != ())
    (group,) = build_layers(("choropleth",), selection, "es", level)
    shaded = next(c for c in group._children.values() if isinstance(c, CountedShapes))
    drawn = json.loads(shapes.file_of(shaded.url).read_bytes())["features"]
    names = dict(zip(data.boundaries["code"], data.boundaries["name"], strict=True))
    counted = {f["properties"]["name"]: shaded.counts[f["properties"]["i"]] for f in drawn}
    assert counted == {names[code]: count for code, count in expected.items()}


def test_the_level_travels_in_the_address():
    view = address.MapView(layers=("choropleth",), level="province")
    assert address.encode(Filters(), view) == {"capas": "choropleth", "nivel": "province"}
    assert address.decode({"capas": "choropleth", "nivel": "province"}) == (Filters(), view, [])
    _, view, notices = address.decode({"nivel": "departamento"})
    assert view.level is None
    assert notices == [address.Notice("nivel", "departamento", address.BAD_VALUE)]


def test_the_map_page_offers_the_stored_levels_and_says_how_many_lie_outside(two_levels, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard import state
    from dashboard.paths import PACKAGE, STORE_ENV

    monkeypatch.setenv(STORE_ENV, str(two_levels))
    at = AppTest.from_file(str(PACKAGE / "app.py"), default_timeout=60)
    at.query_params["capas"] = "choropleth"
    at.query_params["nivel"] = "region"
    at.run()
    assert not at.exception
    chooser = at.selectbox(key=state.LEVEL)
    assert chooser.options == ["provincia", "región"] and chooser.value == "region"
    data = store.load(two_levels)
    points = public_points(data.innovations, data.communities)
    _, outside = _hand_counts(data.boundaries, points, "region")
    assert any(f"fuera de los límites: {outside}" in c.value for c in at.caption)
    chooser.set_value("province").run()
    assert "nivel" not in at.query_params  # the finest level is the default, left out of the address
    _, outside = _hand_counts(data.boundaries, points, "province")
    assert any(f"fuera de los límites: {outside}" in c.value for c in at.caption)
