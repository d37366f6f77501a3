"""A real, throwaway PostgreSQL + PostGIS server for the tests: one cluster per session, one database per test.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin; missing, the tests that need them skip
here and fail in CI (CI=true), as the browser tests do without Chromium. As root, the cluster runs as the
`postgres` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser import free_port

BINARIES = os.environ.get("ATLAS_PG_BIN", "/usr/lib/postgresql/*/bin")
EXTENSIONS = "/usr/share/postgresql/{version}/extension/postgis.control"
TEMPLATE = "atlas_template"  # a database with PostGIS enabled, copied for each test
SERVER_USER = "postgres"  # Debian's package creates it


def binaries_or_skip() -> Path:
    """The newest PostgreSQL server binaries with PostGIS beside them; missing, skip here and fail in CI."""
    for folder in sorted(glob.glob(BINARIES), reverse=True):
        version = Path(folder).parent.name
        if Path(folder, "initdb").exists() and Path(EXTENSIONS.format(version=version)).exists():
            return Path(folder)
    message = f"PostgreSQL + PostGIS not found at {BINARIES} (apt-get install postgresql postgresql-postgis)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Cluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:`port`, trusting local connections."""

    binaries: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="atlas-pg-")))
    port: int = field(default_factory=free_port)
    counter: Iterator[int] = field(default_factory=itertools.count)

    def _run(self, *command: str) -> None:
        as_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*as_user, *command], capture_output=True, text=True, cwd=self.folder)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)}: {result.stdout}{result.stderr}")

    def start(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        data = str(self.folder / "data")
        self._run(str(self.binaries / "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8")
        settings = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        log = str(self.folder / "server.log")
        self._run(str(self.binaries / "pg_ctl"), "-D", data, "-l", log, "-o", settings, "-w", "start")
        self.execute("postgres", f"CREATE DATABASE {TEMPLATE}")
        self.execute(TEMPLATE, "CREATE EXTENSION postgis")

    def stop(self) -> None:
        self._run(str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, database: str, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(sql)

    def database(self) -> str:
        """The address of a new database with PostGIS enabled and nothing else."""
        name = f"atlas_{os.getpid()}_{next(self.counter)}"
        self.execute("postgres", f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)


def every_row(address: str) -> dict[str, list[str]]:
    """Every table of every schema the database holds, PostGIS's own aside, each as its rows' text, sorted."""
    import psycopg

    with psycopg.connect(address) as connection:
        names = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> 'spatial_ref_sys'"
        ).fetchall()
        return {
            f"{schema}.{table}": sorted(
                row[0] for row in connection.execute(f'SELECT t::text FROM "{schema}"."{table}" AS t')
            )
            for schema, table in sorted(names)
        }
