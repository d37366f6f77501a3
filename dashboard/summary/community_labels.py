"""The Local Contexts labels a selection carries, and those of the whole collection, said in words."""

from __future__ import annotations

import numpy as np

from dashboard.data.dataset import Dataset
from dashboard.data.localcontexts import collection_labels
from dashboard.data.vocab import VOCABULARIES
from dashboard.i18n import t


def labels_present(data: Dataset, keep: np.ndarray) -> tuple[str, ...]:
    """The labels applied to at least one kept innovation, in the vocabulary's order."""
    found = {code for codes in data.innovations["labels"].to_numpy(object)[keep] for code in codes}
    return tuple(code for code in VOCABULARIES["label"].codes if code in found)


def label_names(codes: tuple[str, ...], lang: str) -> str:
    """The labels' names in `lang`, one after another."""
    return ", ".join(VOCABULARIES["label"].label(code, lang) for code in codes)


def label_lines(data: Dataset, keep: np.ndarray, lang: str) -> list[str]:
    """A sentence naming the labels of the kept innovations, one for the collection's, and where their texts are."""
    lines = []
    present, collection = labels_present(data, keep), collection_labels(data.metadata)
    if present:
        lines.append(t("brief.labels", lang, names=label_names(present, lang)))
    if collection:
        lines.append(t("brief.collection_labels", lang, names=label_names(collection, lang)))
    return [*lines, t("brief.labels_source", lang)] if lines else []
