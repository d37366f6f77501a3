"""The policy brief PDF: read back with pypdf, rendered to PNG with pypdfium2 to look at."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pandas as pd
import pypdf
import pypdfium2
import pytest

from dashboard.data import store
from dashboard.data.dataset import Dataset
from dashboard.filtering.filters import Filters, describe, mask
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.pack import brief
from dashboard.pack.brief import long_date, policy_brief
from dashboard.pack.staticcharts import bar_png
from dashboard.pack.staticmap import region_map_png, shown_points
from dashboard.paths import DEMO_STORE, ROOT
from dashboard.summary.figures import headline_figures
from dashboard.summary.narrative import paragraph
from dashboard.summary.summaries import summarise
from tests.handmade import PARTNER_NAMES, handmade_dataset

TODAY = date(2026, 3, 3)
HOSTILE = "<b>&amp; <script>alert(1)</script>"
ARTIFACTS = ROOT / "test-artifacts"
PNG = b"\x89PNG"


def _selection(data: Dataset, filters: Filters, names: dict[str, str]) -> Selection:
    index = FilterIndex.build(data.innovations, data.communities)
    keep = mask(data.innovations, index, filters)
    return Selection(data=data, index=index, filters=filters, keep=keep, partner_names=names)


def _text(pdf: bytes) -> str:
    """All the PDF's text, whitespace (line breaks, no-break spaces) collapsed to single spaces."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).replace("\xa0", " ").split())


def _plain(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def handmade() -> Selection:
    return _selection(handmade_dataset(), Filters(), PARTNER_NAMES)


@pytest.fixture(scope="module")
def spanish(handmade) -> bytes:
    return policy_brief(handmade, today=TODAY)


def test_brief_is_one_or_two_a4_pages(spanish):
    pages = pypdf.PdfReader(io.BytesIO(spanish)).pages
    assert 1 <= len(pages) <= 2
    for page in pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_brief_holds_the_filter_the_date_and_the_narrative(handmade, spanish):
    text = _text(spanish)
    summary = summarise(handmade.index, handmade.keep)
    assert t("brief.title", "es") in text
    assert describe(Filters(), "es", PARTNER_NAMES) in text
    assert "Elaborado el 3 de marzo de 2026" in text
    assert _plain(paragraph(summary, "es", PARTNER_NAMES)) in text
    for name in ("CEDAP: 3 innovaciones", "WN: 4 innovaciones", "ABA: 2 innovaciones"):
        assert name in text


def test_brief_shows_each_headline_figure_with_its_label(handmade, spanish):
    figures = headline_figures(summarise(handmade.index, handmade.keep), "es")
    assert figures == {
        "innovations": "6",
        "communities": "5",
        "regions": "3",
        "partners": "3",
        "women": "33\u00a0%",
        "advanced": "17\u00a0%",
        "newest": "2022",
    }
    text = _text(spanish)
    for name, value in figures.items():
        assert f"{_plain(value)} {t(f'brief.figure_{name}', 'es')}" in text, name


def test_brief_in_english(handmade):
    filters = Filters(regions=("PE-AYA",))
    chosen = _selection(handmade.data, filters, PARTNER_NAMES)
    text = _text(policy_brief(chosen, "en", today=TODAY))
    assert "Farmer innovations: policy brief" in text
    assert "Innovations in Ayacucho" in text and "Prepared on 3 March 2026" in text
    assert "Between 2008 and 2015, 3 innovations were documented in 2 communities in one region." in text
    assert "Innovaciones" not in text


def test_record_text_is_printed_literally_never_as_markup():
    data = handmade_dataset()
    cedap = data.partners["partner_id"] == "cedap"
    data.partners.loc[cedap, "name"] = HOSTILE
    data.partners.loc[cedap, "acronym"] = HOSTILE
    filters = Filters(partners=("cedap",), text=HOSTILE)
    # kept by partner only: the search words would match nothing, and the partner must be listed
    chosen = _selection(data, Filters(partners=("cedap",)), {**PARTNER_NAMES, "cedap": HOSTILE})
    text = _text(policy_brief(dataclasses.replace(chosen, filters=filters), today=TODAY))
    assert f"«{HOSTILE}»" in text  # the search words, inside the filter sentence
    assert f"{HOSTILE}: 3 innovaciones" in text  # the partner list
    assert f"Socio que acompaña más innovaciones: {HOSTILE} (3 innovaciones)." in text  # narrative


def test_restricted_innovators_and_points_stay_out(handmade, spanish):
    assert "Persona ficticia" not in _text(spanish)
    x, y = shown_points(handmade)
    exact_f = (-73.95, -12.95)  # INN-F has no public consent: shown at its district's centroid
    assert not ((x == exact_f[0]) & (y == exact_f[1])).any()
    assert ((x == -74.25) & (y == -12.93)).any()


def test_empty_selection_says_so(handmade):
    filters = Filters(year_from=2030)
    chosen = _selection(handmade.data, filters, PARTNER_NAMES)
    pdf = policy_brief(chosen, today=TODAY)
    text = _text(pdf)
    assert "No hay innovaciones para este filtro." in text
    assert "0 Innovaciones" in text and "— Impulsadas por mujeres" in text
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_demo_store_is_marked_illustrative_with_its_source():
    data = store.load()
    shown = data.partners["acronym"].fillna(data.partners["name"])
    names = dict(zip(data.partners["partner_id"], shown, strict=True))
    pdf = policy_brief(_selection(data, Filters(), names), today=TODAY)
    text = _text(pdf)
    assert "Datos ilustrativos" in text and "Datos actualizados al 31 de diciembre de 2025." in text
    assert "Centro de Desarrollo Agropecuario (CEDAP)" in text
    _render(pdf)


def _render(pdf: bytes) -> None:
    """Each page as PNG in test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("brief-page-*.png"):
        old.unlink()
    document = pypdfium2.PdfDocument(pdf)
    for number in range(len(document)):
        image = document[number].render(scale=2).to_pil()
        image.save(ARTIFACTS / f"brief-page-{number + 1}.png")
        assert image.getextrema() != ((255, 255),) * 3  # something is drawn


def test_many_partners_and_long_names_still_fit_on_two_pages():
    data = handmade_dataset()
    extra = {f"p{n:02d}": " ".join([f"Asociación de Productores Agropecuarios número {n}"] * 3) for n in range(20)}
    added = data.partners.iloc[[0] * len(extra)].assign(partner_id=list(extra), name=list(extra.values()), acronym=None)
    data = dataclasses.replace(data, partners=pd.concat([data.partners, added], ignore_index=True))
    data.innovations["partners"] = [[*listed, *extra] for listed in data.innovations["partners"]]
    names = {**PARTNER_NAMES, **extra}
    pdf = policy_brief(_selection(data, Filters(), names), today=TODAY)
    text = _text(pdf)
    assert all(f"{_plain(name)}: 6 innovaciones" in text for name in extra.values())
    assert 1 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 2


@pytest.mark.parametrize(
    ("day", "lang", "text"),
    [(date(2026, 3, 3), "es", "3 de marzo de 2026"), (date(2025, 12, 31), "en", "31 December 2025")],
)
def test_long_dates(day, lang, text):
    assert long_date(day, lang) == text


def test_static_pictures_are_png_and_take_hostile_labels(handmade):
    hostile = pd.DataFrame({"label": ["$\\frac{a}{", HOSTILE], "count": [2, 1]})  # not mathtext
    assert bar_png(hostile, "$x$", "Sin datos").startswith(PNG)
    assert bar_png(hostile.iloc[:0], "Vacío", "Sin datos").startswith(PNG)
    assert region_map_png(handmade, "es").startswith(PNG)
    empty = Selection(handmade.data, handmade.index, Filters(text="ninguna"), handmade.keep & False, PARTNER_NAMES)
    assert region_map_png(empty, "en").startswith(PNG)


def test_no_markup_characters_are_lost(handmade):
    # the escaped sentence round-trips: nothing dropped, nothing doubled
    filters = Filters(text="a < b & c > d")
    text = _text(policy_brief(dataclasses.replace(handmade, filters=filters), today=TODAY))
    assert re.search(r"«a < b & c > d»", text)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_map_credits_its_sources_right_under_it(handmade, spanish, lang):
    text = _text(spanish if lang == "es" else policy_brief(handmade, lang, today=TODAY))
    keys = ("credits.context", "brief.map_title", "brief.map_caption")
    credit, title, caption = (_plain(t(key, lang)) for key in keys)
    assert "INEI 2007" in credit and "OpenStreetMap" in credit
    assert text.index(title) < text.index(credit) < text.index(caption)


@pytest.mark.parametrize(
    ("lang", "updated", "gloss"),
    [
        ("es", "31 de diciembre de 2025", "DPI: desarrollo participativo"),
        ("en", "31 December 2025", "PID: participatory innovation"),
    ],
)
def test_the_brief_dates_its_data_in_words_and_spells_out_dpi(small_dataset, lang, updated, gloss):
    data = dataclasses.replace(small_dataset, metadata={**small_dataset.metadata, "updated": "2025-12-31T00:00:00Z"})
    text = _text(policy_brief(_selection(data, Filters(), PARTNER_NAMES), lang, today=TODAY))
    assert t("brief.updated", lang, date=updated) in text and "2025-12-31" not in text
    assert gloss in text


@pytest.fixture(scope="module")
def demo_index():
    data = store.load(DEMO_STORE)
    return data, FilterIndex.build(data.innovations, data.communities)


@pytest.mark.parametrize(
    ("filters", "place_chart", "places"),
    [
        (Filters(), "Por región", {"Ayacucho", "Puno", "La Paz", "Chimborazo"}),
        # one region: its provinces, not one bar of Ayacucho
        (Filters(regions=("PE-AYA",), crops=("papa_nativa",)), "Por provincia", {"Huamanga", "Víctor Fajardo"}),
        (Filters(regions=("PE-AYA",), provinces=("Huamanga",)), "Por distrito", {"Socos", "Vinchos"}),
        (Filters(regions=("PE-AYA",), districts=("Socos",)), None, set()),  # one community: no chart of places
    ],
    ids=["atlas", "ayacucho-papa-nativa", "huamanga", "socos"],
)
def test_the_brief_charts_places_one_level_below_what_the_whole_selection_shares(
    demo_index, monkeypatch, filters, place_chart, places
):
    drawn = []

    def recorded(counts, title, *args, **kwargs):
        drawn.append((title, counts))
        return bar_png(counts, title, *args, **kwargs)

    monkeypatch.setattr(brief, "bar_png", recorded)
    data, index = demo_index
    policy_brief(Selection.of(data, index, filters), today=TODAY)
    titles = [title for title, _ in drawn]
    assert titles[-2].startswith(t("brief.chart_crop", "es")) and titles[-1] == t("brief.chart_stage", "es")
    if place_chart is None:
        assert len(drawn) == 2, titles
        return
    assert len(drawn) == 3 and titles[0] == place_chart
    bars = drawn[0][1]
    assert len(bars) > 1 and places <= set(bars["label"])
