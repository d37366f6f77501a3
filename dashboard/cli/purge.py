"""The command for withdrawn consent: clear an innovation's personal fields from the store and its backups."""

from __future__ import annotations

import click

from dashboard.cli.backups import LANG
from dashboard.cli.group import main, store_option
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.purge import purge
from dashboard.data.refusals import CommitError
from dashboard.i18n import t


@main.command("purge")
@click.argument("record")
@click.option("--editor", "editor_name", required=True, help="Quién borra los datos (queda en el historial).")
@click.option("--yes", is_flag=True, help="No preguntar antes de borrar.")
@store_option
@LANG
def purge_command(record: str, editor_name: str, yes: bool, store_file: str | None, lang: str) -> None:
    """Borra el nombre del innovador de la innovación RECORD (retiro del consentimiento) del atlas, su papelera
    y sus copias de seguridad, y la deja sin consentimiento público. No se puede deshacer."""
    if not yes:
        click.confirm(t("purge.confirm", lang, record=record), abort=True)
    try:
        done = purge(open_store(store_file), record, editor_name)
    except (ContractError, CommitError) as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(t("purge.done", lang, record=record, entry=done.entry, backups=len(done.backups)))
    if done.text_fields:
        click.echo(t("purge.text_fields", lang, fields=", ".join(t(f"columns.{f}", lang) for f in done.text_fields)))
    if done.others:
        click.echo(t("purge.others", lang, ids=", ".join(done.others)))
