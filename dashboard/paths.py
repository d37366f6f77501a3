"""Every path the atlas uses, built from this file's location."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
GEODATA = ROOT / "geodata"
SOURCES = GEODATA / "sources"
CONTEXT_SOURCES = GEODATA / "context-sources"  # the open boundary and town files the map's context is derived from
DEMO_STORE = GEODATA / "atlas.gpkg"
STATIC = PACKAGE / "static"  # served at /app/static/ (next to app.py, as Streamlit requires)
OUTLINES = STATIC / "countries.geojson"  # the offline basemap, fetched by the map from the app

STORE_ENV = "ATLAS_STORE"


def store_location() -> str | Path:
    """The store in use as `open_store` takes it: `$ATLAS_STORE` as given when it is an address (scheme://),
    else `store_path()`."""
    override = os.environ.get(STORE_ENV, "")
    return override if "://" in override else store_path()


def store_path() -> Path:
    """The store in use: `$ATLAS_STORE` if set, else the bundled demo store."""
    override = os.environ.get(STORE_ENV)
    return Path(override).expanduser().resolve() if override else DEMO_STORE
