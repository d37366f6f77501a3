"""Benchmarks: `python -m benchmarks [--sizes 1000,10000]` prints JSON with medians and ratios."""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import filter_speed, map_speed, store_speed

SUITES = {"store": store_speed.run, "map": map_speed.run, "filter": filter_speed.run}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="innovation counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure (median kept)")
    parser.add_argument("--only", choices=sorted(SUITES), action="append", help="run only these suites")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {name: SUITES[name](sizes, args.repeat) for name in (args.only or SUITES)}
    json.dump(results, sys.stdout, indent=2)
    print()


main()
