"""Benchmarks: `python -m benchmarks [--sizes 1000,10000]` prints JSON with medians and ratios."""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import filter_speed, intake_speed, map_speed, store_speed

SUITES = {"store": store_speed.run, "map": map_speed.run, "filter": filter_speed.run, "intake": intake_speed.run}
SIZED_BY_ROWS = {"intake"}  # suites whose sizes are rows of a field file (--rows), not innovations (--sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="innovation counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure (median kept)")
    parser.add_argument(
        "--rows",
        default=",".join(map(str, intake_speed.ROWS)),
        help="rows of the field file imported by the intake suite, comma-separated",
    )
    parser.add_argument("--only", choices=sorted(SUITES), action="append", help="run only these suites")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = [int(s) for s in args.rows.split(",")]
    results = {
        name: SUITES[name](rows if name in SIZED_BY_ROWS else sizes, args.repeat) for name in (args.only or SUITES)
    }
    json.dump(results, sys.stdout, indent=2)
    print()


main()
