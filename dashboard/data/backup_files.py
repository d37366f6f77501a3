"""Copies of a GeoPackage store taken before every write, kept in `backups/` beside it, and leftovers swept up."""

from __future__ import annotations

import filecmp
import os
import re
from datetime import datetime
from pathlib import Path

import pyogrio

from dashboard.data import files, store
from dashboard.data.history import IMPORTS

FOLDER = "backups"  # beside the store


def name_for(path: Path, entry: str, when: datetime) -> str:
    """The backup file name for the audit entry `entry`: <stem>-<UTC timestamp>-<entry>.gpkg."""
    return f"{path.stem}-{when:%Y%m%dT%H%M%SZ}-{entry}.gpkg"


def _pattern(path: Path) -> re.Pattern[str]:
    """The names `name_for` gives the backups of the store at `path`, with their time and entry as groups."""
    return re.compile(re.escape(path.stem) + r"-(\d{8}T\d{6}Z)-(.+)\.gpkg")


def parsed(path: Path, name: str) -> tuple[str, str] | None:
    """The UTC time (ISO text) and the audit entry a backup name holds; None if it is no backup of this store."""
    match = _pattern(path).fullmatch(name)
    if not match:
        return None
    when = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ"), match.group(2)


def file_of(path: Path, name: str) -> Path | None:
    """The backup called `name` of the store at `path`, if it is kept; a name that leaves the folder is none."""
    file = path.parent / FOLDER / name
    return file if Path(name).name == name and parsed(path, name) and file.is_file() else None


def take(path: Path, name: str) -> Path:
    """Copy the store to `backups/<name>`; a copy cut short never carries the final name."""
    folder = path.parent / FOLDER
    folder.mkdir(exist_ok=True)
    files.copy(path, folder / name, folder / f".{name}.{os.getpid()}.part")  # the name `sweep` knows
    return folder / name


def listed(path: Path) -> list[Path]:
    """The store's backups, oldest first."""
    folder, pattern = path.parent / FOLDER, _pattern(path)
    return sorted(p for p in folder.glob("*.gpkg") if pattern.fullmatch(p.name)) if folder.is_dir() else []


def prune(path: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups of the store."""
    old = listed(path)
    for file in old[: max(len(old) - keep, 0)]:
        file.unlink(missing_ok=True)


def sweep(path: Path) -> None:
    """Remove what writes killed mid-way left: temporary files, and backups of changes that never happened.

    Call it holding the store's lock: no other write can then be between its backup and its write.
    A temporary file is removed once its writer's process has ended. A backup the audit does not name
    is removed only when it is a copy of the store as it is, so it can hold nothing the store does not
    (a backup of another store, e.g. one that `init` replaced, stays).
    """
    partial = re.compile(r"\..+\.(\d+)\.part")  # `take`'s copy cut short: .<name>.<pid>.part
    found = [(f, partial.fullmatch(f.name)) for f in (path.parent / FOLDER).glob(".*.part")]
    leftovers = [*store.temporaries(path), *((f, int(m.group(1))) for f, m in found if m)]
    leftovers += [left for backup in listed(path) for left in store.temporaries(backup)]  # a purge's rewrites
    for file, pid in leftovers:
        if not _alive(pid):
            file.unlink(missing_ok=True)
    recorded = _recorded(path)
    for backup in listed(path):
        if backup.name not in recorded and filecmp.cmp(backup, path, shallow=False):
            backup.unlink(missing_ok=True)


def _recorded(path: Path) -> set[str]:
    """The backup names the store's audit of imports (`atlas_imports`) names."""
    if IMPORTS not in {str(name) for name, _ in pyogrio.list_layers(path)}:
        return set()
    imports = pyogrio.read_dataframe(path, layer=IMPORTS, read_geometry=False)
    return {str(name) for name in imports.get("backup", []) if name}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
