"""A short paragraph that tells the current selection in words, in Spanish or English.

Wording lives in the catalogue (`[narrative]`); agreement and lists are decided here:

- counts pick the `_one` or `_other` wording ("una innovación", "2 innovaciones"); the verb
  agrees with the number of innovations ("se documentó" / "se documentaron");
- the years read "Entre 2005 y 2025", or "En 2015" when the first and newest year are one;
- shares are whole percentages; a share that would round to 0 % or 100 % without being
  it reads "menos del 1 %" / "más del 99 %"; none and all read "Ninguna" / "Todas";
  with a single innovation the share sentences speak of it, and only when it is true;
- the most frequent crops and partners are named only when at most `MAX_LEADERS` values
  share the top count and that count is above some other value's; when every value
  present ties (all appear equally often) they are listed as "the crops recorded" if
  there are at most `MAX_LEADERS` of them, and not mentioned otherwise;
- crop names are used without articles ("Cultivo más frecuente: papa nativa"), so no
  gender has to be guessed for a crop;
- lists join with commas and "y"/"and"; Spanish "y" becomes "e" before an /i/ sound;
- numbers group thousands with a no-break space, as the app shows them ("1 234");
  Spanish puts a no-break space before "%".
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.i18n import number as number_text
from dashboard.i18n import rounded_share, t
from dashboard.summary.summaries import Summary, labels_for

MAX_LEADERS = 3  # more values than this sharing the top count are no "most frequent" values
# Spanish "y" becomes "e" before an /i/ sound: "e isla", "e hilo"; but "y hierro", "y yodo"
_I_SOUND = re.compile(r"^h?[ií](?![aeoáéó])", re.IGNORECASE)


def paragraph(summary: Summary, lang: str, partner_names: dict[str, str]) -> str:
    """The selection told in a few sentences; a short notice when it is empty."""
    return " ".join(sentences(summary, lang, partner_names))


def sentences(summary: Summary, lang: str, partner_names: dict[str, str]) -> list[str]:
    """The sentences of the paragraph, each supported by the counts of `summary`."""
    figures = summary.headline
    if not figures.innovations:
        return [t("narrative.empty", lang)]
    found = [
        _documented(summary, lang),
        # a share of a count too small to show would give it back: such a share is left unsaid
        None
        if figures.hidden(figures.by_women) or not figures.of_known_type
        else _share("women", figures.by_women, figures.of_known_type, lang),
        None if figures.hidden(figures.advanced) else _share("advanced", figures.advanced, figures.innovations, lang),
        _leaders("crops", summary.table("crops", labels_for("crops", lang, partner_names)), lang, figures.small),
        _leaders("partners", summary.table("partners", dict(partner_names)), lang, figures.small),
    ]
    return [sentence for sentence in found if sentence]


def counted(noun: str, number: int, lang: str, small: int = 0) -> str:
    """`number` of `noun` with agreement: "una comunidad", "58 comunidades"; from 1 to `small`-1, "menos de 5 …"."""
    if 0 < number < small:
        return t(f"narrative.{noun}_other", lang, count=t("small_numbers.prose", lang, n=small))
    form = "one" if number == 1 else "other"
    return t(f"narrative.{noun}_{form}", lang, count=number_text(number, lang))


def join(items: list[str], lang: str) -> str:
    """Items as a list: "a", "a y b", "a, b y c" (Spanish "e" before an /i/ sound)."""
    if len(items) <= 1:
        return "".join(items)
    last = items[-1]
    word = t("narrative.and_before_i" if _I_SOUND.match(last) else "narrative.and", lang)
    return f"{', '.join(items[:-1])} {word} {last}"


def _capitalised(sentence: str) -> str:
    """The sentence with its first letter upper-case (a placeholder may open it)."""
    return sentence[:1].upper() + sentence[1:]


def _documented(summary: Summary, lang: str) -> str:
    """How many innovations were documented, where and when."""
    figures = summary.headline
    places = counted("communities", figures.communities, lang)
    if figures.regions:
        places = t("narrative.places", lang, communities=places, regions=counted("regions", figures.regions, lang))
    form = "one" if figures.innovations == 1 and not figures.hidden(1) else "other"
    documented = t(
        f"narrative.documented_{form}",
        lang,
        innovations=counted("innovations", figures.innovations, lang, figures.small),
        places=places,
    )
    first, last = figures.first_year, figures.newest_year
    if first is None or last is None:
        sentence = t("narrative.undated", lang, documented=documented)
    elif first == last:
        sentence = t("narrative.in_year", lang, year=first, documented=documented)
    else:
        sentence = t("narrative.between", lang, first=first, last=last, documented=documented)
    return _capitalised(sentence)


def _share(topic: str, part: int, whole: int, lang: str) -> str | None:
    """What share of the innovations `topic` applies to; None when there is nothing true to say."""
    if whole == 1:
        return t(f"narrative.{topic}_single", lang) if part else None
    if part in (0, whole):
        return t(f"narrative.{topic}_{'none' if part == 0 else 'all'}", lang)
    kind, value = rounded_share(part, whole)
    share = t(f"narrative.share_{kind}", lang, percent=t("narrative.percent", lang, value=value))
    return _capitalised(t(f"narrative.{topic}_some", lang, share=share))


def _leaders(topic: str, table: pd.DataFrame, lang: str, small: int = 0) -> str | None:
    """The most frequent values of a list field (crops, partners), by the rule in the module doc."""
    if table.empty:
        return None
    top = int(table["count"].iloc[0])
    leaders = table[table["count"] == top]
    if len(leaders) > MAX_LEADERS:
        return None
    kind = "only" if len(leaders) == len(table) else "lead"
    form = "one" if len(leaders) == 1 else "other"
    count = counted("innovations", top, lang, small)
    if len(leaders) > 1:
        count = t("narrative.each", lang, count=count)
    return t(f"narrative.{topic}_{kind}_{form}", lang, names=join(list(leaders["label"]), lang), count=count)
