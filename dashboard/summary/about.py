"""What the Acerca de page tells: the platform's history and partners."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.data.vocab import PARTNER_KIND, PARTNER_ROLE
from dashboard.i18n import t

# (year, catalogue key under `history.`), oldest first.
HISTORY = (
    (2005, "e2005_network"),
    (2005, "e2005_workshop"),
    (2008, "e2008_workshop"),
    (2008, "e2008_seminar"),
    (2017, "e2017_workshops"),
    (2018, "e2018_recognised"),
)


def partner_table(partners: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Partners with kind, role and head-office town, host first."""
    table = pd.DataFrame(
        {
            t("about.partner_name", lang): partners["name"],
            t("about.partner_kind", lang): partners["kind"].astype(str).map(lambda c: PARTNER_KIND.label(c, lang)),
            t("about.partner_role", lang): partners["role"].astype(str).map(lambda c: PARTNER_ROLE.label(c, lang)),
            t("about.partner_town", lang): partners["hq_town"],
        }
    )
    order = (partners["role"].astype(str) != "host").to_numpy().argsort(kind="stable")
    return table.iloc[order].reset_index(drop=True)
