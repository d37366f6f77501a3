"""What a file may weigh and hold before any of it is parsed: size, and for zip archives (XLSX too) their members."""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dashboard.intake.issues import IntakeError

MEGABYTE = 1_000_000
# Members that are archives themselves: never opened, so a bomb cannot hide one level down.
ARCHIVE_EXTENSIONS = (".zip", ".kmz", ".xlsx", ".xlsm", ".ods", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2",
                      ".xz", ".zst", ".jar")
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """The ceilings a file must stay under; every one can be lowered or raised by the caller."""

    max_bytes: int = 50 * MEGABYTE  # the file as uploaded
    max_members: int = 500  # entries of a zip archive (a shapefile has 4–6, an XLSX 10–30)
    max_unpacked: int = 250 * MEGABYTE  # all members of an archive, uncompressed
    max_ratio: float = 200.0  # uncompressed ÷ compressed size of one member: above this it is a zip bomb
    ratio_floor: int = MEGABYTE  # members smaller than this are too small to be a bomb, whatever their ratio
    max_rows: int = 300_000  # rows or features of one table, counted while reading, before any frame is built


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """A byte count as people read it: 512 B, 84 kB, 51.2 MB."""
    if size < 1000:
        return f"{size} B"
    if size < MEGABYTE:
        return f"{size / 1000:.0f} kB"
    return f"{size / MEGABYTE:.1f} MB"


def check_size(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a missing file, or one larger than `limits.max_bytes`."""
    if not path.is_file():
        raise IntakeError(source, "readers.missing")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise IntakeError(source, "readers.limits.too_large", size=size_text(size), limit=size_text(limits.max_bytes))


def is_zip(path: Path) -> bool:
    """Whether the file starts like a zip archive (XLSX, KMZ and zipped shapefiles all do)."""
    with path.open("rb") as handle:
        return handle.read(4) == ZIP_MAGIC


def unsafe_name(name: str) -> bool:
    """Whether a member name would land outside the folder it is extracted into."""
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    return posix.startswith("/") or (len(posix) > 1 and posix[1] == ":") or ".." in parts


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_member(info: zipfile.ZipInfo, source: str, limits: Limits, nested: bool) -> None:
    name = info.filename
    if unsafe_name(name) or _is_link(info):
        raise IntakeError(source, "readers.archive.unsafe_name", member=name)
    if info.flag_bits & 0x1:
        raise IntakeError(source, "readers.archive.encrypted", member=name)
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
        raise IntakeError(source, "readers.archive.ratio", member=name, ratio=f"{ratio:.0f}",
                          limit=f"{limits.max_ratio:.0f}")
    if not nested and name.lower().endswith(ARCHIVE_EXTENSIONS):
        raise IntakeError(source, "readers.archive.nested", member=name)


def check_archive(path: Path, source: str, limits: Limits = DEFAULT_LIMITS, *,
                  nested: bool = False) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, after refusing bombs, escaping names and (unless `nested`) inner archives.

    Only the central directory is read; zipfile never inflates a member past the size declared there,
    so these checks hold when the members are later read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IntakeError(source, "readers.archive.corrupt") from None
    if len(members) > limits.max_members:
        raise IntakeError(source, "readers.archive.too_many_members", count=len(members), limit=limits.max_members)
    unpacked = sum(info.file_size for info in members)
    if unpacked > limits.max_unpacked:
        raise IntakeError(source, "readers.archive.too_large_unpacked", size=size_text(unpacked),
                          limit=size_text(limits.max_unpacked))
    for info in members:
        _check_member(info, source, limits, nested)
    return members


def check_nested_magic(path: Path, members: list[zipfile.ZipInfo], source: str) -> None:
    """Refuse members that are zip archives whatever their name says (reads 4 bytes of each)."""
    with zipfile.ZipFile(path) as archive:
        for info in members:
            if not info.is_dir():
                with archive.open(info) as handle:
                    if handle.read(4) == ZIP_MAGIC:
                        raise IntakeError(source, "readers.archive.nested", member=info.filename)


def extract(path: Path, members: list[zipfile.ZipInfo], folder: Path, source: str) -> dict[str, Path]:
    """Copy checked members into `folder` under their base names; the result maps member name → file."""
    extracted: dict[str, Path] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in members:
                target = folder / PurePosixPath(info.filename.replace("\\", "/")).name
                with archive.open(info) as member, target.open("wb") as out:
                    shutil.copyfileobj(member, out)
                extracted[info.filename] = target
    except (zipfile.BadZipFile, OSError, EOFError):
        raise IntakeError(source, "readers.archive.corrupt") from None
    return extracted
