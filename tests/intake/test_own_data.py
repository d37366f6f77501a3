"""Start from one's own data: `init` makes an empty atlas, the app welcomes it, only the demo says "illustrative"."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pyogrio
import pypdf
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.cli import main
from dashboard.data import store
from dashboard.data.contract import CONTRACT_VERSION, ENTITIES, METADATA_LAYER
from dashboard.i18n import t
from dashboard.paths import DEMO_STORE, PACKAGE, STORE_ENV
from tests.editors import signed_in

APP = str(PACKAGE / "app.py")
PAGES = ("views/mapa.py", "views/resumen.py", "views/datos.py", "views/acerca.py", "views/gestionar.py")
COMMUNITIES_CSV = """community_id,name,country,region,location_source,latitude,longitude,altitude_m
AYA-1,Quispillaccta,PE,PE-AYA,gps,-13.57,-74.33,3400
AYA-2,Huanta,PE,PE-AYA,gazetteer,-12.94,-74.25,2640
"""
INNOVATIONS_CSV = """innovation_id,title,kind,domain,crops,community_id,partners,year_documented,pid_stage,\
innovator_type,consent_public,name_public
I-1,Qocha comunal,technical,water_irrigation,papa_nativa,AYA-1,aba,2024,documented,community,si,no
I-2,Semillero de quinua,technical,seeds_varieties,quinua,AYA-1,cedap,2023,spreading,womens_group,si,no
I-3,Biol andino,technical,soil_fertility,haba,AYA-2,cedap;unsch,2025,identified,woman,no,no
"""
# the line each take-away writes for the demo store, and only for it
ILLUSTRATIVE = {"xlsx": "export.readme.demo", "pdf": "brief.demo", "html": "standalone.demo"}


def _run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def _init(path: Path, *flags: str) -> Path:
    result = _run("init", "--out", path, *flags)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """An atlas made by `init --partners`, nothing imported yet; tests must not modify it."""
    return _init(tmp_path_factory.mktemp("init") / "mi-atlas.gpkg", "--partners")


@pytest.fixture(scope="module")
def own_store(tmp_path_factory) -> Path:
    """An `init --partners` atlas with two communities and three innovations imported from the command line."""
    folder = tmp_path_factory.mktemp("own")
    path = _init(folder / "mi-atlas.gpkg", "--partners")
    for entity, text in (("communities", COMMUNITIES_CSV), ("innovations", INNOVATIONS_CSV)):
        (folder / f"{entity}.csv").write_text(text, encoding="utf-8")
        result = _run("import", "--entity", entity, folder / f"{entity}.csv", "--editor", "Ana", "--store", path)
        assert result.exit_code == 0, result.output
        assert "rechazadas: 0" in result.output, result.output
    return path


def test_init_writes_every_layer_of_the_contract_empty_and_not_illustrative(tmp_path):
    path = _init(tmp_path / "vacio.gpkg")
    layers = dict(pyogrio.list_layers(path))
    needed = [e.layer for e in ENTITIES] + [e.link_layer(f) for e in ENTITIES for f in e.multi_fields]
    assert set(needed) <= set(layers)
    for layer in needed:
        assert pyogrio.read_info(path, layer=layer)["features"] == 0, layer
    metadata = pyogrio.read_dataframe(path, layer=METADATA_LAYER)
    assert dict(zip(metadata["key"], metadata["value"], strict=True))["contract_version"] == CONTRACT_VERSION
    loaded = store.load(path)
    assert not loaded.is_demo
    assert (len(loaded.partners), len(loaded.communities), len(loaded.innovations)) == (0, 0, 0)


def test_init_with_partners_holds_the_platforms_eight_real_partners(empty_store):
    loaded = store.load(empty_store)
    demo_partners = store.load(DEMO_STORE).partners
    assert len(loaded.partners) == 8
    assert (
        loaded.partners[["partner_id", "name", "kind", "role"]]
        .astype(str)
        .equals(demo_partners[["partner_id", "name", "kind", "role"]].astype(str))
    )
    assert loaded.partners.geometry.geom_equals(demo_partners.geometry).all()
    assert len(loaded.communities) == len(loaded.innovations) == 0 and not loaded.is_demo


def test_init_refuses_to_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "atlas.gpkg"
    existing.write_bytes(b"mis datos")
    result = _run("init", "--out", existing, "--partners")
    assert result.exit_code != 0
    assert str(existing) in result.output
    assert existing.read_bytes() == b"mis datos"


def test_an_empty_atlas_is_indexed_filtered_and_summarised():
    from dashboard.data.starter import empty_atlas
    from dashboard.filtering.filters import Filters
    from dashboard.filtering.index import FilterIndex
    from dashboard.filtering.selection import Selection
    from dashboard.summary.summaries import summarise

    data = empty_atlas(partners=False)
    index = FilterIndex.build(data.innovations, data.communities)
    chosen = Selection.of(data, index, Filters(crops=("quinua",), year_from=2010))
    assert not chosen.keep.any() and summarise(index, chosen.keep).headline.innovations == 0


def test_importing_into_an_init_store_keeps_it_not_illustrative(own_store):
    loaded = store.load(own_store)
    assert (len(loaded.communities), len(loaded.innovations)) == (2, 3)
    assert not loaded.is_demo


@pytest.mark.parametrize("code", sorted(ILLUSTRATIVE))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_only_the_demo_store_carries_the_illustrative_line(code, lang, own_store, small_store, tmp_path):
    line = t(ILLUSTRATIVE[code], lang)
    for source, illustrative in ((own_store, False), (small_store, True)):
        out = tmp_path / f"{source.parent.name}.{code}"
        result = _run("export", code, "--out", out, "--lang", lang, "--store", source)
        assert result.exit_code == 0, result.output
        assert (line in _text(code, out)) is illustrative, (source, line)


def _text(code: str, path: Path) -> str:
    """The file's readable text, whitespace collapsed (the XLSX: its readme sheet)."""
    if code == "xlsx":
        sheet = openpyxl.load_workbook(path).worksheets[0]
        text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    elif code == "pdf":
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
    else:
        text = path.read_text(encoding="utf-8")
    return " ".join(text.replace("\xa0", " ").split())


def _app(path: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(STORE_ENV, str(path))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_an_empty_atlas_opens_on_a_welcome_that_explains_the_import(empty_store, monkeypatch):
    at = _app(empty_store, monkeypatch)
    assert not at.exception
    assert at.title[0].value == t("welcome.heading")
    shown = " ".join(m.value for m in at.markdown)
    for step in (
        ".streamlit/secrets.toml",
        "python -m dashboard hash-password",
        "--entity communities",
        "--entity innovations",
        "python -m dashboard boundaries",
        "README",
    ):
        assert step in shown, step
    assert shown.index("--entity communities") < shown.index("--entity innovations")
    assert not any(t("app.demo_notice") in c.value for c in at.caption)


def test_the_welcome_warns_when_the_atlas_has_no_partners_to_name(tmp_path, monkeypatch):
    at = _app(_init(tmp_path / "sin-socios.gpkg"), monkeypatch)
    assert not at.exception
    assert [w.value for w in at.warning] == [t("welcome.no_partners")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_an_empty_atlas_runs_without_an_exception(empty_store, monkeypatch, page):
    at = _app(empty_store, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value


def test_presentation_mode_of_an_empty_atlas_runs_and_comes_back_to_the_welcome(empty_store, monkeypatch):
    at = _app(empty_store, monkeypatch)
    at.button(key=state.PRESENT).click().run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key="present_exit").click().run()
    assert not at.exception and at.title[0].value == t("welcome.heading")


def test_an_atlas_with_innovations_opens_on_the_map_without_the_demo_caption(own_store, monkeypatch):
    at = _app(own_store, monkeypatch)
    assert not at.exception
    assert at.title[0].value == t("map.heading")
    assert not any(t("app.demo_notice") in c.value for c in at.caption)


def _signed_in_import(monkeypatch, source: Path, tmp_path: Path) -> AppTest:
    """Ana signed in on a copy of `source`, with a communities file uploaded and checked on *Importar*."""
    path = tmp_path / "atlas.gpkg"
    shutil.copy(source, path)
    at = signed_in(path, monkeypatch)
    at.radio(key="import_entity").set_value("communities").run()
    at.file_uploader(key="import_file").set_value(("comunidades.csv", COMMUNITIES_CSV.encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_importing_into_the_demo_store_needs_an_extra_confirmation(monkeypatch, small_store, tmp_path):
    at = _signed_in_import(monkeypatch, small_store, tmp_path)
    assert any(w.value == t("manage.demo_import.warning") for w in at.warning)
    at.checkbox(key="import_confirm").check().run()
    assert at.button(key="import_commit").disabled
    at.checkbox(key="import_demo_confirm").check().run()
    assert not at.button(key="import_commit").disabled


def test_importing_into_an_own_store_asks_no_demo_confirmation(monkeypatch, empty_store, tmp_path):
    at = _signed_in_import(monkeypatch, empty_store, tmp_path)
    assert any(i.value == t("manage.empty_atlas.communities_first") for i in at.info)  # the edit tab
    assert not at.warning and not [c for c in at.checkbox if c.key == "import_demo_confirm"]
    at.checkbox(key="import_confirm").check().run()
    at.button(key="import_commit").click().run()
    assert any("CHG-000001" in s.value for s in at.success), [e.value for e in at.error]
    assert len(store.load(tmp_path / "atlas.gpkg").communities) == 2
