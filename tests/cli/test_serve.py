"""`serve` runs the app on loopback unless `--lan`; with it, the address phones open and its QR code, which decodes."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from click.testing import CliRunner

from dashboard import room
from dashboard.cli import main, serve

HOST = "192.168.1.23"
# half-block character → (top, bottom) module is dark; segno draws the light modules, for a dark terminal
_HALVES = {" ": (1, 1), "\u2580": (0, 1), "\u2584": (1, 0), "\u2588": (0, 0)}


def decoded(dark: np.ndarray) -> list[str]:
    """The text of every QR code in a matrix of dark (1) and light (0) modules, read by ZXing."""
    pixels = np.kron(np.where(dark == 1, 0, 255), np.ones((8, 8))).astype(np.uint8)
    return [found.text for found in zxingcpp.read_barcodes(pixels)]


def terminal_modules(text: str) -> np.ndarray:
    """The modules a terminal QR code of half blocks shows, two rows per line."""
    lines = [line for line in text.splitlines() if line and set(line) <= set(_HALVES)]
    rows = [[_HALVES[char][half] for char in line] for line in lines for half in (0, 1)]
    return np.array(rows)


@pytest.fixture()
def launched(monkeypatch) -> list[tuple[list[str], dict[str, str]]]:
    """The commands `serve` would start, recorded instead of started."""
    calls = []
    monkeypatch.setattr(serve, "_launch", lambda command, env: calls.append((command, env)) or 0)
    return calls


def _bound(command: list[str]) -> tuple[str, str]:
    return command[command.index("--server.address") + 1], command[command.index("--server.port") + 1]


@pytest.mark.parametrize(
    ("lan", "port", "bound"), [(False, 8501, ("127.0.0.1", "8501")), (True, 8600, ("0.0.0.0", "8600"))]
)
def test_the_command_binds_loopback_unless_lan(lan, port, bound):
    command = serve.streamlit_command(port, lan)
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("app.py")
    assert _bound(command) == bound


def test_serve_alone_stays_on_this_computer_and_tells_the_app_nothing(launched, monkeypatch):
    monkeypatch.setenv(serve.LAN_ENV, "http://10.0.0.9:8501")  # left over from an earlier session
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    ((command, env),) = launched
    assert _bound(command) == ("127.0.0.1", "8501")
    assert serve.LAN_ENV not in env
    assert "http://127.0.0.1:8501" in result.output and "\u2588" not in result.output


@pytest.mark.parametrize(("lang", "sentence"), [("es", "misma red Wi-Fi"), ("en", "same Wi-Fi")])
def test_lan_binds_every_interface_and_prints_the_address_and_a_qr_code_that_decodes_to_it(
    launched, monkeypatch, lang, sentence
):
    monkeypatch.setattr(serve, "lan_address", lambda: HOST)
    result = CliRunner().invoke(main, ["serve", "--lan", "--port", "8600", "--lang", lang])
    assert result.exit_code == 0, result.output
    url = f"http://{HOST}:8600"
    assert url in result.output and sentence in result.output
    assert decoded(terminal_modules(result.output)) == [url]
    ((command, env),) = launched
    assert _bound(command) == ("0.0.0.0", "8600") and env[serve.LAN_ENV] == url


@pytest.mark.parametrize(("lang", "sentence"), [("es", "no está conectado"), ("en", "not connected")])
def test_lan_without_a_network_says_so_and_starts_nothing(launched, monkeypatch, lang, sentence):
    monkeypatch.setattr(serve, "lan_address", lambda: None)
    result = CliRunner().invoke(main, ["serve", "--lan", "--lang", lang])
    assert result.exit_code == 1 and sentence in result.output and "Traceback" not in result.output
    assert launched == []


@pytest.mark.parametrize(
    ("host", "usable"),
    [
        ("192.168.1.23", True),
        ("10.4.0.7", True),
        ("172.20.1.1", True),
        ("127.0.0.1", False),
        ("127.0.1.1", False),  # Debian's /etc/hosts name for the machine itself
        ("169.254.3.4", False),  # link-local: no router gave an address
        ("0.0.0.0", False),
        ("fe80::1", False),
        ("", False),
    ],
)
def test_only_an_address_other_machines_reach_is_offered(host, usable):
    assert room._usable(host) is usable


def test_no_route_and_only_loopback_names_mean_no_network(monkeypatch):
    monkeypatch.setattr(room, "_routed", lambda probe: None)
    monkeypatch.setattr(room.socket, "gethostbyname_ex", lambda name: (name, [], ["127.0.1.1"]))
    assert room.lan_address() is None


def test_the_route_is_asked_without_sending_and_the_machine_names_are_the_fallback(monkeypatch):
    monkeypatch.setattr(room, "_routed", lambda probe: "10.0.0.5" if probe == "10.0.0.1" else None)
    assert room.lan_address() == "10.0.0.5"
    monkeypatch.setattr(room, "_routed", lambda probe: None)
    monkeypatch.setattr(room.socket, "gethostbyname_ex", lambda name: (name, [], ["127.0.1.1", "192.168.8.100"]))
    assert room.lan_address() == "192.168.8.100"


def test_this_machine_has_a_usable_address_or_none():
    found = room.lan_address()
    assert found is None or room._usable(found)
