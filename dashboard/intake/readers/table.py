"""The one shape every reader returns, and the options a caller can pass to all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.intake.issues import Issue
from dashboard.intake.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from dashboard.intake.forms import FormReport


@dataclass(frozen=True)
class RawTable:
    """A file read as text: one row per record, with where each row came from and what looked wrong.

    Cells are `str` or None (missing or empty), nothing else. Nothing is converted: "007", "NA", "None",
    "-13,16" stay as written. Columns named in `lists` hold several values joined with "; " (a form's
    multi-select, a GeoJSON array), as the atlas's own exports write lists.
    """

    frame: pd.DataFrame
    rows: list[int]  # per frame row, its number as the user finds it: line (CSV), sheet row (XLSX), feature (1-based)
    source: str  # the file name the user gave
    kind: str  # "csv", "xlsx", "geojson", "gpkg", "shapefile" or "kml"
    flavour: str | None = None  # "kobo" or "odk" when the columns say the file is a form export
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    layer: str | None = None
    crs: str | None = None  # the CRS the file's coordinates were in; longitude/latitude are always EPSG:4326
    issues: list[Issue] = field(default_factory=list)
    lists: tuple[str, ...] = ()  # columns whose text is a list joined with "; "
    form: FormReport | None = None  # what normalising a Kobo/ODK export merged and renamed


@dataclass(frozen=True)
class Request:
    """What the caller asked for: names and overrides shared by every reader."""

    source: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    layer: str | None = None
    crs: str | None = None  # the CRS to assume when the file declares none
    limits: Limits = DEFAULT_LIMITS
