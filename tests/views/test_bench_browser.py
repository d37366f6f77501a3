"""The browser benchmark at its smallest: both apps are served, drawn and timed, and the JSON says so."""

from __future__ import annotations

import json

import pytest

from benchmarks.browser_speed import compare

pytestmark = pytest.mark.browser


def test_the_browser_benchmark_times_both_apps_drawing_their_points(chromium):
    result = json.loads(json.dumps(compare(chromium, [300], repeat=1)))  # what `python -m benchmarks` prints
    (row,) = result["sizes"]
    shown = row["innovations_shown"]
    assert shown["all"] == 300 and all(count > 0 for count in shown.values())
    for app in ("atlas", "plain"):
        measured = row[app]
        assert measured["load_s"] > 0 and measured["filter_change_s"] > 0
        assert measured["points_drawn_on_load"] == 300 and measured["incomplete_draws"] == 0
        assert set(measured["steps"]) == set(shown)
        for selection, step in measured["steps"].items():
            assert step["points_drawn"] == shown[selection], (app, selection)  # every point of it, drawn
            assert step["filter_change_s"] > 0 and step["map_message_bytes"] > 0
        assert all(seconds > 0 for seconds in measured["timeline_s"].values()), measured["timeline_s"]
        assert measured["outside_requests"] == 0 and measured["map_messages_cached"] == 0
    assert row["load_ratio_plain_vs_atlas"] > 0 and row["filter_change_ratio_plain_vs_atlas"] > 0
    assert result["notes"]["chromium"]
