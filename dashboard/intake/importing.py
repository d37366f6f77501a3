"""A file brought in on the page: read with the editor's options, its columns mapped, every row checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.data.contract import Entity
from dashboard.data.dataset import Dataset
from dashboard.i18n import t
from dashboard.intake import mapping
from dashboard.intake.mapping import Mapping
from dashboard.intake.readers import layer_for, read_table
from dashboard.intake.readers.table import RawTable
from dashboard.intake.report import Report
from dashboard.intake.uploads import Upload
from dashboard.intake.validate import validate
from dashboard.paths import store_path


@dataclass(frozen=True)
class Options:
    """How to read the file and place its points, as the editor chose them (None: detected, or none)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    zone: str | None = None  # the UTM zone of coordinates in metres


def mappings_folder() -> Path:
    """Where the mappings saved on the page are kept: `mappings/` beside the store."""
    return store_path().parent / "mappings"


def read(upload: Upload, entity: Entity, options: Options) -> RawTable:
    """The upload as a table; a GeoPackage's layer named like the entity is read if it has one."""
    return read_table(
        upload.path,
        name=upload.name,
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        layer=layer_for(upload.path, upload.name, entity.layer),
    )


def what_was_read(table: RawTable, lang: str) -> str:
    """How many rows of what kind of file, in which encoding: a wrong guess can then be corrected."""
    return t(
        "manage.import.read",
        lang,
        rows=len(table.rows),
        kind=table.kind,
        flavour=table.flavour or "–",
        encoding=table.encoding or "–",
    )


def first_mapping(table: RawTable, entity: Entity) -> tuple[Mapping, str | None]:
    """The mapping to start from: the newest saved for files with these columns (and its name), else a guess."""
    columns = list(table.frame.columns)
    saved = mapping.saved_for(mappings_folder(), columns, entity)
    if saved:
        return mapping.applied(saved["mapping"], columns, entity), saved["name"]
    return mapping.guess(columns, entity), None


def examples(table: RawTable) -> list[str]:
    """One value of each column: the first that is not empty."""
    return [next((v for v in table.frame[c] if v), "") for c in table.frame.columns]


def save_mapping(name: str, chosen: Mapping, table: RawTable, entity: Entity) -> Path:
    """Keep `chosen` under `name` for the next file with these columns."""
    return mapping.save(mappings_folder(), name, chosen, list(table.frame.columns), entity)


def check(
    table: RawTable,
    chosen: Mapping,
    entity: Entity,
    options: Options,
    data: Dataset,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Every row of `table`, mapped by `chosen`, checked against the store `data`."""
    return validate(table, chosen, data, entity=entity, default_zone=options.zone, progress=progress)


def recheck(table: RawTable, chosen: Mapping, entity: Entity, options: Options) -> Callable[[Dataset], Report]:
    """The same check, to run again on the store as it is once its lock is held."""
    return lambda data: check(table, chosen, entity, options, data)
