"""*Compartir en la sala*: with `serve --lan` the dialog shows the address and a QR code that decodes to it;
without, it says how to start the atlas for the room instead of showing a code that leads nowhere."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.paths import PACKAGE, STORE_ENV
from dashboard.room import LAN_ENV
from dashboard.views.share import OPEN

URL = "http://192.168.1.23:8501"


def shown_qr(html: str) -> list[str]:
    """The text of every QR code in the PNG data URI of an `<img>` the dialog shows, read by ZXing."""
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html)[1]
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(data))))]


def _dialog(monkeypatch, small_store: Path, url: str | None, lang: str = "es") -> AppTest:
    monkeypatch.setenv(STORE_ENV, str(small_store))
    if url:
        monkeypatch.setenv(LAN_ENV, url)
    else:
        monkeypatch.delenv(LAN_ENV, raising=False)
    app = AppTest.from_file(str(PACKAGE / "app.py"), default_timeout=60).run()
    app.selectbox(key=state.LANGUAGE).set_value(lang).run()
    app.button(key=OPEN).click().run()
    assert not app.exception
    return app


def _texts(app: AppTest) -> str:
    return "\n".join([e.proto.body for e in app.get("html")] + [e.value for e in [*app.markdown, *app.info]])


@pytest.mark.parametrize(("lang", "sentence"), [("es", "misma red Wi-Fi"), ("en", "same Wi-Fi")])
def test_the_dialog_shows_the_address_large_and_a_qr_code_that_decodes_to_it(monkeypatch, small_store, lang, sentence):
    app = _dialog(monkeypatch, small_store, URL, lang)
    shown = [e.proto.body for e in app.get("html")]
    assert any(URL in body and "font-size" in body for body in shown)
    (image,) = [body for body in shown if "<img" in body]
    assert shown_qr(image) == [URL]
    assert sentence in _texts(app) and "internet" in _texts(app)


def test_without_lan_the_dialog_says_to_start_with_make_serve_lan_and_shows_no_code(monkeypatch, small_store):
    app = _dialog(monkeypatch, small_store, None)
    assert "make serve-lan" in _texts(app) and "<img" not in _texts(app)
