"""BM25 scoring as pure functions over arrays, with rank-bm25's `BM25Okapi` semantics.

`BM25Okapi.get_scores` loops over every document for every query term. Here each term's score
contribution to each document that contains it is computed once, at build time, and stored as
a posting; a query then adds up the postings of its own terms only. The numbers are the same:
idf = log(N - df + 0.5) - log(df + 0.5), negative idfs floored to epsilon * mean idf, and
tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .types import BM25Params


@dataclass(frozen=True)
class Postings:
    """An inverted index: term `t`'s postings are `docs[offsets[t]:offsets[t+1]]`, with the
    matching `weights` (the term's full BM25 contribution to that document, idf included)."""

    terms: dict[str, int]
    idf: np.ndarray  # float64 [terms]
    offsets: np.ndarray  # int64 [terms + 1]
    docs: np.ndarray  # int32 [postings], ascending within a term
    weights: np.ndarray  # float64 [postings]
    doc_count: int

    def term_idf(self, term: str) -> float | None:
        """The term's idf, or None when no document has it."""
        t = self.terms.get(term)
        return None if t is None else float(self.idf[t])


def build_postings(token_lists: Sequence[Sequence[str]], params: BM25Params) -> Postings:
    """Index tokenised documents; `token_lists[i]` is document i's tokens."""
    n = len(token_lists)
    if n == 0:
        raise ValueError("cannot index an empty corpus")
    terms: dict[str, int] = {}
    doc_freq: list[int] = []
    rows: list[np.ndarray] = []  # per document: term ids
    counts: list[np.ndarray] = []  # per document: term frequencies
    doc_len = np.empty(n, dtype=np.float64)
    for i, tokens in enumerate(token_lists):
        doc_len[i] = len(tokens)
        freqs = Counter(tokens)
        ids = np.empty(len(freqs), dtype=np.int64)
        for j, term in enumerate(freqs):
            t = terms.setdefault(term, len(terms))
            if t == len(doc_freq):
                doc_freq.append(0)
            doc_freq[t] += 1
            ids[j] = t
        rows.append(ids)
        counts.append(np.fromiter(freqs.values(), dtype=np.float64, count=len(freqs)))

    idf = okapi_idf(np.asarray(doc_freq, dtype=np.float64), n, params.epsilon)
    avgdl = float(doc_len.sum()) / n

    term_ids = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    tf = np.concatenate(counts) if counts else np.empty(0, dtype=np.float64)
    doc_ids = np.repeat(np.arange(n, dtype=np.int32), [len(r) for r in rows])
    order = np.lexsort((doc_ids, term_ids))
    term_ids, tf, doc_ids = term_ids[order], tf[order], doc_ids[order]

    norm = params.k1 * (1 - params.b + params.b * doc_len[doc_ids] / avgdl)
    weights = idf[term_ids] * (tf * (params.k1 + 1) / (tf + norm))
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_ids, minlength=len(terms)), out=offsets[1:])
    return Postings(terms, idf, offsets, doc_ids, weights, n)


def okapi_idf(doc_freq: np.ndarray, n: int, epsilon: float) -> np.ndarray:
    """BM25Okapi's idf, negative values replaced by epsilon times the mean idf."""
    idf = np.array(
        [math.log(n - df + 0.5) - math.log(df + 0.5) for df in doc_freq.tolist()],
        dtype=np.float64,
    )
    if len(idf):
        # Summed in term order as rank-bm25 does, so the floor matches it to the last bit.
        floor = epsilon * (sum(idf.tolist()) / len(idf))
        idf[idf < 0] = floor
    return idf


def score(postings: Postings, query: Mapping[str, float]) -> np.ndarray:
    """Every document's score for a query of term -> weight (a repeated term has weight 2)."""
    scores = np.zeros(postings.doc_count, dtype=np.float64)
    for term, weight in query.items():
        t = postings.terms.get(term)
        if t is None:
            continue
        lo, hi = postings.offsets[t], postings.offsets[t + 1]
        if weight == 1.0:
            scores[postings.docs[lo:hi]] += postings.weights[lo:hi]
        else:
            scores[postings.docs[lo:hi]] += weight * postings.weights[lo:hi]
    return scores


def top_k(scores: np.ndarray, k: int, *, offset: int = 0) -> list[int]:
    """Indexes of the best-scoring documents with a positive score: score descending, then
    index ascending; `offset` skips that many first."""
    want = offset + k
    positive = np.flatnonzero(scores > 0)
    if len(positive) > want:
        part = np.argpartition(-scores[positive], want - 1)[:want]
        cut = scores[positive[part]].min()
        positive = positive[scores[positive] >= cut]  # keep ties at the cut, order them below
    ranked = positive[np.lexsort((positive, -scores[positive]))]
    return ranked[offset:want].tolist()
