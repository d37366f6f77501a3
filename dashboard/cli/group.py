"""The command group every command of `python -m dashboard` hangs from."""

import click


@click.group()
def main() -> None:
    """Atlas de innovaciones de Prolinnova–Perú."""
