"""BM25 scoring as pure functions over arrays, with rank-bm25's `BM25Okapi` semantics.

`BM25Okapi.get_scores` loops over every document for every query term. Here each term's score
contribution to each document that contains it is computed once, at build time, and stored as
a posting; a query then adds up the postings of its own terms only. The numbers are the same:
idf = log(N - df + 0.5) - log(df + 0.5), negative idfs floored to epsilon * mean idf, and
tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class DocumentTerms:
    """One document's contribution to the postings, independent of the rest of the corpus
    (so it can be cached): its own vocabulary, and per passage the term indexes and counts.
    Passage i's entries are `term_idx[offsets[i]:offsets[i+1]]`, with `tf` alongside."""

    terms: list[str]
    offsets: np.ndarray  # int64 [passages + 1]
    term_idx: np.ndarray  # int32, into `terms`
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32 [passages], tokens per passage

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]]) -> DocumentTerms:
        terms: dict[str, int] = {}
        idx: list[int] = []
        counts: list[int] = []
        offsets = [0]
        for tokens in token_lists:
            freqs = Counter(tokens)
            idx.extend(terms.setdefault(term, len(terms)) for term in freqs)
            counts.extend(freqs.values())
            offsets.append(len(idx))
        return cls(list(terms), np.asarray(offsets, dtype=np.int64),
                   np.asarray(idx, dtype=np.int32), np.asarray(counts, dtype=np.int32),
                   np.asarray([len(t) for t in token_lists], dtype=np.int32))


def build_postings(token_lists: Sequence[Sequence[str]], params: BM25Params) -> Postings:
    """Index tokenised documents; `token_lists[i]` is document i's tokens."""
    return merge_postings([DocumentTerms.from_tokens(token_lists)], params)


def merge_postings(parts: Sequence[DocumentTerms], params: BM25Params) -> Postings:
    """The postings of the passages of all `parts`, in order: BM25Okapi over the whole."""
    n = sum(len(p.lengths) for p in parts)
    if n == 0:
        raise ValueError("cannot index an empty corpus")
    terms: dict[str, int] = {}
    term_ids, doc_ids, tfs, lengths = [], [], [], []
    base = 0
    for part in parts:
        mapping = np.fromiter((terms.setdefault(t, len(terms)) for t in part.terms),
                              dtype=np.int64, count=len(part.terms))
        term_ids.append(mapping[part.term_idx])
        doc_ids.append(base + np.repeat(np.arange(len(part.lengths), dtype=np.int32),
                                        np.diff(part.offsets)))
        tfs.append(part.tf)
        lengths.append(part.lengths)
        base += len(part.lengths)
    term_id = np.concatenate(term_ids)
    doc_id = np.concatenate(doc_ids).astype(np.int32)
    tf = np.concatenate(tfs).astype(np.float64)
    doc_len = np.concatenate(lengths).astype(np.float64)

    # Each (term, passage) pair occurs once, so a term's count of pairs is its df.
    doc_freq = np.bincount(term_id, minlength=len(terms)).astype(np.float64)
    idf = okapi_idf(doc_freq, n, params.epsilon)
    avgdl = float(doc_len.sum()) / n
    order = np.argsort(term_id, kind="stable")  # passages stay ascending within a term
    term_id, doc_id, tf = term_id[order], doc_id[order], tf[order]
    norm = params.k1 * (1 - params.b + params.b * doc_len[doc_id] / avgdl)
    weights = idf[term_id] * (tf * (params.k1 + 1) / (tf + norm))
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_id, minlength=len(terms)), out=offsets[1:])
    return Postings(terms, idf, offsets, doc_id, weights, n)


def okapi_idf(doc_freq: np.ndarray, n: int, epsilon: float) -> np.ndarray:
    """BM25Okapi's idf, negative values replaced by epsilon times the mean idf."""
    idf = np.log(n - doc_freq + 0.5) - np.log(doc_freq + 0.5)
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
