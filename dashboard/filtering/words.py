"""A word index over the searchable text, so that a search scans the vocabulary, not every record.

Searching a million descriptions with a substring scan takes seconds; here each query term is
matched against the distinct words (tens of thousands at most), and the rows of the matching
words are gathered from one sorted array. A record matches when every term of the query starts
one of its words: "qoch" finds "qochas" and "anos" finds "años" (the text is folded), but "cip"
does not find "participación". A word is a run of letters and digits, so "cip" finds "(CIP)"
and "CIP-Perú", and "helada" finds "helada,".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

WORD_BREAK = r"[^\p{L}\p{N}]+"


def _grouped(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Compressed sparse rows of `values` (given ascending) by key: values[starts[k]:starts[k + 1]], each once."""
    order = np.argsort(keys, kind="stable")  # stable: values stay ascending within a key
    keys, values = keys[order], values[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (np.diff(keys) != 0) | (np.diff(values) != 0)
    counts = np.bincount(keys[first], minlength=size)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), values[first].astype(np.int64)


def _gather(starts: np.ndarray, values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The values of every key in `keys`, concatenated (repeats possible)."""
    if not keys.size:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([values[starts[k] : starts[k + 1]] for k in keys])


def _words_of(tokens: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The distinct words of distinct `tokens`, and for each word the tokens it is part of (as `_grouped`)."""
    pieces = pc.split_pattern_regex(tokens, WORD_BREAK)
    owners = pc.list_parent_indices(pieces).to_numpy()
    flat = pc.list_flatten(pieces)
    kept = pc.not_equal(flat, "")  # a break at either end of a token leaves an empty piece
    words = pc.dictionary_encode(flat.filter(kept))
    starts, owned = _grouped(
        words.indices.to_numpy(zero_copy_only=False), owners[kept.to_numpy(zero_copy_only=False)], len(words.dictionary)
    )
    return words.dictionary, starts, owned


@dataclass(frozen=True)
class WordIndex:
    """Distinct words → the tokens they appear in → the rows that hold each token.

    Tokens are the text split on whitespace, which pyarrow does fast over every row; a regex split
    of every row costs four times as much. Only the distinct tokens (a few thousand) are split into
    words, on anything that is not a letter or digit: "(cip)," gives "cip", "cip-peru" gives "cip"
    and "peru".
    """

    words: pa.Array  # distinct words
    word_starts: np.ndarray  # tokens of word w are word_tokens[word_starts[w]:word_starts[w + 1]]
    word_tokens: np.ndarray
    starts: np.ndarray  # rows of token k are rows[starts[k]:starts[k + 1]]
    rows: np.ndarray
    size: int

    @classmethod
    def build(cls, folded: pd.Series) -> WordIndex:
        """Index text that `filters.fold` already lower-cased and stripped of accents."""
        text = pa.array(folded.fillna(""), type=pa.large_string())
        if isinstance(text, pa.ChunkedArray):  # a frame joined from several parts arrives in chunks
            text = text.combine_chunks()
        tokens = pc.utf8_split_whitespace(text)
        parents = pc.list_parent_indices(tokens).to_numpy()
        encoded = pc.dictionary_encode(pc.list_flatten(tokens))
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        starts, rows = _grouped(codes, parents, len(encoded.dictionary))
        words, word_starts, word_tokens = _words_of(encoded.dictionary)
        return cls(
            words=words, word_starts=word_starts, word_tokens=word_tokens, starts=starts, rows=rows, size=len(folded)
        )

    def terms(self, query: str) -> list[str]:
        """The words of an already folded query."""
        return [term for term in pc.split_pattern_regex(pa.array([query]), WORD_BREAK)[0].as_py() if term]

    def matching(self, query: str) -> np.ndarray:
        """For each row, whether every term of the folded `query` starts one of its words."""
        keep = np.ones(self.size, dtype=bool)
        for term in self.terms(query):
            words = np.flatnonzero(pc.starts_with(self.words, term).to_numpy(zero_copy_only=False))
            tokens = np.unique(_gather(self.word_starts, self.word_tokens, words))
            found = np.zeros(self.size, dtype=bool)
            found[_gather(self.starts, self.rows, tokens)] = True
            keep &= found
        return keep
