"""The one way into the atlas's store: the `AtlasStore` interface, and `open_store`, which picks its backend.

Views, intake, the command line and the benchmarks read and change the store only through an
`AtlasStore`; how a backend locks, writes all or nothing and keeps its backups is its own business.
Every write (`commit`, `commit_planned`, `undo`, `replace_boundaries`, `restore`) reads the store afresh
under an exclusive lock, refuses (CommitError, nothing written) or builds the whole next store, takes a
backup, writes it atomically and adds one entry to the history, whose id it returns (e.g. CHG-000012).
The GeoPackage file is the first backend; a location with a scheme names another: postgresql:// (or
postgres://) a PostGIS database shared by several app servers (`dashboard.data.postgis`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

import geopandas as gpd
import pandas as pd

from dashboard.data.changes import Changes, Source
from dashboard.data.conform import ContractError
from dashboard.data.dataset import Dataset
from dashboard.paths import store_location

# A planned write: run on the store as it is once its lock is held, it says what to write and where it came
# from; changes that are empty write nothing.
Plan = Callable[[Dataset], tuple[Changes, Source]]


@dataclass(frozen=True)
class Backup:
    """A copy of the whole store taken before one write: its name, the audit entry it was taken for, and when."""

    name: str
    entry: str
    taken: str  # UTC, ISO text


@runtime_checkable
class AtlasStore(Protocol):
    """One atlas's store: read whole, changed all or nothing under a lock, with its history, undo and backups."""

    @property
    def location(self) -> str:
        """Where the store is, as the user named it (a path, or a connection address without its password)."""

    def exists(self) -> bool:
        """Whether the location holds a store."""

    def revision(self) -> str:
        """A text that changes whenever the store is written: the key of a cached `load`."""

    def load(self) -> Dataset:
        """The whole store, validated; ContractError names what breaks the contract."""

    def metadata(self) -> dict[str, str]:
        """The store's metadata alone (demo flag, contract version), without reading its records."""

    def create(self, dataset: Dataset) -> None:
        """Write `dataset` as the whole store, replacing what the location held (no backup, no history)."""

    def commit(self, changes: Changes, source: Source, editor: str, *, now: datetime | None = None) -> str:
        """Apply `changes`, refused as a conflict if a record is no longer as the user saw it."""

    def commit_planned(self, plan: Plan, editor: str, *, now: datetime | None = None) -> str | None:
        """Apply what `plan` finds on the store read under the lock; None when it finds nothing to write."""

    def undo(self, entry: str, editor: str, *, now: datetime | None = None) -> str:
        """Reverse the history entry `entry`, if none of the records it touched changed since."""

    def replace_boundaries(
        self, boundaries: gpd.GeoDataFrame, source: Source, editor: str, *, now: datetime | None = None
    ) -> str | None:
        """Replace the boundaries of the levels in `boundaries`; None if the store already holds exactly these."""

    def restore(self, backup: str, editor: str, *, now: datetime | None = None) -> str:
        """Bring back the records, trash and boundaries of the backup `backup`; the history is kept."""

    def history(self) -> pd.DataFrame:
        """Every import, edit, undo and restore, newest first (all text; counts and records as JSON)."""

    def trash(self) -> pd.DataFrame:
        """The deleted records that can be restored, most recently deleted first (each record as JSON text)."""

    def backups(self) -> list[Backup]:
        """The backups kept, oldest first."""

    def migrate(self) -> list[str]:
        """Bring the store's schema up to date; the names of the migrations applied, oldest first."""


def _geopackage(location: str) -> AtlasStore:
    from dashboard.data.geopackage import GeoPackageStore

    return GeoPackageStore(Path(location).expanduser())


def _postgis(location: str) -> AtlasStore:
    from dashboard.data.postgis.store import PostGISStore

    return PostGISStore(location)


# location scheme -> backend ("" for a plain path); a backend is imported only when a location names it,
# so the driver of one that is not used need not be installed
BACKENDS: dict[str, Callable[[str], AtlasStore]] = {"": _geopackage, "postgresql": _postgis, "postgres": _postgis}


def open_store(location: str | Path | None = None) -> AtlasStore:
    """The store at `location`; when None, the configured one (`$ATLAS_STORE`, else the bundled demo store)."""
    text = str(store_location() if location is None else location)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in BACKENDS:
        raise ContractError(
            text.split("@")[-1],
            None,
            None,
            None,
            "store.no_backend",
            scheme=scheme,
            known="".join(f", {s}://" for s in BACKENDS if s),
        )
    return BACKENDS[scheme](text)
