"""Chart builders: a table of counts in, an Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Earthy, colour-blind-safe tones (Okabe–Ito vermillion-free subset).
BAR_COLOUR = "#8C5A2B"


def bar_chart(counts: pd.DataFrame, title: str, axis_title: str, top: int = 15) -> alt.Chart:
    """Horizontal bars of `counts` (columns label, count), largest first, at most `top` bars."""
    shown = counts.head(top)
    return (
        alt.Chart(shown, title=title)
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("count:Q", title=axis_title, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=220)),
            tooltip=[alt.Tooltip("label:N", title=title), alt.Tooltip("count:Q", title=axis_title)],
        )
        .properties(height=max(120, 26 * len(shown)))
    )
