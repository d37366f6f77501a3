"""*Compartir en la sala*: the address phones on the room's Wi-Fi open, in large type, and its QR code."""

from html import escape

import streamlit as st

from dashboard.i18n import t
from dashboard.room import qr_png_uri, shared_url

OPEN = "room_share_open"  # the sidebar's button that opens the dialog


def _body(lang: str) -> None:
    url = shared_url()
    if url is None:  # started on loopback only: a QR code here would lead phones nowhere
        st.info(t("room.not_shared", lang), icon=":material/wifi_off:")
        return
    st.html(f'<p style="font-size:2.4rem;font-weight:700;text-align:center;margin:0">{escape(url)}</p>')
    alt = escape(t("room.qr_alt", lang, url=url))
    st.html(f'<div style="text-align:center"><img src="{qr_png_uri(url)}" alt="{alt}"></div>')
    st.markdown(t("room.same_wifi", lang))


def button(lang: str) -> None:
    """Draw the sidebar's button; a click opens the dialog."""
    if st.sidebar.button(t("room.open", lang), key=OPEN, help=t("room.help", lang), icon=":material/qr_code_2:"):
        st.dialog(t("room.title", lang), width="medium")(_body)(lang)
