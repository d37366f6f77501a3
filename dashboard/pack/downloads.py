"""The meeting pack: every file a user can take away of the current selection, for the pages and the CLI.

One registry, `PACK`, of small classes: the data formats (the public view of the selection,
written by `exports`), the standalone HTML map, the policy brief PDF, a PNG of a summary chart
and the wall poster PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import vl_convert

from dashboard.data.dataset import Dataset
from dashboard.data.privacy import public_view
from dashboard.filtering.filters import describe, file_words
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.pack import exports
from dashboard.pack.brief import policy_brief
from dashboard.pack.poster import PAPERS, poster_pdf
from dashboard.pack.standalone import standalone_map
from dashboard.summary.charts import CHARTS, summary_chart
from dashboard.summary.summaries import summarise

PNG_SCALE = 2  # twice the screen size: sharp on slides and in print


@dataclass(frozen=True)
class Download:
    """One file of the pack: its code, how it is named and typed, and how it is made from the selection."""

    code: ClassVar[str]  # the word the CLI's FORMAT takes
    extension: ClassVar[str]
    mime: ClassVar[str]
    stem: ClassVar[str]  # catalogue key of the file name's first part
    label_key: ClassVar[str]  # catalogue key of the button's label
    handout: ClassVar[bool] = False  # made to be handed out: always made from the public's view of the selection

    def label(self, lang: str) -> str:
        """The download button's label in `lang`."""
        return t(self.label_key, lang)

    def filename(self, lang: str, day: dt.date | None = None, selection: Selection | None = None) -> str:
        """A name such as `innovaciones-2026-11-28.csv`, or `resumen-ayacucho-papa-nativa-2026-11-29.pdf`
        for a `selection` filtered to papa nativa in Ayacucho."""
        return _named(t(self.stem, lang), lang, day, selection, self.extension)

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        """The file's bytes for `selection` in `lang`; `editor`: a signed-in editor asks."""
        raise NotImplementedError


class DataDownload(Download):
    """The selection as a data file, as the public view shows it; a signed-in editor gets every name and point."""

    stem = "export.stem"
    write: Callable[[Dataset, str], bytes]  # one writer of `exports`, as a staticmethod

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return self.write(public_view(selection.data, selection.keep, editor=editor), lang)


class Csv(DataDownload):
    """Innovations as CSV, for any spreadsheet."""

    code = extension = "csv"
    mime, label_key = "text/csv", "export.format.csv"
    write = staticmethod(exports.write_csv)


class Xlsx(DataDownload):
    """An Excel workbook: a readme sheet, then one sheet per entity."""

    code = extension = "xlsx"
    mime, label_key = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "export.format.xlsx"
    write = staticmethod(exports.write_xlsx)

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return exports.write_xlsx(public_view(selection.data, selection.keep, editor=editor), lang, full=editor)


class GeoJson(DataDownload):
    """Innovations as GeoJSON, for GIS and the web."""

    code = extension = "geojson"
    mime, label_key = "application/geo+json", "export.format.geojson"
    write = staticmethod(exports.write_geojson)


class GeoPackage(DataDownload):
    """The selection as an atlas GeoPackage, for QGIS or another atlas."""

    code = extension = "gpkg"
    mime, label_key = "application/geopackage+sqlite3", "export.format.gpkg"
    write = staticmethod(exports.write_gpkg)


class Kml(DataDownload):
    """Innovations as KML, for Google Earth."""

    code = extension = "kml"
    mime, label_key = "application/vnd.google-earth.kml+xml", "export.format.kml"
    write = staticmethod(exports.write_kml)


class MapHtml(Download):
    """The standalone map: one HTML file that opens offline; always the public view, it is made to be handed out."""

    code = extension = "html"
    mime, stem, label_key = "text/html", "pack.stem.map", "pack.format.html"
    handout = True

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return standalone_map(selection, lang, describe(selection.filters, lang, selection.partner_names))


class BriefPdf(Download):
    """The policy brief: one or two A4 pages; always the public view, it is made to be handed out."""

    code = extension = "pdf"
    mime, stem, label_key = "application/pdf", "pack.stem.brief", "pack.format.pdf"
    handout = True

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return policy_brief(selection, lang)


@dataclass(frozen=True)
class ChartPng(Download):
    """Summary chart `chart` of the selection as a PNG, drawn without a browser or network."""

    chart: str = "region"  # a name of `CHARTS`
    code = extension = "png"
    mime, stem, label_key = "image/png", "pack.stem.chart", "pack.chart_button"
    handout = True

    def __post_init__(self) -> None:
        if self.chart not in CHARTS:
            raise ValueError(f"unknown chart {self.chart!r}; the charts are {', '.join(CHARTS)}")

    def filename(self, lang: str, day: dt.date | None = None, selection: Selection | None = None) -> str:
        """A name such as `grafico-region-2026-11-28.png`, with the filter's words as for the other files."""
        return _named(f"{t(self.stem, lang)}-{self.chart}", lang, day, selection, self.extension)

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        summary = summarise(selection.index, selection.keep)
        chart = summary_chart(self.chart, summary, lang, selection.partner_names)
        return vl_convert.vegalite_to_png(chart.to_json(), scale=PNG_SCALE)


@dataclass(frozen=True)
class PosterPdf(Download):
    """The poster for the wall: the selection's map on `paper`, a vector PDF; always the public view."""

    paper: str = "A3"  # a name of `poster.PAPERS`
    code, extension = "poster", "pdf"
    mime, stem, label_key = "application/pdf", "poster.stem", "poster.button"
    handout = True

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"unknown paper {self.paper!r}; the papers are {', '.join(PAPERS)}")

    def label(self, lang: str) -> str:
        return t(self.label_key, lang, paper=self.paper)

    def filename(self, lang: str, day: dt.date | None = None, selection: Selection | None = None) -> str:
        """A name such as `cartel-a3-ayacucho-papa-nativa-2026-11-29.pdf`."""
        return _named(f"{t(self.stem, lang)}-{self.paper.lower()}", lang, day, selection, self.extension)

    def make(self, selection: Selection, lang: str, editor: bool = False) -> bytes:
        return poster_pdf(selection, lang, self.paper)


def _named(stem: str, lang: str, day: dt.date | None, selection: Selection | None, extension: str) -> str:
    """stem, the filter's words (if any), the day: `resumen-ayacucho-papa-nativa-2026-11-29.pdf`."""
    words = "" if selection is None else file_words(selection.filters, lang, selection.partner_names)
    return "-".join(part for part in (stem, words, (day or dt.date.today()).isoformat()) if part) + f".{extension}"


# Download code -> download, in the order the pages offer them.
PACK: dict[str, Download] = {
    download.code: download
    for download in (Csv(), Xlsx(), GeoJson(), GeoPackage(), Kml(), MapHtml(), BriefPdf(), ChartPng(), PosterPdf())
}
DATA_FORMATS = tuple(code for code, download in PACK.items() if isinstance(download, DataDownload))
