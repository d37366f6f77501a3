"""The command that derives the map's context layers (regions, provinces, towns) from the open sources."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.group import main
from dashboard.data.context import CONTEXT, derive_context
from dashboard.paths import CONTEXT_SOURCES


@main.command("context")
@click.option(
    "--sources",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=CONTEXT_SOURCES,
    show_default=True,
    help="Carpeta con los límites y poblados de origen (y sus SOURCES.md y licencias).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=CONTEXT,
    show_default=True,
    help="Carpeta donde se escriben los GeoJSON.",
)
def context_command(sources: Path, out: Path) -> None:
    """Deriva las capas de contexto del mapa: regiones, provincias del Perú y poblados."""
    try:
        written = derive_context(sources, out)
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    for path, features in written.items():
        size = f"{path.stat().st_size:,}".replace(",", ".")
        click.echo(f"{path}: {features} elementos, {size} bytes")
