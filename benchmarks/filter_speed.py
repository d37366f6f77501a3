"""Filter speed: the shared filter plus every summary aggregation, against a 50 ms target at 1M rows.

For a few typical filters, one measure is the whole of what the Resumen page computes:
`mask` + `summarise` (headline figures and every count) + the labelled table of every chart.
The 1M-row frame is `demo.build(100_000, seed=1)` repeated ten times with unique ids.

The naive baseline is pandas row-wise filtering (`innovations.apply(..., axis=1)`) on the same
criteria plus `value_counts` on exploded lists; it is measured at 100k rows only, next to the
atlas at 100k, in the same run.
"""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from functools import partial

import geopandas as gpd
import pandas as pd

from benchmarks.map_speed import synthetic
from benchmarks.timing import median_seconds
from dashboard.filtering.filters import Filters, mask
from dashboard.filtering.index import FilterIndex, fold_query, list_columns
from dashboard.filtering.selection import partner_names
from dashboard.summary.summaries import _EVERYTHING, ADVANCED, WOMEN, Headline, labels_for, summarise

TARGET_MS = 50
MILLION = 1_000_000
BASE = 100_000  # the million is this demo set, ten times; the naive baseline runs at this size
LANG = "es"
FIELDS = ("region", "crops", "partners", "domain", "pid_stage", "innovator_type", "natural_region", "year")
TEXT = "helada"
NAIVE_RUNS = 1  # the row-wise baseline takes 1.5-15 s per run at 100k: one timed run after a warm-up
CASES = {
    "none": Filters(),
    "region": Filters(regions=("PE-AYA",)),
    "region_crop": Filters(regions=("PE-PUN",), crops=("quinua",)),
    "partner_years": Filters(partners=("cedap",), year_from=2015, year_to=2020),
    "text": Filters(text=TEXT),
}


def replicate(innovations: gpd.GeoDataFrame, copies: int) -> gpd.GeoDataFrame:
    """`copies` copies of `innovations` with a fresh RangeIndex and ids suffixed by the copy number.

    Raises if a column changes dtype (a categorical turning into object would make the
    million-row figures meaningless) or if the ids are not unique.
    """
    frames = [innovations.assign(innovation_id=innovations["innovation_id"] + f"-{k}") for k in range(copies)]
    big = pd.concat(frames, ignore_index=True)
    changed = {
        c: f"{innovations[c].dtype} -> {big[c].dtype}"
        for c in innovations.columns
        if innovations[c].dtype != big[c].dtype
    }
    if changed or not isinstance(big, gpd.GeoDataFrame) or not big["innovation_id"].is_unique:
        raise TypeError(f"replicated frame differs from its source: {changed or 'type or ids'}")
    return big


def _summaries(innovations, index, names, filters: Filters) -> tuple[Headline, dict[str, pd.DataFrame]]:
    summary = summarise(index, mask(innovations, index, filters))
    return summary.headline, {f: summary.table(f, labels_for(f, LANG, names)) for f in FIELDS}


def _described(filters: Filters) -> dict:
    """The criteria that differ from no filter."""
    return {f.name: getattr(filters, f.name) for f in fields(filters) if getattr(filters, f.name) != f.default}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _atlas(innovations, index, names, repeat: int) -> dict:
    cases = {}
    for case, filters in CASES.items():
        total = _ms(median_seconds(partial(_summaries, innovations, index, names, filters), repeat))
        cases[case] = {
            "total_ms": total,
            "within_target": total <= TARGET_MS,
            "mask_ms": _ms(median_seconds(partial(mask, innovations, index, filters), repeat)),
            "kept": int(mask(innovations, index, filters).sum()),
        }

    def uncached():
        _EVERYTHING.pop(index, None)
        return _summaries(innovations, index, names, Filters())

    cases["none"]["unfiltered_uncached_ms"] = _ms(median_seconds(uncached, repeat))
    query = fold_query(TEXT)
    search = index.search
    text_s = median_seconds(lambda: search.matching(query), repeat)
    return {"cases": cases, "text_search_only_ms": _ms(text_s), "runs": repeat}


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if unicodedata.category(c) != "Mn").lower()


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _naive_summaries(innovations, communities, names, filters: Filters) -> tuple[Headline, dict[str, pd.DataFrame]]:
    """Row-wise filter with `apply(axis=1)`, then counts with `value_counts` (lists exploded)."""
    by_id = communities.set_index("community_id")
    place, place_local = by_id["name"].to_dict(), by_id["name_local"].to_dict()
    query = _fold(filters.text).strip()

    def keeps(row) -> bool:
        if filters.regions and row["region"] not in filters.regions:
            return False
        if filters.crops and not any(c in filters.crops for c in row["crops"]):
            return False
        if filters.partners and not any(p in filters.partners for p in row["partners"]):
            return False
        year = row["year_documented"]
        if filters.year_from is not None and (pd.isna(year) or year < filters.year_from):
            return False
        if filters.year_to is not None and (pd.isna(year) or year > filters.year_to):
            return False
        if query:
            where = row["community_id"]
            text = " | ".join(
                _text(v)
                for v in (
                    row["title"],
                    row["title_local"],
                    row["description"],
                    place.get(where),
                    place_local.get(where),
                )
            )
            if query not in _fold(text):
                return False
        return True

    kept = innovations[innovations.apply(keeps, axis=1).to_numpy(bool)]
    years = kept["year_documented"].dropna()
    figures = Headline(
        innovations=len(kept),
        communities=int(kept["community_id"].nunique()),
        regions=int(kept["region"].nunique()),
        partners=int(kept["partners"].explode().nunique()),
        by_women=int(kept["innovator_type"].isin(WOMEN).sum()),
        advanced=int(kept["pid_stage"].isin(ADVANCED).sum()),
        first_year=int(years.min()) if len(years) else None,
        newest_year=int(years.max()) if len(years) else None,
    )
    tables = {}
    for field in FIELDS:
        column = "year_documented" if field == "year" else field
        values = kept[column].explode() if field in list_columns() else kept[column]
        counts = values.dropna().astype(str).value_counts()
        counts = counts[counts > 0]
        labels = labels_for(field, LANG, names)
        table = pd.DataFrame({"code": counts.index.astype(str), "count": counts.to_numpy()})
        table["label"] = table["code"].map(lambda code, labels=labels: labels.get(code, code))
        order = ["code"] if field == "year" else ["count", "label"]
        tables[field] = table.sort_values(order, ascending=[field == "year", True][: len(order)]).reset_index(drop=True)
    return figures, tables


def _same(one, other) -> bool:
    (figures, tables), (other_figures, other_tables) = one, other
    return figures == other_figures and all(
        list(tables[f][["code", "label", "count"]].itertuples(index=False, name=None))
        == list(other_tables[f][["code", "label", "count"]].itertuples(index=False, name=None))
        for f in FIELDS
    )


def _naive_comparison(dataset, index, names, repeat: int) -> dict:
    innovations, communities = dataset.innovations, dataset.communities
    cases = {}
    for case, filters in CASES.items():
        atlas_ms = _ms(median_seconds(partial(_summaries, innovations, index, names, filters), repeat))
        naive_ms = _ms(median_seconds(partial(_naive_summaries, innovations, communities, names, filters), NAIVE_RUNS))
        cases[case] = {
            "atlas_ms": atlas_ms,
            "naive_ms": naive_ms,
            "speedup": round(naive_ms / atlas_ms, 1) if atlas_ms else None,
            "same_result": _same(
                _summaries(innovations, index, names, filters),
                _naive_summaries(innovations, communities, names, filters),
            ),
        }
    return {"innovations": len(innovations), "cases": cases, "atlas_runs": repeat, "naive_runs": NAIVE_RUNS}


def _at_size(innovations, communities, names, repeat: int, built_by: str) -> dict:
    index = FilterIndex.build(innovations, communities)
    return {"innovations": len(innovations), "built_by": built_by, **_atlas(innovations, index, names, repeat)}


def run(sizes: list[int], repeat: int) -> dict:
    rows = []
    for n in sorted(set(sizes) - {MILLION}):
        dataset = synthetic(n)
        rows.append(
            _at_size(
                dataset.innovations, dataset.communities, partner_names(dataset), repeat, f"demo.build({n}, seed=1)"
            )
        )

    base = synthetic(BASE)
    names = partner_names(base)
    base_index = FilterIndex.build(base.innovations, base.communities)
    naive = _naive_comparison(base, base_index, names, repeat)

    million = replicate(base.innovations, MILLION // BASE)
    built: list[FilterIndex] = []
    index_s = median_seconds(lambda: built.append(FilterIndex.build(million, base.communities)), 1)
    index = built[-1]
    built.clear()
    categoricals = sorted(c for c in million.columns if isinstance(million[c].dtype, pd.CategoricalDtype))
    big = {
        "innovations": len(million),
        "built_by": f"demo.build({BASE}, seed=1) x{MILLION // BASE}, pd.concat",
        "dtypes_kept": True,
        "categorical_columns": categoricals,
        "filter_index_build_s": index_s,
        "filter_index_build_runs": 1,
        **_atlas(million, index, names, repeat),
    }
    return {
        "target": f"mask + summarise + tables({', '.join(FIELDS)}) <= {TARGET_MS} ms at {MILLION:,} rows",
        "target_ms": TARGET_MS,
        "notes": {
            "total_ms": "median per filter case of mask + summarise + one labelled table per chart field; "
            "the unfiltered summary is kept per store after its first computation",
            "unfiltered_uncached_ms": "the unfiltered case with that memo emptied before every run",
            "mask_ms": "the mask alone",
            "text_search_only_ms": f"index.search.matching({TEXT!r}) alone (the word index)",
            "filter_index_build_s": "once per store load (cached by the app); one timed run after a warm-up",
            "naive_at_100k": "apply(axis=1) on the same criteria + value_counts on exploded lists, measured "
            "at 100k rows only, next to the atlas at 100k; same_result compares every figure",
        },
        "cases": {case: _described(filters) for case, filters in CASES.items()},
        "million": big,
        "sizes": rows,
        "naive_at_100k": naive,
    }
