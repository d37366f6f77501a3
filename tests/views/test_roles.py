"""Who sees what on the pages: the same store opened by the public, two partners' readers and the committee."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import hash_password
from dashboard.paths import STORE_ENV
from tests.cli.test_export_as import CASES, SEEN, _name, built  # noqa: F401  (the store built for the matrix)
from tests.editors import APP, PASSWORD

PEOPLE = {
    "admin": {"name": "Eva Admin", "role": "admin"},
    "reader:cedap": {"name": "Lectora Cedap", "role": "reader", "partner": "cedap"},
    "reader:aba": {"name": "Lector Aba", "role": "reader", "partner": "aba"},
    "editor": {"name": "Ana Quispe", "role": "editor"},
    "reviewer": {"name": "Rosa Mamani", "role": "reviewer"},
}


def _as(viewer: str, path, monkeypatch) -> AppTest:
    """The app on `path`, seen by `viewer`: signed in on *Gestionar datos* unless the public."""
    monkeypatch.setenv(STORE_ENV, str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["editors"] = {
        key.replace(":", "_"): {**person, "password_hash": hash_password(PASSWORD)} for key, person in PEOPLE.items()
    }
    at.run()
    if viewer != "public":
        at.switch_page("views/gestionar.py").run()
        at.text_input(key="sign_in_user").input(viewer.replace(":", "_"))
        at.text_input(key="sign_in_password").input(PASSWORD)
        at.button(key="sign_in_submit").click().run()
        assert not at.exception
    return at


@pytest.mark.parametrize("viewer", ["public", *PEOPLE])
def test_each_role_sees_on_the_pages_exactly_what_it_may(built, monkeypatch, viewer):  # noqa: F811
    path, data = built
    at = _as(viewer, path, monkeypatch)
    at.switch_page("views/datos.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    listed = table.to_string()
    seen = SEEN.get(viewer, dict.fromkeys(CASES, "full"))
    for code in CASES:
        title = data.innovations.set_index("innovation_id").loc[code, "title"]
        assert (title in listed) == (code in seen), f"{viewer}: {code} listed on Datos"
        assert _name(code) not in listed or seen.get(code) == "full", f"{viewer}: name of {code} on Datos"
    at.switch_page("views/resumen.py").run()
    innovations = next(m for m in at.metric if m.label == "Innovaciones")
    hidden = len(CASES) - len(seen)
    assert innovations.value == str(len(data.innovations) - hidden)  # only what this viewer may see is counted


def test_a_reader_reads_but_is_offered_no_editing(built, monkeypatch):  # noqa: F811
    path, _ = built
    at = _as("reader:cedap", path, monkeypatch)
    assert any("Usted lee para el socio" in info.value for info in at.info)
    assert len(at.tabs) == 0  # no import, edit, trash or history


@pytest.mark.parametrize("viewer", ["public", "reader:aba", "editor"])
def test_the_map_sends_each_role_only_the_points_it_may_see(built, monkeypatch, viewer):  # noqa: F811
    import json
    import re

    from dashboard.data.viewers import Viewer
    from dashboard.map.pointcodec import decode

    path, data = built
    at = _as(viewer, path, monkeypatch)
    at.switch_page("views/mapa.py").run()
    sent = "".join(element.proto.json_args for element in at.get("component_instance"))  # every byte to the map
    layers = "".join(json.loads(element.proto.json_args)["feature_group"] for element in at.get("component_instance"))
    points = decode(re.search(r'atob\("([^"]+)"\)', layers).group(1))
    shown = Viewer.parse(viewer).shown(data.innovations)
    ids = data.innovations["innovation_id"].to_numpy()[shown][points.rows]
    seen = SEEN.get(viewer, dict.fromkeys(CASES, "full"))
    assert len(points.rows) == shown.sum() and set(CASES) & set(ids) == set(seen)
    communities = data.communities.set_index("community_id").geometry
    innovations = data.innovations.set_index("innovation_id")
    for code, how in seen.items():
        at_point = ids == code
        own = innovations.geometry[code] or communities[innovations.loc[code, "community_id"]]
        exact = (abs(points.lat[at_point] - own.y) < 6e-5) & (abs(points.lon[at_point] - own.x) < 6e-5)  # 1e-4 grid
        assert bool(exact.all()) == (how == "full"), f"{viewer} is sent {code}'s exact point: {how}"
    for code in CASES:
        assert _name(code) not in sent  # names travel only when a point is opened


def test_an_administrator_sees_who_may_do_what_and_an_editor_does_not(built, monkeypatch):  # noqa: F811
    path, _ = built
    at = _as("admin", path, monkeypatch)
    assert [tab.label for tab in at.tabs][-1] == "Personas"
    people = next(frame.value for frame in at.dataframe if "Papel" in frame.value.columns)
    assert set(people["Papel"]) == {"administrador", "lector de un socio", "editor", "revisor"}
    assert "password_hash" not in people.to_string() and "argon2" not in people.to_string()
    at = _as("editor", path, monkeypatch)
    assert "Personas" not in [tab.label for tab in at.tabs]


def test_presentation_mode_shows_a_room_what_the_public_may_see_whoever_presents(built, monkeypatch):  # noqa: F811
    from dashboard import state
    from dashboard.data.viewers import PUBLIC

    path, data = built
    at = _as("editor", path, monkeypatch)
    at.switch_page("views/mapa.py").run()
    at.button(key=state.PRESENT).click().run()
    assert not at.exception
    innovations = next(m for m in at.metric if m.label == "Innovaciones")
    assert innovations.value == str(int(PUBLIC.shown(data.innovations).sum())) != str(len(data.innovations))
