"""The command group every command of `python -m dashboard` hangs from, and the options they share."""

import click


@click.group()
def main() -> None:
    """Atlas de innovaciones de Prolinnova–Perú."""


# The atlas a command reads or changes: the configured one unless named. Text, not a path: an address such
# as postgresql://user@host/atlas is not a file name (a path would fold its "//").
store_option = click.option(
    "--store",
    "store_file",
    metavar="ALMACÉN",
    default=None,
    help="GeoPackage del atlas o base de datos postgresql://… [por defecto: $ATLAS_STORE o el de demo].",
)
