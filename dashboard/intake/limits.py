"""What a file may weigh and hold before any of it is parsed: size, and for zip archives (XLSX too) their members."""

from __future__ import annotations

import copy
import io
import lzma
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from dashboard.intake.issues import IntakeError

MEGABYTE = 1_000_000
# Members that are archives themselves: never opened, so a bomb cannot hide one level down.
ARCHIVE_EXTENSIONS = (
    ".zip",
    ".kmz",
    ".xlsx",
    ".xlsm",
    ".ods",
    ".7z",
    ".rar",
    ".gz",
    ".tgz",
    ".tar",
    ".bz2",
    ".xz",
    ".zst",
    ".jar",
)
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
    max_columns: int = 2_000  # columns of one row (a sheet can claim 16 384, most of them empty)
    max_cells: int = 10_000_000  # rows × columns of one table, so that wide rows cannot fill memory either


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
        raise IntakeError(
            source, "readers.archive.ratio", member=name, ratio=f"{ratio:.0f}", limit=f"{limits.max_ratio:.0f}"
        )
    if not nested and name.lower().endswith(ARCHIVE_EXTENSIONS):
        raise IntakeError(source, "readers.archive.nested", member=name)


def check_archive(
    path: Path, source: str, limits: Limits = DEFAULT_LIMITS, *, nested: bool = False
) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, after refusing bombs, escaping names and (unless `nested`) inner archives.

    Only the central directory is read, so the sizes weighed are the ones it declares; reading the members
    through `CheckedZipFile` makes those sizes binding.
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
        raise IntakeError(
            source, "readers.archive.too_large_unpacked", size=size_text(unpacked), limit=size_text(limits.max_unpacked)
        )
    for info in members:
        _check_member(info, source, limits, nested)
    return members


class CheckedZipFile(zipfile.ZipFile):
    """A zip archive whose members inflate to at most the size its central directory declares, or are refused.

    `check_archive` weighs an archive by the sizes its headers declare; a forged header can understate them.
    Every member opened for reading here has the bytes it actually inflates to counted (and its CRC checked),
    and is refused one byte past its declared size, so the checks on declared sizes hold for what is read.
    """

    def __init__(self, path: Path, source: str) -> None:
        super().__init__(path)
        self.source = source

    def open(
        self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> IO[bytes]:
        """A member to read, as a `CountedMember`; writing is zipfile's own."""
        if mode != "r":
            return super().open(name, mode, pwd, force_zip64=force_zip64)
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        loose = copy.copy(info)  # zipfile would cut the member at its declared size; let it run one byte past,
        loose.file_size = info.file_size + 1  # so that a lie is seen and named rather than cut and missed
        del loose.CRC  # a cut member fails its CRC; CountedMember checks the CRC itself
        try:
            return CountedMember(super().open(loose, pwd=pwd), info, self.source)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error, lzma.LZMAError):
            raise IntakeError(self.source, "readers.archive.corrupt") from None


class CountedMember(io.RawIOBase):
    """One member as it inflates: refused once it outgrows its declared size; a wrong CRC at its end is corrupt."""

    def __init__(self, inner: io.BufferedIOBase, info: zipfile.ZipInfo, source: str) -> None:
        super().__init__()
        self._inner, self._info, self._source = inner, info, source
        self._size, self._crc = 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError):
            raise IntakeError(self._source, "readers.archive.corrupt") from None
        self._size += len(data)
        if self._size > self._info.file_size:
            raise IntakeError(
                self._source,
                "readers.hostile_archive.size_lie",
                member=self._info.filename,
                size=size_text(self._info.file_size),
            )
        self._crc = zlib.crc32(data, self._crc)
        if not data and len(buffer) and self._crc != self._info.CRC:
            raise IntakeError(self._source, "readers.archive.corrupt")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def check_nested_magic(path: Path, members: list[zipfile.ZipInfo], source: str) -> None:
    """Refuse members that are zip archives whatever their name says (reads 4 bytes of each)."""
    with CheckedZipFile(path, source) as archive:
        for info in members:
            if not info.is_dir():
                with archive.open(info) as handle:
                    if handle.read(4) == ZIP_MAGIC:
                        raise IntakeError(source, "readers.archive.nested", member=info.filename)


def extract(path: Path, members: list[zipfile.ZipInfo], folder: Path, source: str) -> dict[str, Path]:
    """Copy checked members into `folder` under their base names; the result maps member name → file."""
    extracted: dict[str, Path] = {}
    try:
        with CheckedZipFile(path, source) as archive:
            for info in members:
                target = folder / PurePosixPath(info.filename.replace("\\", "/")).name
                with archive.open(info) as member, target.open("wb") as out:
                    shutil.copyfileobj(member, out)
                extracted[info.filename] = target
    except (zipfile.BadZipFile, OSError, EOFError):
        raise IntakeError(source, "readers.archive.corrupt") from None
    return extracted
