"""Commands that move a whole atlas between stores: `migrate` a database's schema, `copy` an atlas across."""

from __future__ import annotations

import click

from dashboard.cli.backups import LANG
from dashboard.cli.group import main
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.history import IMPORTS
from dashboard.i18n import t


@main.command("migrate")
@click.argument("location", required=False)
@LANG
def migrate_command(location: str | None, lang: str) -> None:
    """Aplica al almacén LOCATION (por defecto $ATLAS_STORE) las migraciones de esquema pendientes, y dice cuáles.

    LOCATION es una base de datos postgresql://usuario@servidor:puerto/base; un GeoPackage no las necesita.
    """
    try:
        atlas = open_store(location)
        applied = atlas.migrate()
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    if applied:
        click.echo(t("migrate.applied", lang, location=atlas.location, names=", ".join(applied)))
    else:
        click.echo(t("migrate.none", lang, location=atlas.location))


@main.command("copy")
@click.argument("source")
@click.argument("target")
@click.option("--replace", is_flag=True, help="Reemplaza el atlas que TARGET ya tenga (se pierde lo que tenga).")
@LANG
def copy_command(source: str, target: str, replace: bool, lang: str) -> None:
    """Copia el atlas entero de SOURCE a TARGET: registros, límites, metadatos, historial y papelera.

    Cada uno es un GeoPackage o una base de datos postgresql://…; las copias de seguridad no se copian.
    """
    try:
        origin, destination = open_store(source), open_store(target)
        if destination.exists() and not replace:
            raise click.ClickException(t("copy.exists", lang, target=destination.location))
        dataset = origin.load()
        destination.create(dataset)
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    entries = len(dataset.tables.get(IMPORTS, ()))
    counts = {name: len(getattr(dataset, name)) for name in ("partners", "communities", "innovations")}
    click.echo(t("copy.done", lang, source=origin.location, target=destination.location, entries=entries, **counts))
