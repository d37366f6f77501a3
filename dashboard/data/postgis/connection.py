"""Opening the PostGIS store's database: its address shown without the password, connections that name it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from dashboard.data.conform import ContractError

CONNECT_TIMEOUT = 10  # seconds to reach the server before the store is called unreachable


def public(address: str) -> str:
    """The address with any password left out (user:secret@host -> user@host, ?password=… dropped)."""
    parts = urlsplit(address)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def database(address: str) -> str:
    """The database's name, as the address gives it ("atlas" if it gives none)."""
    return urlsplit(address).path.lstrip("/") or "atlas"


def _secrets(address: str) -> list[str]:
    parts = urlsplit(address)
    given = [v for k, v in parse_qsl(parts.query) if k == "password"]
    return [*given, *([parts.password] if parts.password else [])]


@contextmanager
def connected(address: str, *, read_only: bool = False) -> Iterator[psycopg.Connection]:
    """A connection in one transaction, committed when the block ends without error and rolled back otherwise.

    Reading (`read_only`), the transaction sees one snapshot of the whole store however many tables it reads.
    """
    try:
        connection = psycopg.connect(address, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.OperationalError as error:
        detail = str(error).strip()
        for secret in _secrets(address):
            detail = detail.replace(secret, "***")
        raise ContractError(public(address), None, None, None, "store.unreachable", detail=detail) from None
    with connection:
        if read_only:
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
        yield connection
