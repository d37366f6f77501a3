"""The demo's illustrative innovations: seeded draws of theme, place, years, stage and partners.

Every innovation and every innovator is invented; the same generator makes any number
of synthetic innovations for benchmarks and tests.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.data.conform import conform_layer
from dashboard.data.contract import INNOVATIONS
from dashboard.data.demo.places import numbered_frame
from dashboard.data.demo.sources import Sources
from dashboard.data.outlines import inside_country
from dashboard.data.vocab import INNOVATOR_TYPE, PID_STAGE, region_label

FIRST_YEAR, LAST_YEAR = 2005, 2025
OWN_POINT_SHARE = 0.35
OWN_POINT_JITTER_DEG = 0.015  # ~1.5 km: a field or store near the village
# Local Contexts labels on every seventh innovation, in turn (no random draw, so the other values stay as they were)
DEMO_LABELS = (
    ["tk_attribution"],
    ["tk_attribution", "tk_non_commercial"],
    ["bc_provenance"],
    ["tk_notice"],
    ["tk_community_voice", "tk_verified"],
    ["tk_culturally_sensitive"],
)

INNOVATOR_PHRASES = {
    "woman": "una comunera",
    "man": "un comunero",
    "womens_group": "un grupo de mujeres",
    "mens_group": "un grupo de comuneros",
    "mixed_group": "un grupo mixto de familias",
    "community": "la comunidad",
}
INNOVATOR_WEIGHTS = {
    "woman": 0.24,
    "man": 0.26,
    "womens_group": 0.16,
    "mens_group": 0.06,
    "mixed_group": 0.14,
    "community": 0.14,
}

# Partners work mostly around Ayacucho, where the platform began; the host works everywhere.
PARTNER_REACH = {
    "world_neighbors": 3.0,
    "cedap": 2.0,
    "aba": 2.0,
    "unsch": 2.0,
    "solid_peru": 1.5,
    "los_chakas": 1.0,
    "villa_hermosa": 0.4,
    "lamlama": 0.4,
}
HOME_REGION, HOME_BOOST = "PE-AYA", 3.0


def _pick_partners(partner_ids: list[str], regions: np.ndarray, rng: np.random.Generator) -> list[list[str]]:
    """One to three partners per innovation, chosen without repetition by reach (Gumbel top-k)."""
    base = np.array([PARTNER_REACH.get(p, 1.0) for p in partner_ids])
    weights = np.where((regions == HOME_REGION)[:, None], base * HOME_BOOST, base)
    weights = np.where((regions == HOME_REGION)[:, None] | (base >= 1.0), weights, base * 0.25)
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1)
    counts = rng.choice([1, 2, 3], size=len(regions), p=[0.5, 0.35, 0.15])
    ids = np.array(partner_ids)
    return [list(ids[row[:k]]) for row, k in zip(order, counts, strict=True)]


def _pick_some(candidates: list[str], low: int, high: int, draw: float, shuffle: np.ndarray) -> list[str]:
    if not candidates:
        return []
    count = min(len(candidates), low + int(draw * (high - low + 1)))
    return [candidates[i] for i in np.argsort(shuffle[: len(candidates)])[:count]]


def _years(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    weights = 1.0 + 0.15 * (years - FIRST_YEAR)  # documentation grew as the network grew
    documented = rng.choice(years, size=n, p=weights / weights.sum())
    started = np.maximum(documented - rng.integers(0, 4, size=n), FIRST_YEAR)
    return started, documented


def _stages(documented: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Older records have had time to move further along the PID stages."""
    age = LAST_YEAR - documented
    steps = rng.binomial(len(PID_STAGE.codes) - 1, np.clip(0.15 + 0.05 * age, 0, 0.9))
    return np.array(PID_STAGE.codes)[steps]


def _themes_by_community(themes: list[dict], altitudes: np.ndarray) -> list[np.ndarray]:
    everything = np.arange(len(themes))
    fitting = []
    for altitude in altitudes:
        fits = [i for i, t in enumerate(themes) if t.get("min_altitude", 0) <= altitude <= t.get("max_altitude", 9000)]
        fitting.append(np.array(fits) if fits else everything)
    return fitting


def build_innovations(
    sources: Sources, communities: gpd.GeoDataFrame, partners: gpd.GeoDataFrame, n: int, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """`n` illustrative innovations over FIRST_YEAR..LAST_YEAR, each with 1–3 partners."""
    themes = sources.themes
    regions = communities["region"].astype(str).to_numpy()
    weights = np.where(regions == HOME_REGION, 2.0, 1.0)
    where = rng.choice(len(communities), size=n, p=weights / weights.sum())
    altitudes = communities["altitude_m"].fillna(3500).to_numpy(dtype=float)
    fitting = _themes_by_community(themes, altitudes)
    theme_of = np.array(
        [fitting[c][k % len(fitting[c])] for c, k in zip(where, rng.integers(0, 1 << 30, size=n), strict=True)]
    )
    started, documented = _years(n, rng)
    innovator = rng.choice(list(INNOVATOR_WEIGHTS), size=n, p=list(INNOVATOR_WEIGHTS.values()))
    consent = rng.random(n) < 0.85
    name_public = consent & (rng.random(n) < 0.4)
    variant = rng.integers(0, 3, size=n)
    draws, shuffles = rng.random((n, 2)), rng.random((n, 8))
    partner_lists = _pick_partners(list(partners["partner_id"]), regions[where], rng)
    own = rng.random(n) < OWN_POINT_SHARE
    jitter = rng.uniform(-OWN_POINT_JITTER_DEG, OWN_POINT_JITTER_DEG, size=(n, 2))
    stages = _stages(documented, rng)

    places = communities.iloc[where]
    text_fields = _text_fields(places)
    xs = np.round(places.geometry.x.to_numpy() + jitter[:, 0], 5)
    ys = np.round(places.geometry.y.to_numpy() + jitter[:, 1], 5)
    # near a border a jittered point can cross it: such an innovation stays at its community
    own &= inside_country(xs, ys, places["country"].astype(str).to_numpy())
    records = []
    for i in range(n):
        theme = themes[theme_of[i]]
        slots = {**text_fields[i], "year": str(started[i]), "innovator": INNOVATOR_PHRASES[innovator[i]]}
        records.append(
            {
                "innovation_id": f"INN-{i + 1:06d}",
                "title": theme["title"].format_map(slots),
                "title_local": theme.get("title_local") or None,
                "description": theme["descriptions"][variant[i] % len(theme["descriptions"])].format_map(slots),
                "kind": theme["kind"],
                "domain": theme["domain"],
                "crops": _pick_some(theme.get("crops", []), 1, 2, draws[i, 0], shuffles[i]),
                "livestock": _pick_some(theme.get("livestock", []), 1, 2, draws[i, 1], shuffles[i, ::-1]),
                "community_id": places["community_id"].iat[i],
                "partners": partner_lists[i],
                "labels": list(DEMO_LABELS[i // 7 % len(DEMO_LABELS)]) if i % 7 == 0 else [],
                "year_started": int(started[i]),
                "year_documented": int(documented[i]),
                "pid_stage": stages[i],
                "innovator_type": innovator[i],
                "innovator_name": _fictitious_name(innovator[i], i + 1),
                "consent_public": bool(consent[i]),
                "name_public": bool(name_public[i]),
                "geometry": shapely.Point(xs[i], ys[i]) if own[i] else None,
            }
        )
    frame = numbered_frame(records)
    lists = frame[[f.name for f in INNOVATIONS.multi_fields]]
    typed = conform_layer(INNOVATIONS, frame, "demo")
    return typed.assign(**{name: lists[name] for name in lists.columns})


def _text_fields(places: gpd.GeoDataFrame) -> list[dict[str, str]]:
    columns = {
        "community": places["name"].astype(str),
        "district": places["district"].fillna(places["name"]),
        "province": places["province"].fillna(places["name"]),
        "region": places["region"].astype(str).map(region_label),
        "altitude": places["altitude_m"].astype("string").fillna("3500"),
    }
    return pd.DataFrame({k: v.astype(str).to_numpy() for k, v in columns.items()}).to_dict("records")


def _fictitious_name(innovator_type: str, number: int) -> str | None:
    """A plainly invented label: the demo holds no real person's name."""
    if innovator_type == "community":
        return None
    label = INNOVATOR_TYPE.label(innovator_type)
    ending = "a" if innovator_type == "woman" else "o"
    return f"{label.capitalize()} fictici{ending} n.º {number:06d}"
