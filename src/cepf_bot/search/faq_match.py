"""A question -> the staff's pair that answers it, matched question to question.

The question is read as every question is (`QueryAnalyser`: segmentation, simplified script,
Cantonese, the English bridge — compiled over the corpus's terms and the pairs' own, so "How do
I donate" meets 捐款). Each wording of each pair is then what a passage is to the verdict: it
is scored by BM25 on the corpus's scale (`index.faq.WordingScorer`), its features are the
verdict's features (`verdict.features`, the staff's answer as the answer sentence), and the
shipped verdict model decides. A pair answers a question only when the model says `answer`
both ways — the question against the wording, and the wording, read as a question, against
the question: two questions are the same question when each supports the other. No threshold
of its own: the model's `answer_at`, fitted on the passages, is the bar.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cepf_bot.analysis.expansion import QueryExpander
from cepf_bot.analysis.segment import Segmenter, normalise
from cepf_bot.index.build import Index
from cepf_bot.index.faq import FaqIndex, Wording, WordingScorer, with_faq_terms
from cepf_bot.search.query import Query, QueryAnalyser, QueryWord
from cepf_bot.search.support import support
from cepf_bot.search.verdict import Evidence, VerdictModel, features
from cepf_bot.types import FaqPair, Relevance, Verdict

CANDIDATES = 3  # pairs tried, best-scoring first (a pair's wordings count once)


@dataclass(frozen=True)
class FaqMatch:
    """The pair that answers a question, the wording it matched, and both decisions."""

    pair: FaqPair
    wording: str
    forward: Evidence  # the question against the wording
    backward: Evidence  # the wording against the question


class FaqMatcher:
    """Matches questions to one index's pairs; safe to share between threads."""

    def __init__(self, faq: FaqIndex, index: Index, segmenter: Segmenter,
                 expander: QueryExpander, model: VerdictModel, relevance: Relevance, *,
                 weight: Callable[[QueryWord], float],
                 distinctive: Callable[[QueryWord], bool]) -> None:
        self.faq, self.model, self.relevance = faq, model, relevance
        self.segmenter = segmenter
        postings = with_faq_terms(index.postings, faq)
        self.terms = postings.terms
        self.analyser = QueryAnalyser(segmenter, expander, postings, bridge=faq.bridge)
        # an index built in memory may keep no passage lengths: then the wordings' own count
        self.scorer = WordingScorer(faq, index.postings,
                                    np.asarray(index.parts.get("doc_len", ()), dtype=np.int64),
                                    index.meta.params)
        # the highest idf a term can have here: one in a single pair or passage
        self.top_idf = max(math.log(self.scorer.count - 0.5) - math.log(1.5), 0.0)
        self.weight, self.distinctive = weight, distinctive

    @functools.lru_cache(maxsize=1024)  # noqa: B019  (one matcher per index, long-lived)
    def analyse(self, question: str) -> Query:
        """The question as the pairs' analyser reads it."""
        return self.analyser.analyse(question)

    def match(self, question: str, *, against: float = 0.0) -> FaqMatch | None:
        """The pair that answers `question`, or None. `against`: the best passage's score,
        the competitor a pair's margin is measured over, as the next passage is for a
        passage."""
        query = self.analyse(question)
        if not query.terms:
            return None
        scores = self.scorer.pair_scores(query.terms)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        asked = query.mandarin or query.text
        tokens = self.segmenter.tokens(asked)
        for i in order[:CANDIDATES]:
            if scores[i] < self.relevance.min_score:
                break
            pair, wordings = self.faq.pairs[i], self._wordings[i]
            second = max([against, *(scores[j] for j in order if j != i)][:2])
            text = "\n".join(w.mandarin for w in wordings)
            forward = self._decide(query, [t for w in wordings for t in w.tokens], text,
                                   scores[i], second, pair.answer)
            if forward.verdict != Verdict.ANSWER:
                continue
            for wording in wordings:  # the same question: some wording supported both ways
                wording_query = self.analyse(wording.text)
                back_score = self.scorer.score(wording_query.terms, tokens)
                if back_score < self.relevance.min_score:
                    continue
                backward = self._decide(wording_query, tokens, asked, back_score, 0.0,
                                        pair.answer)
                if backward.verdict == Verdict.ANSWER:
                    return FaqMatch(pair, wording.text, forward, backward)
        return None

    @functools.cached_property
    def _wordings(self) -> list[list[Wording]]:
        """Each pair's wordings, in pair order."""
        found: list[list[Wording]] = [[] for _ in self.faq.pairs]
        for wording in self.faq.wordings:
            found[wording.pair].append(wording)
        return found

    def _decide(self, query: Query, tokens: tuple[str, ...] | list[str], text: str,
                best: float, second: float, answer: str) -> Evidence:
        """The verdict model's decision on `query` against one text as its passage."""
        present = set(tokens)
        matched = [t for t in query.terms if t in present]
        passage_text = normalise(text)
        result = support(query, matched, passage_text, known=self._known,
                         distinctive=self.distinctive, weight=self.weight)
        values = features(query, best=best, second=second, support=result, matched=matched,
                          passage_text=passage_text, answer_text=normalise(answer),
                          idf=self.scorer.idf, top_idf=self.top_idf, known=self._known,
                          weight=self.weight)
        return self.model.decide(values)

    def _known(self, word: QueryWord) -> bool:
        return any(t in self.terms for t in word.terms)
