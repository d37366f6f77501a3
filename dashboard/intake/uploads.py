"""A file uploaded on the page, kept on disk while it is worked on (readers need a path), and what is said of it."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard.i18n import t
from dashboard.intake.issues import IntakeError
from dashboard.safe_text import literal

UPLOADS = "atlas-uploads"  # the folder in the temporary directory that holds every session's upload
STALE_UPLOAD = 24 * 3600  # seconds after which an upload a session left behind is removed


@dataclass(frozen=True)
class Upload:
    """An uploaded file on disk: its SHA-256 (for the history), the name it was uploaded with, where it is."""

    digest: str
    name: str
    path: Path


def kept(content: bytes, name: str, previous: Upload | None) -> Upload:
    """The upload on disk: `previous` if it is this same file and still there, else written afresh."""
    # one upload per session is kept: a new one replaces `previous`; what ended sessions left goes after a day
    digest = hashlib.sha256(content).hexdigest()
    if previous and (previous.digest, previous.name) == (digest, name) and previous.path.is_file():
        return previous
    forget(previous)
    remove_stale()
    root = Path(tempfile.gettempdir()) / UPLOADS
    root.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=root)) / safe_name(name)  # private to this session
    path.write_bytes(content)
    return Upload(digest, name, path)


def forget(upload: Upload | None) -> None:
    """Remove an upload from disk."""
    if upload:
        shutil.rmtree(upload.path.parent, ignore_errors=True)


def remove_stale(now: float | None = None) -> None:
    """Remove the uploads that ended sessions left behind more than `STALE_UPLOAD` seconds ago."""
    now = time.time() if now is None else now
    for folder in (Path(tempfile.gettempdir()) / UPLOADS).glob("*"):
        with contextlib.suppress(OSError):  # another session may be removing it too
            if now - folder.stat().st_mtime > STALE_UPLOAD:
                shutil.rmtree(folder)


def safe_name(name: str) -> str:
    """The uploaded file's name, safe to write: no folder, no odd character, not too long, its extension kept."""
    cleaned = re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".")
    return cleaned[-100:] or "archivo"


def refusal(error: IntakeError, lang: str) -> str:
    """`error.message(lang)` with the file's name and every value from the file shown as written, never as markup."""
    params = {name: literal(value) for name, value in error.params.items()}
    return t("intake.file_refused", lang, file=literal(error.source), reason=t(error.reason, lang, **params))


def detail(error: BaseException) -> str:
    """An unexpected error in one short line, without where the server keeps the file."""
    text = str(error).splitlines()[0] if str(error).strip() else ""
    text = text.replace(tempfile.gettempdir(), "…")
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__
