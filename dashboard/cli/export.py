"""The export command: a filtered selection written as a data file, map, brief or chart."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.group import main
from dashboard.data import files, store
from dashboard.data.conform import ContractError


def _selection_from_query(store_file: Path | None, query: str, lang: str):
    """The store and the filter a shareable address's query string describes; ignored parts are reported."""
    from urllib.parse import parse_qsl

    from dashboard.filtering import share
    from dashboard.filtering.filters import FilterIndex
    from dashboard.filtering.selection import Selection
    from dashboard.i18n import t

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
