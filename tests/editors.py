"""An editor signed in on the app through AppTest, shared by the tests of *Gestionar datos*."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.auth import hash_password
from dashboard.paths import PACKAGE, STORE_ENV

APP = str(PACKAGE / "app.py")
PASSWORD = "una-clave-larga"


def signed_in(path: Path, monkeypatch) -> AppTest:
    """The app on the store at `path` (which edits change), on *Gestionar datos*, Ana Quispe signed in."""
    monkeypatch.setenv(STORE_ENV, str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["editors"] = {"ana": {"name": "Ana Quispe", "password_hash": hash_password(PASSWORD)}}
    at.run()
    at.switch_page("views/gestionar.py").run()
    at.text_input(key="sign_in_user").input("ana")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button(key="sign_in_submit").click().run()
    return at
