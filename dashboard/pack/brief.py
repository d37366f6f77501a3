"""The policy brief: one or two A4 pages that tell the current selection, drawn with reportlab.

Every piece of record text (titles, partner names, the filter's search words) reaches
reportlab through `_para`, which escapes it: data never becomes markup.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from babel.core import UnknownLocaleError
from babel.dates import format_date
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard import palette
from dashboard.filtering.filters import describe
from dashboard.filtering.selection import Selection, full_names
from dashboard.i18n import t
from dashboard.pack.staticcharts import bar_png, place_counts, stage_counts
from dashboard.pack.staticmap import region_map_png
from dashboard.summary.community_labels import label_lines
from dashboard.summary.figures import headline_figures
from dashboard.summary.narrative import counted, paragraph
from dashboard.summary.small import guarded, hidden_note
from dashboard.summary.summaries import Summary, labels_for, summarise

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"  # cover Spanish, Quechua (ñ, ä, ü), «», –
MARGIN = 40.0
WIDTH = A4[0] - 2 * MARGIN  # the text frame's width in points
GREEN, GREY, PALE = HexColor(palette.GREEN), HexColor(palette.GREY_TEXT), HexColor(palette.PALE_FILL)
MAP_WIDTH, CHART_HEIGHT = 250.0, 150.0
MAX_CELL_HEIGHT = 520.0  # the text beside the map never grows past this (it shrinks)
PARTNERS_BESIDE_MAP = 10  # a longer list of partners flows below the charts
CHART_BARS = 12
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters: boxes or errors


@cache
def _fonts() -> None:
    """Register DejaVu Sans (shipped with matplotlib) so the PDF's text is extractable Unicode."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, folder / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, folder / "DejaVuSans-Bold.ttf"))


@cache
def _styles() -> dict[str, ParagraphStyle]:
    """The brief's paragraph styles by name."""
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21, textColor=GREEN),
        "filter": ParagraphStyle("filter", base, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=6),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=GREY),
        "heading": ParagraphStyle(
            "heading", base, fontName=BOLD, fontSize=10.5, leading=14, textColor=GREEN, spaceAfter=3
        ),
        "partner": ParagraphStyle("partner", base, fontSize=8.5, leading=11, leftIndent=8, firstLineIndent=-8),
        "figure": ParagraphStyle("figure", base, fontName=BOLD, fontSize=15, leading=18, alignment=TA_CENTER),
        "label": ParagraphStyle("label", base, fontSize=7, leading=8.5, alignment=TA_CENTER, textColor=GREY),
    }


def _para(text: object, style: str) -> Paragraph:
    """Record or catalogue text as a paragraph, escaped: never markup."""
    plain = _NOT_TEXT.sub("", "" if text is None else str(text))
    return Paragraph(escape(plain), _styles()[style])


DATE_LOCALES = {"es": "es", "en": "en_GB"}  # the language's long date as Babel's CLDR data writes it


def _updated(text: str, lang: str) -> str:
    """The store's update date in words («31 de diciembre de 2025»); as written when it is not a date."""
    try:
        return long_date(date.fromisoformat(text[:10]), lang)
    except ValueError:
        return text[:10]


def long_date(day: date, lang: str) -> str:
    """A date in words: «3 de marzo de 2026», «3 March 2026»."""
    try:
        return format_date(day, format="long", locale=DATE_LOCALES.get(lang, lang))
    except (UnknownLocaleError, ValueError):  # a language Babel does not know: its dates as Spanish writes them
        return format_date(day, format="long", locale=DATE_LOCALES["es"])


def _header(selection: Selection, lang: str, today: date) -> list[Flowable]:
    """Title, the filter sentence and the date."""
    return [
        _para(t("brief.title", lang), "title"),
        _para(f"{t('app.subtitle', lang)} · {t('app.title', lang)}", "small"),
        _para(describe(selection.filters, lang, selection.partner_names), "filter"),
        _para(t("brief.made", lang, date=long_date(today, lang)), "small"),
        Spacer(1, 8),
    ]


def _figures(summary: Summary, lang: str) -> Table:
    """The headline figures in a row of boxes."""
    cells = [
        [_para(value, "figure"), _para(t(f"brief.figure_{name}", lang), "label")]
        for name, value in headline_figures(summary, lang).items()
    ]
    table = Table([cells], colWidths=[WIDTH / len(cells)] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEAFTER", (0, 0), (-2, -1), 3, HexColor(palette.WHITE)),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _png(data: bytes, width: float, height: float) -> Image:
    """PNG bytes placed at `width` × `height` points."""
    return Image(io.BytesIO(data), width=width, height=height)


def _partners(selection: Selection, summary: Summary, lang: str) -> list[Flowable]:
    """The partners of the kept innovations, most innovations first, with their full names."""
    table = summary.table("partners", full_names(selection.data.partners))
    lines = [
        _para(t("brief.partner_line", lang, name=name, count=counted("innovations", int(count), lang)), "partner")
        for name, count in zip(table["label"], table["count"], strict=True)
    ]
    return [
        _para(t("brief.partners_heading", lang), "heading"),
        *(lines or [_para(t("brief.partners_none", lang), "body")]),
    ]


def _map_and_text(selection: Selection, summary: Summary, lang: str, beside: list[Flowable]) -> Table:
    """The map (with its caption) beside the paragraph and whatever else fits there."""
    height = MAP_WIDTH * 1.08
    drawn = region_map_png(selection, lang, size=(MAP_WIDTH / 72, height / 72))
    picture = _png(drawn, MAP_WIDTH, height)
    left = [
        _para(t("brief.map_title", lang), "heading"),
        picture,
        Spacer(1, 3),
        _para(t("credits.context", lang), "small"),
    ]
    if summary.headline.innovations:  # nothing drawn, nothing to explain
        left.append(_para(t("brief.map_caption", lang), "small"))
    right = [
        _para(t("brief.in_brief", lang), "heading"),
        _para(paragraph(summary, lang, selection.partner_names), "body"),
        Spacer(1, 10),
        *beside,
    ]
    width = WIDTH - MAP_WIDTH - 14
    # a table row cannot break across pages: pathological text shrinks instead of failing the build
    table = Table(
        [[left, KeepInFrame(width, MAX_CELL_HEIGHT, right, mode="shrink")]], colWidths=[MAP_WIDTH + 14, width]
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _chart_title(key: str, values: int, lang: str) -> str:
    """The chart's title (catalogue `key`), saying so when only the most frequent values fit."""
    title = t(key, lang)
    return t("brief.chart_top", lang, title=title, shown=CHART_BARS, total=values) if values > CHART_BARS else title


def _charts(selection: Selection, summary: Summary, lang: str) -> Table:
    """Side by side: innovations by place (by region, or the level below in one region), by crop and by PID stage."""
    empty = t("brief.chart_empty", lang)
    tables = {"brief.chart_crop": summary.table("crops", labels_for("crops", lang, selection.partner_names))}
    place = place_counts(selection, lang)
    if place is not None:  # all in one community: no chart of places rather than one bar
        tables = {f"brief.chart_place.{place[0]}": place[1], **tables}
    width = WIDTH / (len(tables) + 1)
    size = (width / 72, CHART_HEIGHT / 72)
    pictures = [
        bar_png(table, _chart_title(key, len(table), lang), empty, top=CHART_BARS, size=size, lang=lang)
        for key, table in tables.items()
    ]
    pictures.append(
        bar_png(stage_counts(summary, lang), t("brief.chart_stage", lang), empty, ordered=True, size=size, lang=lang)
    )
    rows = [[_png(png, width, CHART_HEIGHT) for png in pictures]]
    if place is not None and place[1]["count"].isna().any():  # small numbers hidden: say how they read
        rows.append([_para(hidden_note(lang), "small"), *[""] * (len(pictures) - 1)])
    table = Table(rows, colWidths=[width] * len(pictures))
    padding = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    table.setStyle(TableStyle([*padding, *([("SPAN", (0, 1), (-1, 1))] if len(rows) > 1 else [])]))
    return table


def source_lines(metadata: dict[str, str], lang: str) -> list[str]:
    """Where the store's data come from, under which licence, and how recent they are: a sentence each."""
    source = metadata.get("source") or f"{t('app.title', lang)}, {t('app.subtitle', lang)}"
    lines = [t("brief.source", lang, value=source)]
    if metadata.get("licence"):
        lines.append(t("brief.licence", lang, value=metadata["licence"]))
    if metadata.get("updated"):
        lines.append(t("brief.updated", lang, date=_updated(str(metadata["updated"]), lang)))
    return lines


def _about(selection: Selection, lang: str) -> list[Flowable]:
    """Where the data come from, under which licence, and what the brief leaves out."""
    data = selection.data
    lines = source_lines(data.metadata, lang) + label_lines(data, selection.keep, lang)  # with Local Contexts
    lines.append(t("summary.acronyms.heading", lang, items=t("summary.acronyms.pid", lang)))  # the charts say DPI
    lines += [t("brief.demo", lang)] if data.is_demo else []
    lines += [t("brief.privacy", lang), t("brief.outlines", lang)]
    return [Spacer(1, 8), _para(t("brief.about_heading", lang), "heading"), *(_para(line, "small") for line in lines)]


def _footer(lang: str):
    """A page decoration: the platform's name and the page number at the foot."""

    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(GREY)
        text = t("brief.footer", lang, platform=t("app.subtitle", lang), page=document.page)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, text)
        canvas.restoreState()

    return draw


def policy_brief(selection: Selection, lang: str = "es", today: date | None = None) -> bytes:
    """The brief of `selection` (and of the filter that chose it) as A4 PDF bytes, in `lang`, dated `today`."""
    _fonts()
    today = today or date.today()
    summary = guarded(summarise(selection.index, selection.keep), selection)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN * 0.9,
        bottomMargin=MARGIN,
        title=t("brief.title", lang),
        author=t("app.subtitle", lang),
        creator=t("app.title", lang),
        subject=describe(selection.filters, lang, selection.partner_names),
        lang=lang,
    )
    partners = _partners(selection, summary, lang) if summary.headline.innovations else []
    beside = len(partners) <= PARTNERS_BESIDE_MAP + 1  # the heading and a short list
    story = [
        *_header(selection, lang, today),
        _figures(summary, lang),
        Spacer(1, 12),
        _map_and_text(selection, summary, lang, partners if beside else []),
        Spacer(1, 10),
    ]
    if summary.headline.innovations:  # empty charts would only say "no data" three times
        story.append(_charts(selection, summary, lang))
    if not beside:
        story += [Spacer(1, 8), *partners]
    story += _about(selection, lang)
    document.build(story, onFirstPage=_footer(lang), onLaterPages=_footer(lang))
    return buffer.getvalue()
