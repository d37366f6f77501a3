"""Writers of a public view: CSV, Excel, GeoJSON, GeoPackage and KML (the pack's registry offers them)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard import palette
from dashboard.data import store, vocab
from dashboard.data.contract import COMMUNITIES, CRS, INNOVATIONS, PARTNERS, Entity
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import AREA_LEVEL, area_labels, is_public, min_communities
from dashboard.data.vocab import DOMAIN, PID_STAGE, Vocabulary, region_label, vocabulary_of
from dashboard.i18n import t

LIST_SEPARATOR = "; "
# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XML 1.0, and so XLSX and KML, cannot hold at all.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEETS = (INNOVATIONS, COMMUNITIES, PARTNERS)
# metadata keys the readme sheet reports when the store has them
README_METADATA = ("source", "licence", "updated")
# rows of the table in a KML balloon, under the innovation's description
BALLOON = (
    "community_name",
    "area_shown",
    "region_name",
    "domain_label",
    "crop_labels",
    "livestock_labels",
    "label_names",
    "partner_names",
    "year_started",
    "year_documented",
    "pid_stage_label",
)
# openpyxl takes colours as hex digits without the "#"
HEADER_FONT = Font(bold=True, color=palette.WHITE.lstrip("#"))
HEADER_FILL = PatternFill("solid", fgColor=palette.GREEN.lstrip("#"))


def neutralised(value: object) -> object:
    """Text a spreadsheet would run as a formula, prefixed with a quote; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def _plain(value: object) -> object:
    """A cell value as plain Python: None for missing, lists as lists, numpy scalars unwrapped."""
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if value is None or pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _objects(column: pd.Series) -> pd.Series:
    return pd.Series([_plain(v) for v in column.astype(object)], index=column.index, dtype=object)


def _labels(codes: pd.Series, label: Callable[[str], str]) -> pd.Series:
    return codes.astype(object).map(lambda c: None if pd.isna(c) else label(c))


def _listed(lists: pd.Series, vocabulary: Vocabulary, lang: str) -> pd.Series:
    return lists.map(lambda codes: [vocabulary.label(c, lang) for c in codes])


def _innovation_helpers(view: Dataset, lang: str) -> dict[str, pd.Series]:
    """Readable columns beside an innovation's codes: names and labels in `lang`."""
    innovations = view.innovations
    community = view.communities.set_index("community_id")["name"].astype(object)
    partner = dict(zip(view.partners["partner_id"], view.partners["name"], strict=True))
    return {
        "community_name": innovations["community_id"].astype(object).map(community),
        "region_name": _labels(innovations["region"], region_label),
        "domain_label": _labels(innovations["domain"], lambda c: DOMAIN.label(c, lang)),
        "pid_stage_label": _labels(innovations["pid_stage"], lambda c: PID_STAGE.label(c, lang)),
        **{WORDED[c]: _listed(innovations[c], vocabulary_of(c), lang) for c in ("crops", "livestock", "labels")},
        "partner_names": innovations["partners"].map(lambda ids: [partner.get(p, p) for p in ids]),
    }


HELPERS: dict[str, Callable[[Dataset, str], dict[str, pd.Series]]] = {
    INNOVATIONS.layer: _innovation_helpers,
    COMMUNITIES.layer: lambda view, lang: {"region_name": _labels(view.communities["region"], region_label)},
}


def records(view: Dataset, entity: Entity, lang: str) -> pd.DataFrame:
    """One row per record: the contract fields the view holds, as codes, its point, then readable helpers."""
    frame = view.frame(entity)
    columns = {f.name: _objects(frame[f.name]) for f in entity.fields if f.name in frame.columns}
    columns |= {"longitude": frame.geometry.x, "latitude": frame.geometry.y}
    if "location_shown" in frame.columns:
        columns["location_shown"] = _labels(frame["location_shown"], lambda c: vocab.LOCATION_SHOWN.label(c, lang))
    if AREA_LEVEL in frame.columns:  # a public view: where each restricted innovation is shown
        columns["area_shown"] = area_labels(frame, lang)
    helpers = HELPERS.get(entity.layer)
    columns |= helpers(view, lang) if helpers else {}
    return pd.DataFrame(columns).reset_index(drop=True)


def _joined(table: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with '; ', as one spreadsheet cell holds them."""
    return table.map(lambda v: LIST_SEPARATOR.join(v) if isinstance(v, list) else v)


# coded column -> the helper column of its labels: the CSV writes the words in the coded column, under the
# helper's header ("Ámbito", not "Ámbito (código)"), and leaves the helper out
WORDED = {
    "domain": "domain_label",
    "pid_stage": "pid_stage_label",
    "crops": "crop_labels",
    "livestock": "livestock_labels",
    "labels": "label_names",
}


def _in_words(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Coded innovation columns as their labels in `lang`, lists as lists of labels, yes/no in words."""
    words, answer = {}, {True: t("export.words.yes", lang), False: t("export.words.no", lang)}
    for field in (f for f in INNOVATIONS.fields if f.name in table.columns):
        vocabulary = vocabulary_of(field.name)
        if vocabulary is not None:
            words[field.name] = table[field.name].map(
                lambda value, v=vocabulary: (
                    [v.label(c, lang) for c in value]
                    if isinstance(value, list)
                    else (None if pd.isna(value) else v.label(value, lang))
                )
            )
        elif field.type == "bool":
            words[field.name] = table[field.name].map(lambda value: None if pd.isna(value) else answer[bool(value)])
    return table.assign(**words).drop(columns=list(WORDED.values()))


def write_csv(view: Dataset, lang: str) -> bytes:
    """Innovations as UTF-8 CSV with a BOM, in `lang` as a spreadsheet user reads it: every header and every
    coded value in words ("Ámbito: plagas y enfermedades", "sí"). The atlas's import reads it back: it knows
    these headers and labels. The GIS formats keep the codes."""
    table = _joined(_in_words(records(view, INNOVATIONS, lang), lang)).map(neutralised)
    table = table.rename(columns={c: header(WORDED.get(c, c), lang) for c in table})
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def header(column: str, lang: str) -> str:
    """A column's header in `lang`."""
    return t("generalised.column" if column == "area_shown" else f"export.column.{column}", lang)


def _cell(value: object) -> object:
    """A value openpyxl stores as data, never as a formula or an illegal character."""
    value = _plain(value)
    return neutralised(_NOT_XML.sub("", value)) if isinstance(value, str) else value


def _fill(sheet: Worksheet, table: pd.DataFrame, lang: str) -> None:
    sheet.append([header(c, lang) for c in table.columns])
    for row in table.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                # "s" also keeps a text such as "#N/A" from becoming an error value
                cell.data_type, cell.number_format = "s", "@"
    _style(sheet)


def _style(sheet: Worksheet) -> None:
    """Bold coloured header, frozen under it, with an autofilter and widths that fit the text."""
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max(len(str(v)) for v in column if v is not None)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, 60)


def _readme_lines(view: Dataset, lang: str, full: bool) -> list[str]:
    counts = {e.layer: len(view.frame(e)) for e in SHEETS}
    lines = [
        t("export.readme.title", lang),
        t("export.readme.date", lang, date=dt.date.today().isoformat()),
        t("export.readme.rows", lang, **counts),
    ]
    lines += [
        t(f"export.readme.{key}", lang, value=view.metadata[key]) for key in README_METADATA if view.metadata.get(key)
    ]
    if view.is_demo:
        lines.append(t("export.readme.demo", lang))
    privacy = t("export.readme.full" if full else "export.readme.restricted", lang)  # what this file shows
    areas = [t("generalised.readme", lang, k=min_communities())] if is_public(view) else []
    return lines + [privacy, *areas, t("export.readme.formulas", lang)]


def write_xlsx(view: Dataset, lang: str, full: bool = False) -> bytes:
    """An Excel workbook: a readme sheet, then one sheet per entity with translated headers;
    `full`: `view` is an editor's, every name and exact point, and the readme says so."""
    book = Workbook()
    readme = book.active
    readme.title = t("export.sheet.readme", lang)
    for line in _readme_lines(view, lang, full):
        readme.append([_cell(line)])
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110
    for entity in SHEETS:
        sheet = book.create_sheet(t(f"export.sheet.{entity.layer}", lang))
        _fill(sheet, _joined(records(view, entity, lang)), lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_geojson(view: Dataset, lang: str) -> bytes:
    """Innovations as a GeoJSON FeatureCollection in EPSG:4326; lists stay JSON arrays."""
    table = records(view, INNOVATIONS, lang).drop(columns=["longitude", "latitude"])
    frame = gpd.GeoDataFrame(table, geometry=view.innovations.geometry.to_numpy(), crs=CRS)
    return frame.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def write_gpkg(view: Dataset, lang: str) -> bytes:
    """An editor's view as an atlas GeoPackage (the store's own format, every exact point); a public view as
    a GeoPackage of its three tables as the other files hold them, which no atlas takes as exact records."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "atlas.gpkg"
        if not is_public(view):
            store.write(view, path)
            return path.read_bytes()
        for entity in SHEETS:
            table = _joined(records(view, entity, lang)).drop(columns=["longitude", "latitude"])
            frame = gpd.GeoDataFrame(table, geometry=view.frame(entity).geometry.to_numpy(), crs=CRS)
            frame.to_file(path, layer=entity.layer, driver="GPKG")
        return path.read_bytes()


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    """A child element holding `value` as text, which ElementTree escapes."""
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", _shown(value))
    return element


def _shown(value: object) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return "" if value is None else str(value)


def _balloon(row: dict, lang: str) -> str:
    """The HTML a KML viewer shows for an innovation, every value escaped as text."""
    cells = "".join(
        f"<tr><th>{html.escape(header(name, lang))}</th><td>{html.escape(_shown(row[name]))}</td></tr>"
        for name in BALLOON
        if name in row
    )
    return f"<p>{html.escape(_shown(row['description']))}</p><table>{cells}</table>"


def _placemark(folder: ET.Element, row: dict, lang: str) -> None:
    placemark = ET.SubElement(folder, "Placemark")
    _text(placemark, "name", row["title"])
    _text(placemark, "description", _balloon(row, lang))
    data = ET.SubElement(placemark, "ExtendedData")
    for name in ("innovation_id", "community_id"):
        _text(ET.SubElement(data, "Data", name=name), "value", row[name])
    point = ET.SubElement(placemark, "Point")
    _text(point, "coordinates", f"{row['longitude']:.7f},{row['latitude']:.7f}")


def write_kml(view: Dataset, lang: str) -> bytes:
    """Innovations as KML for Google Earth: a folder per domain, a placemark per innovation."""
    root = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    document = ET.SubElement(root, "Document")
    _text(document, "name", t("export.kml.name", lang))
    table = records(view, INNOVATIONS, lang)
    for domain in sorted(set(table["domain"]), key=DOMAIN.codes.index):
        folder = ET.SubElement(document, "Folder")
        _text(folder, "name", DOMAIN.label(domain, lang))
        for row in table[table["domain"] == domain].to_dict("records"):
            _placemark(folder, row, lang)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
