"""`python -m dashboard i18n` tells a translator how much of each catalogue is done and which keys are left."""

from __future__ import annotations

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.i18n import catalogue
from tests.locales import TRANSLATED, add_locale


def test_each_locale_reports_its_coverage(tmp_path, monkeypatch):
    add_locale(tmp_path, monkeypatch)
    total = len(catalogue("es"))
    result = CliRunner().invoke(main, ["i18n"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"es · Español: {total} de {total} textos traducidos (100\u00a0%)",
        f"en · English: {total} de {total} textos traducidos (100\u00a0%)",
        f"xx · Xlingua: {len(TRANSLATED)} de {total} textos traducidos (<1\u00a0%)",
    ]


def test_missing_lists_the_keys_left_to_translate(tmp_path, monkeypatch):
    add_locale(tmp_path, monkeypatch)
    result = CliRunner().invoke(main, ["i18n", "xx", "--missing", "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("xx · Xlingua: 3 of ") and lines[0].endswith("strings translated (<1%)")
    left = [line.removeprefix("  missing ") for line in lines[1:]]
    assert left == sorted(set(catalogue("es")) - TRANSLATED)
    assert "nav.summary" in left and "nav.map" not in left


def test_a_complete_locale_lists_nothing_missing():
    result = CliRunner().invoke(main, ["i18n", "en", "--missing"])
    assert result.exit_code == 0 and len(result.output.splitlines()) == 1


def test_an_unknown_code_is_refused_by_name():
    result = CliRunner().invoke(main, ["i18n", "zz"])
    assert result.exit_code == 2 and "zz" in result.output
