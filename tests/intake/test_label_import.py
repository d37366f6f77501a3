"""A "labels"/"etiquetas" column of a spreadsheet or form export lands in the innovations' Local Contexts labels."""

from __future__ import annotations

import pytest

from dashboard.data.contract import INNOVATIONS
from dashboard.intake import mapping, values


@pytest.mark.parametrize(
    "column", ["etiquetas", "Etiquetas", "labels", "Etiquetas de Local Contexts", "Local Contexts labels", "etiqueta"]
)
def test_a_labels_column_is_guessed(column):
    assert mapping.guess([column], INNOVATIONS)[column] == "labels"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("tk_attribution", ["tk_attribution"]),
        ("TK Atribución; BC Procedencia", ["tk_attribution", "bc_provenance"]),
        ("TK Non-Commercial, TK Notice", ["tk_non_commercial", "tk_notice"]),
        ("TK Secreto-sagrado", ["tk_secret_sacred"]),
        ("tk_verified bc_research_use", ["tk_verified", "bc_research_use"]),  # a form's multi-select
    ],
)
def test_labels_are_read_by_code_or_by_name(cell, expected):
    assert values.codes(cell, "label") == expected


def test_an_unknown_label_is_an_error_that_names_it():
    with pytest.raises(values.ValueProblem) as caught:
        values.codes("TK Inventada", "label")
    assert caught.value.reason == "values.unknown_code" and "TK Inventada" in caught.value.params.values()
