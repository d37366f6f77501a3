"""The PostGIS store's backups: before each write, every layer copied, on the server, into a schema of its own.

A backup is the schema `atlas_backup_<ordinal>` holding a copy of each layer's table and of `atlas_layers`,
listed in `atlas_backups` with its name, the audit entry it was taken for and when. It is taken inside the
write's own transaction, so a write that fails leaves no backup behind, and it never leaves the server.
It is read back with the same reader as the live tables. The newest `keep` are kept, as for a GeoPackage.
"""

from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg import sql

from dashboard.data.backend import Backup
from dashboard.data.postgis.tables import LAYERS_TABLE, held

PREFIX = "atlas_backup_"


def name_for(database: str, entry: str, when: datetime) -> str:
    """The backup's name for the audit entry `entry`: <database>-<UTC timestamp>-<entry>."""
    return f"{database}-{when:%Y%m%dT%H%M%SZ}-{entry}"


def listed(connection: psycopg.Connection) -> list[Backup]:
    """The backups kept, oldest first."""
    rows = connection.execute("SELECT name, entry, taken FROM atlas_backups ORDER BY ordinal")
    return [Backup(name, entry, taken) for name, entry, taken in rows]


def schema_of(connection: psycopg.Connection, name: str) -> str | None:
    """The schema that holds the backup `name`; None if no backup has that name."""
    row = connection.execute("SELECT ordinal FROM atlas_backups WHERE name = %s", (name,)).fetchone()
    return None if row is None else f"{PREFIX}{row[0]}"


def take(connection: psycopg.Connection, name: str, entry: str, taken: str) -> None:
    """Copy every layer the atlas holds into a new backup schema (inside the caller's transaction)."""
    if schema_of(connection, name) is not None:  # a backup of an atlas that `create` has since replaced
        _drop(connection, name)
    ordinal = connection.execute("SELECT coalesce(max(ordinal), 0) + 1 FROM atlas_backups").fetchone()[0]
    schema = f"{PREFIX}{ordinal}"
    connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    for table in [*held(connection), LAYERS_TABLE]:
        connection.execute(
            sql.SQL("CREATE TABLE {} AS TABLE {}").format(sql.Identifier(schema, table), sql.Identifier(table))
        )
    connection.execute(
        "INSERT INTO atlas_backups (ordinal, name, entry, taken) VALUES (%s, %s, %s, %s)", (ordinal, name, entry, taken)
    )


def prune(connection: psycopg.Connection, keep: int) -> None:
    """Drop all but the newest `keep` backups."""
    old = listed(connection)
    for backup in old[: max(len(old) - keep, 0)]:
        _drop(connection, backup.name)


def _drop(connection: psycopg.Connection, name: str) -> None:
    schema = schema_of(connection, name)
    connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    connection.execute("DELETE FROM atlas_backups WHERE name = %s", (name,))
