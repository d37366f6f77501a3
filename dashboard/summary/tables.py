"""Tables for display: public fields only, codes shown as labels in the user's language."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.data.privacy import AREA_LEVEL, area_labels
from dashboard.data.vocab import labelled, region_label
from dashboard.i18n import t

# The innovation fields a public table shows, in order; innovator names and points never appear.
PUBLIC_COLUMNS = (
    "innovation_id",
    "title",
    "title_local",
    "community",
    "area_shown",
    "region",
    "domain",
    "crops",
    "livestock",
    "partners",
    "year_started",
    "year_documented",
    "pid_stage",
    "innovator_type",
)
CODED = ("domain", "crops", "livestock", "pid_stage", "innovator_type")  # shown by their labels


def _label(field: str, value: object, lang: str) -> str:
    """A code's (or codes') label; blank where a public view blanked it (a restricted record's innovator type)."""
    return "" if not isinstance(value, list) and pd.isna(value) else labelled(field, value, lang)


def public_table(
    innovations: gpd.GeoDataFrame, communities: gpd.GeoDataFrame, partner_names: dict[str, str], lang: str
) -> pd.DataFrame:
    """The innovations as a plain table with translated headers and labels; the innovations of a public view
    (`privacy.public_view`) name the area a restricted record is shown in, and no community."""
    names = communities.set_index("community_id")["name"]
    table = pd.DataFrame(
        {
            "innovation_id": innovations["innovation_id"],
            "title": innovations["title"],
            "title_local": innovations["title_local"].fillna(""),
            "community": innovations["community_id"].map(names).fillna(""),
            "area_shown": area_labels(innovations, lang).fillna("") if AREA_LEVEL in innovations else "",
            "region": innovations["region"].astype(str).map(region_label),
            "partners": innovations["partners"].map(lambda ids: ", ".join(partner_names.get(p, p) for p in ids)),
            "year_started": innovations["year_started"],
            "year_documented": innovations["year_documented"],
        }
    )
    for field in CODED:
        table[field] = innovations[field].map(lambda value, f=field: _label(f, value, lang))
    table = table[list(PUBLIC_COLUMNS)]
    headers = {c: t("generalised.column" if c == "area_shown" else f"columns.{c}", lang) for c in PUBLIC_COLUMNS}
    return table.rename(columns=headers).reset_index(drop=True)
