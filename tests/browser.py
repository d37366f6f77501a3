"""A real app server and a real headless Chromium for the browser tests, with the internet shut out."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard.palette import BAR_COLOUR
from dashboard.paths import PACKAGE, ROOT, STORE_ENV

CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
MAP_FRAME = "iframe[src*='/component/streamlit_folium.st_folium/']"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
BAR = tuple(int(BAR_COLOUR[i : i + 2], 16) for i in (1, 3, 5))  # the charts' bars, as a screenshot has them


def chromium_or_skip() -> str:
    """Debian's Chromium; missing, it skips the test here and fails it in CI."""
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found:
        return found
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@dataclass
class Server:
    """`streamlit run` on a free loopback port, stopped (with its children) when done."""

    store: Path
    log: Path
    secrets: Path | None = None  # a secrets.toml (editors), if the test signs in
    url: str = ""
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PACKAGE / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        if self.secrets is not None:
            command += ["--secrets.files", str(self.secrets)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, STORE_ENV: str(self.store)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not _healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the app did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)  # polling the health endpoint; no browser is running yet

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Watch:
    """What a page did that it should not: leave loopback, open dialogs, log errors."""

    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # local files the page asked for and did not get
    received: list[bytes] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        scheme = urlparse(url).scheme
        if scheme in ("data", "blob", "about") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def attach(self, page) -> None:
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "response",
            lambda answer: self.missing.append(f"{answer.status} {answer.url}") if answer.status >= 400 else None,
        )
        page.on("websocket", lambda socket: socket.on("framereceived", self._keep))

    def _keep(self, payload) -> None:
        self.received.append(payload if isinstance(payload, bytes) else payload.encode())

    def everything_received(self) -> bytes:
        return b"\n".join(self.received)


def launch(playwright, executable: str):
    return playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
        ],
    )


PASSWORD = "clave-de-prueba-larga"  # every person of a test's secrets.toml signs in with it
ANA = {"ana": {"name": "Ana Quispe"}}  # the test editor `sign_in` signs in as


def write_secrets(folder: Path, people: dict[str, dict[str, str]] = ANA) -> Path:
    """A secrets.toml in `folder` with one [editors.<user>] table per person (name, role, partner…), each
    with the hash of PASSWORD; returns its path."""
    from dashboard.auth import hash_password

    lines = []
    for user, fields in people.items():
        lines.append(f"[editors.{user}]")
        lines += [
            f"{key} = {json.dumps(value)}"
            for key, value in {**fields, "password_hash": hash_password(PASSWORD)}.items()
        ]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def running_servers(store: Path, log: Path, secrets: Path | None = None) -> Iterator[Server]:
    server = Server(store=store, log=log, secrets=secrets)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def watched_page(chromium, watch: Watch, width: int = 1366, height: int = 900):
    """A new context and page whose every request and dialog `watch` sees; close the context when done."""
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(60_000)  # a busy 2-core machine: conditions, not sleeps, with room
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    return context, page


def sign_in(page, url: str, password: str) -> None:
    """Open *Gestionar datos* and sign in as Ana, the test editor."""
    page.goto(f"{url}/gestionar")
    page.get_by_label("Usuario").fill("ana")
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_text("Sesión iniciada como Ana Quispe").wait_for()
