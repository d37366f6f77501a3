"""A temporary locales folder: the shipped catalogues plus one partial language, as a translator would start it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import i18n

# Two translated strings (one with placeholders) and the language's own name; everything else is missing.
PARTIAL = """\
[language]
name = "Xlingua"

[nav]
map = "Mapa-xx"

[share]
bad_value = "xx: «{parameter}» = «{value}»"
"""
TRANSLATED = {"language.name", "nav.map", "share.bad_value"}


def add_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str = "xx", text: str = PARTIAL) -> Path:
    """Point the catalogues at a copy of the shipped folder holding one more file, `<code>.toml`."""
    folder = tmp_path / "locales"
    if not folder.exists():
        shutil.copytree(i18n._LOCALES, folder)
    (folder / f"{code}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "_LOCALES", folder)
    return folder
