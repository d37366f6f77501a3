"""Command line: `python -m dashboard COMMAND` (also installed as `atlas`)."""

from dashboard.cli import atlas, backups, context, export, i18n, intake, purge, serve, stores  # noqa: F401  (each module registers its commands)
from dashboard.cli.group import main

__all__ = ["main"]
