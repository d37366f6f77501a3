"""What a public visitor can ask of the filters: a restricted record answers only to the area it is shown in.

The store is tests/data/test_reidentification.py's, built to be easy to re-identify: every district holds
one community, each with a public and a restricted record. The visitor filters, searches and reads the
region circles of the public view; none of them may single out a restricted record's community.
"""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.data.viewers import PUBLIC, Viewer, viewed
from dashboard.filtering.filters import Filters
from dashboard.filtering.index import FilterIndex
from dashboard.filtering.selection import Selection
from dashboard.map.details import innovation_details
from dashboard.map.layers import region_counts
from dashboard.pack.downloads import PACK
from dashboard.summary.summaries import summarise
from tests.data.test_reidentification import STORE, reidentifiable_dataset

COMMITTEE = Viewer("editor")


@pytest.fixture(scope="module")
def store():
    return reidentifiable_dataset()


def _selection(store, viewer: Viewer, filters: Filters) -> Selection:
    data = viewed(store, viewer)
    return Selection.of(data, FilterIndex.build(data.innovations, data.communities), filters)


def _ids(selection: Selection) -> set[str]:
    return set(selection.frame["innovation_id"])


def _restricted(ids: set[str]) -> set[str]:
    return {i for i in ids if int(i.removeprefix("INN-")) % 2}  # odd numbers are the restricted records


def _community_of(number: int) -> tuple:
    return STORE[number // 2]


@pytest.mark.parametrize("province", ["Cangallo", "La Mar", "Lucanas", "Calca", "Melgar", "Los Andes"])
def test_a_province_filter_finds_no_restricted_record_hidden_above_its_province(store, province):
    public = _ids(_selection(store, PUBLIC, Filters(provinces=(province,))))
    committee = _ids(_selection(store, COMMITTEE, Filters(provinces=(province,))))
    assert len(public) == 1 and not _restricted(public)  # the community's public record, alone
    assert len(_restricted(committee)) == 1  # the committee still finds the restricted one there


def test_a_province_that_hides_its_restricted_records_still_finds_them(store):
    public = _ids(_selection(store, PUBLIC, Filters(provinces=("Huamanga",))))
    assert len(public) == 6 and len(_restricted(public)) == 3  # shown in "provincia Huamanga": they are there


@pytest.mark.parametrize("district", ["Socos", "Chuschi", "Pisac"])
def test_a_district_filter_finds_no_restricted_record(store, district):
    public = _ids(_selection(store, PUBLIC, Filters(districts=(district,))))
    assert len(public) == 1 and not _restricted(public)


@pytest.mark.parametrize("community", ["Chuschi", "Pisac", "Socos", "Tinguipaya"])
def test_searching_a_community_name_finds_only_its_public_record(store, community):
    public = _ids(_selection(store, PUBLIC, Filters(text=community)))
    committee = _ids(_selection(store, COMMITTEE, Filters(text=community)))
    assert len(public) == 1 and not _restricted(public)
    assert len(committee) == 2


def test_region_circles_count_a_restricted_record_only_in_the_region_it_is_shown_in(store):
    counts = region_counts(_selection(store, PUBLIC, Filters())).set_index("region")["count"]
    # Cusco's restricted record hides in Peru as a whole, Puno's too, Bolivia's in Bolivia: their regions
    # count only their public records; Ayacucho's nine restricted records are all shown inside Ayacucho
    assert counts["PE-CUS"] == 1 and counts["PE-PUN"] == 3 and counts["BO-L"] == 1
    assert counts["PE-AYA"] == 18
    committee = region_counts(_selection(store, COMMITTEE, Filters())).set_index("region")["count"]
    assert committee["PE-CUS"] == 2 and committee["PE-PUN"] == 6


def test_public_figures_count_no_community_by_its_restricted_records_alone(store):
    data = viewed(store, PUBLIC)
    index = FilterIndex.build(data.innovations, data.communities)
    keep = np.ones(len(data.innovations), bool)
    assert summarise(index, keep).headline.communities == len(STORE)
    restricted_only = ~data.innovations["consent_public"].to_numpy(bool)
    assert summarise(index, restricted_only).headline.communities == 0  # no community is tied to them


def test_the_record_card_of_a_viewed_restricted_record_names_its_area(store):
    data = viewed(store, PUBLIC)
    row = int(np.flatnonzero(data.innovations["innovation_id"] == "INN-013")[0])  # Chuschi's restricted record
    card = " ".join(innovation_details(data, row, "es", {}).values())
    assert "región Ayacucho" in card and "Chuschi" not in card


def test_the_public_csv_of_the_viewed_store_names_each_restricted_records_area(store):
    selection = _selection(store, PUBLIC, Filters())
    text = PACK["csv"].make(selection, "es").decode("utf-8-sig")
    assert "región Ayacucho" in text and "Perú (todo el país)" in text
    assert "Chuschi" in text  # its public record names it
    rows = [line for line in text.splitlines() if line.startswith("INN-013,")]
    assert rows and "Chuschi" not in rows[0] and "Cangallo" not in rows[0]
