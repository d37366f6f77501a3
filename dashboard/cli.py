"""Command line: `python -m dashboard COMMAND` (also installed as `atlas`)."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard import demo, store
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
