"""Ids for records added without one: each layer's prefix continues from the highest number the store has given."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

# how a record added without an id is numbered: a prefix (filled from the record) and the padding
# used while the store has no such id; otherwise the store's highest number and its padding continue
ID_FORMATS: dict[str, tuple[str, int]] = {
    "partners": ("PAR-", 3),
    "communities": ("{region}-", 3),  # like the demo's PE-AYA-001: numbered within each region
    "innovations": ("INN-", 6),  # like the demo's INN-000001
}


def next_ids(taken: Iterable[str], prefix: str, width: int, count: int) -> list[str]:
    """`count` new ids after the highest `<prefix><number>` in `taken`, keeping its zero padding."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    numbers = [m.group(1) for m in map(pattern.fullmatch, map(str, taken)) if m]
    highest = max(numbers, key=int, default=None)
    start, width = (int(highest), len(highest)) if highest else (0, width)
    return [f"{prefix}{n:0{width}d}" for n in range(start + 1, start + count + 1)]


class Numbering:
    """Fresh ids for the records of one layer added without one: each prefix continues from its highest number.

    The ids already taken are read once per prefix, so numbering n records costs one pass, not n.
    """

    def __init__(self, layer: str, taken: set[str]) -> None:
        self.template, self.width = ID_FORMATS[layer]
        self.taken = taken
        self.last: dict[str, tuple[int, int]] = {}  # prefix -> (last number given, its padding)
        # the record's fields the prefix is made of ("region" for a community; none for an innovation)
        self.fields = tuple(name for _, name, _, _ in string.Formatter().parse(self.template) if name)

    def new_id(self, record: dict) -> str:
        """A fresh id for `record`; it joins the taken ids."""
        prefix = self.template.format_map({k: "" if v is None else v for k, v in record.items()})
        if prefix not in self.last:
            first = next_ids(self.taken, prefix, self.width, 1)[0]
            self.last[prefix] = (int(first[len(prefix) :]) - 1, len(first) - len(prefix))
        number, width = self.last[prefix]
        record_id = f"{prefix}{number + 1:0{width}d}"
        while record_id in self.taken:  # an id written by hand above the highest number's padding
            number += 1
            record_id = f"{prefix}{number + 1:0{width}d}"
        self.last[prefix] = (number + 1, width)
        self.taken.add(record_id)
        return record_id
