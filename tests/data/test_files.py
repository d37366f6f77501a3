"""Every writer replaces a file all or nothing."""

from __future__ import annotations

import pytest

from dashboard.data import files


def test_a_write_that_fails_leaves_the_old_file_and_nothing_beside_it(tmp_path):
    target = tmp_path / "informe.csv"
    target.write_text("antes", encoding="utf-8")
    with pytest.raises(RuntimeError), files.replacing(target) as temporary:
        temporary.write_text("a medias", encoding="utf-8")
        raise RuntimeError("cortado")
    assert target.read_text(encoding="utf-8") == "antes"
    assert [p.name for p in tmp_path.iterdir()] == ["informe.csv"]


def test_a_finished_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "mapa.html"
    target.write_text("antes", encoding="utf-8")
    files.write_text(target, "después ñ")
    assert target.read_text(encoding="utf-8") == "después ñ"
    files.copy(target, tmp_path / "copia.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copia.html", "mapa.html"]
