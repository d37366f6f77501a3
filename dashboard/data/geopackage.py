"""The atlas in one GeoPackage file: the first `AtlasStore` backend.

A write takes the exclusive lock `<store>.lock` beside the file, reads the store afresh, builds the
next store (`commits`), copies the file into `backups/` beside it, writes the whole store atomically
(`store.write`: a temporary file, verified, then renamed) and prunes the oldest backups.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from dashboard.data import backup_files, commits, history, store
from dashboard.data.backend import Backup, Plan
from dashboard.data.changes import Changes, Source
from dashboard.data.conform import ContractError
from dashboard.data.dataset import Dataset
from dashboard.data.history import IMPORTS, TRASH
from dashboard.data.refusals import CommitError, refuse_unknown_layers

LOCK_TIMEOUT = 60.0  # seconds a write waits for another importer or editor to finish
KEEP_BACKUPS = 10  # backups kept beside the store; the oldest go first
Build = Callable[[Dataset, commits.Writing], Dataset | None]  # the next store, or None when nothing changes


class GeoPackageStore:
    """The atlas held in the GeoPackage file at `path`."""

    def __init__(self, path: Path, *, keep_backups: int = KEEP_BACKUPS, timeout: float = LOCK_TIMEOUT) -> None:
        self.path, self.keep_backups, self.timeout = Path(path), keep_backups, timeout

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        """The file's path."""
        return str(self.path)

    def exists(self) -> bool:
        """Whether the file exists."""
        return self.path.exists()

    def revision(self) -> str:
        """The file's identity, size and modification time: every write replaces the file, so they change."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return "absent"
        return f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}"

    def load(self) -> Dataset:
        """Read and validate the whole file."""
        return store.load(self.path)

    def metadata(self) -> dict[str, str]:
        """The file's metadata layer alone."""
        return store.read_metadata(self.path)

    def create(self, dataset: Dataset) -> None:
        """Write `dataset` as the whole file, atomically."""
        store.write(dataset, self.path)

    def commit(self, changes: Changes, source: Source, editor: str, *, now: datetime | None = None) -> str:
        """Apply `changes` all or nothing."""
        if changes.empty:
            raise CommitError("commit.nothing")
        refuse_unknown_layers(changes)  # before waiting for the lock
        return self._write(
            lambda data, writing: commits.changed(data, changes, source, writing, self.location), editor, now
        )

    def commit_planned(self, plan: Plan, editor: str, *, now: datetime | None = None) -> str | None:
        """Apply what `plan` finds on the file read under the lock."""

        def build(data: Dataset, writing: commits.Writing) -> Dataset | None:
            changes, source = plan(data)
            return None if changes.empty else commits.changed(data, changes, source, writing, self.location)

        return self._write(build, editor, now)

    def undo(self, entry: str, editor: str, *, now: datetime | None = None) -> str:
        """Reverse the history entry `entry` from the backup taken before it."""
        return self._write(
            lambda data, writing: commits.undone(data, entry, self._backup, writing, self.location), editor, now
        )

    def replace_boundaries(
        self, boundaries: gpd.GeoDataFrame, source: Source, editor: str, *, now: datetime | None = None
    ) -> str | None:
        """Replace the boundaries of the levels in `boundaries`, other levels kept."""
        return self._write(
            lambda data, writing: commits.boundaries_replaced(data, boundaries, source, writing, self.location),
            editor,
            now,
        )

    def restore(self, backup: str, editor: str, *, now: datetime | None = None) -> str:
        """Bring back what the backup file `backup` holds, as one more entry of the history."""
        return self._write(
            lambda data, writing: commits.restored(data, backup, self._backup, writing, self.location), editor, now
        )

    def history(self) -> pd.DataFrame:
        """The audit of imports, edits and undos, newest first, read without checking every record."""
        return history.newest_first(self._table(IMPORTS))

    def trash(self) -> pd.DataFrame:
        """The trash, most recently deleted first, read without checking every record."""
        return history.by_deletion(self._table(TRASH))

    def backups(self) -> list[Backup]:
        """The backup files kept in `backups/` beside the store, oldest first."""
        found = [(file.name, backup_files.parsed(self.path, file.name)) for file in backup_files.listed(self.path)]
        return [Backup(name, entry, taken) for name, (taken, entry) in found]

    def migrate(self) -> list[str]:
        """Nothing: a GeoPackage is read whatever contract version wrote it, and rewritten whole by each write."""
        return []

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock (`<store>.lock` beside it), waiting up to `timeout` seconds for it."""
        if not self.path.is_file():
            raise ContractError(self.path, None, None, None, "no_store")
        with self.path.with_name(f"{self.path.name}.lock").open("a") as handle:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise CommitError("commit.busy", file=self.path.name, seconds=self.timeout) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, build: Build, editor: str, now: datetime | None) -> str | None:
        """Under the lock: build the next store from the file as it is, back the file up, write, prune."""
        now = history.utc(now)
        with self.locked():
            dataset = self.load()
            entry = commits.next_entry(dataset)
            writing = commits.Writing(
                entry, editor, history.utc_text(now), backup_files.name_for(self.path, entry, now)
            )
            result = build(dataset, writing)
            if result is None:
                return None
            del dataset  # one copy of the store at a time while writing
            backup_files.sweep(self.path)
            backup_files.take(self.path, writing.backup)
            store.write(result, self.path, assembled=True)
            backup_files.prune(self.path, self.keep_backups)
        return entry

    def _backup(self, name: str) -> Dataset | None:
        """The store as the backup file `name` holds it; None if that backup is not kept."""
        file = backup_files.file_of(self.path, name)
        return None if file is None else store.load(file)

    def _table(self, name: str) -> pd.DataFrame:
        """One bookkeeping table straight from the file, without reading and checking every record."""
        if not self.path.is_file():
            raise ContractError(self.path, None, None, None, "no_store")
        present = {str(layer) for layer, _ in pyogrio.list_layers(self.path)}
        frame = pyogrio.read_dataframe(self.path, layer=name) if name in present else None
        return history.table({} if frame is None else {name: frame}, name)
