"""Question -> ranked `Hit`s, or none when nothing in the corpus is relevant."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import bm25
from .chinese_script import TraditionalConverter, to_simplified
from .expand import QueryExpander
from .index import Index
from .segment import Segmenter
from .types import Hit, Relevance

# A question longer than this is cut: no real question is, and segmenting 100,000 characters of
# hostile text would hold up everyone else.
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Query:
    """A question's weighted index terms. `text` is what was analysed (a question cut to
    MAX_QUERY_CHARS); `own` are the tokens the person typed (weight 1 per occurrence); `terms`
    adds the expansions, at lower weight unless they are translations."""

    text: str
    terms: dict[str, float]
    own: tuple[str, ...]
    covered: frozenset[int]  # positions in `own` that an expansion rule explained


class Searcher:
    """Ranks an index's passages for questions; safe to share between threads."""

    def __init__(
        self, index: Index, segmenter: Segmenter, relevance: Relevance | None = None
    ) -> None:
        self.index = index
        self.segmenter = segmenter
        self.relevance = relevance or Relevance()
        self.expander = QueryExpander.from_json(index.meta.expansion)
        self.traditional = TraditionalConverter(index.meta.traditional)
        idf = index.postings.idf
        self._unknown_idf = float(idf.max()) if len(idf) else 1.0

    def analyse(self, question: str) -> Query:
        """The question's terms: simplified script, the passages' segmentation, expansions."""
        text = question[:MAX_QUERY_CHARS]
        own = self.segmenter.tokens(to_simplified(text))
        expansion = self.expander.expand(own)
        terms = {t: w for t, w in expansion.terms.items() if t not in own}
        terms.update((t, float(n)) for t, n in Counter(own).items())
        return Query(text, terms, tuple(own), expansion.covered)

    def coverage(self, query: Query) -> float:
        """Share of the question's idf mass that the corpus knows.

        A token counts as known when it occurs in the corpus or an expansion rule explains it.
        An unknown token counts with the corpus's highest idf, except a compound whose parts are
        also in the question (jieba's search mode emits both), which would count them twice.
        """
        postings = self.index.postings
        known = total = 0.0
        for i, term in enumerate(query.own):
            idf = postings.term_idf(term)
            if idf is None and i not in query.covered:
                if any(o != term and o in term for o in query.own):
                    continue
                total += self._unknown_idf
                continue
            weight = self._unknown_idf if idf is None else idf
            known += weight
            total += weight
        return known / total if total else 0.0

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
