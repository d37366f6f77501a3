"""`PostGISStore`: the `AtlasStore` held in a PostgreSQL + PostGIS database (see the package's docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import geopandas as gpd
import pandas as pd
import psycopg

from dashboard.data import commits, history
from dashboard.data.backend import Backup, Plan
from dashboard.data.changes import Changes, Source
from dashboard.data.conform import ContractError
from dashboard.data.dataset import Dataset
from dashboard.data.history import IMPORTS, TRASH
from dashboard.data.postgis import backups, migrations, tables
from dashboard.data.postgis.connection import connected, database, public
from dashboard.data.refusals import CommitError, refuse_unknown_layers

LOCK_TIMEOUT = 60.0  # seconds a write waits for another importer or editor to finish
KEEP_BACKUPS = 10  # backups kept; the oldest go first
# the next store, built from the store read under the lock, the write, and a reader of backups; None: no change
Build = Callable[[Dataset, commits.Writing, commits.ReadBackup], Dataset | None]


class PostGISStore:
    """The atlas held in the PostgreSQL database at `address` (postgresql://user:password@host:port/database)."""

    def __init__(self, address: str, *, keep_backups: int = KEEP_BACKUPS, timeout: float = LOCK_TIMEOUT) -> None:
        self.address, self.keep_backups, self.timeout = address, keep_backups, timeout

    def __repr__(self) -> str:
        return f"PostGISStore({self.location!r})"

    @property
    def location(self) -> str:
        """The database's address without its password."""
        return public(self.address)

    def exists(self) -> bool:
        """Whether the database holds an atlas (its schema migrated and an atlas written to it)."""
        with connected(self.address, read_only=True) as connection:
            return self._state(connection) is not None

    def revision(self) -> str:
        """The revision every write gives the atlas ("absent" while the database holds none)."""
        with connected(self.address, read_only=True) as connection:
            return self._state(connection) or "absent"

    def load(self) -> Dataset:
        """Read and validate the whole atlas, in one snapshot."""
        with self._reading() as connection:
            return tables.load(connection, self.location)

    def metadata(self) -> dict[str, str]:
        """The metadata table alone."""
        with self._reading() as connection:
            return tables.metadata(connection, tables.held(connection))

    def migrate(self) -> list[str]:
        """Apply the migrations the database still needs, all or none; their names, oldest first."""
        with connected(self.address) as connection:
            return migrations.apply(connection, self.location)

    def create(self, dataset: Dataset) -> None:
        """Write `dataset` as the whole atlas, migrating an empty database first; checked before it is committed."""
        with connected(self.address) as connection:
            migrations.apply(connection, self.location)
            connection.execute("INSERT INTO atlas_state (revision) VALUES ('new') ON CONFLICT DO NOTHING")
            self._lock(connection)
            tables.write_dataset(connection, dataset, self.location)
            tables.load(connection, self.location)  # raises ContractError naming the layer, row and field
            self._bump(connection)

    def commit(self, changes: Changes, source: Source, editor: str, *, now: datetime | None = None) -> str:
        """Apply `changes` all or nothing."""
        if changes.empty:
            raise CommitError("commit.nothing")
        refuse_unknown_layers(changes)  # before waiting for the lock
        return self._write(
            lambda data, writing, _: commits.changed(data, changes, source, writing, self.location), editor, now
        )

    def commit_planned(self, plan: Plan, editor: str, *, now: datetime | None = None) -> str | None:
        """Apply what `plan` finds on the atlas read under the lock."""

        def build(data: Dataset, writing: commits.Writing, _: commits.ReadBackup) -> Dataset | None:
            changes, source = plan(data)
            return None if changes.empty else commits.changed(data, changes, source, writing, self.location)

        return self._write(build, editor, now)

    def undo(self, entry: str, editor: str, *, now: datetime | None = None) -> str:
        """Reverse the history entry `entry` from the backup taken before it."""
        return self._write(
            lambda data, writing, read: commits.undone(data, entry, read, writing, self.location), editor, now
        )

    def replace_boundaries(
        self, boundaries: gpd.GeoDataFrame, source: Source, editor: str, *, now: datetime | None = None
    ) -> str | None:
        """Replace the boundaries of the levels in `boundaries`, other levels kept."""
        return self._write(
            lambda data, writing, _: commits.boundaries_replaced(data, boundaries, source, writing, self.location),
            editor,
            now,
        )

    def restore(self, backup: str, editor: str, *, now: datetime | None = None) -> str:
        """Bring back what the backup `backup` holds, as one more entry of the history."""
        return self._write(
            lambda data, writing, read: commits.restored(data, backup, read, writing, self.location), editor, now
        )

    def history(self) -> pd.DataFrame:
        """The audit of imports, edits and undos, newest first, read without checking every record."""
        return history.newest_first(self._bookkeeping(IMPORTS))

    def trash(self) -> pd.DataFrame:
        """The trash, most recently deleted first, read without checking every record."""
        return history.by_deletion(self._bookkeeping(TRASH))

    def backups(self) -> list[Backup]:
        """The backups kept, oldest first."""
        with self._reading() as connection:
            return backups.listed(connection)

    def _state(self, connection: psycopg.Connection) -> str | None:
        """The atlas's revision; None if the database holds no atlas."""
        if not connection.execute("SELECT to_regclass('atlas_state') IS NOT NULL").fetchone()[0]:
            return None
        row = connection.execute("SELECT revision FROM atlas_state").fetchone()
        return None if row is None else row[0]

    def _ready(self, connection: psycopg.Connection) -> None:
        """Refuse a database that holds no atlas, or one whose schema needs migrations first."""
        if self._state(connection) is None:
            raise ContractError(self.location, None, None, None, "store.no_atlas")
        waiting = migrations.pending(connection)
        if waiting:
            raise ContractError(
                self.location, None, None, None, "store.migrate", pending=", ".join(m.label for m in waiting)
            )

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        with connected(self.address, read_only=True) as connection:
            self._ready(connection)
            yield connection

    def _lock(self, connection: psycopg.Connection) -> None:
        """Hold the atlas's write lock until the transaction ends, waiting up to `timeout` seconds for it."""
        connection.execute(f"SET LOCAL lock_timeout = {int(self.timeout * 1000)}")
        try:
            connection.execute("SELECT revision FROM atlas_state FOR UPDATE")
        except psycopg.errors.LockNotAvailable:
            raise CommitError("commit.busy", file=self.location, seconds=self.timeout) from None

    def _bump(self, connection: psycopg.Connection) -> None:
        connection.execute("UPDATE atlas_state SET revision = %s", (uuid.uuid4().hex,))

    def _write(self, build: Build, editor: str, now: datetime | None) -> str | None:
        """In one transaction, under the lock: build the next atlas from the one stored, back it up, write it."""
        now = history.utc(now)
        with connected(self.address) as connection:
            self._ready(connection)
            self._lock(connection)
            dataset = tables.load(connection, self.location)
            entry = commits.next_entry(dataset)
            name = backups.name_for(database(self.address), entry, now)
            writing = commits.Writing(entry, editor, history.utc_text(now), name)
            result = build(dataset, writing, lambda backup: self._backup(connection, backup))
            if result is None:
                return None
            del dataset  # one copy of the atlas at a time while writing
            backups.take(connection, writing.backup, entry, writing.when)
            tables.write_dataset(connection, result, self.location)
            backups.prune(connection, self.keep_backups)
            self._bump(connection)
        return entry

    def _backup(self, connection: psycopg.Connection, name: str) -> Dataset | None:
        """The atlas as the backup `name` holds it; None if that backup is not kept."""
        schema = backups.schema_of(connection, name)
        return None if schema is None else tables.load(connection, self.location, schema)

    def _bookkeeping(self, name: str) -> pd.DataFrame:
        with self._reading() as connection:
            frame = tables.bookkeeping(connection, name)
        return history.table({} if frame is None else {name: frame}, name)
