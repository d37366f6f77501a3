"""Review before publishing: who may give a record which status, four eyes on what is published, drafts on import."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import store
from dashboard.data.dataset import Dataset
from dashboard.data.review import refusal, statuses, written_by
from dashboard.data.viewers import PUBLIC, viewed


def test_editors_keep_drafts_and_send_them_for_review_reviewers_publish_and_withdraw():
    assert statuses("editor", None) == ("draft", "in_review")
    assert statuses("editor", "published") == ("published", "draft", "in_review")  # shown, but not chosen anew
    assert set(statuses("reviewer", "draft")) == {"draft", "in_review", "published", "withdrawn"}
    assert refusal("editor", "Ana", "in_review", "published", "Luis") == "review.not_allowed"
    assert refusal("editor", "Ana", "published", "published", "Ana") is None  # an unchanged status is no move
    assert refusal("reviewer", "Rosa", "in_review", "published", "Luis") is None
    assert refusal("admin", "Rosa", "published", "withdrawn", "Luis") is None


def test_nobody_publishes_the_version_they_wrote():
    assert refusal("reviewer", "Rosa", "in_review", "published", "Rosa") == "review.four_eyes"
    assert refusal("reviewer", "Rosa", None, "published", None) == "review.four_eyes"  # a new record of her own
    assert refusal("admin", "Rosa", "draft", "published", None) == "review.four_eyes"  # nobody known wrote it


def test_the_author_of_a_version_is_whoever_last_changed_it_unless_the_save_changes_more_than_its_status():
    record = pd.Series({"title": "Qocha", "crops": ["oca"], "status": "in_review"}, name="INN-000007")
    records = pd.DataFrame(
        {"entity": ["innovations", "innovations"], "id": ["INN-000007", "INN-000008"], "updated_by": ["Luis", "Eva"]}
    )
    data = Dataset(None, None, None, tables={"atlas_records": records})
    entered = {"title": "Qocha", "crops": ["oca"], "status": "published"}
    assert written_by(data, "innovations", record, entered, "Rosa") == "Luis"
    assert written_by(data, "innovations", record, {**entered, "title": "Qocha nueva"}, "Rosa") == "Rosa"
    assert written_by(data, "innovations", None, entered, "Rosa") is None


def test_an_import_with_drafts_lands_for_review_and_leaves_the_public_figures(atlas, tmp_path):
    before = store.load(atlas)
    ayacucho = before.innovations.loc[before.innovations["region"] == "PE-AYA", "innovation_id"]
    assert len(ayacucho) and (before.innovations["status"] == "published").all()
    exported = tmp_path / "ayacucho.csv"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["export", "csv", "--out", str(exported), "--store", str(atlas), "--query", "region=PE-AYA", "--as", "editor"],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(exported, dtype=str, encoding="utf-8-sig")
    title = frame.columns[1]
    frame[title] = frame[title] + " (revisado)"  # a change to every row: each is an update
    frame.to_csv(exported, index=False, encoding="utf-8-sig")
    result = runner.invoke(
        main, ["import", str(exported), "--store", str(atlas), "--editor", "Ana", "--drafts", "--yes"]
    )
    assert result.exit_code == 0, result.output
    after = store.load(atlas)
    status = after.innovations.set_index("innovation_id")["status"].astype(str)
    assert (status[list(ayacucho)] == "draft").all()
    assert (status.drop(list(ayacucho)) == "published").all()
    public = viewed(after, PUBLIC).innovations
    assert not public["innovation_id"].isin(ayacucho).any()  # only published records count for the public
    assert len(public) == len(after.innovations) - len(ayacucho)
