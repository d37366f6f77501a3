"""Zip archives (a zipped shapefile, a KMZ, one zipped data file): checked, then only the needed members extracted."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from dashboard.intake.issues import IntakeError
from dashboard.intake.limits import check_archive, check_nested_magic, extract
from dashboard.intake.readers.table import RawTable, Request
from dashboard.intake.readers.vector import read_shapefile

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
MemberReader = Callable[[Path, str, Request], RawTable]  # (extracted file, kind, request) -> table


def _suffix(info: zipfile.ZipInfo) -> str:
    return PurePosixPath(info.filename).suffix.lower()


def _stem(info: zipfile.ZipInfo) -> str:
    """The member's path without its extension, lower case: a shapefile's parts share it."""
    return str(PurePosixPath(info.filename.lower()).with_suffix(""))


def _is_junk(info: zipfile.ZipInfo) -> bool:
    """Folders, and the resource forks and thumbnails that macOS and Windows add to archives."""
    name = PurePosixPath(info.filename)
    return info.is_dir() or name.parts[0] == "__MACOSX" or name.name.startswith("._") or name.name == "Thumbs.db"


def _choose_shapefile(shapes: list[zipfile.ZipInfo], layer: str | None, source: str) -> zipfile.ZipInfo:
    if layer is not None:
        for info in shapes:
            if PurePosixPath(info.filename).stem == layer:
                return info
        names = ", ".join(PurePosixPath(i.filename).stem for i in shapes)
        raise IntakeError(source, "readers.vector.no_layer", layer=layer, layers=names)
    if len(shapes) > 1:
        names = ", ".join(PurePosixPath(i.filename).stem for i in shapes)
        raise IntakeError(source, "readers.archive.several", names=names)
    return shapes[0]


def _read_shapefile(path: Path, files: list[zipfile.ZipInfo], request: Request, folder: Path) -> RawTable:
    shp = _choose_shapefile([f for f in files if _suffix(f) == ".shp"], request.layer, request.source)
    parts = [f for f in files if _stem(f) == _stem(shp) and _suffix(f) in SHAPEFILE_PARTS]
    extracted = extract(path, parts, folder, request.source)
    return read_shapefile(extracted[shp.filename], request)


def read_archive(path: Path, request: Request, kinds: dict[str, str], read_member: MemberReader) -> RawTable:
    """The shapefile in a zip, or its one data file (`kinds` maps extension -> kind); nothing else is extracted."""
    members = check_archive(path, request.source, request.limits)
    files = [info for info in members if not _is_junk(info)]
    check_nested_magic(path, files, request.source)
    with tempfile.TemporaryDirectory(prefix="atlas-intake-") as folder:
        if any(_suffix(f) == ".shp" for f in files):
            return _read_shapefile(path, files, request, Path(folder))
        data = [f for f in files if _suffix(f) in kinds]
        if not data:
            raise IntakeError(request.source, "readers.archive.no_data")
        if len(data) > 1:
            raise IntakeError(request.source, "readers.archive.several", names=", ".join(f.filename for f in data))
        extracted = extract(path, data, Path(folder), request.source)
        return read_member(extracted[data[0].filename], kinds[_suffix(data[0])], request)
