"""The record sheet: what it says of a record in each language, what it never says of a restricted one, the CLI."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from PIL import Image

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import generalised_areas
from dashboard.data.vocab import PID_STAGE
from dashboard.i18n import t
from dashboard.media.images import prepared
from dashboard.pack import sheet
from dashboard.pack.sheet import UnknownInnovationError, record_sheet, sheet_filename
from dashboard.paths import ROOT
from tests.handmade import handmade_dataset

TODAY = date(2026, 3, 3)
ARTIFACTS = ROOT / "test-artifacts"
FULL_NAMES = {
    "cedap": "Centro de Desarrollo Agropecuario",
    "aba": "Asociación Bartolomé Aripaylla",
    "wn": "World Neighbors",
}
HOSTILE = "<b>&amp; <script>alert(1)</script>"


def _text(pdf: bytes, page: int | None = None) -> str:
    """The PDF's text (or one page's), whitespace collapsed to single spaces."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    chosen = pages if page is None else [pages[page]]
    return " ".join(" ".join(p.extract_text() for p in chosen).replace("\xa0", " ").split())


def _changed(data: Dataset, code: str, **values: object) -> Dataset:
    innovations = data.innovations.copy()
    row = innovations.index[innovations["innovation_id"] == code][0]
    for column, value in values.items():
        innovations.at[row, column] = value
    return dataclasses.replace(data, innovations=innovations)


@pytest.fixture(scope="module")
def data() -> Dataset:
    """The hand-made store with full partner names; A's innovator agreed to be named, and A has a local title."""
    handmade = handmade_dataset()
    partners = handmade.partners.assign(name=handmade.partners["partner_id"].map(FULL_NAMES))
    named = _changed(dataclasses.replace(handmade, partners=partners), "INN-A", name_public=True)
    return _changed(named, "INN-A", title_local="Qochakuna", labels=["tk_attribution"])


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_sheet_tells_title_community_partners_stage_and_years(data, lang):
    text = _text(record_sheet(data, ["INN-A"], lang, TODAY))
    assert "Qochas para la papa" in text and "Qochakuna" in text
    assert t("sheet.kicker", lang) in text and "INN-A" in text
    assert "Huanta" in text and ("Ayacucho" in text)
    assert "Centro de Desarrollo Agropecuario (CEDAP)" in text and "World Neighbors (WN)" in text
    assert PID_STAGE.label("documented", lang) in text and "2010" in text
    assert t("sheet.made", lang, date={"es": "3 de marzo de 2026", "en": "3 March 2026"}[lang]) in text
    assert "Descripción de qochas para la papa." in text


def test_the_two_languages_differ(data):
    spanish, english = (_text(record_sheet(data, ["INN-B"], lang, TODAY)) for lang in ("es", "en"))
    assert t("sheet.map_heading", "es") in spanish and t("sheet.map_heading", "es") not in english
    assert PID_STAGE.label("spreading", "en") in english and PID_STAGE.label("spreading", "es") in spanish


def test_a_restricted_record_names_neither_its_community_nor_its_innovator(data):
    text = _text(record_sheet(data, ["INN-F"], "es", TODAY))
    assert "Riego por turnos" in text  # the record itself is public
    assert "Huanta" not in text and "Wanta" not in text  # its community, by name and local name
    assert "Persona ficticia F" not in text and "hombre" not in text  # its innovator and innovator type
    assert t("generalised.card", "es") in text and "todo el atlas" in text


def test_only_a_consented_name_is_shown(data):
    assert "Persona ficticia A" in _text(record_sheet(data, ["INN-A"], "es", TODAY))  # both consents
    assert "Persona ficticia B" not in _text(record_sheet(data, ["INN-B"], "es", TODAY))  # public, name not


def test_the_little_map_marks_the_point_or_only_the_area_centre(data, monkeypatch):
    drawn = []
    monkeypatch.setattr(sheet, "locator_png", lambda x, y, exact, lang, size: drawn.append((x, y, exact)) or _png())
    record_sheet(data, ["INN-B", "INN-F"], "es", TODAY)
    area = generalised_areas(data.communities).loc["c1"]
    assert drawn == [(-74.3, -13.2, True), (pytest.approx(area["x"]), pytest.approx(area["y"]), False)]
    assert (area["x"], area["y"]) != (-73.95, -12.95)  # F's own point is never drawn


def _png(size: tuple[int, int] = (10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_editor_sheet_shows_the_community_of_a_restricted_record(data):
    assert "Huanta" in _text(record_sheet(data, ["INN-F"], "es", TODAY, editor=True))


def test_a_bundle_has_a_sheet_per_innovation_in_the_order_asked(data):
    pdf = record_sheet(data, ["INN-C", "INN-A", "INN-E", "INN-A"], "es", TODAY)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    starts = [text.index(title) for text in [_text(pdf)] for title in ("Semillas de hace", "Qochas", "Feria")]
    assert starts == sorted(starts) and "Semillas de hace años" in _text(pdf, 0)
    assert _text(pdf).count("INN-A") == 1  # asked twice, drawn once


def test_local_contexts_labels_are_named_with_what_they_signal(data):
    labelled, plain = (_text(record_sheet(data, [code], "en", TODAY)) for code in ("INN-A", "INN-B"))
    assert t("sheet.labels_heading", "en") in labelled and "TK Attribution" in labelled
    assert "The community asks to be named as the source of this knowledge." in labelled
    assert t("sheet.labels_heading", "en") not in plain


def test_the_collection_labels_are_named_on_every_sheet(data):
    collected = dataclasses.replace(data, metadata={"collection_labels": "bc_notice"})
    text = _text(record_sheet(collected, ["INN-B"], "es", TODAY))
    assert t("brief.collection_labels", "es", names="Aviso BC") in text


def test_a_photo_is_placed_on_its_sheet_only(data):
    photo = prepared(_png((800, 600)), "qocha.png").image
    pdf = record_sheet(data, ["INN-A", "INN-B"], "es", TODAY, photos={"INN-A": photo})
    first, second = pypdf.PdfReader(io.BytesIO(pdf)).pages[:2]
    sizes = lambda page: sorted(image.image.size for image in page.images)  # noqa: E731
    assert (800, 600) in sizes(first) and (800, 600) not in sizes(second)


def test_record_text_is_printed_as_written_never_as_markup(data):
    hostile = _changed(data, "INN-C", title=HOSTILE, description=HOSTILE)
    assert _text(record_sheet(hostile, ["INN-C"], "es", TODAY)).count(HOSTILE) == 2


def test_an_unknown_id_is_refused_by_name(data):
    with pytest.raises(UnknownInnovationError) as caught:
        record_sheet(data, ["INN-A", "INN-Z", "INN-Y"], "es", TODAY)
    assert caught.value.ids == ["INN-Z", "INN-Y"]
    assert "INN-Z, INN-Y" in caught.value.message("es") and "INN-Z, INN-Y" in caught.value.message("en")


def test_sheet_file_names():
    assert sheet_filename(["INN-000001"], "es", TODAY) == "ficha-INN-000001-2026-03-03.pdf"
    assert sheet_filename(["INN-1", "INN-2", "INN-1"], "en", TODAY) == "sheets-2-2026-03-03.pdf"


def test_page_one_renders_to_png_for_a_person_to_look_at(data):
    photo = prepared(_png((1200, 900)), "foto.png").image
    pdf = record_sheet(data, ["INN-A"], "es", TODAY, photos={"INN-A": photo})
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "ficha-INN-A.png"
    pypdfium2.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save(path)
    assert Image.open(path).size == (round(595.28 * 1.5), round(841.89 * 1.5))


@pytest.fixture(scope="module")
def handmade_store(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("sheet") / "atlas.gpkg"
    store.write(data, path)
    return path


def _export(path, *arguments: str):
    return CliRunner().invoke(main, ["export", "sheet", "--store", str(path), *arguments])


def test_the_command_writes_the_sheets_as_the_viewer_may_see_them(handmade_store, tmp_path):
    public, editor = tmp_path / "public.pdf", tmp_path / "editor.pdf"
    result = _export(handmade_store, "--id", "INN-F", "--id", "INN-B", "--out", str(public), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert str(public) in result.output
    text = _text(public.read_bytes())
    assert "Riego por turnos" in text and "Quinua tolerante a la helada" in text and "Huanta" not in text
    assert t("sheet.kicker", "en") in text
    assert _export(handmade_store, "--id", "INN-F", "--out", str(editor), "--as", "editor").exit_code == 0
    assert "Huanta" in _text(editor.read_bytes())


def test_the_command_refuses_an_unknown_id_by_name_and_writes_nothing(handmade_store, tmp_path):
    out = tmp_path / "ficha.pdf"
    result = _export(handmade_store, "--id", "INN-A", "--id", "INN-404", "--out", str(out))
    assert result.exit_code != 0 and "INN-404" in result.output and "INN-A" not in result.output
    assert not out.exists()
    assert _export(handmade_store, "--out", str(out)).exit_code != 0  # no --id at all
    assert not out.exists()


def test_without_out_the_sheet_is_named_after_its_innovation(handmade_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _export(handmade_store, "--id", "INN-B").exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == [f"ficha-INN-B-{date.today()}.pdf"]
