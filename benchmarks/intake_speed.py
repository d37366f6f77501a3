"""Intake at scale: `validate` and `import` of a valid innovations CSV, each in its own process (time and peak RSS).

The file names communities by name and region, partners by acronym and codes by label, as field
spreadsheets do. The baseline is pandas reading the same file as text, so the ratio says what
checking every row costs beyond reading it.
"""

from __future__ import annotations

import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard.data import demo
from dashboard.data.backend import open_store
from dashboard.data.dataset import Dataset

ROWS = (2_000, 20_000, 200_000)
HEADER = [
    "Título",
    "Comunidad",
    "Región",
    "Socios",
    "Cultivos",
    "Año",
    "Ámbito",
    "Tipo",
    "Etapa DPI",
    "Tipo de innovador",
    "Latitud",
    "Longitud",
    "Consentimiento",
    "Nombre público",
]


def write_file(path: Path, rows: int, data: Dataset) -> None:
    """`rows` distinct valid innovations over the store's communities whose names are unique."""
    places = data.communities.drop_duplicates("name", keep=False)
    places = list(zip(places["name"], places["region"].astype(str), places.geometry.y, places.geometry.x, strict=True))
    acronyms = [a for a in data.partners["acronym"] if isinstance(a, str)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            name, region, lat, lon = places[n % len(places)]
            writer.writerow(
                [
                    f"Práctica {n}",
                    name,
                    region,
                    acronyms[n % len(acronyms)],
                    "papa nativa; quinua",
                    2000 + n % 25,
                    "agua y riego",
                    "técnica",
                    "documentada",
                    "mujer",
                    f"{lat + 0.001:.5f}",
                    f"{lon + 0.001:.5f}",
                    "sí" if n % 3 else "no",
                    "no",
                ]
            )


def _timed(command: list[str]) -> dict:
    """Wall time and the peak resident memory of one child process."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024),
        "exit": done.returncode,
        "summary": next((line for line in done.stdout.splitlines() if line.startswith("Nuevas")), ""),
    }


def _measure(rows: int, folder: Path, data: Dataset, source: Path) -> dict:
    path = folder / f"campo-{rows}.csv"
    write_file(path, rows, data)
    atlas = folder / f"atlas-{rows}.gpkg"
    shutil.copy(source, atlas)
    start = time.perf_counter()
    pd.read_csv(path, dtype=str, keep_default_na=False)
    read_s = time.perf_counter() - start
    cli = [sys.executable, "-m", "dashboard"]
    checked = _timed([*cli, "validate", str(path), "--store", str(atlas)])
    imported = _timed([*cli, "import", str(path), "--store", str(atlas), "--editor", "bench", "--yes"])
    return {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "pandas_read_csv_s": round(read_s, 2),
        "validate": checked,
        "import": imported,
        "validate_vs_read_csv": round(checked["seconds"] / read_s, 1) if read_s else None,
    }


def run(sizes: list[int], repeat: int) -> list[dict]:
    """One run per size (a whole import is long and memory is a peak, not a median); `sizes` are row counts.

    Each size is measured from a fresh interpreter, since the peak memory of children is a high-water mark.
    """
    with tempfile.TemporaryDirectory() as folder:
        open_store(Path(folder) / "atlas.gpkg").create(demo.build(300, seed=1))
        return [
            json.loads(
                subprocess.run(
                    [sys.executable, "-m", "benchmarks.intake_speed", folder, str(rows)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for rows in sizes
        ]


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    atlas = folder / "atlas.gpkg"
    print(json.dumps(_measure(int(sys.argv[2]), folder, open_store(atlas).load(), atlas)))
