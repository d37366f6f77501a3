"""What the detail panel says about one innovation: public fields only, as labelled text."""

from __future__ import annotations

import html

import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.data.localcontexts import badge_data_uri, description
from dashboard.data.privacy import area_label, shown_areas, shown_name
from dashboard.data.vocab import CROP, DOMAIN, INNOVATOR_TYPE, LIVESTOCK, PID_STAGE, VOCABULARIES, region_label
from dashboard.i18n import t


def source_key(data: Dataset, layer: str, record_id: str) -> str | None:
    """The key of the submission a record came from (KoboToolbox `_uuid`, ODK `instanceID`), if any."""
    records = data.tables.get("atlas_records")
    if records is None or records.empty:
        return None
    found = records.loc[(records["entity"] == layer) & (records["id"] == record_id), "source_key"]
    return next((k for k in found if isinstance(k, str) and k.strip()), None)


# card field -> catalogue key of its label, where it is not `columns.<field>`
LABELS = {"area": "generalised.card"}


def _place(data: Dataset, item: pd.Series, lang: str, restricted: bool) -> tuple[str, str]:
    """Where the record is: its community ("community"), or for a restricted record the area of at least
    k communities it is shown in ("area")."""
    if restricted:
        return "area", area_label(shown_areas(item.to_frame().T, data.communities).iloc[0], lang)
    community = data.communities.set_index("community_id").loc[item["community_id"]]
    parts = (community["name"], community["district"], community["province"], region_label(str(item["region"]), lang))
    return "community", ", ".join(str(p) for p in parts if pd.notna(p))


def innovation_details(
    data: Dataset, row: int, lang: str, partner_names: dict[str, str], *, editor: bool = False
) -> dict[str, str]:
    """Label → text for the innovation at position `row` of the store; empty if there is no such row.

    Unless an `editor` asks, a restricted record (no public consent) names neither its community nor its
    innovator type, only the area it is shown in, as every public view does (dashboard/data/privacy.py)."""
    if not 0 <= row < len(data.innovations):
        return {}
    item = data.innovations.iloc[row]
    consent = item["consent_public"]
    restricted = not editor and not (pd.notna(consent) and bool(consent))
    place_key, place = _place(data, item, lang, restricted)
    fields = {
        "title": item["title"],
        "title_local": item["title_local"],
        "description": item["description"],
        place_key: place,
        "domain": DOMAIN.label(str(item["domain"]), lang),
        "partners": ", ".join(partner_names.get(p, p) for p in item["partners"]),
        "crops": ", ".join(CROP.label(c, lang) for c in item["crops"]),
        "livestock": ", ".join(LIVESTOCK.label(c, lang) for c in item["livestock"]),
        "labels": ", ".join(VOCABULARIES["label"].label(c, lang) for c in item["labels"]),
        "year_started": item["year_started"],
        "year_documented": item["year_documented"],
        "pid_stage": PID_STAGE.label(str(item["pid_stage"]), lang),
        "innovator_type": None if restricted else INNOVATOR_TYPE.label(str(item["innovator_type"]), lang),
        "innovator_name": shown_name(item),
        "innovation_id": item["innovation_id"],
        "source_key": source_key(data, "innovations", item["innovation_id"]),
    }
    return {
        t(LABELS.get(key, f"columns.{key}"), lang): str(value)
        for key, value in fields.items()
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value) not in ("", "<NA>")
    }


def labels_of(data: Dataset, row: int) -> list[str]:
    """The Local Contexts labels the community applied to the innovation at position `row` (none if no such row)."""
    return list(data.innovations["labels"].iat[row]) if 0 <= row < len(data.innovations) else []


def badges_html(codes: list[str] | tuple[str, ...], lang: str) -> str:
    """Each label's shipped badge beside its name and what it signals, as HTML in which every text is escaped."""
    vocabulary = VOCABULARIES["label"]
    items = "".join(
        '<li style="display:flex;align-items:center;gap:0.5em;margin:0.2em 0">'
        f'<img src="{badge_data_uri(code)}" width="32" height="32" alt="">'
        f"<span><strong>{html.escape(vocabulary.label(code, lang))}</strong>: "
        f"{html.escape(description(code, lang))}</span></li>"
        for code in codes
        if code in vocabulary
    )
    return f'<ul style="list-style:none;padding:0;margin:0">{items}</ul>' if items else ""
