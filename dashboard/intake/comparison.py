"""Records compared value by value: a row's record with the stored one, or with an earlier row of the file."""

from __future__ import annotations

import pandas as pd
import shapely

from dashboard.data.contract import INNOVATIONS, Entity


def plain(value: object) -> object:
    """A value as it compares: a tuple for a list, None for a missing value, rounded x and y for a point."""
    if isinstance(value, list | tuple):
        return tuple(value)
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, shapely.Geometry):
        return (round(value.x, 6), round(value.y, 6)) if not value.is_empty else None
    return value.item() if hasattr(value, "item") else value


def same_record(record: dict, existing: dict, entity: Entity) -> bool:
    """Whether the row leaves the stored record as it is (an innovation's community point is not its own)."""
    names = [f.name for f in entity.fields] + ["geometry"]
    if entity is INNOVATIONS and not record.get("has_own_point") and not existing.get("has_own_point"):
        names.remove("geometry")
    return all(plain(record.get(n)) == plain(existing.get(n)) for n in names)


def same_values(one: dict, other: dict) -> bool:
    """Whether two records hold the same value under every name either of them has."""
    return all(plain(one.get(n)) == plain(other.get(n)) for n in set(one) | set(other))


def merged(record: dict, existing: dict | None, entity: Entity) -> dict:
    """The whole record after the row: the stored values, overwritten by what the row gives."""
    base = {} if existing is None else dict(existing)
    given = dict(record)
    if entity is INNOVATIONS and existing is not None and not given.get("has_own_point"):
        given.pop("geometry", None)
        given.pop("has_own_point", None)
    return base | given
