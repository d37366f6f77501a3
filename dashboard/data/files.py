"""Writing a file all or nothing: a temporary file beside the target, flushed to disk, then renamed over it.

A reader (or a process killed mid-way) sees either the old file or the whole new one, never half of it.
Every writer of the atlas goes through `replacing`: the store, its backups, saved mappings and downloads.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def temporary_beside(target: Path) -> Path:
    """A fresh hidden name in the target's folder (same file system, so the rename is atomic)."""
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")


@contextmanager
def replacing(target: Path, temporary: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path to write; when the block ends without error it is synced and renamed to `target`.

    On an error the temporary file is removed and `target` stays as it was.
    """
    target = Path(target)
    temporary = temporary or temporary_beside(target)
    try:
        yield temporary
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
        _sync_folder(target.parent)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    """`data` as the whole content of `target`, all or nothing."""
    with replacing(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: Path, text: str) -> None:
    """`text` (UTF-8) as the whole content of `target`, all or nothing."""
    write_bytes(target, text.encode("utf-8"))


def copy(source: Path, target: Path, temporary: Path | None = None) -> None:
    """A copy of `source` at `target`; a copy cut short never carries the target's name."""
    with replacing(target, temporary) as partial:
        shutil.copyfile(source, partial)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a folder's entry is data too)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform that cannot open folders: the rename is still atomic
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
