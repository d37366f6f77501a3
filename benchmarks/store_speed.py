"""Store speed: write and load of the store (a GeoPackage), and restoring list fields from link tables.

The naive baseline for lists is pandas' `groupby(...).agg(list)`, which runs a Python
function per innovation; the store uses one sort and split instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from benchmarks.timing import median_seconds
from dashboard.data import demo
from dashboard.data.backend import open_store
from dashboard.data.conform import lists_by_owner
from dashboard.data.dataset import layers_of


def _naive_lists(owners, values, ids) -> list[list[str]]:
    grouped = pd.Series(values, index=owners).groupby(level=0, sort=False).agg(list)
    return [grouped.get(key, []) for key in ids]


def run(sizes: list[int], repeat: int) -> list[dict]:
    rows = []
    for n in sizes:
        dataset = demo.build(n, seed=1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.gpkg"
            atlas = open_store(path)
            write_s = median_seconds(lambda d=dataset, a=atlas: a.create(d), repeat)
            load_s = median_seconds(lambda a=atlas: a.load(), repeat)
            links = dict(layers_of(dataset))["innovation_partners"]  # the link table every store holds
            owners = links["innovation_id"].to_numpy(object)
            values = links["partner_id"].to_numpy(object)
            ids = dataset.innovations["innovation_id"].to_numpy(object)
            assert _naive_lists(owners, values, ids) == lists_by_owner(owners, values, ids)
            lists_s = median_seconds(lambda o=owners, v=values, i=ids: lists_by_owner(o, v, i), repeat)
            naive_s = median_seconds(lambda o=owners, v=values, i=ids: _naive_lists(o, v, i), repeat)
            rows.append(
                {
                    "innovations": n,
                    "link_rows": len(links),
                    "file_bytes": path.stat().st_size,
                    "write_s": write_s,
                    "load_s": load_s,
                    "restore_lists_s": lists_s,
                    "restore_lists_naive_s": naive_s,
                    "restore_lists_speedup": round(naive_s / lists_s, 1),
                }
            )
    return rows
