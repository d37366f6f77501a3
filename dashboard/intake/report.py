"""The outcome of an import, row by row, in the user's language: on screen and as a CSV to keep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from dashboard.data.changes import Changes
from dashboard.i18n import t
from dashboard.intake.issues import Issue, shown_field
from dashboard.pack.exports import neutralised

NEW, UPDATE, UNCHANGED, REJECTED = "new", "update", "unchanged", "rejected"
STATUSES = (NEW, UPDATE, UNCHANGED, REJECTED)


@dataclass(frozen=True)
class RowResult:
    """What becomes of one input row."""

    row: int
    status: str
    record_id: str | None
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Report:
    """The outcome of every row of one file, and the changes committing it would make."""

    source: str
    entity: str
    results: tuple[RowResult, ...]
    changes: Changes
    file_issues: tuple[Issue, ...] = ()
    unmapped: tuple[str, ...] = ()  # input columns left out

    def counts(self) -> dict[str, int]:
        found = {status: 0 for status in STATUSES}
        for result in self.results:
            found[result.status] += 1
        return found

    @property
    def rejected(self) -> int:
        return self.counts()[REJECTED]

    def table(self, lang: str) -> pd.DataFrame:
        """One line per issue (and one per row without any), for the screen and for download."""
        lines = [_line(result, issue, lang) for result in self.results for issue in result.issues or (None,)]
        lines += [_line(None, issue, lang) for issue in self.file_issues]
        return pd.DataFrame(lines, columns=[t(f"validate.column.{c}", lang) for c in COLUMNS])

    def lines(self, lang: str) -> Iterator[str]:
        """Each issue as one whole line (whole-file issues first), for a terminal; rows without any are left out."""
        for result, issue in [(None, i) for i in self.file_issues] + [(r, i) for r in self.results for i in r.issues]:
            values = _values(result, issue, lang)
            where = t("report.row", lang, row=values["row"]) if result else t("report.file", lang)
            parts = [where, values["status"], values["id"], values["field"]]
            yield f"{' · '.join(str(p) for p in parts if p)}: {values['reason']} [{values['severity']}]"

    def csv(self, lang: str) -> bytes:
        """The report as CSV, UTF-8 with BOM so a spreadsheet opens it with its accents.

        Ids, column names and values come from the user's file: a cell a spreadsheet would run as a formula
        is written as text, as in the data exports.
        """
        return self.table(lang).map(neutralised).to_csv(index=False).encode("utf-8-sig")


COLUMNS = ("row", "status", "id", "field", "reason", "severity")


def _line(result: RowResult | None, issue: Issue | None, lang: str) -> dict:
    """One line of the report: a row's result with one of its issues (a whole-file issue has no row)."""
    values = _values(result, issue, lang)
    return {t(f"validate.column.{name}", lang): values[name] for name in COLUMNS}


def _values(result: RowResult | None, issue: Issue | None, lang: str) -> dict:
    """The report's columns for a row's result and one of its issues, in `lang`."""
    return {
        "row": result.row if result else "",
        "status": t(f"validate.status.{result.status}", lang) if result else "",
        "id": (result.record_id or "") if result else "",
        "field": shown_field(issue.field or "", lang) if issue else "",
        "reason": issue.message(lang) if issue else "",
        "severity": t(f"validate.severity.{issue.severity}", lang) if issue else "",
    }
