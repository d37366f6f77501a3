"""Every page runs in Streamlit's AppTest, and the shared filters change what each page shows."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.data.privacy import public_points
from dashboard.data.viewers import PUBLIC, viewed
from dashboard.filtering.criteria import CRITERIA
from dashboard.i18n import t
from dashboard.paths import PACKAGE, STORE_ENV
from dashboard.views.editing import field_key
from tests.editors import signed_in

APP = str(PACKAGE / "app.py")
PAGES = ("views/mapa.py", "views/resumen.py", "views/datos.py", "views/acerca.py")


@pytest.fixture()
def app(small_store: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(STORE_ENV, str(small_store))
    return AppTest.from_file(APP, default_timeout=60).run()


def _metrics(at: AppTest) -> dict[str, int]:
    """The whole-number figures shown, by label (percentages and years left out)."""
    return {m.label: int(m.value.replace("\u00a0", "")) for m in at.metric if m.value.replace("\u00a0", "").isdigit()}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value


def test_the_app_opens_in_spanish_on_the_map(app, small_dataset):
    assert app.title[0].value == "¿Dónde ocurren las innovaciones?"
    total = len(small_dataset.innovations)
    assert any(f"{total} de {total} innovaciones" in m.value for m in app.markdown)
    assert any("Datos de demostración" in c.value for c in app.caption)


def test_a_region_filter_changes_the_headline_figures(app, small_dataset):
    app.switch_page("views/resumen.py").run()
    before = _metrics(app)
    assert before["Innovaciones"] == len(small_dataset.innovations)
    app.multiselect(key=CRITERIA["regions"].widget).set_value(["PE-PUN"]).run()
    after = _metrics(app)
    public = viewed(small_dataset, PUBLIC).innovations  # a restricted record counts where it is shown
    expected = public[public["region"] == "PE-PUN"]
    assert after["Innovaciones"] == len(expected) < before["Innovaciones"]
    assert after["Comunidades"] == expected["community_id"].nunique()  # not those tied to restricted records alone
    assert after["Regiones"] == 1
    assert any("Innovaciones en Puno" in m.value for m in app.markdown)


def test_the_filter_follows_the_user_to_every_page(app, small_dataset):
    app.multiselect(key=CRITERIA["crops"].widget).set_value(["quinua"]).run()
    expected = sum("quinua" in crops for crops in small_dataset.innovations["crops"])
    assert 0 < expected < len(small_dataset.innovations)
    assert any(f"{expected} de {len(small_dataset.innovations)}" in m.value for m in app.markdown)
    app.switch_page("views/datos.py").run()
    assert len(app.dataframe[0].value) == expected
    app.switch_page("views/resumen.py").run()
    assert _metrics(app)["Innovaciones"] == expected
    app.button(key=state.CLEAR).click().run()
    assert _metrics(app)["Innovaciones"] == len(small_dataset.innovations)


def test_the_data_table_shows_no_innovator_names(app, small_dataset):
    app.switch_page("views/datos.py").run()
    table = app.dataframe[0].value
    assert len(table) == len(small_dataset.innovations)
    names = set(small_dataset.innovations["innovator_name"].dropna())
    assert names and not names & set(table.astype(str).to_numpy().ravel())
    assert "Título" in table.columns and "innovator_name" not in table.columns


def test_switching_to_english_translates_the_pages(app):
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    assert app.title[0].value == "Where do innovations happen?"
    app.switch_page("views/resumen.py").run()
    assert {m.label for m in app.metric} == {
        "Innovations",
        "Communities",
        "Regions",
        "Partners",
        "Led by women",
        "In experimentation or spreading",
        "Newest year documented",
    }
    app.switch_page("views/acerca.py").run()
    assert app.title[0].value == "About Prolinnova–Peru"
    assert any("2018" in m.value and "Country Platform" in m.value for m in app.markdown)


def test_a_broken_store_shows_a_located_error_instead_of_a_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "roto.gpkg"
    broken.write_bytes(b"esto no es un GeoPackage")
    monkeypatch.setenv(STORE_ENV, str(broken))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "roto.gpkg" in at.error[0].value and "No se pudo abrir" in at.error[0].value


def test_a_link_with_filters_reopens_the_same_counts(small_store, small_dataset, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(small_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["region"] = "PE-PUN,PE-AYA"
    at.query_params["cultivo"] = "papa_nativa"
    at.run()
    innovations = small_dataset.innovations
    expected = sum(
        r in ("PE-PUN", "PE-AYA") and "papa_nativa" in c
        for r, c in zip(innovations["region"], innovations["crops"], strict=True)
    )
    assert any(f"{expected} de {len(innovations)}" in m.value for m in at.markdown)
    assert at.multiselect(key=CRITERIA["regions"].widget).value == ["PE-PUN", "PE-AYA"]
    assert dict(at.query_params) == {"region": "PE-PUN,PE-AYA", "cultivo": "papa_nativa"}


def test_choosing_a_region_writes_it_into_the_address(app):
    assert dict(app.query_params) == {}
    app.multiselect(key=CRITERIA["regions"].widget).set_value(["PE-CUS"]).run()
    assert dict(app.query_params) == {"region": "PE-CUS"}
    app.multiselect(key=state.LAYERS).set_value(["points", "heatmap"]).run()
    assert dict(app.query_params) == {"region": "PE-CUS", "capas": "points,heatmap"}


def test_broken_link_parameters_are_ignored_with_a_notice(small_store, small_dataset, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(small_store))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"region": "XX-YY", "zoom": "99", "desde": "dos mil", "foo": "<b>x</b>"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    notices = " ".join(toast.value for toast in at.toast)
    assert "«foo»" in notices and "«99»" in notices and "«dos mil»" in notices and "«XX-YY»" in notices
    total = len(small_dataset.innovations)
    assert any(f"{total} de {total}" in m.value for m in at.markdown)


def test_a_clicked_point_opens_its_details_without_private_fields(app, small_dataset):
    innovations = small_dataset.innovations
    row = int(((~innovations["name_public"]) & innovations["innovator_name"].notna()).to_numpy().argmax())
    app.session_state[state.CLICKED] = row
    app.run()
    assert app.subheader[0].value.replace("\\", "") == innovations["title"].iloc[row]
    shown = " ".join(m.value for m in app.markdown)
    assert innovations["innovator_name"].iloc[row] not in shown
    app.multiselect(key=CRITERIA["regions"].widget).set_value(
        [r for r in innovations["region"].astype(str).unique() if r != innovations["region"].iloc[row]][:1]
    ).run()
    assert not app.subheader  # a point the filter no longer keeps shows no details


def test_an_area_drawn_on_the_map_filters_every_page(app, small_dataset):
    ayacucho = ((-75.5, -14.8), (-73.0, -14.8), (-73.0, -12.4), (-75.5, -12.4))
    app.session_state[state.AREA] = ayacucho
    app.run()
    app.switch_page("views/resumen.py").run()
    figures = _metrics(app)
    inside = public_points(small_dataset.innovations, small_dataset.communities).within(shapely.Polygon(ayacucho))
    assert 0 < inside.sum() < len(small_dataset.innovations)
    assert figures["Innovaciones"] == inside.sum()
    assert figures["Regiones"] == small_dataset.innovations["region"][inside.to_numpy()].nunique()
    assert any("área dibujada" in m.value for m in app.markdown)
    assert "area" in dict(app.query_params)


def test_the_choropleth_works_out_of_the_box_and_explains_how_to_add_levels(app):
    app.multiselect(key=state.LAYERS).set_value(["choropleth"]).run()
    assert not app.exception and not app.info  # the bundled regions: nothing to set up
    assert any("python -m dashboard boundaries" in c.value for c in app.caption)  # provinces, districts


def test_the_summary_shows_every_headline_figure_with_a_definition(app, small_dataset):
    app.switch_page("views/resumen.py").run()
    shown = {m.label: m for m in app.metric}
    innovations = small_dataset.innovations
    types = viewed(small_dataset, PUBLIC).innovations["innovator_type"].dropna()  # a restricted record's is withheld
    women = types.isin(["woman", "womens_group"]).mean()
    assert shown["Impulsadas por mujeres"].value == f"{round(women * 100)}\u00a0%"
    assert shown["Último año documentado"].value == str(innovations["year_documented"].max())
    assert len(shown) == 7 and all(m.help for m in shown.values())
    assert any(f"{len(innovations)} innovaciones" in m.value for m in app.markdown)  # the paragraph


def test_presentation_mode_hides_the_controls_and_comes_back(app, small_dataset):
    app.multiselect(key=CRITERIA["regions"].widget).set_value(["PE-AYA"]).run()
    app.button(key=state.PRESENT).click().run()
    assert not app.exception and len(app.sidebar) == 0
    assert [m.value for m in app.markdown][0] == "## Innovaciones en Ayacucho"
    expected = (small_dataset.innovations["region"] == "PE-AYA").sum()
    assert _metrics(app)["Innovaciones"] == expected and len(app.metric) == 4
    app.button(key="present_exit").click().run()
    assert app.title[0].value == "¿Dónde ocurren las innovaciones?"
    assert app.multiselect(key=CRITERIA["regions"].widget).value == ["PE-AYA"]


def test_presentation_mode_presents_the_year_player_the_map_shows(app):
    app.multiselect(key=state.LAYERS).set_value(["years"]).run()
    app.button(key=state.PRESENT).click().run()
    legend = " ".join(str(h.body) for h in app.get("html"))
    assert t("map.years.new", "es") in legend and t("map.legend.one_colour", "es") not in legend
    app.button(key="present_exit").click().run()
    app.multiselect(key=state.LAYERS).set_value(["points"]).run()
    app.button(key=state.PRESENT).click().run()
    legend = " ".join(str(h.body) for h in app.get("html"))
    assert t("map.years.new", "es") not in legend and t("map.legend.one_colour", "es") in legend


def _signed_in(monkeypatch, small_store: Path, tmp_path: Path) -> tuple[AppTest, Path]:
    """Ana, an editor, signed in on a copy of the small store (the copy is what edits change)."""
    import shutil

    store_path = tmp_path / "atlas.gpkg"
    shutil.copy(small_store, store_path)
    return signed_in(store_path, monkeypatch), store_path


def _open_record(at: AppTest, position: int):
    """Choose the store's innovation at `position` in the edit form; returns it as stored."""
    from dashboard.data import store

    record = store.load().innovations.iloc[position]
    at.selectbox(key="edit_choice_innovations").set_value(record["innovation_id"]).run()
    return record


def test_without_editors_the_manage_page_says_whom_to_ask_not_how_to_set_up(app):
    app.switch_page("views/gestionar.py").run()
    assert app.info[0].value == "La edición no está activada"
    assert any("pida acceso a la persona que administra el atlas" in m.value for m in app.markdown)
    assert not any("hash-password" in m.value for m in app.markdown)  # the setup is in the README only
    assert not app.main.text_input  # no sign-in form, nothing to edit (the sidebar keeps its search)


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_tabs(monkeypatch, small_store, tmp_path):
    at, _ = _signed_in(monkeypatch, small_store, tmp_path)
    assert not at.exception and any(c.value == "Sesión iniciada como Ana Quispe" for c in at.caption)
    assert [t.label for t in at.tabs] == ["Importar", "Editar", "Papelera", "Historial"]


def test_two_people_editing_the_same_record_get_a_conflict_not_a_lost_update(monkeypatch, small_store, tmp_path):
    from dashboard.data import store
    from dashboard.data.backend import open_store
    from dashboard.data.changes import Changes, Source

    at, path = _signed_in(monkeypatch, small_store, tmp_path)
    record = _open_record(at, 0)
    title = at.text_input(key=field_key("innovations", record["innovation_id"], "title"))
    assert title.value == record["title"]
    other = store.load(path).innovations.iloc[[0]].copy()  # meanwhile, someone else saves the same record
    other["title"] = "Cambio de Luis"
    open_store(path).commit(
        Changes(updated={"innovations": other}, seen={("innovations", record["innovation_id"]): 1}),
        Source("edit", record["innovation_id"]),
        "Luis",
    )
    title.input("Cambio de Ana")
    at.button(key="edit_save").click().run()
    assert any("Luis" in e.value for e in at.error), [e.value for e in at.error]
    assert store.load(path).innovations.iloc[0]["title"] == "Cambio de Luis"  # Luis's change is not lost


def test_an_edit_is_saved_with_the_editors_name_and_a_delete_goes_to_the_trash(monkeypatch, small_store, tmp_path):
    from dashboard.data import store
    from dashboard.data.backend import open_store

    at, path = _signed_in(monkeypatch, small_store, tmp_path)
    record = _open_record(at, 1)
    title = at.text_input(key=field_key("innovations", record["innovation_id"], "title"))
    title.input("Título revisado <b>sin</b> marcas")
    at.button(key="edit_save").click().run()
    assert any("Guardado (CHG-000001)" in s.value for s in at.success), [e.value for e in at.error]
    saved = store.load(path).innovations.set_index("innovation_id").loc[record["innovation_id"]]
    assert saved["title"] == "Título revisado <b>sin</b> marcas" and saved["partners"] == record["partners"]
    assert open_store(path).history().iloc[0]["editor"] == "Ana Quispe"
    at.button(key="edit_delete").click().run()
    assert record["innovation_id"] not in set(store.load(path).innovations["innovation_id"])
    assert record["innovation_id"] in set(open_store(path).trash()["id"])


def test_about_credits_every_source_of_the_offline_map(app):
    app.switch_page("views/acerca.py").run()
    text = " ".join(m.value for m in app.markdown)
    for credit in ("INEI 2007", "MPL-2.0", "OpenStreetMap", "ODbL", "Natural Earth"):
        assert credit in text, credit


def test_the_map_caption_follows_the_layers_shown(app):
    assert any("Los círculos agrupan" in c.value for c in app.caption)  # points: the clusters are explained
    app.multiselect(key=state.LAYERS).set_value(["choropleth"]).run()
    captions = " ".join(c.value for c in app.caption)
    assert "Los círculos agrupan" not in captions and "Dibuje un rectángulo" in captions


def test_the_summary_spells_out_dpi_and_the_acronyms_of_the_partners_it_shows(app, small_dataset):
    app.multiselect(key=CRITERIA["regions"].widget).set_value(["PE-PUN"]).run()
    app.switch_page("views/resumen.py").run()
    captions = " ".join(c.value for c in app.caption).replace("\\", "")  # markdown escapes, as shown
    assert t("summary.acronyms.pid", "es") in captions
    partners = small_dataset.partners.set_index("partner_id")
    kept = small_dataset.innovations[small_dataset.innovations["region"] == "PE-PUN"]
    working = {p for listed in kept["partners"] for p in listed}
    for partner, row in partners.iterrows():
        if isinstance(row["acronym"], str) and row["acronym"] != row["name"]:
            assert (f"{row['acronym']}: {row['name']}" in captions) == (partner in working), partner
    prose = " ".join(m.value for m in app.markdown).replace("\\", "")
    leader = kept.explode("partners")["partners"].value_counts().index[0]
    assert f"{partners.loc[leader, 'name']} ({partners.loc[leader, 'acronym']})" in prose
