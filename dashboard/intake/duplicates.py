"""Rows of one file that are the same record: the same row twice is one, two different rows are refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard.data.contract import Entity
from dashboard.intake.comparison import same_values
from dashboard.intake.issues import Issue
from dashboard.intake.matching import TIEBREAKERS, normalised_text
from dashboard.intake.row_context import RowContext


def identity_of(
    record_id: str | None, record: dict, source_key: str | None, key: tuple[str, ...] | None, entity: Entity
) -> tuple | None:
    """What makes two rows of one file the same record: its stored id, else its id, key or natural `key`."""
    if record_id is not None:
        return ("stored", record_id)
    if record.get(entity.id_field) is not None:
        return ("stored", record[entity.id_field])
    if source_key:
        return ("source_key", source_key)
    if key is None:
        return None
    # rows that the store would tell apart (another district, another year) are different records
    return ("natural_key", key + tuple(normalised_text(record.get(name)) for name in TIEBREAKERS[entity.layer]))


def _shown_identity(identity: tuple) -> str:
    """An identity as the user wrote it, for a message."""
    kind, value = identity
    return " · ".join(part for part in value if part) if kind == "natural_key" else str(value)


@dataclass
class EarlierRows:
    """The rows already read, by identity, to refuse two different rows as one record."""

    # Only each row's number and position are kept (a 200,000-row file would otherwise keep every record
    # twice); when a later row has the same identity, the earlier row is read again and compared value by value.
    again: Callable[[int], dict]  # position -> the record that row made
    rows: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # identity -> (row, position)

    def check(self, identities: list[tuple], merged: dict, row: int, ctx: RowContext) -> tuple[bool, Issue | None]:
        """Whether the row repeats an earlier one exactly; or the issue if it differs from one with its identity."""
        for identity in identities:
            if identity in self.rows:
                first, position = self.rows[identity]
                if same_values(self.again(position), merged):
                    return True, None
                return False, Issue(
                    row,
                    ctx.columns.get(ctx.entity.id_field),
                    "validate.duplicate_in_file",
                    {"value": _shown_identity(identity), "first": first},
                )
        return False, None

    def remember(self, identities: list[tuple], row: int, position: int) -> None:
        """Note the row under each of its identities, unless an earlier row holds it."""
        for identity in identities:
            self.rows.setdefault(identity, (row, position))
