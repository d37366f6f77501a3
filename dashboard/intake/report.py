"""The outcome of an import, row by row, in the user's language: on screen and as a CSV to keep."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import t
from dashboard.intake.changes import Changes
from dashboard.intake.issues import Issue

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
        lines = []
        for result in self.results:
            status = t(f"validate.status.{result.status}", lang)
            for issue in result.issues or (None,):
                lines.append({
                    t("validate.column.row", lang): result.row, t("validate.column.status", lang): status,
                    t("validate.column.id", lang): result.record_id or "",
                    t("validate.column.field", lang): issue.field or "" if issue else "",
                    t("validate.column.reason", lang): issue.message(lang) if issue else "",
                    t("validate.column.severity", lang): t(f"validate.severity.{issue.severity}", lang) if issue else "",
                })
        lines += [{t("validate.column.row", lang): "", t("validate.column.status", lang): "",
                   t("validate.column.id", lang): "", t("validate.column.field", lang): issue.field or "",
                   t("validate.column.reason", lang): issue.message(lang),
                   t("validate.column.severity", lang): t(f"validate.severity.{issue.severity}", lang)}
                  for issue in self.file_issues]
        return pd.DataFrame(lines)

    def csv(self, lang: str) -> bytes:
        """The report as CSV, UTF-8 with BOM so a spreadsheet opens it with its accents."""
        return self.table(lang).to_csv(index=False).encode("utf-8-sig")
