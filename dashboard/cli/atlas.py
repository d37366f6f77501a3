"""Commands that create, check and outline a whole atlas: demo, init, check, assets, boundaries."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.group import main, store_option
from dashboard.data import demo
from dashboard.data.backend import open_store
from dashboard.data.conform import ContractError
from dashboard.paths import DEMO_STORE


@main.command("demo")
@click.option(
    "--innovations",
    "n",
    type=click.IntRange(1, 1_000_000),
    default=demo.DEMO_INNOVATIONS,
    show_default=True,
    help="Número de innovaciones ilustrativas.",
)
@click.option("--seed", type=int, default=demo.DEMO_SEED, show_default=True, help="Semilla aleatoria.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_STORE,
    show_default=True,
    help="GeoPackage que se escribe.",
)
def demo_command(n: int, seed: int, out: Path) -> None:
    """Construye el conjunto de demostración (ilustrativo) y lo escribe en OUT."""
    dataset = demo.build(n, seed)
    open_store(out).create(dataset)
    click.echo(
        f"{out}: {len(dataset.partners)} socios, {len(dataset.communities)} comunidades, "
        f"{len(dataset.innovations)} innovaciones"
    )


@main.command("init")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="GeoPackage nuevo que se escribe (no se sobrescribe uno existente).",
)
@click.option("--partners", is_flag=True, help="Incluir los ocho socios reales de la plataforma.")
def init_command(out: Path, partners: bool) -> None:
    """Crea un atlas vacío en OUT para llenarlo con sus propios datos."""
    from dashboard.data.starter import empty_atlas
    from dashboard.i18n import t

    atlas = open_store(out)
    if atlas.exists():
        raise click.ClickException(t("init.exists", "es", path=out))
    dataset = empty_atlas(partners)
    atlas.create(dataset)
    click.echo(t("init.written", "es", path=out, partners=len(dataset.partners)))


@main.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
def check_command(path: Path | None, lang: str) -> None:
    """Valida un GeoPackage contra el contrato de datos."""
    try:
        dataset = open_store(path).load()
    except ContractError as error:
        raise click.ClickException(error.message(lang)) from None
    click.echo(f"OK: {len(dataset.partners)} / {len(dataset.communities)} / {len(dataset.innovations)}")


@main.command("assets")
def assets_command() -> None:
    """Copia los archivos JS/CSS del mapa desde sus paquetes npm fijados (requiere npm)."""
    from dashboard.map import offline

    for path in offline.fetch():
        click.echo(path)


@main.command("boundaries")
@click.argument("file")
@click.option(
    "--level",
    type=click.Choice(["region", "province", "district"]),
    required=True,
    help="Nivel administrativo de los polígonos; reemplaza los de ese nivel.",
)
@click.option(
    "--code-column", required=True, help="Columna del código (ISO 3166-2 o ubigeo del INEI), guardada como texto."
)
@click.option("--name-column", required=True, help="Columna del nombre.")
@click.option("--layer", default=None, help="Capa que se importa, si el archivo tiene varias.")
@click.option(
    "--dissolve-duplicates",
    is_flag=True,
    help="Une en un solo polígono (multipolígono) los elementos con el mismo código; queda el primer nombre.",
)
@click.option("--skip-empty", is_flag=True, help="Omite los elementos sin geometría (vacía o nula) y los cuenta.")
@store_option
@click.option("--editor", "editor_name", required=True, help="Quién importa (queda en el historial).")
def boundaries_command(
    file: str,
    level: str,
    code_column: str,
    name_column: str,
    layer: str | None,
    dissolve_duplicates: bool,
    skip_empty: bool,
    store_file: str | None,
    editor_name: str,
) -> None:
    """Importa límites administrativos (polígonos) de FILE: GeoPackage, GeoJSON, Shapefile…

    El cambio queda en el historial, con copia de seguridad, y se deshace con `undo`.
    """
    import hashlib

    from dashboard.data.boundaries import read_boundary_file
    from dashboard.data.changes import Source
    from dashboard.data.refusals import CommitError
    from dashboard.data.vocab import BOUNDARY_LEVEL
    from dashboard.i18n import t

    target = open_store(store_file)
    try:
        read = read_boundary_file(
            file, level, code_column, name_column, layer, skip_empty=skip_empty, dissolve_duplicates=dissolve_duplicates
        )
        local = Path(file)  # a URI such as zip:///data/limites.zip is not a file to fingerprint
        digest = hashlib.sha256(local.read_bytes()).hexdigest() if local.is_file() else None
        merged = sum(map(len, read.merged.values()))
        source = Source("boundaries", local.name, digest, {"skipped": len(read.skipped), "merged": merged})
        entry = target.replace_boundaries(read.boundaries, source, editor_name)
    except (ContractError, CommitError) as error:
        raise click.ClickException(error.message("es")) from None
    imported = read.boundaries
    click.echo(
        t(
            "boundaries.imported",
            "es",
            store=target.location,
            count=len(imported),
            level=BOUNDARY_LEVEL.label(level, "es"),
            file=file,
        )
    )
    if skip_empty:
        click.echo(
            t(
                "boundaries_check.skipped",
                "es",
                count=len(read.skipped),
                features=", ".join(map(str, read.skipped)) or "—",
            )
        )
    if dissolve_duplicates:
        click.echo(
            t(
                "boundaries_check.merged",
                "es",
                count=merged,
                boundaries=len(read.merged),
                codes=", ".join(read.merged) or "—",
            )
        )
    per_level = target.load().boundaries["level"].value_counts(sort=False)
    counts = ", ".join(f"{BOUNDARY_LEVEL.label(code, 'es')} {n}" for code, n in per_level.items() if n)
    click.echo(t("boundaries.stored", "es", counts=counts))
    click.echo(t("boundaries_check.committed", "es", entry=entry) if entry else t("boundaries_check.unchanged", "es"))
