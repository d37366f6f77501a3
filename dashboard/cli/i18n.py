"""`i18n` tells a translator what is left: each catalogue's share of the Spanish strings, and the missing keys."""

from __future__ import annotations

import click

from dashboard.cli.backups import LANG
from dashboard.cli.group import main
from dashboard.i18n import DEFAULT_LANGUAGE, catalogue, language_name, languages, missing, percent, t


@main.command("i18n")
@click.argument("codes", nargs=-1)
@click.option("--missing", "show_missing", is_flag=True, help="Lista también las claves que faltan traducir.")
@LANG
def i18n_command(codes: tuple[str, ...], show_missing: bool, lang: str) -> None:
    """Cobertura de cada catálogo de textos (o solo de los idiomas CODES): claves traducidas / total."""
    unknown = [code for code in codes if code not in languages()]
    if unknown:
        raise click.BadParameter(", ".join(unknown), param_hint="CODES")
    total = len(catalogue(DEFAULT_LANGUAGE))
    for code in codes or languages():
        left = missing(code)
        done = total - len(left)
        share = percent(done, total, lang)
        click.echo(
            t(
                "translation.coverage",
                lang,
                code=code,
                name=language_name(code),
                translated=done,
                total=total,
                share=share,
            )
        )
        if show_missing:
            for key in left:
                click.echo(t("translation.missing", lang, key=key))
