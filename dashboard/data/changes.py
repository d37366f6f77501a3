"""What an import or an edit does to the store, as one value that the store applies all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

Key = tuple[str, str]  # (layer, record id), e.g. ("innovations", "INN-000123")


@dataclass(frozen=True)
class Changes:
    """Rows to add, rows to replace and records to delete, per layer ("partners", "communities", "innovations").

    Frames are shaped like the store's own (`Dataset` frames: contract columns, list
    columns as Python lists, EPSG:4326 points). An added row whose id is missing gets a new id
    when it is committed. `seen` holds the revision each updated or deleted record had when the
    user saw it: if the store has moved on since, the commit is refused as a conflict.
    """

    added: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    updated: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    deleted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    restored: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ids brought back from the trash
    seen: dict[Key, int] = field(default_factory=dict)
    source_keys: dict[Key, str] = field(default_factory=dict)  # Kobo _uuid / ODK instanceID per record

    @property
    def empty(self) -> bool:
        return not (
            any(len(f) for f in self.added.values())
            or any(len(f) for f in self.updated.values())
            or any(self.deleted.values())
            or any(self.restored.values())
        )


@dataclass(frozen=True)
class Source:
    """Where a change came from, for the audit: a file (name and SHA-256) or a form on the page."""

    kind: str  # "import", "edit", "delete", "restore", "undo"
    name: str  # file name, or a short description of the edit
    sha256: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"new": 12, "update": 3, "rejected": 2}
