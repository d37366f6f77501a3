"""The headline figures as shown: which ones, in which order, and how each value is written."""

from __future__ import annotations

from dashboard.i18n import number, percent
from dashboard.summary.summaries import Headline

# In display order; the first four are the ones presentation mode and the brief lead with.
HEADLINE = ("innovations", "communities", "regions", "partners", "women", "advanced", "newest_year")
PRESENTED = ("innovations", "communities", "women", "advanced")
NO_VALUE = "—"  # a figure that cannot be given (no innovations selected)


def shown_figure(headline: Headline, name: str, lang: str) -> str:
    """The figure `name` written for `lang`: counts grouped, shares as percentages, years plain."""
    whole = headline.innovations
    if name == "women":
        return percent(headline.by_women, whole, lang) if whole else NO_VALUE
    if name == "advanced":
        return f"{number(headline.advanced, lang)} ({percent(headline.advanced, whole, lang)})" if whole else NO_VALUE
    if name == "newest_year":
        return NO_VALUE if headline.newest_year is None else str(headline.newest_year)
    return number(getattr(headline, name), lang)
