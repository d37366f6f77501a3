"""What can be wrong with an input row, said in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import t

REJECT = "reject"  # the row cannot be stored as it is
FLAG = "flag"  # the row can be stored, but a person should look at it


@dataclass(frozen=True)
class Issue:
    """One problem of one input row: where (row number as the user counts it, field) and why."""

    row: int | None  # the row as the user finds it in the file (CSV line, sheet row, feature number); None: the file
    field: str | None  # the input column (or contract field) concerned
    reason: str  # catalogue key, e.g. "coords.out_of_range"
    params: dict = field(default_factory=dict)  # values for the message's placeholders
    severity: str = REJECT

    def message(self, lang: str) -> str:
        """The reason as a sentence in `lang`, with its values filled in (an atlas field by its readable name)."""
        params = dict(self.params)
        if "field" in params:
            params["field"] = shown_field(params["field"], lang)
        return t(self.reason, lang, **params)


def shown_field(name: object, lang: str) -> object:
    """A column of the file as it is; a field of the atlas (when the file has no column for it) by its name."""
    from dashboard.intake.mapping import ALL_TARGETS, label  # mapping reads the catalogue: imported when shown

    return label(name, lang) if name in ALL_TARGETS else name


class IntakeError(Exception):
    """A whole file refused before any row is read (too large, unsafe archive, unreadable)."""

    def __init__(self, source: str, reason: str, **params: object) -> None:
        super().__init__(f"{source}: {reason} {params}")
        self.source, self.reason, self.params = source, reason, params

    def message(self, lang: str) -> str:
        return t("intake.file_refused", lang, file=self.source, reason=t(self.reason, lang, **self.params))
