"""Commands that bring records in and take an import back: validate, import, undo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard import auth
from dashboard.cli.group import main, store_option
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.refusals import CommitError
from dashboard.intake.limits import DEFAULT_LIMITS

EXIT_REJECTED, EXIT_UNREADABLE = 1, 2  # exit codes of validate and import (0: every row accepted)


def _mapping_for(table, entity, mapping_file: Path | None, maps: tuple[str, ...], lang: str):
    """The columns' mapping: a saved one or a guess by name, then each `--map "COLUMN=field"` on top."""
    from dashboard.i18n import t
    from dashboard.intake import mapping

    columns = [str(c) for c in table.frame.columns]
    chosen = (
        mapping.applied(mapping.load(mapping_file)["mapping"], columns, entity)
        if mapping_file
        else mapping.guess(columns, entity)
    )
    allowed = mapping.targets(entity)
    for given in maps:
        column, _, target = given.rpartition("=")
        column, target = column.strip(), target.strip()
        if column not in chosen:
            raise click.BadParameter(
                t("intake.map_no_column", lang, column=column, columns=", ".join(columns)), param_hint="--map"
            )
        if target not in ("", "-") and target not in allowed:
            raise click.BadParameter(
                t("intake.map_no_field", lang, field=target, fields=", ".join(allowed)), param_hint="--map"
            )
        target = None if target in ("", "-") else target
        chosen = {c: None if target and f == target else f for c, f in chosen.items()}  # one column per field
        chosen[column] = target
    return chosen


def _read(file: Path, entity, encoding, delimiter, sheet, layer, max_rows: int):
    """FILE as a table; a GeoPackage's layer named like the entity is read unless another is asked for."""
    import dataclasses

    from dashboard.intake.readers import layer_for, read_table

    limits = dataclasses.replace(DEFAULT_LIMITS, max_rows=max_rows)
    layer = layer or layer_for(file, file.name, entity.layer)
    return read_table(file, encoding=encoding, delimiter=delimiter, sheet=sheet, layer=layer, limits=limits)


def _checker(table, chosen, entity, zone):
    """Check every row of `table` against a store, with a progress bar for long files."""
    from dashboard.intake.validate import PROGRESS_FROM, validate

    def check(data):
        with click.progressbar(
            length=len(table.rows), label=table.source, hidden=len(table.rows) < PROGRESS_FROM, file=sys.stderr
        ) as bar:
            return validate(table, chosen, data, entity=entity, default_zone=zone, progress=bar.update)

    return check


def _drafted(check):
    """`check`, with every innovation it would add or update landing as a draft."""
    from dataclasses import replace

    from dashboard.data.review import as_drafts

    def drafted(data):
        report = check(data)
        return replace(report, changes=as_drafts(report.changes))

    return drafted


def _print_mapping(chosen: dict, lang: str) -> None:
    """The mapping used: each file column and the atlas field it feeds, or that it is not imported."""
    from dashboard.i18n import t
    from dashboard.intake import mapping

    click.echo(t("intake.mapping_used", lang))
    for column, target in chosen.items():
        shown = f"{mapping.label(target, lang)} ({target})" if target else t("manage.import.not_imported", lang)
        click.echo(f"  {column} → {shown}")


def _print_report(report, lang: str) -> None:
    """Every issue of every row, whole (never cut), then the counts."""
    from dashboard.i18n import t

    for line in report.lines(lang):
        click.echo(line)
    click.echo(t("intake.counts", lang, **report.counts()))


def _intake_options(command):
    for option in reversed(
        [
            click.option(
                "--entity",
                type=click.Choice(["innovations", "communities"]),
                default="innovations",
                show_default=True,
                help="Qué registros trae el archivo.",
            ),
            click.option(
                "--mapping",
                "mapping_file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="Asignación de columnas guardada (JSON).",
            ),
            click.option(
                "--map",
                "maps",
                multiple=True,
                metavar="COLUMNA=campo",
                help='Asigna una columna a un campo del atlas, p. ej. --map "Latitud (S)=latitude"; '
                '"COLUMNA=-" la deja sin importar. Se puede repetir.',
            ),
            click.option("--utm-zone", "zone", help="Zona UTM de las coordenadas en metros (17S, 18S o 19S)."),
            click.option("--encoding", help="Codificación del CSV, si no se detecta bien (p. ej. cp1252)."),
            click.option("--delimiter", help="Separador del CSV, si no se detecta bien (, ; o tab)."),
            click.option("--sheet", help="Hoja del Excel (por defecto, la primera)."),
            click.option("--layer", help="Capa del GeoPackage o KML (por defecto, la del tipo de registro)."),
            click.option(
                "--max-rows",
                type=click.IntRange(1),
                default=DEFAULT_LIMITS.max_rows,
                show_default=True,
                help="Filas (o elementos) que puede tener el archivo; más se rechaza antes de leerlo entero.",
            ),
            store_option,
            click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True),
        ]
    ):
        command = option(command)
    return command


def _prepared(file, entity_name, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows, lang):
    """The entity, the file read as a table and its mapping (printed); exit 2 if the file cannot be read."""
    from dashboard.data.contract import COMMUNITIES, INNOVATIONS
    from dashboard.intake import importing
    from dashboard.intake.issues import IntakeError

    entity = COMMUNITIES if entity_name == "communities" else INNOVATIONS
    try:
        table = _read(file, entity, encoding, delimiter, sheet, layer, max_rows)
    except IntakeError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    click.echo(importing.what_was_read(table, lang))
    chosen = _mapping_for(table, entity, mapping_file, maps, lang)
    _print_mapping(chosen, lang)
    return entity, table, chosen


@main.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_intake_options
def validate_command(
    file: Path,
    entity: str,
    mapping_file,
    maps,
    zone,
    encoding,
    delimiter,
    sheet,
    layer,
    max_rows: int,
    store_file,
    lang: str,
) -> None:
    """Revisa FILE fila por fila sin escribir nada.

    Sale con 0 si se aceptaría cada fila, 1 si alguna se rechazaría y 2 si el archivo no se puede leer.
    """
    entity_, table, chosen = _prepared(
        file, entity, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows, lang
    )
    try:
        report = _checker(table, chosen, entity_, zone)(open_store(store_file).load())
    except ContractError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    _print_report(report, lang)
    if report.rejected:
        raise SystemExit(EXIT_REJECTED)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_intake_options
@click.option("--dry-run", is_flag=True, help="Solo muestra lo que se haría.")
@click.option("--yes", is_flag=True, help="No pregunta antes de importar en el atlas de demostración.")
@click.option("--editor", "editor_name", required=True, help="Quién importa (queda en el historial).")
@click.option(
    "--drafts", is_flag=True, help="Las innovaciones llegan como borradores, para revisarlas antes de publicar."
)
def import_command(
    file: Path,
    entity: str,
    mapping_file,
    maps,
    zone,
    encoding,
    delimiter,
    sheet,
    layer,
    max_rows: int,
    store_file,
    lang: str,
    dry_run: bool,
    yes: bool,
    editor_name: str,
    drafts: bool,
) -> None:
    """Importa FILE: las filas nuevas y actualizadas se guardan todas juntas; las rechazadas, ninguna.

    Las filas se comparan con el atlas mientras se tiene su cerrojo, así que dos importaciones del mismo
    archivo a la vez lo guardan una sola vez. Sale con 0 si se aceptó cada fila, 1 si alguna se rechazó
    (el resumen dice si se guardó el resto) y 2 si el archivo o el atlas no se pueden leer.
    """
    import hashlib

    from dashboard.data.changes import Source
    from dashboard.data.dataset import is_illustrative
    from dashboard.i18n import t
    from dashboard.intake.commit import commit_checked

    entity_, table, chosen = _prepared(
        file, entity, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows, lang
    )
    check = _checker(table, chosen, entity_, zone)
    if drafts:
        check = _drafted(check)
    try:
        atlas = open_store(store_file)
        if dry_run:
            report, entry = check(atlas.load()), None
        else:  # the store is read once, under the lock; the question needs only its metadata
            if is_illustrative(atlas.metadata()) and not yes:
                click.confirm(t("intake.demo_store", lang), abort=True, err=True)
            source = Source("import", file.name, hashlib.sha256(file.read_bytes()).hexdigest())
            report, entry = commit_checked(check, source, editor_name, store=atlas)
    except ContractError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    except CommitError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_REJECTED) from None
    _print_report(report, lang)
    click.echo(t("intake.committed", lang, entry=entry) if entry else t("intake.nothing_written", lang))
    if report.rejected:
        click.echo(t("intake.rejected_not_written", lang, count=report.rejected))
        raise SystemExit(EXIT_REJECTED)


@main.command("undo")
@click.argument("import_id")
@click.option("--editor", "editor_name", required=True, help="Quién deshace (queda en el historial).")
@store_option
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
def undo_command(import_id: str, editor_name: str, store_file: str | None, lang: str) -> None:
    """Deshace una importación o edición del historial (IMPORT_ID, p. ej. CHG-000003)."""
    from dashboard.i18n import t

    try:
        entry = open_store(store_file).undo(import_id, editor_name)
    except (ContractError, CommitError) as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(t("intake.undone", lang, entry=import_id, undo=entry))


main.add_command(auth.hash_password_command, "hash-password")
