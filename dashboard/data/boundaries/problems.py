"""What stops a boundaries file from becoming the BOUNDARIES layer: empty geometries, missing and repeated codes.

They are all collected and reported together in one BoundaryProblems, with the import options
that would get past them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import geopandas as gpd

from dashboard.data.conform import ContractError
from dashboard.i18n import DEFAULT_LANGUAGE, t


def boundary_error(
    source: str, layer: str | None, row: int | None, field: str | None, key: str, **params: object
) -> ContractError:
    """A ContractError whose explanation lives in the catalogue's [boundaries] table."""
    return ContractError(source, layer, row, field, f"boundaries.{key}", **params)


@dataclasses.dataclass(frozen=True)
class Problem:
    """Features of a boundaries file that cannot become a boundary as they are, and why."""

    reason: str  # catalogue key under [boundaries_check]: empty_geometry, no_code, repeated_code
    code: str  # the file's own code value ("" when it has none)
    features: tuple[int, ...]  # feature numbers: rows of the file, from 1, in file order

    def message(self, lang: str, column: str) -> str:
        """The features and what is wrong with them, in `lang`, naming the file's code column."""
        return t(
            f"boundaries_check.{self.reason}",
            lang,
            column=column,
            code=self.code or "—",
            features=", ".join(map(str, self.features)),
            count=len(self.features),
        )


_REMEDIES = ("empty_geometry", "repeated_code")  # problems an import option gets past


class BoundaryProblems(ContractError):
    """Every feature that stops a boundaries import, in one error, with the options that would let it in."""

    def __init__(self, source: str, layer: str, column: str, problems: Iterable[Problem]) -> None:
        self.column, self.problems = column, tuple(problems)
        super().__init__(source, layer, None, None, "boundaries_check.problems", count=len(self.problems))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The headline, one line per problem, then the remedies, in `lang`."""
        reasons = {p.reason for p in self.problems}
        lines = [super().message(lang), *(f"  - {p.message(lang, self.column)}" for p in self.problems)]
        lines += [t(f"boundaries_check.remedy.{r}", lang) for r in _REMEDIES if r in reasons]
        return "\n".join(lines)


def find_problems(frame: gpd.GeoDataFrame, repeats: bool) -> list[Problem]:
    """Every feature without geometry or code, and (if `repeats`) every code given to several, in file order."""
    code = frame["code"].fillna("")
    empty = frame.geometry.isna() | frame.geometry.is_empty
    found = [Problem("empty_geometry", c, (int(row),)) for row, c in code[empty].items()]
    found += [Problem("no_code", "", (int(row),)) for row in code.index[code == ""]]
    if repeats:
        present = code[code != ""]
        repeated = present[present.duplicated(keep=False)]
        found += [
            Problem("repeated_code", str(c), tuple(int(r) for r in rows.index))
            for c, rows in repeated.groupby(repeated, sort=False)
        ]
    return sorted(found, key=lambda problem: problem.features[0])
