"""Question -> ranked `Hit`s, or none when nothing in the corpus is relevant."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import bm25
from .index import Index
from .segment import Segmenter
from .types import Hit, Relevance

# A question longer than this is cut: no real question is, and segmenting 100,000 characters of
# hostile text would hold up everyone else.
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Query:
    """A question's weighted index terms. `own` are the terms the person typed (weight 1 each
    occurrence); further terms may be added with lower weights by query expansion."""

    text: str
    terms: dict[str, float]
    own: tuple[str, ...]


class Searcher:
    """Ranks an index's passages for questions; safe to share between threads."""

    def __init__(
        self, index: Index, segmenter: Segmenter, relevance: Relevance | None = None
    ) -> None:
        self.index = index
        self.segmenter = segmenter
        self.relevance = relevance or Relevance()
        idf = index.postings.idf
        self._unknown_idf = float(idf.max()) if len(idf) else 1.0

    def analyse(self, question: str) -> Query:
        """The question's terms: the same segmentation as the passages."""
        own = self.segmenter.tokens(question[:MAX_QUERY_CHARS])
        return Query(question, {t: float(n) for t, n in Counter(own).items()}, tuple(own))

    def coverage(self, query: Query) -> float:
        """Share of the question's idf mass carried by terms that occur in the corpus."""
        found = total = 0.0
        for term in query.own:
            idf = self.index.postings.term_idf(term)
            total += self._unknown_idf if idf is None else idf
            found += 0.0 if idf is None else idf
        return found / total if total else 0.0

    def search(self, question: str, *, k: int = 3, offset: int = 0) -> list[Hit]:
        """The best `k` passages after `offset`, best first; empty when none is relevant."""
        query = self.analyse(question)
        if not query.own or self.coverage(query) < self.relevance.min_coverage:
            return []
        scores = bm25.score(self.index.postings, query.terms)
        best = float(scores.max())
        if best < self.relevance.min_score:
            return []
        scores[scores < best * self.relevance.min_relative] = 0.0
        return [
            Hit(
                rank=offset + i + 1,
                score=float(scores[doc]),
                passage=self.index.passages[doc],
                terms=self._matched_terms(doc, query),
            )
            for i, doc in enumerate(bm25.top_k(scores, k, offset=offset))
        ]

    def _matched_terms(self, doc: int, query: Query) -> tuple[str, ...]:
        postings = self.index.postings
        matched = []
        for term in query.terms:
            t = postings.terms.get(term)
            if t is None:
                continue
            docs = postings.docs[postings.offsets[t] : postings.offsets[t + 1]]
            i = int(np.searchsorted(docs, doc))
            if i < len(docs) and docs[i] == doc:
                matched.append(term)
        return tuple(matched)
