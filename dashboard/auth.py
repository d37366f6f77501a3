"""Who may edit: editors from secrets.toml, password sign-in (argon2) with throttling, and OIDC allow-listing."""

from __future__ import annotations

import math
import re
import secrets as random_secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import click
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.i18n import DEFAULT_LANGUAGE, t

EDITORS = "editors"  # secrets.toml table: [editors.<username>]
EDITOR_KEYS = ("name", "password_hash", "email", "role", "partner")
# What a signed-in person may do: read for a partner; add and edit drafts; publish; manage people.
ROLES = ("reader", "editor", "reviewer", "admin")
OIDC = "auth"  # secrets.toml table read by Streamlit's st.login()
OIDC_SHARED = ("redirect_uri", "cookie_secret")
OIDC_PROVIDER = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_PROVIDER = "default"  # what st.login() calls the provider configured directly in [auth]
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[\w.@-]+$")
_HASHER = PasswordHasher()


class SecretsError(ValueError):
    """A malformed editor configuration, naming the secrets.toml key at fault."""

    def __init__(self, key: str, reason: str, **params: object) -> None:
        self.key, self.reason, self.params = key, reason, params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole message in `lang`: which key, then what is wrong with it."""
        reason = t(f"auth.bad.{self.reason}", lang, **self.params)
        return t("auth.bad_secret", lang, key=self.key, reason=reason)


class TooManyAttempts(Exception):
    """Sign-in refused without checking the password: too many recent failures."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, math.ceil(seconds))
        super().__init__(f"locked for {self.seconds} s")


@dataclass(frozen=True)
class Editor:
    """A person allowed to edit; `name` is what the audit records."""

    username: str
    name: str
    password_hash: str | None = field(default=None, repr=False)
    email: str | None = None
    role: str = "editor"  # one of ROLES
    partner: str | None = None  # the partner organisation a reader reads for (its partner_id)


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SecretsError(key, "not_text")
    return value.strip()


def _editor(username: str, table: object) -> Editor:
    where = f"{EDITORS}.{username}"
    if not isinstance(table, Mapping):
        raise SecretsError(where, "not_table")
    for key in table:
        if key not in EDITOR_KEYS:
            raise SecretsError(f"{where}.{key}", "unknown_key", allowed=", ".join(EDITOR_KEYS))
    if "password_hash" not in table and "email" not in table:
        raise SecretsError(where, "no_credential")
    password_hash = email = None
    if "password_hash" in table:
        password_hash = _text(table["password_hash"], f"{where}.password_hash")
        try:
            extract_parameters(password_hash)
        except InvalidHashError:
            raise SecretsError(f"{where}.password_hash", "bad_hash") from None
    if "email" in table:
        email = _text(table["email"], f"{where}.email").casefold()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise SecretsError(f"{where}.email", "bad_email", value=email)
    role = _text(table.get("role", "editor"), f"{where}.role").lower()
    if role not in ROLES:
        raise SecretsError(f"{where}.role", "bad_role", value=role, allowed=", ".join(ROLES))
    partner = _text(table["partner"], f"{where}.partner") if "partner" in table else None
    if role == "reader" and partner is None:
        raise SecretsError(f"{where}.partner", "reader_partner")
    name = _text(table.get("name"), f"{where}.name")
    return Editor(username.casefold(), name, password_hash, email, role, partner)


def editors_from(secrets: Mapping) -> dict[str, Editor]:
    """The editors configured under [editors.<username>], keyed by lower-case username; {} if none."""
    tables = secrets.get(EDITORS, {})
    if not isinstance(tables, Mapping):
        raise SecretsError(EDITORS, "not_table")
    editors: dict[str, Editor] = {}
    emails: set[str] = set()
    for username, table in tables.items():
        if not _USERNAME.match(username):
            raise SecretsError(f"{EDITORS}.{username}", "bad_username")
        editor = _editor(username, table)
        if editor.username in editors or editor.email in emails:
            raise SecretsError(f"{EDITORS}.{username}", "duplicate", value=editor.email or editor.username)
        editors[editor.username] = editor
        if editor.email:
            emails.add(editor.email)
    return editors


def oidc_providers(secrets: Mapping) -> tuple[str, ...]:
    """The providers st.login() can use: "default" for one set directly in [auth], then named [auth.<name>]."""
    section = secrets.get(OIDC)
    if not isinstance(section, Mapping) or not all(section.get(key) for key in OIDC_SHARED):
        return ()
    complete = [DEFAULT_PROVIDER] if all(section.get(key) for key in OIDC_PROVIDER) else []
    # Streamlit refuses provider names with an underscore
    complete += [
        name
        for name, value in section.items()
        if isinstance(value, Mapping) and "_" not in name and all(value.get(key) for key in OIDC_PROVIDER)
    ]
    return tuple(complete)


def oidc_configured(secrets: Mapping) -> bool:
    """Whether [auth] holds everything st.login() needs for at least one provider."""
    return bool(oidc_providers(secrets))


def editing_enabled(secrets: Mapping) -> bool:
    """Whether anyone can sign in as an editor: a password, or an allow-listed email with OIDC configured."""
    editors = editors_from(secrets).values()
    return any(e.password_hash for e in editors) or (oidc_configured(secrets) and any(e.email for e in editors))


def _email_verified(claim: object) -> bool | None:
    # OIDC says a boolean; some providers send the string; Microsoft Entra sends no claim at all
    if claim is None:
        return None
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def editor_from_oidc(user_info: Mapping, secrets: Mapping) -> Editor | None:
    """The editor whose email the signed-in OIDC user has, unless the provider says that email is unverified."""
    email = user_info.get("email")
    if not (user_info.get("is_logged_in") and oidc_configured(secrets) and isinstance(email, str)):
        return None
    if _email_verified(user_info.get("email_verified")) is False:
        return None
    wanted = email.strip().casefold()
    return next((e for e in editors_from(secrets).values() if e.email == wanted), None)


@dataclass
class _Record:
    failures: int = 0
    strikes: int = 0  # lockouts so far: each one doubles the next
    last: float = -math.inf
    locked_until: float = -math.inf


class Throttle:
    """Failed sign-ins per key, answered in two ways.

    A key that is locked (a client) is refused after `limit` failures for `lock` seconds, doubling up to
    `max_lock`. A key that is only slowed (a username) is never refused: from `limit` failures on, each
    attempt first waits `delay` seconds, doubling up to `max_delay`. A key that stays quiet for `window`
    seconds (after its last failure or lockout) starts afresh.
    """

    def __init__(
        self,
        limit: int = 5,
        lock: float = 60,
        window: float = 3600,
        max_lock: float = 3600,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
        delay: float = 1,
        max_delay: float = 10,
    ) -> None:
        self.limit, self.lock, self.window, self.max_lock = limit, lock, window, max_lock
        self.delay, self.max_delay = delay, max_delay
        self.clock, self.max_keys = clock, max_keys
        self._records: dict[str, _Record] = {}
        self._mutex = threading.Lock()

    def _forgiven(self, record: _Record, now: float) -> bool:
        return now - max(record.last, record.locked_until) > self.window

    def check(self, key: str, now: float | None = None) -> float:
        """Seconds `key` must still wait before it may try again; 0 if it may try now."""
        now = self.clock() if now is None else now
        with self._mutex:
            record = self._records.get(key)
            return max(0.0, record.locked_until - now) if record else 0.0

    def slowdown(self, key: str, now: float | None = None) -> float:
        """Seconds an attempt for `key` waits before it is checked: none below the limit, then doubling."""
        now = self.clock() if now is None else now
        with self._mutex:
            record = self._records.get(key)
            if record is None or self._forgiven(record, now) or record.failures < self.limit:
                return 0.0
            # the exponent is capped: a float cannot hold 2**(millions of failures)
            return min(self.delay * 2 ** min(record.failures - self.limit, 32), self.max_delay)

    def record_failure(self, key: str, now: float | None = None, lock: bool = True) -> None:
        """Count a failed attempt for `key`, locking it once the limit is reached (unless `lock` is False)."""
        now = self.clock() if now is None else now
        with self._mutex:
            record = self._records.get(key)
            if record is None or self._forgiven(record, now):
                record = self._records[key] = _Record()
            record.failures, record.last = record.failures + 1, now
            if lock and record.failures >= self.limit:
                record.locked_until = now + min(self.lock * 2**record.strikes, self.max_lock)
                record.strikes, record.failures = record.strikes + 1, 0
            if len(self._records) > self.max_keys:  # many made-up usernames must not fill the memory
                self._records = {k: r for k, r in self._records.items() if not self._forgiven(r, now)}

    def record_success(self, key: str) -> None:
        """Forget the failures of `key`."""
        with self._mutex:
            self._records.pop(key, None)


THROTTLE = Throttle()  # the app is one process: one throttle for every session


@cache
def _dummy_hash() -> str:
    # verified against when the username is unknown, so the time taken does not tell who exists
    return _HASHER.hash(random_secrets.token_urlsafe(32))


def verify(
    editors: Mapping[str, Editor],
    username: str,
    password: str,
    throttle: Throttle = THROTTLE,
    now: float | None = None,
    client: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Editor | None:
    """The editor if `password` is theirs, else None; raises TooManyAttempts while `client` is locked out.

    A client (e.g. the browser's address) that fails too often is refused for a while, whichever usernames
    it tries. A username that fails too often, from anywhere, is only slowed down: anyone could otherwise
    lock the real editor out by guessing wrong on purpose. Without a client address (a browser on the
    same machine, or every browser behind a proxy there) sign-in is only slowed down, for the same reason.
    """
    username = username.strip().casefold()
    user, machine = f"user:{username}", f"client:{client}" if client else None
    wait = throttle.check(machine, now) if machine else 0.0
    if wait > 0:
        raise TooManyAttempts(wait)
    pause = throttle.slowdown(user, now)
    if pause > 0:
        sleep(pause)
    editor = editors.get(username)
    stored = editor.password_hash if editor else None
    try:
        matched = _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if matched:  # the username's count stays: the editor's success must not reset an attacker's guesses
        if machine:
            throttle.record_success(machine)
        return editor
    throttle.record_failure(user, now, lock=False)
    if machine:
        throttle.record_failure(machine, now)
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, for `password_hash` in secrets.toml."""
    return _HASHER.hash(password)


@click.command("hash-password")
@click.password_option("--password", prompt="Contraseña", confirmation_prompt="Repita la contraseña")
def hash_password_command(password: str) -> None:
    """Crea el hash de una contraseña de editor para pegarlo en .streamlit/secrets.toml."""
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"debe tener al menos {MIN_PASSWORD} caracteres.", param_hint="la contraseña")
    click.echo(f'password_hash = "{hash_password(password)}"')
