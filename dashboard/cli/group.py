"""The command group every command of `python -m dashboard` hangs from, and the options they share."""

from pathlib import Path

import click


@click.group()
def main() -> None:
    """Atlas de innovaciones de Prolinnova–Perú."""


# The atlas a command reads or changes: the configured one unless named.
store_option = click.option(
    "--store",
    "store_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="GeoPackage del atlas [por defecto: $ATLAS_STORE o el de demo].",
)
