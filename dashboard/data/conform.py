"""Check a layer against the data contract and give it the contract's types.

Validation happens once, here, at the edge; a problem raises ContractError naming
the file, layer, row and field, in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.contract import CRS, EARLIEST_YEAR, Entity, Field
from dashboard.data.outlines import inside_country
from dashboard.data.vocab import COUNTRIES, VOCABULARIES, regions
from dashboard.i18n import DEFAULT_LANGUAGE, t


class ContractError(ValueError):
    """A store or file that breaks the data contract, located to file, layer, row and field."""

    def __init__(
        self, source: Path | str, layer: str | None, row: int | None, field: str | None, key: str, **params
    ) -> None:
        self.source, self.layer, self.row, self.field = str(source), layer, row, field
        self.key, self.params = key, params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole message in `lang`: where, then what."""
        where = [t("error.where.file", lang, file=self.source)]
        if self.layer is not None:
            where.append(t("error.where.layer", lang, layer=self.layer))
        if self.row is not None:
            where.append(t("error.where.row", lang, row=self.row))
        if self.field is not None:
            where.append(t("error.where.field", lang, field=self.field))
        # a bare key is one of the contract's errors; a dotted key names its own catalogue table
        explanation = self.key if "." in self.key else f"error.{self.key}"
        return f"{', '.join(where)}: {t(explanation, lang, **self.params)}"


def is_in(values: pd.Series, allowed) -> pd.Series:
    """Whether each value is one of `allowed` (a hash lookup; NA is never in)."""
    found = pd.Index(list(allowed), dtype=object).get_indexer(values.to_numpy(object)) >= 0
    return pd.Series(found & values.notna().to_numpy(), index=values.index)


# A converter takes the raw column and its field and returns the typed column and
# a mask of rows whose value is present but unusable, with the catalogue key that says why.
Converted = tuple[pd.Series, pd.Series, str]


def _text(raw: pd.Series, field: Field) -> Converted:
    text = raw.astype("string")
    text = text.mask(text.str.strip() == "")
    return text, pd.Series(False, index=raw.index), "bad_text"


def _code(raw: pd.Series, field: Field) -> Converted:
    codes = tuple(VOCABULARIES[field.vocabulary].codes)
    return _categorical(raw, codes, "unknown_code")


def _country(raw: pd.Series, field: Field) -> Converted:
    return _categorical(raw, COUNTRIES, "unknown_country")


def _region(raw: pd.Series, field: Field) -> Converted:
    return _categorical(raw, tuple(regions()), "unknown_region")


def _categorical(raw: pd.Series, codes: tuple[str, ...], key: str) -> Converted:
    text, _, _ = _text(raw, None)
    unknown = text.notna() & ~is_in(text, codes)
    series = pd.Series(pd.Categorical(text.mask(unknown), categories=codes), index=raw.index)
    return series, unknown, key


def _integer(raw: pd.Series, field: Field) -> Converted:
    text, _, _ = _text(raw, field) if not pd.api.types.is_numeric_dtype(raw) else (raw, None, None)
    number = pd.to_numeric(text, errors="coerce")
    whole = number.notna() & (number == np.floor(number.fillna(0)))
    bad = text.notna() & ~whole
    return number.where(whole).astype("Int64"), bad, "not_integer"


def _year(raw: pd.Series, field: Field) -> Converted:
    number, bad, key = _integer(raw, field)
    if bad.any():
        return number, bad, key
    latest = dt.date.today().year + 1
    return number, number.notna() & ~number.between(EARLIEST_YEAR, latest), "bad_year"


_TRUE = {"1", "true", "yes", "sí", "si", "verdadero"}
_FALSE = {"0", "false", "no", "falso"}


def _boolean(raw: pd.Series, field: Field) -> Converted:
    text = raw.astype("string").str.strip().str.lower()
    typed = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    typed[is_in(text, _TRUE)] = True
    typed[is_in(text, _FALSE)] = False
    return typed, text.notna() & (text != "") & typed.isna(), "not_boolean"


CONVERTERS: dict[str, Callable[[pd.Series, Field], Converted]] = {
    "id": _text,
    "text": _text,
    "ref": _text,
    "code": _code,
    "country": _country,
    "region": _region,
    "int": _integer,
    "year": _year,
    "bool": _boolean,
}


def _raise_first(mask: pd.Series, rows: pd.Index, source, layer, field, key, values=None) -> None:
    if mask.any():
        position = int(np.flatnonzero(mask.to_numpy())[0])
        params = {} if values is None else {"value": values.iloc[position]}
        raise ContractError(source, layer, int(rows[position]), field, key, **params)


def conform_layer(entity: Entity, frame: gpd.GeoDataFrame, source: Path | str) -> gpd.GeoDataFrame:
    """The layer with the contract's types; raises ContractError at the first broken row.

    `frame` is indexed by row number (GeoPackage fid); the result keeps that index.
    """
    rows = frame.index
    frame = frame.assign(  # a store or file from before a field existed, or silent on it: the field's default
        **{
            f.name: frame[f.name].where(frame[f.name].notna(), f.default) if f.name in frame.columns else f.default
            for f in entity.scalar_fields
            if f.default is not None
        }
    )
    missing = [f.name for f in entity.scalar_fields if f.name not in frame.columns]
    if missing:
        raise ContractError(source, entity.layer, None, missing[0], "missing_column")
    typed = {}
    for field in entity.scalar_fields:
        raw = frame[field.name]
        column, bad, key = CONVERTERS[field.type](raw, field)
        _raise_first(bad.fillna(False), rows, source, entity.layer, field.name, key, raw)
        if field.required:
            _raise_first(column.isna(), rows, source, entity.layer, field.name, "required")
        typed[field.name] = column
    result = gpd.GeoDataFrame(typed, geometry=frame.geometry.values, crs=frame.crs, index=rows)
    _check_unique(result[entity.id_field], rows, source, entity.layer, entity.id_field)
    if "region" in typed and "country" in typed:
        stated = result["region"].astype("string").str[:2]
        _raise_first(
            stated.notna() & (stated != result["country"].astype("string")),
            rows,
            source,
            entity.layer,
            "region",
            "region_country",
            result["region"],
        )
    _check_geometry(entity, result, source)
    return result


def _check_unique(ids: pd.Series, rows, source, layer: str, field: str) -> None:
    _raise_first(ids.duplicated(), rows, source, layer, field, "duplicate_id", ids)


def _check_geometry(entity: Entity, frame: gpd.GeoDataFrame, source) -> None:
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ContractError(source, entity.layer, None, "geometry", "wrong_crs", crs=str(frame.crs))
    rows, geometry = frame.index, frame.geometry
    present = geometry.notna() & ~geometry.is_empty
    if entity.geometry_required:
        _raise_first(~present, rows, source, entity.layer, "geometry", "required")
    _raise_first(
        present & ~geometry.geom_type.isin(entity.geometry_types),
        rows,
        source,
        entity.layer,
        "geometry",
        "wrong_geometry",
        geometry.geom_type,
    )
    if "country" in frame.columns:
        check_points(entity, frame, frame["country"], source)


def check_points(entity: Entity, frame: gpd.GeoDataFrame, countries: pd.Series, source) -> None:
    """Raise ContractError at the first point that lies outside its stated country."""
    geometry = frame.geometry
    present = (geometry.notna() & ~geometry.is_empty).to_numpy()
    points = geometry[present]
    inside = inside_country(points.x.to_numpy(), points.y.to_numpy(), countries.astype("string").to_numpy()[present])
    outside = np.zeros(len(frame), dtype=bool)
    outside[present] = ~inside
    coordinates = geometry.map(lambda p: "" if p is None else f"{p.y:.5f}, {p.x:.5f}")
    _raise_first(
        pd.Series(outside, index=frame.index),
        frame.index,
        source,
        entity.layer,
        "geometry",
        "outside_country",
        coordinates,
    )


def attach_lists(
    entity: Entity, frame: gpd.GeoDataFrame, links: dict[str, pd.DataFrame], source: Path | str
) -> gpd.GeoDataFrame:
    """`frame` with each multi-valued field restored as a list from its link table."""
    known = set(frame[entity.id_field])
    for field in entity.multi_fields:
        layer, column = entity.link_layer(field), entity.link_column(field)
        table = links.get(layer)
        if table is None and field.added_later:  # a store written before the field existed: no values
            table = pd.DataFrame({entity.id_field: [], column: []}, dtype=object)
        for name in (entity.id_field, column):
            if name not in table.columns:
                raise ContractError(source, layer, None, name, "missing_column")
        owner = table[entity.id_field].astype("string")
        _raise_first(~is_in(owner, known), table.index, source, layer, entity.id_field, "unknown_ref", owner)
        value = table[column].astype("string")
        if field.type == "codes":
            vocabulary = VOCABULARIES[field.vocabulary]
            _raise_first(~is_in(value, vocabulary.codes), table.index, source, layer, column, "unknown_code", value)
        frame[field.name] = lists_by_owner(
            owner.to_numpy(object), value.to_numpy(object), frame[entity.id_field].to_numpy(object)
        )
        if field.required:
            _raise_first(frame[field.name].map(len) == 0, frame.index, source, entity.layer, field.name, "required")
    return frame


def lists_by_owner(owners: np.ndarray, values: np.ndarray, ids: np.ndarray) -> list[list[str]]:
    """For each id, the values whose owner it is, in table order (a vectorised group-to-list)."""
    codes, uniques = pd.factorize(owners)
    order = np.argsort(codes, kind="stable")
    groups = np.split(values[order], np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1])
    position = pd.Index(uniques).get_indexer(ids)
    return [groups[p].tolist() if p >= 0 else [] for p in position]
