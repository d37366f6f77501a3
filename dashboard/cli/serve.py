"""`serve` starts the app: on this computer only, or with `--lan` for every phone on the room's Wi-Fi.

The app learns the address phones should open from `ATLAS_LAN_URL` (`dashboard.room`), which only
`serve --lan` sets, so its *Compartir en la sala* dialog never shows a QR code that would not work.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

from dashboard.cli.group import main
from dashboard.i18n import LANGUAGES, t
from dashboard.paths import PACKAGE, ROOT
from dashboard.room import LAN_ENV, lan_address, lan_url, qr_text

LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"
DEFAULT_PORT = 8501


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
