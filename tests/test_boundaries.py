"""Administrative boundaries: import from GeoPackage, GeoJSON and zipped Shapefile; counts; CLI."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from dashboard import store
from dashboard.boundaries import count_by_boundary, read_boundaries, with_boundaries
from dashboard.cli import main
from dashboard.conform import ContractError
from dashboard.privacy import public_points
from dashboard.vocab import region_label

MARGIN = 0.05  # degrees of box around a region's communities
AYACUCHO = shapely.box(-74.3, -13.2, -74.2, -13.1)  # around Huamanga, district 050101


def _file(path: Path, columns: dict, geometry: list, crs: str | None = "EPSG:4326",
          layer: str | None = None) -> Path:
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
    corners = [(500_000, 8_500_000), (510_000, 8_500_000), (510_000, 8_510_000),
               (500_000, 8_510_000)]
    path = _file(tmp_path / "utm.gpkg", {"IDPROV": ["0501"], "NOMBPROV": ["Huamanga"]},
                 [shapely.Polygon(corners)], crs="EPSG:32718")
    imported = read_boundaries(path, "province", "IDPROV", "NOMBPROV")
    assert imported.crs.to_epsg() == 4326
    lon, lat = imported.geometry.iloc[0].exterior.coords[0]
    assert abs(lon - -75.0) < 1e-6
    assert abs(lat - -13.568451278467258) < 1e-6


@pytest.mark.parametrize("suffix", ["gpkg", "geojson"])
def test_a_ubigeo_keeps_its_leading_zero(tmp_path, suffix):
    path = _file(tmp_path / f"distritos.{suffix}",
                 {"UBIGEO": ["050101", "050102"], "DISTRITO": ["Ayacucho", "Acocro"]},
                 [AYACUCHO, shapely.box(-74.2, -13.2, -74.0, -13.1)])
    imported = read_boundaries(path, "district", "UBIGEO", "DISTRITO")
    assert imported["code"].tolist() == ["050101", "050102"]
    assert imported["boundary_id"].tolist() == ["district-050101", "district-050102"]


def _numeric_codes(tmp_path: Path) -> Path:
    """INEI's department layer as some tools export it: IDDPTO typed as a number."""
    return _file(tmp_path / "departamentos.gpkg", {"IDDPTO": [5], "NOMBDEP": ["Ayacucho"]},
                 [shapely.box(-75, -15, -73, -12)])


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
    path = _file(tmp_path / "puntos.gpkg", {"id": communities["community_id"].tolist(),
                                            "name": communities["name"].tolist()},
                 communities.geometry.tolist(), layer="puntos")
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "district", "id", "name")
    assert (caught.value.layer, caught.value.row, caught.value.field) == ("puntos", 1, "geometry")
    assert "Point" in str(caught.value)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_layer_without_crs_is_refused(tmp_path):
    # GeoJSON always means WGS 84, so a Shapefile without its .prj is the realistic case
    path = _file(tmp_path / "sin_src.shp", {"ISO": ["PE-AYA"], "NOMBRE": ["Ayacucho"]},
                 [shapely.box(-75, -15, -73, -12)], crs=None)
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "region", "ISO", "NOMBRE")
    assert caught.value.field == "geometry"
    assert "sin_src.shp" in str(caught.value) and "sistema de coordenadas" in str(caught.value)


@pytest.mark.parametrize(("code_column", "name_column", "missing"),
                         [("UBIGEO", "NOMBRE", "UBIGEO"), ("ISO", "NOMBRE_DEP", "NOMBRE_DEP")])
def test_a_missing_column_is_named(small_dataset, tmp_path, code_column, name_column, missing):
    path = _write(region_boxes(small_dataset), tmp_path, "gpkg")
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "region", code_column, name_column)
    message = str(caught.value)
    assert caught.value.field == missing
    assert f"«{missing}»" in message and "falta la columna" in message
    assert "ISO, NOMBRE" in message  # the columns the file does have, to pick from


def test_duplicate_and_empty_codes_name_the_row_and_the_files_column(tmp_path):
    path = _file(tmp_path / "repetidos.geojson",
                 {"UBIGEO": ["050101", "050102", "050101", ""], "NOMBRE": ["a", "b", "c", "d"]},
                 [shapely.box(i, 0, i + 1, 1) for i in range(4)])
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBRE")
    # the required check comes before the duplicate check
    assert (caught.value.row, caught.value.field) == (4, "UBIGEO")
    assert "obligatorio" in str(caught.value)
    gpd.read_file(path).head(3).to_file(path)
    with pytest.raises(ContractError) as caught:
        read_boundaries(path, "district", "UBIGEO", "NOMBRE")
    assert (caught.value.row, caught.value.field) == (3, "UBIGEO")
    assert "repetido" in str(caught.value)


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
        {"boundary_id": [f"{level}-{c}" for c in codes], "level": level, "code": codes,
         "name": codes},
        geometry=[shapely.box(*b) for b in boxes], crs="EPSG:4326",
    )


# Two provinces sharing the edge x = 1, a third apart, and a region over all (another level).
SQUARES = pd.concat([
    _level("province", ["A", "B", "C"], [(0, 0, 1, 1), (1, 0, 2, 1), (5, 5, 6, 6)]),
    _level("region", ["R"], [(-1, -1, 7, 7)]),
], ignore_index=True)


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
    counted = count_by_boundary(SQUARES, series, "province")
    assert dict(zip(counted["code"], counted["count"], strict=True)) == expected
    assert counted["count"].dtype == "int64"
    assert list(counted.columns) == ["boundary_id", "level", "code", "name", "geometry", "count"]
    inside = sum(p is not None and -1 <= p[0] <= 7 and -1 <= p[1] <= 7 for p in points)
    assert count_by_boundary(SQUARES, series, "region")["count"].tolist() == [inside]


def test_every_public_point_is_counted_once_though_region_boxes_overlap(small_dataset):
    boxes = region_boxes(small_dataset).rename(columns={"ISO": "code", "NOMBRE": "name"})
    boxes["level"], boxes["boundary_id"] = "region", "region-" + boxes["code"]
    points = public_points(small_dataset.innovations, small_dataset.communities)
    # some points lie in two boxes (Ayacucho's and Huancavelica's overlap), yet each counts once
    matches, _ = boxes.sindex.query(points.array, predicate="intersects")
    assert len(matches) > len(points)
    assert count_by_boundary(boxes, points, "region")["count"].sum() == len(points)
    assert count_by_boundary(boxes, points, "district").empty


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


def _import(target: Path, path: Path | str, level: str, code: str, name: str):
    arguments = ["boundaries", str(path), "--level", level, "--code-column", code,
                 "--name-column", name, "--store", str(target)]
    return CliRunner().invoke(main, arguments)


def test_cli_imports_boundaries_and_keeps_other_levels(small_dataset, small_store, tmp_path):
    target = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, target)
    regions = _write(region_boxes(small_dataset), tmp_path, "zip")
    districts = _file(tmp_path / "distritos.geojson",
                      {"UBIGEO": ["050101"], "DISTRITO": ["Ayacucho"]}, [AYACUCHO])

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
