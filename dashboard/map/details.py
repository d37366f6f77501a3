"""What the detail panel says about one innovation: public fields only, as labelled text."""

from __future__ import annotations

import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.data.privacy import shown_name
from dashboard.data.vocab import CROP, DOMAIN, INNOVATOR_TYPE, LIVESTOCK, PID_STAGE, region_label
from dashboard.i18n import t


def source_key(data: Dataset, layer: str, record_id: str) -> str | None:
    """The key of the submission a record came from (KoboToolbox `_uuid`, ODK `instanceID`), if any."""
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return None
    found = records.loc[(records["entity"] == layer) & (records["id"] == record_id), "source_key"]
    return next((k for k in found if isinstance(k, str) and k.strip()), None)


def innovation_details(data: Dataset, row: int, lang: str, partner_names: dict[str, str]) -> dict[str, str]:
    """Label → text for the innovation at position `row` of the store; empty if there is no such row."""
    if not 0 <= row < len(data.innovations):
        return {}
    item = data.innovations.iloc[row]
    community = data.communities.set_index("community_id").loc[item["community_id"]]
    place = ", ".join(
        str(p)
        for p in (
            community["name"],
            community["district"],
            community["province"],
            region_label(str(item["region"]), lang),
        )
        if pd.notna(p)
    )
    fields = {
        "title": item["title"],
        "title_local": item["title_local"],
        "description": item["description"],
        "community": place,
        "domain": DOMAIN.label(str(item["domain"]), lang),
        "partners": ", ".join(partner_names.get(p, p) for p in item["partners"]),
        "crops": ", ".join(CROP.label(c, lang) for c in item["crops"]),
        "livestock": ", ".join(LIVESTOCK.label(c, lang) for c in item["livestock"]),
        "year_started": item["year_started"],
        "year_documented": item["year_documented"],
        "pid_stage": PID_STAGE.label(str(item["pid_stage"]), lang),
        "innovator_type": INNOVATOR_TYPE.label(str(item["innovator_type"]), lang),
        "innovator_name": shown_name(item),
        "innovation_id": item["innovation_id"],
        "source_key": source_key(data, "innovations", item["innovation_id"]),
    }
    return {
        t(f"columns.{key}", lang): str(value)
        for key, value in fields.items()
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value) not in ("", "<NA>")
    }
