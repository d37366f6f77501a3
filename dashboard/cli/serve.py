"""`serve` starts the app: on this computer only, or with `--lan` for every phone on the room's Wi-Fi.

The app learns the address phones should open from `ATLAS_LAN_URL`, which only `serve --lan` sets, so
its *Compartir en la sala* dialog never shows a QR code that would not work.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
import subprocess
import sys

import click
import segno

from dashboard import palette
from dashboard.cli.group import main
from dashboard.i18n import LANGUAGES, t
from dashboard.paths import PACKAGE, ROOT

LAN_ENV = "ATLAS_LAN_URL"
LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"
DEFAULT_PORT = 8501
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


def streamlit_command(port: int, lan: bool) -> list[str]:
    """The command that runs the app on `port`: on loopback only unless `lan`."""
    bind = EVERY_INTERFACE if lan else LOOPBACK
    app = str(PACKAGE / "app.py")
    return [sys.executable, "-m", "streamlit", "run", app, "--server.address", bind, "--server.port", str(port)]


def app_environment(url: str | None) -> dict[str, str]:
    """This environment with `ATLAS_LAN_URL` set to `url`, or removed when the app is not shared."""
    env = {name: value for name, value in os.environ.items() if name != LAN_ENV}
    if url:
        env[LAN_ENV] = url
    return env


def _launch(command: list[str], env: dict[str, str]) -> int:
    # from the repository's root, so that Streamlit reads its .streamlit/config.toml
    try:
        return subprocess.call(command, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0


@main.command("serve")
@click.option("--lan", is_flag=True, help="Abre el atlas a la red local (Wi-Fi de la sala) y muestra su código QR.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True)
def serve_command(lan: bool, port: int, lang: str) -> None:
    """Inicia el atlas: solo en este equipo, o con --lan para los teléfonos de la misma red Wi-Fi."""
    url = None
    if lan:
        host = lan_address()
        if host is None:
            raise click.ClickException(t("room.no_network", lang))
        url = lan_url(host, port)
        click.echo(t("room.terminal", lang, url=url))
        click.echo(qr_text(url))
    else:
        click.echo(t("room.local_only", lang, url=lan_url(LOOPBACK, port)))
    raise SystemExit(_launch(streamlit_command(port, lan), app_environment(url)))
