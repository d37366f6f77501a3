"""A new atlas to fill with one's own data: every layer of the contract, empty, optionally with the real partners."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from dashboard.data import demo
from dashboard.data.conform import conform_layer
from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS, PARTNERS, Entity
from dashboard.data.dataset import Dataset, assemble


def empty_layer(entity: Entity) -> gpd.GeoDataFrame:
    """`entity`'s layer with no rows, typed by the contract, its list fields included."""
    columns = {f.name: pd.Series([], dtype=object) for f in entity.scalar_fields}
    typed = conform_layer(entity, gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS), "init")
    return typed.assign(**{f.name: pd.Series([], dtype=object) for f in entity.multi_fields})


def empty_atlas(partners: bool) -> Dataset:
    """An atlas with no communities or innovations, not illustrative; with `partners`, the platform's partners.

    The partners are the real members of Prolinnova–Peru at their head-office towns, built as the demo builds them.
    """
    partner_layer = demo.build_partners(demo.read_sources()) if partners else empty_layer(PARTNERS)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return assemble(
        partner_layer,
        empty_layer(COMMUNITIES),
        empty_layer(INNOVATIONS),
        {"illustrative": "false", "created": created},
        "init",
    )
