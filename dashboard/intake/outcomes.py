"""Each row's result, and the changes the file's accepted rows would make, gathered into a Report."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.data.changes import Changes, Key
from dashboard.data.contract import CRS, Entity
from dashboard.data.dataset import Dataset
from dashboard.intake.issues import Issue
from dashboard.intake.report import NEW, REJECTED, UPDATE, Report, RowResult


class _Rows:
    """Records gathered column by column, shaped like a store frame (no dict kept per row)."""

    def __init__(self, like: gpd.GeoDataFrame) -> None:
        self.columns: dict[str, list] = {c: [] for c in like.columns if c != "geometry"}
        self.geometry: list = []

    def __len__(self) -> int:
        return len(self.geometry)

    def append(self, record: dict) -> None:
        """One more record; a name the frame lacks is left out, a field the record lacks is None."""
        for name, cells in self.columns.items():
            cells.append(record.get(name))
        self.geometry.append(record.get("geometry"))

    def frame(self) -> gpd.GeoDataFrame:
        """The records gathered, as a frame with the store's columns."""
        columns = {c: pd.Series(cells, dtype=object) for c, cells in self.columns.items()}
        return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(self.geometry, crs=CRS), crs=CRS)


def _revisions(data: Dataset, layer: str) -> dict[str, int]:
    """The revision of every record of `layer` that has been edited (any other is at revision 1)."""
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return {}
    mine = records[records["entity"] == layer]
    return {record_id: int(revision) for record_id, revision in zip(mine["id"], mine["revision"], strict=True)}


class Outcome:
    """The results of the rows read so far, and the records they add and update."""

    def __init__(self, data: Dataset, entity: Entity) -> None:
        like = data.frame(entity)
        self.layer = entity.layer
        self.results: list[RowResult] = []
        self.added, self.updated = _Rows(like.assign(source_key=None)), _Rows(like)
        self.seen: dict[Key, int] = {}  # (layer, id) -> the revision each update was checked against
        self.source_keys: dict[Key, str] = {}
        self.revisions = _revisions(data, entity.layer)

    def reject(self, row: int, record_id: str | None, issues: list[Issue]) -> None:
        """A row refused with its issues (naming the stored record it matched, if any)."""
        self.results.append(RowResult(row, REJECTED, record_id, tuple(issues)))

    def accept(
        self, row: int, status: str, record_id: str | None, merged: dict, source_key: str | None, issues: list[Issue]
    ) -> None:
        """A row taken as it is: a new record, an update of a stored one, or one that changes nothing."""
        if status == NEW:
            self.added.append(merged | {"source_key": source_key})
        elif status == UPDATE:
            self.updated.append(merged)
            self.seen[(self.layer, record_id)] = self.revisions.get(record_id, 1)
        if record_id is not None and source_key and status != NEW:
            self.source_keys[(self.layer, record_id)] = source_key
        self.results.append(RowResult(row, status, record_id, tuple(issues)))

    def report(self, source: str, file_issues: tuple[Issue, ...], unmapped: tuple[str, ...]) -> Report:
        """Every row's result and the changes committing them would make."""
        changes = Changes(
            added={self.layer: self.added.frame()} if len(self.added) else {},
            updated={self.layer: self.updated.frame()} if len(self.updated) else {},
            seen=self.seen,
            source_keys=self.source_keys,
        )
        return Report(source, self.layer, tuple(self.results), changes, file_issues, unmapped)
