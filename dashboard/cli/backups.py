"""Commands for the copies the store keeps before every write: list them, bring one back."""

from __future__ import annotations

import click

from dashboard.cli.group import main, store_option
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.refusals import CommitError
from dashboard.i18n import LANGUAGES, t

LANG = click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True)


@main.command("backups")
@store_option
@LANG
def backups_command(store_file: str | None, lang: str) -> None:
    """Lista las copias de seguridad del atlas, la más antigua primero."""
    try:
        found = open_store(store_file).backups()
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    for backup in found:
        click.echo(t("backups.row", lang, name=backup.name, entry=backup.entry, taken=backup.taken))
    if not found:
        click.echo(t("backups.none", lang))


@main.command("restore")
@click.argument("backup")
@click.option("--editor", "editor_name", required=True, help="Quién recupera la copia (queda en el historial).")
@store_option
@LANG
def restore_command(backup: str, editor_name: str, store_file: str | None, lang: str) -> None:
    """Recupera los registros de la copia BACKUP (vea `backups`); queda en el historial y se puede deshacer."""
    try:
        entry = open_store(store_file).restore(backup, editor_name)
    except (ContractError, CommitError) as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(t("backups.restored", lang, backup=backup, entry=entry))
