"""Benchmarks: `python -m benchmarks [--sizes 1000,10000]` prints JSON with medians and ratios."""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import browser_speed, filter_speed, intake_speed, map_speed, store_speed

SUITES = {
    "store": store_speed.run,
    "map": map_speed.run,
    "filter": filter_speed.run,
    "intake": intake_speed.run,
    "browser": browser_speed.run,
}
# suites sized by their own option: rows of a field file (--rows), innovations served to a browser (--browser-sizes)
OWN_SIZES = {"intake": "rows", "browser": "browser_sizes"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="innovation counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure (median kept)")
    parser.add_argument(
        "--rows",
        default=",".join(map(str, intake_speed.ROWS)),
        help="rows of the field file imported by the intake suite, comma-separated",
    )
    parser.add_argument(
        "--browser-sizes",
        default="300,10000,100000",
        help="innovations served to Chromium by the browser suite (the atlas and a plain app), comma-separated",
    )
    parser.add_argument("--only", choices=sorted(SUITES), action="append", help="run only these suites")
    args = parser.parse_args()

    def sized(option: str) -> list[int]:
        return [int(s) for s in getattr(args, option).split(",")]

    results = {name: SUITES[name](sized(OWN_SIZES.get(name, "sizes")), args.repeat) for name in (args.only or SUITES)}
    json.dump(results, sys.stdout, indent=2)
    print()


main()
