"""The meeting pack: every file a user can take away of the current filter, for the pages and the CLI.

One registry, `PACK`: the data formats of `exports` (public view of the selection), the
standalone HTML map, the policy brief PDF, and a PNG of any summary chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import vl_convert

from dashboard.data.privacy import public_view
from dashboard.filtering.filters import Filters, describe
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.pack import exports
from dashboard.pack.brief import policy_brief
from dashboard.pack.standalone import standalone_map
from dashboard.summary.charts import CHARTS, summary_chart
from dashboard.summary.summaries import summarise

PNG_SCALE = 2  # twice the screen size: sharp on slides and in print


@dataclass(frozen=True)
class Download:
    """One file of the pack: how it is named and typed, and how it is made from the selection."""

    code: str
    extension: str
    mime: str
    stem: str  # catalogue key of the file name's first part
    label_key: str  # catalogue key of the button's label
    make: Callable[..., bytes]  # (selection, filters, lang, editor=False) -> the file's bytes

    def label(self, lang: str) -> str:
        return t(self.label_key, lang)

    def filename(self, lang: str, day: dt.date | None = None) -> str:
        """A name such as `innovaciones-2026-11-28.csv`."""
        return f"{t(self.stem, lang)}-{(day or dt.date.today()).isoformat()}.{self.extension}"


def _data(format_: exports.ExportFormat) -> Download:
    def make(selection: Selection, filters: Filters, lang: str, editor: bool = False) -> bytes:
        """The data as the public view shows it; a signed-in editor gets every name and exact point."""
        return format_.write(public_view(selection.data, selection.keep, editor=editor), lang)
    return Download(format_.code, format_.extension, format_.mime, "export.stem", f"export.format.{format_.code}",
                    make)


def _map(selection: Selection, filters: Filters, lang: str, editor: bool = False) -> bytes:
    """Always the public view: a map and a brief are made to be handed out."""
    return standalone_map(selection, lang, describe(filters, lang, selection.partner_names))


PACK: dict[str, Download] = {d.code: d for d in (
    *(_data(f) for f in exports.FORMATS.values()),
    Download("html", "html", "text/html", "pack.stem.map", "pack.format.html", _map),
    Download("pdf", "pdf", "application/pdf", "pack.stem.brief", "pack.format.pdf",
             lambda selection, filters, lang, editor=False: policy_brief(selection, filters, lang)),
)}
DATA_FORMATS = tuple(exports.FORMATS)


def chart_png(name: str, selection: Selection, lang: str) -> bytes:
    """Summary chart `name` of the selection as a PNG, drawn without a browser or network."""
    chart = summary_chart(name, summarise(selection.index, selection.keep), lang, selection.partner_names)
    return vl_convert.vegalite_to_png(chart.to_json(), scale=PNG_SCALE)


def chart_filename(name: str, lang: str, day: dt.date | None = None) -> str:
    """A name such as `grafico-region-2026-11-28.png`."""
    if name not in CHARTS:
        raise KeyError(name)
    return f"{t('pack.stem.chart', lang)}-{name}-{(day or dt.date.today()).isoformat()}.png"
