"""The room's address: where phones on the hall's Wi-Fi reach the atlas, and its QR code.

`python -m dashboard serve --lan` finds the address and hands it to the app in `ATLAS_LAN_URL`; the
*Compartir en la sala* dialog shows it. Found without sending a packet; drawn offline (segno).
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket

import segno

from dashboard import palette

LAN_ENV = "ATLAS_LAN_URL"
# one address in each private range: a UDP `connect` asks the kernel for the route to it and sends nothing
_PROBES = ("192.168.0.1", "10.0.0.1", "172.16.0.1")


def _usable(host: str) -> bool:
    """An IPv4 address another machine on the room's network can reach (not loopback, not link-local)."""
    try:
        found = ipaddress.ip_address(host)
    except ValueError:
        return False
    return found.version == 4 and not (found.is_loopback or found.is_link_local or found.is_unspecified)


def _routed(probe: str) -> str | None:
    """This machine's address on the route to `probe`, found without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:
            udp.connect((probe, 9))
            return udp.getsockname()[0]
        except OSError:  # no route: no network at all, or none towards that range
            return None


def lan_address() -> str | None:
    """This machine's address on the local network, or None when it is on none."""
    for probe in _PROBES:
        if (host := _routed(probe)) and _usable(host):
            return host
    try:
        named = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        named = []
    return next((host for host in named if _usable(host)), None)


def lan_url(host: str, port: int) -> str:
    """The address a phone opens to reach the app served at `host`:`port`."""
    return f"http://{host}:{port}"


def qr(url: str) -> segno.QRCode:
    """The QR code of `url` that the terminal and the app both show (never a Micro QR: phones may not read it)."""
    return segno.make(url, error="m", micro=False)


def qr_text(url: str) -> str:
    """`url`'s QR code in half-block characters, light modules drawn, for a terminal with a dark background."""
    out = io.StringIO()
    qr(url).terminal(out=out, compact=True, border=4)
    return out.getvalue()


def qr_png_uri(url: str) -> str:
    """`url`'s QR code as a PNG data URI, dark on white with its quiet zone, large enough to scan off a projector.

    A PNG, not inline SVG: the HTML sanitizer of Streamlit's `st.html` drops an inline `<svg>`.
    """
    return qr(url).png_data_uri(scale=10, border=4, dark=palette.QR_DARK, light=palette.QR_LIGHT)


def shared_url() -> str | None:
    """The address phones open, when the app was started with `serve --lan`; None otherwise."""
    return os.environ.get(LAN_ENV) or None
