"""Any field-data file read as text, safely, into one shape: `read_table(path) -> RawTable`.

The kind comes from the file name (`name`, the name the user uploaded, else the path's); the file's
size, and an archive's members, are checked before anything is parsed. Kobo and ODK exports are
recognised by their columns and normalised (see `dashboard.intake.forms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from dashboard.intake.forms import FormReport, detect_flavour, normalise_form
from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import DEFAULT_LIMITS, Limits, check_size, is_zip
from dashboard.intake.readers.archive import read_archive
from dashboard.intake.readers.delimited import read_csv
from dashboard.intake.readers.geojson import read_geojson
from dashboard.intake.readers.table import RawTable, Request
from dashboard.intake.readers.vector import layer_names, read_gpkg, read_kml, read_shapefile
from dashboard.intake.readers.workbook import read_xlsx, sheet_names

__all__ = ["FormReport", "RawTable", "Request", "kind_of", "layer_for", "layer_names", "read_table", "sheet_names"]

Reader = Callable[[Path, Request], RawTable]
READERS: dict[str, Reader] = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "geojson": read_geojson,
    "gpkg": read_gpkg,
    "kml": read_kml,
    "shapefile": read_shapefile,
}
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".kml": "kml",
    ".shp": "shapefile",
    ".zip": "zip",
    ".kmz": "zip",
}
# Data files that may sit alone in a zip (a shapefile is found by its .shp).
ARCHIVED = {ext: kind for ext, kind in EXTENSIONS.items() if kind in ("csv", "geojson", "gpkg", "kml")}
# Formats people will try, each refused with a message that says what to save instead.
REFUSED = {
    ".xls": "readers.format.old_excel",
    ".ods": "readers.format.calc",
    ".xlsb": "readers.format.old_excel",
    ".dbf": "readers.format.lone_dbf",
    ".shx": "readers.format.lone_dbf",
}


def kind_of(source: str) -> str:
    """The reader a file name calls for: "csv", "xlsx", "geojson", "gpkg", "kml", "shapefile" or "zip"."""
    extension = Path(source).suffix.lower()
    if extension in REFUSED:
        raise IntakeError(source, REFUSED[extension])
    if extension not in EXTENSIONS:
        raise IntakeError(source, "readers.format.unknown", extension=extension or "—")
    return EXTENSIONS[extension]


def layer_for(path: Path, source: str, wanted: str) -> str | None:
    """`wanted` when `source` is a GeoPackage holding a layer of that name (an atlas store or export), else None."""
    if kind_of(source) != "gpkg":
        return None
    return wanted if wanted in layer_names(Path(path), source) else None


def _read_member(path: Path, kind: str, request: Request) -> RawTable:
    return READERS[kind](path, request)


def _with_form(table: RawTable, separator: str | None) -> RawTable:
    """A Kobo/ODK export normalised, with its flavour and report; any other table as it is."""
    flavour = detect_flavour([str(c) for c in table.frame.columns])
    if flavour is None:
        return table
    frame, report, issues = normalise_form(table.frame, table.rows, flavour, separator=separator)
    return replace(
        table, frame=frame, flavour=flavour, form=report, lists=table.lists + report.lists, issues=table.issues + issues
    )


def read_table(
    path: Path,
    *,
    name: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    group_separator: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable:
    """Read a field-data file as text, every row numbered as the user sees it, every problem an Issue.

    :param path: the file on disk (an upload saved to a temporary file is fine).
    :param name: the name the user knows the file by; it sets the kind and names the file in messages.
    :param encoding: a text encoding for CSV (or a .dbf without .cpg) instead of the detected one.
    :param delimiter: the CSV delimiter instead of the detected one.
    :param sheet: the worksheet to read (XLSX); default the first one, after the atlas's readme sheet.
    :param layer: the layer to read (GeoPackage, KML folder, one shapefile of several in a zip).
    :param crs: the CRS to assume when a vector file declares none (e.g. "EPSG:32718").
    :param group_separator: the "group separator" of a Kobo export if not "/" (ODK Central always uses "-").
    :param limits: the size ceilings; refusals raise IntakeError before any parsing.
    :raises IntakeError: when the whole file cannot be read; its `reason` is a catalogue key.
    """
    path = Path(path)
    source = name or path.name
    request = Request(source, encoding, delimiter, sheet, layer, crs, limits)
    kind = kind_of(source)
    check_size(path, source, limits)
    if kind == "xlsx" and not is_zip(path):
        raise IntakeError(source, "readers.xlsx.not_workbook")
    table = read_archive(path, request, ARCHIVED, _read_member) if kind == "zip" else READERS[kind](path, request)
    return _with_form(table, group_separator)
