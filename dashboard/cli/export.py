"""The export command: a filtered selection written as a data file, map, brief, chart or poster; record sheets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dashboard.cli.group import main, store_option
from dashboard.data import files
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.data.viewers import PUBLIC, Viewer, ViewerError, viewed

if TYPE_CHECKING:
    from dashboard.filtering.selection import Selection

SHEET = "sheet"  # the record sheets of the innovations named by --id, not of a filter


def _selection_from_query(store_file: str | None, query: str, lang: str, seen_as: Viewer = PUBLIC) -> Selection:
    """What the filter a shareable address's query string describes keeps of the store as `seen_as` may see it;
    ignored parts of the query are reported."""
    from urllib.parse import parse_qsl

    from dashboard import address
    from dashboard.filtering.index import FilterIndex
    from dashboard.filtering.selection import Selection
    from dashboard.i18n import t

    data = viewed(open_store(store_file).load(), seen_as)
    filters, _, notices = address.decode(dict(parse_qsl(query.lstrip("?"), keep_blank_values=True)))
    for notice in notices:
        click.echo(t(f"share.{notice.reason}", lang, parameter=notice.parameter, value=notice.value), err=True)
    return Selection.of(data, FilterIndex.build(data.innovations, data.communities), filters)


class DownloadCode(click.ParamType):
    """A code of the pack's registry (`dashboard.pack.downloads.PACK`), read when the command runs, or `sheet`.

    The registry brings the PDF, chart and map writers with it: loading it only here keeps
    every other command quick to start.
    """

    name = "format"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from dashboard.pack.downloads import PACK

        if value not in PACK and value != SHEET:
            self.fail(", ".join([*PACK, SHEET]), param, ctx)  # as --chart is refused: by naming the choices
        return value


@main.command("export")
@click.argument("format_code", metavar="FORMAT", type=DownloadCode())
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Archivo que se escribe [por defecto: el nombre que le da la página, en la carpeta actual].",
)
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option(
    "--query", default="", help="El filtro, como en el enlace para compartir: 'region=PE-AYA&cultivo=quinua'."
)
@click.option("--chart", default="region", show_default=True, help="Gráfico del PNG (region, crop, partner, …).")
@click.option(
    "--paper",
    type=click.Choice(["A3", "A1"]),  # the names of `poster.PAPERS`, as printers write them
    default="A3",
    show_default=True,
    help="Papel del cartel (poster).",
)
@click.option(
    "--as",
    "seen_as",
    default="public",
    show_default=True,
    metavar="ROLE[:PARTNER]",
    help="Lo que ese papel puede llevarse: public, reader:SOCIO, editor, reviewer o admin.",
)
@click.option(
    "--id",
    "innovation_ids",
    multiple=True,
    metavar="INN-…",
    help="Innovación de la ficha (sheet); se repite para juntar varias fichas en un PDF.",
)
@store_option
def export_command(
    format_code: str,
    out: Path | None,
    lang: str,
    query: str,
    chart: str,
    paper: str,
    seen_as: str,
    innovation_ids: tuple[str, ...],
    store_file: str | None,
) -> None:
    """Exporta el filtro actual: datos, mapa HTML sin conexión, resumen PDF, un gráfico PNG o un cartel PDF;
    o las fichas (sheet) de las innovaciones indicadas con --id."""
    from dashboard.i18n import t
    from dashboard.pack.downloads import PACK, ChartPng, PosterPdf
    from dashboard.summary.charts import CHARTS

    try:
        viewer = Viewer.parse(seen_as)
    except ViewerError:
        raise click.BadParameter(t("export.bad_viewer", lang, value=seen_as), param_hint="--as") from None
    if format_code == SHEET:
        _write_sheets(store_file, list(innovation_ids), out, lang, viewer)
        return
    download = PACK[format_code]
    if isinstance(download, ChartPng):
        if chart not in CHARTS:
            raise click.BadParameter(", ".join(CHARTS), param_hint="--chart")
        download = ChartPng(chart)
    elif isinstance(download, PosterPdf):
        download = PosterPdf(paper)
    try:
        selection = _selection_from_query(store_file, query, lang, PUBLIC if download.handout else viewer)
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    made = download.make(selection, lang, editor=viewer.committee)  # handouts (PDF, HTML, poster) stay public
    out = out or Path(download.filename(lang, selection=selection))
    files.write_bytes(out, made)  # a reader never sees half a file
    click.echo(t("pack.written", lang, path=out, count=int(selection.keep.sum()), size=len(made)))


def _write_sheets(
    store_file: Path | None, innovation_ids: list[str], out: Path | None, lang: str, seen_as: Viewer
) -> None:
    """The record sheets of `innovation_ids`, made from the store as `seen_as` may see it, written to `out`
    (by default `ficha-INN-….pdf` here); an id that viewer cannot see is refused by name and nothing is written."""
    from dashboard.i18n import t
    from dashboard.pack.sheet import UnknownInnovationError, record_sheet, sheet_filename

    if not innovation_ids:
        raise click.UsageError(t("sheet.no_id", lang))
    try:
        data = viewed(open_store(store_file).load(), seen_as)
        made = record_sheet(data, innovation_ids, lang, editor=seen_as.committee)
    except (ContractError, UnknownInnovationError) as error:
        raise click.ClickException(error.message(lang)) from None
    out = out or Path(sheet_filename(innovation_ids, lang))
    files.write_bytes(out, made)
    click.echo(t("sheet.written", lang, path=out, count=len(set(innovation_ids)), size=len(made)))
