"""Copies of the store taken before every commit, kept in `backups/` beside it, and leftovers swept up."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

FOLDER = "backups"  # beside the store


def name_for(path: Path, entry: str, when: datetime) -> str:
    """The backup file name for the audit entry `entry`: <stem>-<UTC timestamp>-<entry>.gpkg."""
    return f"{path.stem}-{when:%Y%m%dT%H%M%SZ}-{entry}.gpkg"


def take(path: Path, name: str) -> Path:
    """Copy the store to `backups/<name>`; a copy cut short never carries the final name."""
    folder = path.parent / FOLDER
    folder.mkdir(exist_ok=True)
    partial = folder / f".{name}.{os.getpid()}.part"
    shutil.copyfile(path, partial)
    os.replace(partial, folder / name)
    return folder / name


def listed(path: Path) -> list[Path]:
    """The store's backups, oldest first."""
    folder, pattern = path.parent / FOLDER, re.compile(re.escape(path.stem) + r"-\d{8}T\d{6}Z-.+\.gpkg")
    return sorted(p for p in folder.glob("*.gpkg") if pattern.fullmatch(p.name)) if folder.is_dir() else []


def prune(path: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups of the store."""
    old = listed(path)
    for file in old[:max(len(old) - keep, 0)]:
        file.unlink(missing_ok=True)


# store.write names its temporary file .<stem>.<pid>.<hex>.tmp.gpkg; `take`, its partial copy .<name>.<pid>.part
def sweep(path: Path) -> None:
    """Remove temporary files that writers killed mid-way left beside the store and in its backups."""
    temporary = re.compile(r"\." + re.escape(path.stem) + r"\.(\d+)\.[0-9a-f]+\.tmp\.gpkg")
    partial = re.compile(r"\..+\.(\d+)\.part")
    found = [(f, temporary.fullmatch(f.name)) for f in path.parent.glob(".*.tmp.gpkg")]
    found += [(f, partial.fullmatch(f.name)) for f in (path.parent / FOLDER).glob(".*.part")]
    for file, match in found:
        if match and not _alive(int(match.group(1))):
            file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
