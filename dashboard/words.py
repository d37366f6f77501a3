"""A word index over the searchable text, so that a search scans the vocabulary, not every record.

Searching a million descriptions with a substring scan takes seconds; here each query term is
matched against the distinct words (tens of thousands at most), and the rows of the matching
words are gathered from one sorted array. A record matches when every term of the query is
part of one of its words ("anos" finds "años", "qoch" finds "qochas").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

WORD_BREAK = r"[^\p{L}\p{N}]+"


@dataclass(frozen=True)
class WordIndex:
    """Distinct words, and for each the sorted rows that contain it (compressed sparse rows)."""

    words: pa.Array
    starts: np.ndarray  # rows of word w are rows[starts[w]:starts[w + 1]]
    rows: np.ndarray
    size: int

    @classmethod
    def build(cls, folded: pd.Series) -> WordIndex:
        """Index text that `filters.fold` already lower-cased and stripped of accents."""
        text = pa.array(folded.fillna(""), type=pa.large_string())
        if isinstance(text, pa.ChunkedArray):  # a frame joined from several parts arrives in chunks
            text = text.combine_chunks()
        # whitespace, not a regex: punctuation stays on words, and terms match inside words anyway
        tokens = pc.utf8_split_whitespace(text)
        parents = pc.list_parent_indices(tokens).to_numpy()
        encoded = pc.dictionary_encode(pc.list_flatten(tokens))
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")  # by word; rows stay ascending within a word
        words_sorted, rows_sorted = codes[order], parents[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (np.diff(words_sorted) != 0) | (np.diff(rows_sorted) != 0)  # each word once per row
        counts = np.bincount(words_sorted[first], minlength=len(encoded.dictionary))
        return cls(words=encoded.dictionary, starts=np.concatenate([[0], np.cumsum(counts)]),
                   rows=rows_sorted[first].astype(np.int64), size=len(folded))

    def terms(self, query: str) -> list[str]:
        """The words of an already folded query."""
        return [term for term in pc.split_pattern_regex(pa.array([query]), WORD_BREAK)[0].as_py() if term]

    def matching(self, query: str) -> np.ndarray:
        """For each row, whether every term of the folded `query` is part of one of its words."""
        keep = np.ones(self.size, dtype=bool)
        for term in self.terms(query):
            hits = np.flatnonzero(pc.match_substring(self.words, term).to_numpy(zero_copy_only=False))
            found = np.zeros(self.size, dtype=bool)
            if hits.size:
                found[np.concatenate([self.rows[self.starts[w]:self.starts[w + 1]] for w in hits])] = True
            keep &= found
        return keep
