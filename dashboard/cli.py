"""Command line: `python -m dashboard COMMAND` (also installed as `atlas`)."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard import auth, demo, store
from dashboard.conform import ContractError
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
    from dashboard import offline

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
@click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo].")
def boundaries_command(
    file: str, level: str, code_column: str, name_column: str, layer: str | None,
    store_file: Path | None,
) -> None:
    """Importa límites administrativos (polígonos) de FILE: GeoPackage, GeoJSON, Shapefile…"""
    from dashboard.boundaries import read_boundaries, with_boundaries
    from dashboard.i18n import t
    from dashboard.paths import store_path
    from dashboard.vocab import BOUNDARY_LEVEL

    target = store_file if store_file is not None else store_path()
    try:
        imported = read_boundaries(file, level, code_column, name_column, layer)
        dataset = with_boundaries(store.load(target), imported)
        store.write(dataset, target)
    except ContractError as error:
        raise click.ClickException(error.message("es")) from None
    click.echo(t("boundaries.imported", "es", store=target, count=len(imported),
                 level=BOUNDARY_LEVEL.label(level, "es"), file=file))
    per_level = dataset.boundaries["level"].value_counts(sort=False)
    counts = ", ".join(f"{BOUNDARY_LEVEL.label(code, 'es')} {n}"
                       for code, n in per_level.items() if n)
    click.echo(t("boundaries.stored", "es", counts=counts))


def _selection_from_query(store_file: Path | None, query: str, lang: str):
    """The store and the filter a shareable address's query string describes; ignored parts are reported."""
    from urllib.parse import parse_qsl

    from dashboard import share
    from dashboard.filters import FilterIndex
    from dashboard.i18n import t
    from dashboard.layers import Selection

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
    from dashboard.charts import CHARTS
    from dashboard.i18n import t
    from dashboard.pack import PACK, chart_png

    if format_code == "png" and chart not in CHARTS:
        raise click.BadParameter(", ".join(CHARTS), param_hint="--chart")
    try:
        selection, filters = _selection_from_query(store_file, query, lang)
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    made = chart_png(chart, selection, lang) if format_code == "png" else \
        PACK[format_code].make(selection, filters, lang)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(made)
    partial.replace(out)  # a reader never sees half a file
    click.echo(t("pack.written", lang, path=out, count=int(selection.keep.sum()), size=len(made)))


def _report_for(file: Path, entity_name: str, mapping_file: Path | None, zone: str | None, encoding: str | None,
                delimiter: str | None, sheet: str | None, store_file: Path | None, lang: str):
    """Read FILE, map its columns (a saved mapping, else by name) and check every row against the store."""
    from dashboard.contract import COMMUNITIES, INNOVATIONS
    from dashboard.intake import mapping
    from dashboard.intake.readers import read_table
    from dashboard.intake.validate import PROGRESS_FROM, validate

    entity = COMMUNITIES if entity_name == "communities" else INNOVATIONS
    table = read_table(file, encoding=encoding, delimiter=delimiter, sheet=sheet)
    columns = list(table.frame.columns)
    chosen = mapping.applied(mapping.load(mapping_file)["mapping"], columns, entity) if mapping_file \
        else mapping.guess(columns, entity)
    data = store.load(store_file)
    with click.progressbar(length=len(table.rows), label=file.name, hidden=len(table.rows) < PROGRESS_FROM) as bar:
        report = validate(table, chosen, data, entity=entity, default_zone=zone, progress=bar.update)
    return table, report


def _print_report(report, lang: str) -> None:
    from dashboard.i18n import t

    table = report.table(lang)
    if len(table):
        click.echo(table.to_string(index=False, max_colwidth=90))
    counts = report.counts()
    click.echo(t("intake.counts", lang, **counts))


def _intake_options(command):
    for option in reversed([
        click.option("--entity", type=click.Choice(["innovations", "communities"]), default="innovations",
                     show_default=True, help="Qué registros trae el archivo."),
        click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Asignación de columnas guardada (JSON)."),
        click.option("--utm-zone", "zone", help="Zona UTM de las coordenadas en metros (17S, 18S o 19S)."),
        click.option("--encoding", help="Codificación del CSV, si no se detecta bien (p. ej. cp1252)."),
        click.option("--delimiter", help="Separador del CSV, si no se detecta bien (, ; o tab)."),
        click.option("--sheet", help="Hoja del Excel (por defecto, la primera)."),
        click.option("--store", "store_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo]."),
        click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True),
    ]):
        command = option(command)
    return command


@main.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_intake_options
def validate_command(file: Path, entity: str, mapping_file, zone, encoding, delimiter, sheet, store_file,
                     lang: str) -> None:
    """Revisa FILE fila por fila sin escribir nada; termina con error si alguna fila se rechazaría."""
    from dashboard.intake.issues import IntakeError

    try:
        _, report = _report_for(file, entity, mapping_file, zone, encoding, delimiter, sheet, store_file, lang)
    except (IntakeError, ContractError) as error:
        raise click.ClickException(error.message(lang)) from None
    _print_report(report, lang)
    if report.rejected or report.file_issues:
        raise SystemExit(1)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_intake_options
@click.option("--dry-run", is_flag=True, help="Solo muestra lo que se haría.")
@click.option("--editor", "editor_name", required=True, help="Quién importa (queda en el historial).")
def import_command(file: Path, entity: str, mapping_file, zone, encoding, delimiter, sheet, store_file,
                   lang: str, dry_run: bool, editor_name: str) -> None:
    """Importa FILE: las filas nuevas y actualizadas se guardan todas juntas; las rechazadas, ninguna."""
    import hashlib

    from dashboard.i18n import t
    from dashboard.intake import commit
    from dashboard.intake.changes import Source
    from dashboard.intake.issues import IntakeError

    try:
        _, report = _report_for(file, entity, mapping_file, zone, encoding, delimiter, sheet, store_file, lang)
        _print_report(report, lang)
        if dry_run or report.changes.empty:
            click.echo(t("intake.nothing_written", lang))
            return
        source = Source("import", file.name, hashlib.sha256(file.read_bytes()).hexdigest(), report.counts())
        entry = commit.commit(report.changes, source, editor_name, path=store_file)
    except (IntakeError, ContractError, commit.CommitError) as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(t("intake.committed", lang, entry=entry))


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
