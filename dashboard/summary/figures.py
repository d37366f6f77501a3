"""The headline figures as shown: which ones, in which order, and how each value is written."""

from __future__ import annotations

from dashboard.i18n import number, percent, t
from dashboard.summary.summaries import Headline, Summary

# In display order; the first four are the ones presentation mode and the brief lead with.
HEADLINE = ("innovations", "communities", "regions", "partners", "women", "advanced", "newest_year")
PRESENTED = ("innovations", "communities", "women", "advanced")
NO_VALUE = "—"  # a figure that cannot be given (no innovations selected)
PARTS = {"innovations": "innovations", "women": "by_women", "advanced": "advanced"}  # the count behind each


def shown_figure(headline: Headline, name: str, lang: str) -> str:
    """The figure `name` written for `lang`: counts grouped, shares as percentages, years plain; a count of
    innovations too small to show (`Headline.small`), and a share that would give one back, as "<5"."""
    whole = headline.innovations
    if name in PARTS and headline.hidden(getattr(headline, PARTS[name])):
        return small_count(headline, lang)
    if name == "women":
        known = headline.of_known_type
        return percent(headline.by_women, known, lang) if known else NO_VALUE
    if name == "advanced":
        return f"{number(headline.advanced, lang)} ({percent(headline.advanced, whole, lang)})" if whole else NO_VALUE
    if name == "newest_year":
        return NO_VALUE if headline.newest_year is None else str(headline.newest_year)
    return number(getattr(headline, name), lang)


def small_count(headline: Headline, lang: str) -> str:
    """A count too small to show, as a figure writes it: "<5"."""
    return t("small_numbers.cell", lang, n=headline.small)


def headline_figures(summary: Summary, lang: str) -> dict[str, str]:
    """The brief's boxed figures as printed, by catalogue name."""
    figures = summary.headline
    shown = {
        name: shown_figure(figures, name, lang)
        for name in ("innovations", "communities", "regions", "partners", "women")
    }
    # a box has room for the share only, not the count beside it as on the page
    advanced = percent(figures.advanced, figures.innovations, lang) if figures.innovations else NO_VALUE
    if figures.hidden(figures.advanced):  # its share would give the count back
        advanced = small_count(figures, lang)
    return shown | {"advanced": advanced, "newest": shown_figure(figures, "newest_year", lang)}
