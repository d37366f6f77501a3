"""A table as one row per submission: a form definition or a repeat group's own table refused.

A form definition (XLSForm: sheets `survey`, `choices`, `settings`) is refused. Repeat groups are not
imported, never guessed into columns: a repeat's own table (a Kobo XLSX sheet with `_parent_index`, an
ODK Central file with `PARENT_KEY`) is refused; the repeat sheets next to a Kobo main sheet are named in
a flag; the flattened repeat columns of Kobo's legacy CSV (`children[1]/name`) are dropped with one flag
that names their groups, and the rest is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.intake.issues import FLAG, IntakeError, Issue

# The first word of an XLSForm `type` cell ("select_one cultivos", "begin group").
XLSFORM_TYPES = frozenset(
    "integer decimal range text select_one select_multiple select_one_from_file select_multiple_from_file rank "
    "note geopoint geotrace geoshape date time datetime image audio background-audio video file barcode calculate "
    "acknowledge hidden xml-external csv-external begin_group end_group begin_repeat end_repeat begin end start "
    "today deviceid phonenumber username email audit start-geopoint simserial subscriberid trigger".split()
)
# A repeat's own table links each row to its submission: Kobo XLSX sheets, ODK Central CSV files.
REPEAT_LINKS = {"_parent_index": {"_parent_index", "_parent_table_name"}, "PARENT_KEY": {"PARENT_KEY"}}
# A repeat flattened into columns by Kobo's legacy CSV: "children[1]/name", "household/children[2]/age".
REPEAT_COLUMN = re.compile(r"(?P<group>[^\[\]]+)\[\d+\](?=$|[^\w\[\]])")


def _lowered(header: Sequence[object]) -> set[str]:
    return {str(cell).strip().lower() for cell in header if cell is not None}


def is_form_definition(sheets: Mapping[str, Sequence[object]]) -> bool:
    """Whether a workbook (sheet title -> header) is an XLSForm: `survey` with type and name, choices or settings."""
    headers = {title.strip().lower(): header for title, header in sheets.items()}
    return (
        "survey" in headers
        and bool({"choices", "settings"} & headers.keys())
        and {"type", "name"} <= _lowered(headers["survey"])
    )


def _is_survey(frame: pd.DataFrame) -> bool:
    """Whether one table is an XLSForm survey sheet: type, name and label columns, and nearly every type a form's."""
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if not {"type", "name"} <= columns.keys() or not any(c.startswith("label") for c in columns):
        return False
    types = [value.split()[0].lower() for value in frame[columns["type"]] if value and value.split()]
    return bool(types) and sum(t in XLSFORM_TYPES for t in types) >= 0.9 * len(types)


def repeat_link(header: Sequence[object]) -> str | None:
    """The column that links a repeat group's table to its submissions, if `header` is one."""
    names = {str(cell) for cell in header if cell is not None}
    return next((link for link, needed in REPEAT_LINKS.items() if needed <= names), None)


def only_submissions(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Issue]]:
    """A table as one row per submission: a form definition or a repeat's table refused, repeat columns dropped.

    :raises IntakeError: when the table is a form's survey sheet or a repeat group's own table.
    """
    if _is_survey(frame):
        raise IntakeError(source, "readers.form_exports.form_definition")
    link = repeat_link(list(frame.columns))
    if link:
        raise IntakeError(source, "readers.form_exports.repeat_table", link=link)
    repeats = {c: match["group"] for c in frame.columns if (match := REPEAT_COLUMN.match(str(c)))}
    if not repeats:
        return frame, []
    params = {
        "groups": ", ".join(dict.fromkeys(repeats.values())),
        "count": len(repeats),
        "example": next(iter(repeats)),
    }
    issue = Issue(None, None, "readers.form_exports.repeat_columns", params, FLAG)
    return frame.drop(columns=list(repeats)), [issue]


def left_out_sheets(sheets: Mapping[str, Sequence[object]], chosen: str) -> list[Issue]:
    """A flag naming the repeat-group sheets of a workbook (title -> header) read at its sheet `chosen`."""
    repeats = [title for title, header in sheets.items() if title != chosen and repeat_link(header)]
    if not repeats:
        return []
    return [
        Issue(None, None, "readers.form_exports.repeat_sheets", {"sheets": ", ".join(repeats), "sheet": chosen}, FLAG)
    ]
