"""The PostGIS store's schema, built and brought up to date by numbered SQL migrations.

Each migration is a file `migrations/NNNN_name.sql` in this package, applied once, in order, and recorded
in the table `schema_migrations`; a migration is never edited once released (a change is a new file).
All pending migrations are applied in one transaction, under a lock, so two servers that start at once
never apply one twice and a migration that fails leaves the schema as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg

from dashboard.data.conform import ContractError

FOLDER = "migrations"
LOCK_KEY = 4_281_512  # pg_advisory_xact_lock key that migrations take ("ATLAS" has no meaning to PostgreSQL)
NAME = re.compile(r"(\d{4})_(\w+)\.sql")
BOOK = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
)


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of the package."""

    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def known() -> list[Migration]:
    """Every migration in the package, oldest first."""
    found = []
    for item in resources.files(__package__).joinpath(FOLDER).iterdir():
        match = NAME.fullmatch(item.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), item.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


def applied(connection: psycopg.Connection) -> set[int]:
    """The versions already applied to the database (none if it was never migrated)."""
    present = connection.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]
    if not present:
        return set()
    return {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}


def pending(connection: psycopg.Connection) -> list[Migration]:
    """The migrations the database still needs, oldest first."""
    done = applied(connection)
    return [migration for migration in known() if migration.version not in done]


def apply(connection: psycopg.Connection, location: str) -> list[str]:
    """Apply the pending migrations inside the connection's current transaction; their labels, oldest first.

    A migration that fails raises ContractError naming it and the server's reason; the caller's transaction
    then rolls back every one.
    """
    connection.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    connection.execute(BOOK)
    labels = []
    for migration in pending(connection):
        try:
            connection.execute(migration.sql)
        except psycopg.Error as error:
            detail = str(error).strip()
            raise ContractError(
                location, None, None, None, "store.migration_failed", migration=migration.label, detail=detail
            ) from None
        connection.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
        )
        labels.append(migration.label)
    return labels
