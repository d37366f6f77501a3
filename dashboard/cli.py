"""Command line: `python -m dashboard COMMAND` (also installed as `atlas`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard import auth
from dashboard.data import demo, files, store
from dashboard.data.conform import ContractError
from dashboard.intake.limits import DEFAULT_LIMITS
from dashboard.paths import DEMO_STORE


@click.group()
def main() -> None:
    """Atlas de innovaciones de Prolinnova–Perú."""


@main.command("demo")
@click.option("--innovations", "n", type=click.IntRange(1, 1_000_000), default=demo.DEMO_INNOVATIONS,
              show_default=True, help="Número de innovaciones ilustrativas.")
@click.option("--seed", type=int, default=demo.DEMO_SEED, show_default=True, help="Semilla aleatoria.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEMO_STORE,
              show_default=True, help="GeoPackage que se escribe.")
def demo_command(n: int, seed: int, out: Path) -> None:
    """Construye el conjunto de demostración (ilustrativo) y lo escribe en OUT."""
    dataset = demo.build(n, seed)
    store.write(dataset, out)
    click.echo(f"{out}: {len(dataset.partners)} socios, {len(dataset.communities)} comunidades, "
               f"{len(dataset.innovations)} innovaciones")


@main.command("init")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="GeoPackage nuevo que se escribe (no se sobrescribe uno existente).")
@click.option("--partners", is_flag=True, help="Incluir los ocho socios reales de la plataforma.")
def init_command(out: Path, partners: bool) -> None:
    """Crea un atlas vacío en OUT para llenarlo con sus propios datos."""
    from dashboard.data.starter import empty_atlas
    from dashboard.i18n import t

    if out.exists():
        raise click.ClickException(t("init.exists", "es", path=out))
    dataset = empty_atlas(partners)
    store.write(dataset, out)
    click.echo(t("init.written", "es", path=out, partners=len(dataset.partners)))


@main.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
def check_command(path: Path | None, lang: str) -> None:
    """Valida un GeoPackage contra el contrato de datos."""
    try:
        dataset = store.load(path)
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(f"OK: {len(dataset.partners)} / {len(dataset.communities)} / {len(dataset.innovations)}")


@main.command("assets")
def assets_command() -> None:
    """Copia los archivos JS/CSS del mapa desde sus paquetes npm fijados (requiere npm)."""
    from dashboard.map import offline

    for path in offline.fetch():
        click.echo(path)


@main.command("boundaries")
@click.argument("file")
@click.option("--level", type=click.Choice(["region", "province", "district"]), required=True,
              help="Nivel administrativo de los polígonos; reemplaza los de ese nivel.")
@click.option("--code-column", required=True,
              help="Columna del código (ISO 3166-2 o ubigeo del INEI), guardada como texto.")
@click.option("--name-column", required=True, help="Columna del nombre.")
@click.option("--layer", default=None, help="Capa que se importa, si el archivo tiene varias.")
@click.option("--dissolve-duplicates", is_flag=True,
              help="Une en un solo polígono (multipolígono) los elementos con el mismo código; queda el primer nombre.")
@click.option("--skip-empty", is_flag=True, help="Omite los elementos sin geometría (vacía o nula) y los cuenta.")
@click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo].")
@click.option("--editor", "editor_name", required=True, help="Quién importa (queda en el historial).")
def boundaries_command(
    file: str, level: str, code_column: str, name_column: str, layer: str | None, dissolve_duplicates: bool,
    skip_empty: bool, store_file: Path | None, editor_name: str,
) -> None:
    """Importa límites administrativos (polígonos) de FILE: GeoPackage, GeoJSON, Shapefile…

    El cambio queda en el historial, con copia de seguridad, y se deshace con `undo`.
    """
    import hashlib

    from dashboard.data.boundaries import read_boundary_file
    from dashboard.data.vocab import BOUNDARY_LEVEL
    from dashboard.i18n import t
    from dashboard.intake import commit
    from dashboard.intake.changes import Source
    from dashboard.paths import store_path

    target = store_file if store_file is not None else store_path()
    try:
        read = read_boundary_file(file, level, code_column, name_column, layer, skip_empty=skip_empty,
                                  dissolve_duplicates=dissolve_duplicates)
        local = Path(file)  # a URI such as zip:///data/limites.zip is not a file to fingerprint
        digest = hashlib.sha256(local.read_bytes()).hexdigest() if local.is_file() else None
        merged = sum(map(len, read.merged.values()))
        source = Source("boundaries", local.name, digest, {"skipped": len(read.skipped), "merged": merged})
        entry = commit.replace_boundaries(read.boundaries, source, editor_name, path=target)
    except (ContractError, commit.CommitError) as error:
        raise click.ClickException(error.message("es")) from None
    imported = read.boundaries
    click.echo(t("boundaries.imported", "es", store=target, count=len(imported),
                 level=BOUNDARY_LEVEL.label(level, "es"), file=file))
    if skip_empty:
        click.echo(t("boundaries_check.skipped", "es", count=len(read.skipped),
                     features=", ".join(map(str, read.skipped)) or "—"))
    if dissolve_duplicates:
        click.echo(t("boundaries_check.merged", "es", count=merged,
                     boundaries=len(read.merged), codes=", ".join(read.merged) or "—"))
    per_level = store.load(target).boundaries["level"].value_counts(sort=False)
    counts = ", ".join(f"{BOUNDARY_LEVEL.label(code, 'es')} {n}"
                       for code, n in per_level.items() if n)
    click.echo(t("boundaries.stored", "es", counts=counts))
    click.echo(t("boundaries_check.committed", "es", entry=entry) if entry else t("boundaries_check.unchanged", "es"))


def _selection_from_query(store_file: Path | None, query: str, lang: str):
    """The store and the filter a shareable address's query string describes; ignored parts are reported."""
    from urllib.parse import parse_qsl

    from dashboard.filtering import share
    from dashboard.filtering.filters import FilterIndex
    from dashboard.i18n import t
    from dashboard.map.layers import Selection

    data = store.load(store_file)
    filters, _, notices = share.decode(dict(parse_qsl(query.lstrip("?"), keep_blank_values=True)))
    for notice in notices:
        click.echo(t(f"share.{notice.reason}", lang, parameter=notice.parameter, value=notice.value), err=True)
    return Selection.of(data, FilterIndex.build(data.innovations, data.communities), filters), filters


@main.command("export")
@click.argument("format_code", metavar="FORMAT",
                type=click.Choice(["csv", "xlsx", "geojson", "gpkg", "kml", "html", "pdf", "png"]))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Archivo que se escribe.")
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option("--query", default="",
              help="El filtro, como en el enlace para compartir: 'region=PE-AYA&cultivo=quinua'.")
@click.option("--chart", default="region", show_default=True, help="Gráfico del PNG (region, crop, partner, …).")
@click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo].")
def export_command(format_code: str, out: Path, lang: str, query: str, chart: str, store_file: Path | None) -> None:
    """Exporta el filtro actual: datos, mapa HTML sin conexión, resumen PDF o un gráfico PNG."""
    from dashboard.i18n import t
    from dashboard.pack.downloads import PACK, chart_png
    from dashboard.summary.charts import CHARTS

    if format_code == "png" and chart not in CHARTS:
        raise click.BadParameter(", ".join(CHARTS), param_hint="--chart")
    try:
        selection, filters = _selection_from_query(store_file, query, lang)
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    made = chart_png(chart, selection, lang) if format_code == "png" else \
        PACK[format_code].make(selection, filters, lang)
    files.write_bytes(out, made)  # a reader never sees half a file
    click.echo(t("pack.written", lang, path=out, count=int(selection.keep.sum()), size=len(made)))


EXIT_REJECTED, EXIT_UNREADABLE = 1, 2  # exit codes of validate and import (0: every row accepted)


def _mapping_for(table, entity, mapping_file: Path | None, maps: tuple[str, ...], lang: str):
    """The columns' mapping: a saved one or a guess by name, then each `--map "COLUMN=field"` on top."""
    from dashboard.i18n import t
    from dashboard.intake import mapping

    columns = [str(c) for c in table.frame.columns]
    chosen = mapping.applied(mapping.load(mapping_file)["mapping"], columns, entity) if mapping_file \
        else mapping.guess(columns, entity)
    allowed = mapping.targets(entity)
    for given in maps:
        column, _, target = given.rpartition("=")
        column, target = column.strip(), target.strip()
        if column not in chosen:
            raise click.BadParameter(t("intake.map_no_column", lang, column=column, columns=", ".join(columns)),
                                     param_hint="--map")
        if target not in ("", "-") and target not in allowed:
            raise click.BadParameter(t("intake.map_no_field", lang, field=target, fields=", ".join(allowed)),
                                     param_hint="--map")
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
        with click.progressbar(length=len(table.rows), label=table.source, hidden=len(table.rows) < PROGRESS_FROM,
                               file=sys.stderr) as bar:
            return validate(table, chosen, data, entity=entity, default_zone=zone, progress=bar.update)
    return check


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
    for option in reversed([
        click.option("--entity", type=click.Choice(["innovations", "communities"]), default="innovations",
                     show_default=True, help="Qué registros trae el archivo."),
        click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Asignación de columnas guardada (JSON)."),
        click.option("--map", "maps", multiple=True, metavar="COLUMNA=campo",
                     help='Asigna una columna a un campo del atlas, p. ej. --map "Latitud (S)=latitude"; '
                          '"COLUMNA=-" la deja sin importar. Se puede repetir.'),
        click.option("--utm-zone", "zone", help="Zona UTM de las coordenadas en metros (17S, 18S o 19S)."),
        click.option("--encoding", help="Codificación del CSV, si no se detecta bien (p. ej. cp1252)."),
        click.option("--delimiter", help="Separador del CSV, si no se detecta bien (, ; o tab)."),
        click.option("--sheet", help="Hoja del Excel (por defecto, la primera)."),
        click.option("--layer", help="Capa del GeoPackage o KML (por defecto, la del tipo de registro)."),
        click.option("--max-rows", type=click.IntRange(1), default=DEFAULT_LIMITS.max_rows, show_default=True,
                     help="Filas (o elementos) que puede tener el archivo; más se rechaza antes de leerlo entero."),
        click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo]."),
        click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True),
    ]):
        command = option(command)
    return command


def _prepared(file, entity_name, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows, lang):
    """The entity, the file read as a table and its mapping (printed); exit 2 if the file cannot be read."""
    from dashboard.data.contract import COMMUNITIES, INNOVATIONS
    from dashboard.i18n import t
    from dashboard.intake.issues import IntakeError

    entity = COMMUNITIES if entity_name == "communities" else INNOVATIONS
    try:
        table = _read(file, entity, encoding, delimiter, sheet, layer, max_rows)
    except IntakeError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    click.echo(t("manage.import.read", lang, rows=len(table.rows), kind=table.kind, flavour=table.flavour or "–",
                 encoding=table.encoding or "–"))  # which encoding was used, so a wrong guess can be corrected
    chosen = _mapping_for(table, entity, mapping_file, maps, lang)
    _print_mapping(chosen, lang)
    return entity, table, chosen


@main.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_intake_options
def validate_command(file: Path, entity: str, mapping_file, maps, zone, encoding, delimiter, sheet, layer,
                     max_rows: int, store_file, lang: str) -> None:
    """Revisa FILE fila por fila sin escribir nada.

    Sale con 0 si se aceptaría cada fila, 1 si alguna se rechazaría y 2 si el archivo no se puede leer.
    """
    entity_, table, chosen = _prepared(file, entity, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows,
                                       lang)
    try:
        report = _checker(table, chosen, entity_, zone)(store.load(store_file))
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
def import_command(file: Path, entity: str, mapping_file, maps, zone, encoding, delimiter, sheet, layer,
                   max_rows: int, store_file, lang: str, dry_run: bool, yes: bool, editor_name: str) -> None:
    """Importa FILE: las filas nuevas y actualizadas se guardan todas juntas; las rechazadas, ninguna.

    Las filas se comparan con el atlas mientras se tiene su cerrojo, así que dos importaciones del mismo
    archivo a la vez lo guardan una sola vez. Sale con 0 si se aceptó cada fila, 1 si alguna se rechazó
    (el resumen dice si se guardó el resto) y 2 si el archivo o el atlas no se pueden leer.
    """
    import hashlib

    from dashboard.i18n import t
    from dashboard.intake import commit
    from dashboard.intake.changes import Source

    entity_, table, chosen = _prepared(file, entity, mapping_file, maps, encoding, delimiter, sheet, layer, max_rows,
                                       lang)
    check = _checker(table, chosen, entity_, zone)
    try:
        if dry_run:
            report, entry = check(store.load(store_file)), None
        else:  # the store is read once, under the lock; the question needs only its metadata
            if store.is_illustrative(store.read_metadata(store_file)) and not yes:
                click.confirm(t("intake.demo_store", lang), abort=True, err=True)
            source = Source("import", file.name, hashlib.sha256(file.read_bytes()).hexdigest())
            report, entry = commit.commit_checked(check, source, editor_name, path=store_file)
    except ContractError as error:
        click.echo(error.message(lang), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    except commit.CommitError as error:
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
@click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
def undo_command(import_id: str, editor_name: str, store_file: Path | None, lang: str) -> None:
    """Deshace una importación o edición del historial (IMPORT_ID, p. ej. CHG-000003)."""
    from dashboard.i18n import t
    from dashboard.intake import commit

    try:
        entry = commit.undo(import_id, editor_name, path=store_file)
    except (ContractError, commit.CommitError) as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(t("intake.undone", lang, entry=import_id, undo=entry))


main.add_command(auth.hash_password_command, "hash-password")
