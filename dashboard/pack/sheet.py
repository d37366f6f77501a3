"""The record sheet («Ficha de la innovación»): one innovation on one or two A4 pages, drawn with reportlab.

A sheet says what the record card of the map says (`dashboard.map.details.innovation_details`), with the
same privacy: a record without public consent names the area it is shown in, never its community, its
innovator type or its innovator, and its little map rings that area's centre instead of marking a point.
The innovator is named only where `shown_name` allows it. A bundle of sheets is one PDF, a sheet a page on.
Record text reaches reportlab escaped, through the brief's paragraphs: data never becomes markup.
"""

from __future__ import annotations

import io
from datetime import date

import geopandas as gpd
import pandas as pd
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepInFrame, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard import palette
from dashboard.data.dataset import Dataset
from dashboard.data.localcontexts import FAMILY_COLOURS, SHORT, collection_labels, description, family
from dashboard.data.privacy import area_label, shown_areas
from dashboard.data.vocab import VOCABULARIES
from dashboard.filtering.selection import full_names
from dashboard.i18n import DEFAULT_LANGUAGE, t
from dashboard.map.details import innovation_details
from dashboard.pack.brief import BOLD, MARGIN, WIDTH, _fonts, _footer, _para, long_date, source_lines
from dashboard.pack.staticmap import locator_png
from dashboard.summary.community_labels import label_names

MAP_SIZE = 170.0  # points: the little map's side
PHOTO_HEIGHT = 210.0  # points: a photo is at most the text frame's width and this high
FACTS_HEIGHT = 330.0  # the facts beside the map never grow past this (they shrink)
BADGE_SIZE = 22.0
# fields of the card the sheet shows in a place of their own, or not at all (the submission's key is bookkeeping)
APART = ("title", "title_local", "description", "labels", "innovation_id", "source_key")


class UnknownInnovationError(ValueError):
    """Innovation ids that name no record of the store as the viewer sees it."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(f"no innovation {', '.join(ids)} in this view of the atlas")

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Which ids are unknown, in `lang`."""
        return t("sheet.unknown", lang, ids=", ".join(self.ids))


def record_sheet(
    data: Dataset,
    innovation_ids: list[str],
    lang: str = DEFAULT_LANGUAGE,
    today: date | None = None,
    photos: dict[str, bytes] | None = None,
    *,
    editor: bool = False,
) -> bytes:
    """One PDF holding the sheet of each innovation of `innovation_ids` (in that order, each once), in `lang`.

    `data` is the store as the reader may see it; `photos` gives a stored photo's bytes (JPEG or PNG, as
    `dashboard.media.images.prepared` makes them) by innovation id; `editor`: a signed-in committee member
    asks, and sees every community. Raises `UnknownInnovationError` naming the ids `data` does not hold.
    """
    wanted = list(dict.fromkeys(innovation_ids))
    if not wanted:
        raise ValueError("record_sheet needs at least one innovation id")
    rows = pd.Series(range(len(data.innovations)), index=data.innovations["innovation_id"].to_numpy())
    unknown = [code for code in wanted if code not in rows.index]
    if unknown:
        raise UnknownInnovationError(unknown)
    _fonts()
    today = today or date.today()
    story: list[Flowable] = []
    for number, code in enumerate(wanted):
        story += [PageBreak()] if number else []
        story += _sheet(data, int(rows[code]), data.communities, lang, today, (photos or {}).get(code), editor)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN * 0.9,
        bottomMargin=MARGIN,
        title=t("sheet.kicker", lang),
        author=t("app.subtitle", lang),
        creator=t("app.title", lang),
        subject=", ".join(wanted),
        lang=lang,
    )
    document.build(story, onFirstPage=_footer(lang), onLaterPages=_footer(lang))
    return buffer.getvalue()


def sheet_filename(innovation_ids: list[str], lang: str, day: date | None = None) -> str:
    """`ficha-INN-000001-2026-03-03.pdf` for one innovation, `fichas-3-2026-03-03.pdf` for a bundle of three."""
    wanted = list(dict.fromkeys(innovation_ids))
    words = f"{t('sheet.stem', lang)}-{wanted[0]}" if len(wanted) == 1 else f"{t('sheet.stems', lang)}-{len(wanted)}"
    return f"{words}-{(day or date.today()).isoformat()}.pdf"


def _sheet(
    data: Dataset, row: int, communities: gpd.GeoDataFrame, lang: str, today: date, photo: bytes | None, editor: bool
) -> list[Flowable]:
    """The flowables of one innovation's sheet."""
    item = data.innovations.iloc[row]
    details = innovation_details(data, row, lang, full_names(data.partners), editor=editor)
    story = [_para(f"{t('sheet.kicker', lang)} · {item['innovation_id']}", "small"), _para(item["title"], "title")]
    if _given(item["title_local"]):
        story.append(_para(item["title_local"], "filter"))
    story.append(Spacer(1, 8))
    if photo:
        story += [_photo(photo), Spacer(1, 8)]
    story += [_facts_and_map(item, details, communities, lang, editor), Spacer(1, 8)]
    story += [
        _para(t("columns.description", lang), "heading"),
        _para(item["description"] if _given(item["description"]) else t("sheet.no_description", lang), "body"),
    ]
    story += _labels(list(item["labels"]), data.metadata, lang)
    return story + _about(data, lang, today)


def _given(value: object) -> bool:
    """Whether a record's text field holds something to print."""
    return isinstance(value, str) and bool(value.strip())


def _photo(photo: bytes) -> Image:
    """The photo as large as fits the frame's width and `PHOTO_HEIGHT`, its shape kept."""
    width, height = ImageReader(io.BytesIO(photo)).getSize()
    scale = min(WIDTH / width, PHOTO_HEIGHT / height)
    return Image(io.BytesIO(photo), width=width * scale, height=height * scale)


def _facts_and_map(
    item: pd.Series, details: dict[str, str], communities: gpd.GeoDataFrame, lang: str, editor: bool
) -> Table:
    """What the card says (place, domain, crops, partners, PID stage and its years, innovator) beside the map."""
    apart = {t(f"columns.{name}", lang) for name in APART}
    facts = [[_para(label, "small"), _para(text, "body")] for label, text in details.items() if label not in apart]
    width = WIDTH - MAP_SIZE - 14
    table = Table(facts, colWidths=[width * 0.3, width * 0.7])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, HexColor(palette.GRID)),
            ]
        )
    )
    outer = Table(
        [[KeepInFrame(width, FACTS_HEIGHT, [table], mode="shrink"), _map(item, communities, lang, editor)]],
        colWidths=[width + 14, MAP_SIZE],
    )
    outer.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return outer


def _map(item: pd.Series, communities: gpd.GeoDataFrame, lang: str, editor: bool) -> list[Flowable]:
    """The little map and what its mark means: the record's point, or the centre of the area it is shown in."""
    consent = item["consent_public"]
    exact = editor or (pd.notna(consent) and bool(consent))  # as the card decides (map.details)
    if exact:
        x, y, caption = item.geometry.x, item.geometry.y, t("sheet.map_point", lang)
    else:
        area = shown_areas(item.to_frame().T, communities).iloc[0]
        if pd.isna(item["community_id"]):  # a viewer's store put it at its area's centre already
            area["x"], area["y"] = item.geometry.x, item.geometry.y
        x, y, caption = area["x"], area["y"], t("sheet.map_area", lang, area=area_label(area, lang))
    drawn = locator_png(float(x), float(y), exact, lang, size=(MAP_SIZE / 72, MAP_SIZE / 72))
    return [
        _para(t("sheet.map_heading", lang), "heading"),
        Image(io.BytesIO(drawn), width=MAP_SIZE, height=MAP_SIZE),
        Spacer(1, 3),
        _para(caption, "small"),
        _para(t("credits.context", lang), "small"),
    ]


class _Badge(Flowable):
    """A Local Contexts label's plain badge, as the app draws it (`localcontexts.badge_svg`): family, short code."""

    def __init__(self, code: str, size: float = BADGE_SIZE) -> None:
        super().__init__()
        self.code, self.size = code, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        kind, size, canvas = family(self.code), self.size, self.canv
        canvas.setFillColor(HexColor(FAMILY_COLOURS[kind]))
        canvas.roundRect(0, 0, size, size, size * 9 / 48, stroke=0, fill=1)
        canvas.setFillColor(HexColor(palette.WHITE))
        canvas.setFont(BOLD, size * (8 if kind == "notice" else 11) / 48)
        canvas.drawCentredString(size / 2, size * 30 / 48, "NOTICE" if kind == "notice" else kind.upper())
        canvas.setFont(BOLD, size * 16 / 48)
        canvas.drawCentredString(size / 2, size * 10 / 48, SHORT[self.code])


def _labels(codes: list[str], metadata: dict[str, str], lang: str) -> list[Flowable]:
    """The Local Contexts labels the community applied to the record, each with its badge and what it signals,
    and those of the whole collection; nothing when there are none."""
    vocabulary = VOCABULARIES["label"]
    codes = [code for code in codes if code in vocabulary]
    collection = collection_labels(metadata)
    if not codes and not collection:
        return []
    lines = [t("brief.collection_labels", lang, names=label_names(collection, lang))] if collection else []
    story: list[Flowable] = [Spacer(1, 8), _para(t("sheet.labels_heading", lang), "heading")]
    if codes:
        named = [(vocabulary.label(code, lang), description(code, lang)) for code in codes]
        rows = [
            [_Badge(code), _para(t("sheet.label_line", lang, name=n, text=d), "body")]
            for code, (n, d) in zip(codes, named, strict=True)
        ]
        table = Table(rows, colWidths=[BADGE_SIZE + 8, WIDTH - BADGE_SIZE - 8])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, -1), 0)]))
        story.append(table)
    return story + [_para(line, "small") for line in [*lines, t("brief.labels_source", lang)]]


def _about(data: Dataset, lang: str, today: date) -> list[Flowable]:
    """Where the record comes from and under which licence, when the sheet was made, and what it leaves out."""
    lines = [*source_lines(data.metadata, lang), t("sheet.made", lang, date=long_date(today, lang))]
    lines += [t("brief.demo", lang)] if data.is_demo else []
    lines += [t("sheet.privacy", lang), t("brief.outlines", lang)]
    return [Spacer(1, 10), _para(t("brief.about_heading", lang), "heading"), *(_para(line, "small") for line in lines)]
