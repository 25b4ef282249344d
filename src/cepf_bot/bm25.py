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


class Vocabulary(Mapping[str, int]):
    """Term -> term id, for terms listed in id order; the dictionary is built on first use
    (a reindex that only writes the index never needs it)."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self._ids: dict[str, int] | None = None

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {t: i for i, t in enumerate(self.terms)}
        return self._ids

    def __getitem__(self, term: str) -> int:
        return self.ids[term]

    def get(self, term: str, default=None):  # type: ignore[no-untyped-def, override]
        return self.ids.get(term, default)

    def __contains__(self, term: object) -> bool:
        return term in self.ids

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


@dataclass(frozen=True)
class Postings:
    """An inverted index: term `t`'s postings are `docs[offsets[t]:offsets[t+1]]`, with the
    matching `weights` (the term's full BM25 contribution to that document, idf included)."""

    terms: Mapping[str, int]  # term -> id; iterating gives the terms in id order
    idf: np.ndarray  # float64 [terms]
    offsets: np.ndarray  # int64 [terms + 1]
    docs: np.ndarray  # int32 [postings], ascending within a term
    weights: np.ndarray  # float64 [postings]
    doc_count: int

    def term_idf(self, term: str) -> float | None:
        """The term's idf, or None when no document has it."""
        t = self.terms.get(term)
        return None if t is None else float(self.idf[t])


class Lexicon:
    """Term <-> id, append-only, so that a document's term ids stay valid across builds."""

    def __init__(self, terms: Sequence[str] = ()) -> None:
        self.terms = list(terms)
        self._ids: dict[str, int] | None = None  # built when a term is first added

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {t: i for i, t in enumerate(self.terms)}
        return self._ids

    def add(self, term: str) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return i


@dataclass(frozen=True)
class LocalTerms:
    """One document's terms against its own little vocabulary (what a worker process sends
    back). Passage i's entries are `term_idx[offsets[i]:offsets[i+1]]`, `tf` alongside."""

    terms: list[str]
    offsets: np.ndarray  # int64 [passages + 1]
    term_idx: np.ndarray  # int32, into `terms`
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32 [passages], tokens per passage

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]]) -> LocalTerms:
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

    def with_lexicon(self, lexicon: Lexicon) -> DocumentTerms:
        ids = np.fromiter((lexicon.add(t) for t in self.terms), dtype=np.int32,
                          count=len(self.terms))
        return DocumentTerms(self.offsets, ids[self.term_idx], self.tf, self.lengths)


@dataclass(frozen=True)
class DocumentTerms:
    """One document's contribution to the postings, with term ids from a `Lexicon`."""

    offsets: np.ndarray  # int64 [passages + 1]
    term_ids: np.ndarray  # int32, lexicon ids
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32 [passages]

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]], lexicon: Lexicon
                    ) -> DocumentTerms:
        return LocalTerms.from_tokens(token_lists).with_lexicon(lexicon)


def build_postings(token_lists: Sequence[Sequence[str]], params: BM25Params) -> Postings:
    """Index tokenised documents; `token_lists[i]` is document i's tokens."""
    lexicon = Lexicon()
    return merge_postings([DocumentTerms.from_tokens(token_lists, lexicon)], lexicon, params)


def radix_argsort(keys: np.ndarray) -> np.ndarray:
    """A stable argsort of non-negative int32 keys: two stable 16-bit (radix) passes, several
    times faster than a stable sort of the 32-bit keys."""
    keys = keys.astype(np.uint32, copy=False)
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = (keys[order] >> 16).astype(np.uint16)
    return order[np.argsort(high, kind="stable")]


@dataclass(frozen=True)
class PostingsParts:
    """What BM25 weights are computed from, term-major: every posting's lexicon id, passage
    and term frequency (sorted by lexicon id, then passage), and each passage's length.
    An index keeps these so that a later reindex can update them in place."""

    lexicon_ids: np.ndarray  # int32 [postings]
    docs: np.ndarray  # int32 [postings]
    tf: np.ndarray  # int32 [postings]
    doc_len: np.ndarray  # int32 [passages]


def merge_postings(parts: Sequence[DocumentTerms], lexicon: Lexicon,
                   params: BM25Params) -> Postings:
    """The postings of the passages of all `parts`, in order: BM25Okapi over the whole.
    Terms are numbered in lexicon order, keeping only those that occur."""
    return weigh(sort_parts(parts), lexicon, params)[0]


def sort_parts(parts: Sequence[DocumentTerms]) -> PostingsParts:
    """The parts' postings in one term-major order."""
    n = sum(len(p.lengths) for p in parts)
    if n == 0:
        raise ValueError("cannot index an empty corpus")
    lexicon_ids = np.concatenate([p.term_ids for p in parts])
    docs = np.repeat(np.arange(n, dtype=np.int32),
                     np.concatenate([np.diff(p.offsets) for p in parts]))
    tf = np.concatenate([p.tf for p in parts])
    order = radix_argsort(lexicon_ids)  # stable: passages stay ascending within a term
    return PostingsParts(lexicon_ids[order], docs[order], tf[order],
                         np.concatenate([p.lengths for p in parts]))


def weigh(parts: PostingsParts, lexicon: Lexicon, params: BM25Params
          ) -> tuple[Postings, np.ndarray]:
    """BM25Okapi weights of term-major postings; also each term's lexicon id."""
    n = len(parts.doc_len)
    if n == 0:
        raise ValueError("cannot index an empty corpus")
    counts = np.bincount(parts.lexicon_ids, minlength=len(lexicon))
    used = np.flatnonzero(counts)
    if len(used) == len(lexicon):  # the usual case: no term has vanished from the corpus
        term_id = parts.lexicon_ids
    else:
        term_id = (np.cumsum(counts > 0) - 1)[parts.lexicon_ids].astype(np.int32)
    # Each (term, passage) pair occurs once, so a term's count of pairs is its df.
    doc_freq = counts[used].astype(np.float64)
    idf = okapi_idf(doc_freq, n, params.epsilon)
    doc_len = parts.doc_len.astype(np.float64)
    avgdl = float(doc_len.sum()) / n
    # tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) * idf, in place: these arrays
    # have a length of every posting, so each temporary would cost 100 MB at 100k passages.
    norm = doc_len[parts.docs]
    norm *= params.b / avgdl
    norm += 1 - params.b
    norm *= params.k1
    norm += parts.tf
    weights = parts.tf * (params.k1 + 1.0)
    weights /= norm
    weights *= idf[term_id]
    del norm
    offsets = np.zeros(len(used) + 1, dtype=np.int64)
    np.cumsum(doc_freq.astype(np.int64), out=offsets[1:])
    vocabulary = Vocabulary([lexicon.terms[i] for i in used.tolist()])
    return (Postings(vocabulary, idf, offsets, parts.docs, weights, n),
            used.astype(np.int32))


def update_parts(previous: PostingsParts, passage_map: np.ndarray,
                 added: PostingsParts) -> PostingsParts:
    """`previous` with some passages dropped or renumbered (`passage_map[old]` is the new
    number, or -1), and `added`'s postings (already numbered) merged in: O(postings), no sort
    of the whole. `added.doc_len` is the complete new list of passage lengths."""
    new_docs = passage_map[previous.docs]
    keep = new_docs >= 0
    lexicon_ids, docs, tf = previous.lexicon_ids[keep], new_docs[keep], previous.tf[keep]
    if len(added.docs):
        n = np.int64(len(added.doc_len))
        old_keys = lexicon_ids.astype(np.int64) * n + docs
        new_keys = added.lexicon_ids.astype(np.int64) * n + added.docs
        where = np.searchsorted(old_keys, new_keys)
        lexicon_ids = np.insert(lexicon_ids, where, added.lexicon_ids)
        docs = np.insert(docs, where, added.docs)
        tf = np.insert(tf, where, added.tf)
    return PostingsParts(lexicon_ids, docs.astype(np.int32), tf, added.doc_len)


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
