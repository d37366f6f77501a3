"""The atlas in a PostgreSQL + PostGIS database: the shared `AtlasStore` backend (`ATLAS_STORE=postgresql://…`).

- **Schema**: one table per layer, as a GeoPackage has them (`tables`), built by numbered SQL migrations
  (`migrations`, `python -m dashboard migrate`).
- **Writes**: one transaction each. It locks the one row of `atlas_state` (`SELECT … FOR UPDATE`, waiting at
  most `timeout` seconds, then refused as `commit.busy`), reads the whole store, builds the next one with
  `commits` exactly as the GeoPackage backend does, takes the backup, rewrites every layer, prunes the old
  backups and gives `atlas_state` a new revision (a random UUID) — then commits, or rolls all of it back.
- **Reads**: one REPEATABLE READ transaction, so a load never mixes two writes.
- **Backups**: server-side copies of every table, one schema per backup (`backups`); the newest 10 are kept.
- **Location**: the address without its password, in every message and in `location`.
"""
