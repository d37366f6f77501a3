"""The wall poster: A3 or A1, vector, every word searchable text, the filter as its title, only public data."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pypdf
import pypdfium2
import pyproj
import pytest
from click.testing import CliRunner
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.text import Text

from dashboard import palette
from dashboard.cli import main
from dashboard.data import store
from dashboard.filtering.filters import Filters, describe
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.i18n import t
from dashboard.pack.brief import long_date
from dashboard.pack.downloads import PACK, PosterPdf
from dashboard.pack.maplabels import COUNTRY, HALO
from dashboard.pack.poster import poster_figure, poster_pdf, scale_bar_length
from dashboard.paths import DEMO_STORE, ROOT

TODAY = dt.date(2026, 11, 29)
AYACUCHO = Filters(regions=("PE-AYA",), crops=("papa_nativa",))
QUERY = "region=PE-AYA&cultivo=papa_nativa"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def demo():
    data = store.load(DEMO_STORE)
    return data, FilterIndex.build(data.innovations, data.communities)


@pytest.fixture(scope="module")
def everything(demo) -> Selection:
    return Selection.of(*demo, Filters())


@pytest.fixture(scope="module")
def a3(everything) -> bytes:
    return poster_pdf(everything, "es", "A3", today=TODAY)


def _text(pdf: bytes) -> str:
    """The page's text, whitespace (line breaks, no-break spaces) collapsed to single spaces."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return " ".join(page.extract_text().replace("\xa0", " ").split())


def _images(resources) -> list[str]:
    """The names of every image in `resources`, also inside the forms it holds."""
    found = []
    for name, item in (resources.get("/XObject") or {}).items():
        item = item.get_object()
        if item.get("/Subtype") == "/Image":
            found.append(name)
        elif "/Resources" in item:
            found += _images(item["/Resources"])
    return found


@pytest.mark.parametrize(("paper", "size"), [("A3", (842, 1191)), ("A1", (1684, 2384))])
def test_the_poster_is_a3_or_a1_upright(everything, paper, size):
    pdf = poster_pdf(everything, "en", paper, today=TODAY)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    assert (round(float(pages[0].mediabox.width)), round(float(pages[0].mediabox.height))) == size


def test_the_poster_is_vector_and_every_word_is_text(a3):
    page = pypdf.PdfReader(io.BytesIO(a3)).pages[0]
    assert _images(page["/Resources"]) == []  # no picture: lines, points and words stay sharp at any size
    fonts = [font.get_object()["/BaseFont"] for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("DejaVuSans" in font for font in fonts)  # the brief's family, embedded (subset)
    text = _text(a3)
    words = [t("poster.legend", "es"), t("poster.circles", "es"), t("poster.points", "es"), t("poster.town", "es")]
    words += [t("poster.region_line", "es"), "Lima", "Cusco", "Arequipa", "Ayacucho (103)", "Puno (43)"]
    words += ["km", t("poster.north", "es"), "Fuente: Atlas de innovaciones campesinas, Prolinnova–Perú"]
    words += ["Datos actualizados al 31 de diciembre de 2025", f"Cartel elaborado el {long_date(TODAY, 'es')}"]
    words += ["INEI 2007", "Datos ilustrativos"]
    assert [word for word in words if word not in text] == []
    assert text.count("Todas las innovaciones") == 1  # the title, and no halo repeats a name


def test_the_title_is_the_filter_in_words_and_large(demo):
    chosen = Selection.of(*demo, AYACUCHO)
    title = describe(AYACUCHO, "en", chosen.partner_names)
    assert title == "Innovations on native potato in Ayacucho"
    pdf = poster_pdf(chosen, "en", today=TODAY)
    assert _text(pdf).startswith(title)  # at the top, whatever its lines
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == title
    for paper, smallest in (("A3", 36), ("A1", 72)):
        figure = poster_figure(chosen, "en", paper, TODAY)
        shown = next(text for text in figure.texts if " ".join(text.get_text().split()) == title)
        assert shown.get_fontsize() >= smallest


def test_bolivia_and_ecuador_are_named_on_the_whole_atlas(everything):
    figure = poster_figure(everything, "es", "A3", TODAY)
    countries = {text.get_text() for text in figure.axes[0].texts if text.get_gid() == COUNTRY}
    assert {"Bolivia", "Ecuador", "Perú"} <= countries


def test_no_name_on_the_poster_covers_another(everything):
    figure = poster_figure(everything, "es", "A3", TODAY)
    axes = figure.axes[0]
    renderer = FigureCanvasAgg(figure).get_renderer()
    names = [text for text in axes.texts if text.get_gid() != HALO]
    boxes = [text.get_window_extent(renderer) for text in names]
    keys = [artist.get_window_extent(renderer) for artist in axes.artists]  # the scale bar and the north arrow
    assert len(names) > 30 and len(keys) == 2
    for k, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[k + 1 :] + keys), names[k].get_text()


def test_only_public_points_are_drawn_and_no_innovator_is_named(demo, everything, a3):
    data, _ = demo
    hidden = data.innovations[~data.innovations["consent_public"].astype(bool)]
    assert len(hidden)
    assert not any(str(name) in _text(a3) for name in hidden["innovator_name"].dropna())
    figure = poster_figure(everything, "es", "A3", TODAY)
    drawn = [c for c in figure.axes[0].collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    green = next(c for c in drawn if to_hex(c.get_facecolor()[0], keep_alpha=False) == palette.GREEN.lower())
    shown = {tuple(point) for point in np.round(green.get_offsets(), 2)}
    exact = {tuple(point) for point in np.round(hidden.get_coordinates().to_numpy(), 2)}
    public = {tuple(point) for point in np.round(np.column_stack([everything.index.x, everything.index.y]), 2)}
    assert shown <= public and not (exact - public) & shown  # a hidden place is drawn only where the public one is


@pytest.mark.parametrize("filters", [Filters(), Filters(regions=("PE-PUN",))], ids=["atlas", "puno"])
def test_the_scale_bar_measures_km_on_the_ellipsoid_along_the_maps_middle_parallel(demo, filters):
    figure = poster_figure(Selection.of(*demo, filters), "es", "A3", TODAY)
    axes = figure.axes[0]
    km, length = scale_bar_length(axes)
    (west, east), (south, north) = axes.get_xlim(), axes.get_ylim()
    degrees = length / (axes.bbox.width * 72 / figure.dpi) * (east - west)
    middle = (south + north) / 2
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(west, middle, west + degrees, middle)
    assert metres / 1000 == pytest.approx(km, rel=0.005)
    assert 0.1 < degrees / (east - west) < 0.4 and str(km)[0] in "125"  # a round length, readable
    bar = axes.artists[0].get_child()  # the scale bar, drawn first
    assert [text.get_text() for text in bar.get_children() if isinstance(text, Text)][-1] == f"{km} km"


def test_the_poster_is_offered_and_named_with_its_paper_and_filter(demo):
    chosen = Selection.of(*demo, AYACUCHO)
    assert isinstance(PACK["poster"], PosterPdf) and PACK["poster"].paper == "A3"
    assert PosterPdf("A3").filename("es", TODAY, chosen) == "cartel-a3-ayacucho-papa-nativa-2026-11-29.pdf"
    assert PosterPdf("A1").filename("en", TODAY, chosen) == "poster-a1-ayacucho-native-potato-2026-11-29.pdf"
    assert PosterPdf("A1").label("es") == "Cartel A1 para la pared (PDF)"
    with pytest.raises(ValueError, match="unknown paper 'A4'; the papers are A3, A1"):
        PosterPdf("A4")


def test_the_export_command_writes_the_poster_on_the_paper_asked(small_store, tmp_path):
    out = tmp_path / "cartel.pdf"
    arguments = ["export", "poster", "--paper", "A1", "--query", QUERY, "--out", str(out), "--store", str(small_store)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    page = pypdf.PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 1684
    assert "Innovaciones de papa nativa en Ayacucho" in " ".join(page.extract_text().split())
    refused = CliRunner().invoke(main, [*arguments[:3], "A2", *arguments[4:]])
    assert refused.exit_code == 2 and "A3" in refused.output


def test_the_a3_poster_is_rendered_for_a_person_to_look_at(a3):
    ARTIFACTS.mkdir(exist_ok=True)
    image = pypdfium2.PdfDocument(a3)[0].render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "poster-a3.png")
    assert image.getextrema() != ((255, 255),) * 3


def test_search_words_in_the_title_are_printed_literally(everything):
    words = "$\\frac{a}{ <b>qocha</b> & riego"
    chosen = Selection(everything.data, everything.index, Filters(text=words), everything.keep, {})
    text = _text(poster_pdf(chosen, "es", today=TODAY))
    assert f"«{words}»" in text  # not mathematics, not markup
