"""BM25 scoring as pure functions over arrays, with rank-bm25's `BM25Okapi` semantics.

`BM25Okapi.get_scores` loops over every document for every query term. Here each term's score
contribution to each document that contains it is computed once, at build time, and stored as
a posting; a query then adds up the postings of its own terms only. The numbers are the same:
idf = log(N - df + 0.5) - log(df + 0.5), negative idfs floored to epsilon * mean idf, and
tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

import numpy as np

from cepf_bot.types import BM25Params


class TermIds(Mapping[str, int]):
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

    def __contains__(self, term: object) -> bool:
        return term in self.ids

    def __iter__(self) -> Iterator[str]:
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

    def document_frequency(self, term: str) -> int:
        """How many passages hold the term (0: none)."""
        t = self.terms.get(term)
        return 0 if t is None else int(self.offsets[t + 1] - self.offsets[t])


class Lexicon:
    """Term <-> id, append-only, so that a document's term ids stay valid across builds."""

    def __init__(self, terms: Sequence[str] = ()) -> None:
        self.terms = list(terms)
        self._ids: dict[str, int] | None = None  # built when first needed
        self._scanned = False

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {t: i for i, t in enumerate(self.terms)}
        return self._ids

    def assign(self, terms: Iterable[str]) -> dict[str, int]:
        """The ids of `terms`, new terms added in the order they come."""
        terms = list(terms)
        if self._ids is None and not self._scanned and len(terms) * 8 < len(self.terms):
            # A few terms against a large lexicon (one document changed): one scan finds them
            # several times faster than indexing the whole lexicon would. Once only: a second
            # call would scan again, so it indexes.
            self._scanned = True
            wanted = set(terms)
            ids = {t: i for i, t in enumerate(self.terms) if t in wanted}
            for term in terms:
                if term not in ids:
                    ids[term] = len(self.terms)
                    self.terms.append(term)
            return ids
        index, ids = self.ids, {}
        for term in terms:
            i = index.get(term)
            if i is None:
                i = index[term] = len(self.terms)
                self.terms.append(term)
            ids[term] = i
        return ids


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
        return with_lexicon([self], lexicon)[0]


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


def with_lexicon(documents: Sequence[LocalTerms], lexicon: Lexicon) -> list[DocumentTerms]:
    """The documents' terms numbered by `lexicon`, which gains the terms it lacks."""
    ids = lexicon.assign(t for d in documents for t in d.terms)
    return [DocumentTerms(d.offsets,
                          np.fromiter(map(ids.__getitem__, d.terms), dtype=np.int32,
                                      count=len(d.terms))[d.term_idx],
                          d.tf, d.lengths)
            for d in documents]


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
    """What BM25 weights are computed from, term-major over a `Lexicon`: lexicon id `l`'s
    postings are `docs[offsets[l]:offsets[l+1]]` (passages ascending) with their term
    frequencies `tf`, and `doc_len` has every passage's length. An index keeps these so that a
    later reindex can update them in place."""

    offsets: np.ndarray  # int64 [lexicon + 1]
    docs: np.ndarray  # int32 [postings]
    tf: np.ndarray  # int32 [postings]
    doc_len: np.ndarray  # int32 [passages]


def merge_postings(parts: Sequence[DocumentTerms], lexicon: Lexicon,
                   params: BM25Params) -> Postings:
    """The postings of the passages of all `parts`, in order: BM25Okapi over the whole.
    Terms are numbered in lexicon order, keeping only those that occur."""
    return weigh(sort_parts(parts, len(lexicon)), lexicon, params)[0]


def sort_parts(parts: Sequence[DocumentTerms], lexicon_size: int,
               starts: Sequence[int] | None = None) -> PostingsParts:
    """The parts' postings in one term-major order. Passages are numbered one after another,
    or from `starts[i]` on for part i; `doc_len` is the parts' passage lengths in turn."""
    if starts is None:
        starts = np.cumsum([0, *(len(p.lengths) for p in parts)])[:-1].tolist()
    empty = np.empty(0, dtype=np.int32)
    lexicon_ids = np.concatenate([empty, *(p.term_ids for p in parts)])
    docs = np.concatenate([empty, *(
        np.repeat(np.arange(start, start + len(p.lengths), dtype=np.int32), np.diff(p.offsets))
        for start, p in zip(starts, parts, strict=True))])
    tf = np.concatenate([empty, *(p.tf for p in parts)])
    order = radix_argsort(lexicon_ids)  # stable: passages stay ascending within a term
    offsets = np.zeros(lexicon_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(lexicon_ids, minlength=lexicon_size), out=offsets[1:])
    return PostingsParts(offsets, docs[order], tf[order],
                         np.concatenate([empty, *(p.lengths for p in parts)]))


# Postings are weighed in blocks this long, on two threads (numpy releases the GIL): a block's
# temporaries stay in the CPU cache instead of costing 100 MB each at 100k passages.
BLOCK = 1 << 18


def weigh(parts: PostingsParts, lexicon: Lexicon, params: BM25Params
          ) -> tuple[Postings, np.ndarray]:
    """BM25Okapi weights of term-major postings; also each term's lexicon id."""
    n = len(parts.doc_len)
    if n == 0:
        raise ValueError("cannot index an empty corpus")
    counts = np.diff(parts.offsets)
    used = np.flatnonzero(counts)  # terms whose every passage was removed are left out
    # Each (term, passage) pair occurs once, so a term's count of pairs is its df.
    doc_freq = counts[used]
    idf = okapi_idf(doc_freq.astype(np.float64), n, params.epsilon)
    offsets = np.zeros(len(used) + 1, dtype=np.int64)
    np.cumsum(doc_freq, out=offsets[1:])
    doc_len = np.asarray(parts.doc_len, dtype=np.float64)
    avgdl = float(doc_len.sum()) / n
    # rank-bm25's k1 * (1 - b + b * dl / avgdl), once per passage and in its order of operations
    norm = params.k1 * (1 - params.b + params.b * doc_len / avgdl)
    weights = np.empty(len(parts.docs), dtype=np.float64)

    def block(start: int) -> None:
        # idf * (tf * (k1 + 1) / (tf + norm)), as rank-bm25 computes it
        end = min(start + BLOCK, len(weights))
        first = int(np.searchsorted(offsets, start, side="right")) - 1
        last = int(np.searchsorted(offsets, end, side="left"))
        spans = (np.minimum(offsets[first + 1 : last + 1], end)
                 - np.maximum(offsets[first:last], start))
        tf = parts.tf[start:end]
        denominator = norm[parts.docs[start:end]]
        denominator += tf
        out = weights[start:end]
        np.multiply(tf, params.k1 + 1.0, out=out)
        out /= denominator
        out *= np.repeat(idf[first:last], spans)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(block, range(0, len(weights), BLOCK)))
    vocabulary = TermIds([lexicon.terms[i] for i in used.tolist()])
    return (Postings(vocabulary, idf, offsets, np.asarray(parts.docs), weights, n),
            used.astype(np.int32))


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
    return cast("list[int]", ranked[offset:want].tolist())  # numpy types tolist() as Any

