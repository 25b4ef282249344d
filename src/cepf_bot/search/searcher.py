"""Question -> ranked `Hit`s, or none when the corpus does not answer it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from cepf_bot.analysis.bilingual import Bridge
from cepf_bot.analysis.expansion import QueryExpander
from cepf_bot.analysis.lexicon import about_the_bot
from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.analysis.segment import Segmenter, normalise
from cepf_bot.analysis.vocabulary import DISTINCTIVE_CLASSES
from cepf_bot.index import bm25, synonym_sets
from cepf_bot.index.build import Index
from cepf_bot.index.faq import FaqIndex
from cepf_bot.index.lazy import passage_ids
from cepf_bot.index.matching import matched_terms
from cepf_bot.search.answer_fact import find_fact
from cepf_bot.search.answer_kinds import wanted_kinds
from cepf_bot.search.answer_sentence import most_specific, pick_answer
from cepf_bot.search.faq_match import FaqMatcher
from cepf_bot.search.follow_up import in_context
from cepf_bot.search.gloss import Glosser
from cepf_bot.search.passage_context import context_of, paragraph_of
from cepf_bot.search.query import MAX_QUERY_CHARS, Query, QueryAnalyser, QueryWord, Role
from cepf_bot.search.spelling import Speller, corpus_speller
from cepf_bot.search.subjects import Subjects
from cepf_bot.search.support import Support, support, word_weight
from cepf_bot.search.supported_first import fused_score, supported_first
from cepf_bot.search.topicality import Topicality
from cepf_bot.search.translations import translations_first
from cepf_bot.search.typed_first import in_order, typed_first
from cepf_bot.search.verdict import Evidence, VerdictModel, features
from cepf_bot.types import Answer, Correction, Hit, Relevance, Results, Verdict

__all__ = ["MAX_QUERY_CHARS", "Judgement", "Query", "Searcher"]


@dataclass(frozen=True)
class Judgement:
    """A question's analysis, its best passage's support, what the decision saw (None when
    nothing was ranked at all) and the verdict."""

    query: Query
    support: Support | None
    evidence: Evidence | None
    verdict: Verdict
    # a passage shown before the best BM25 one (supported_first, typed_first)
    first: int | None = None

    @property
    def answered(self) -> bool:
        return self.verdict == Verdict.ANSWER


@functools.cache
def shipped_model() -> VerdictModel:
    """The verdict model shipped with the package (read once)."""
    return VerdictModel.load()


ANSWER_CACHE = 1024  # answer sentences kept
_VERDICT_ORDER = {Verdict.NONE: 0, Verdict.CLOSEST: 1, Verdict.ANSWER: 2}


class Searcher:
    """Ranks an index's passages for questions; safe to share between threads."""

    def __init__(
        self, index: Index, segmenter: Segmenter, relevance: Relevance | None = None,
        model: VerdictModel | None = None,
    ) -> None:
        self.index = index
        self.segmenter = segmenter
        self.relevance = relevance or Relevance()
        self.model = model or shipped_model()
        self.expander = QueryExpander.from_json(index.meta.expansion)
        self.traditional = TraditionalConverter(index.meta.traditional)
        self.analyser = QueryAnalyser(segmenter, self.expander, index.postings,
                                      bridge=Bridge.from_json(index.meta.bridge))
        self._classes = index.meta.term_classes
        self.subjects = Subjects(index.postings, self._classes, self._weight)
        # (question, passage, matched terms) -> its answer sentence: a question asked again
        # (More, a refresh, a burst) costs nothing; thread-safe enough (one dict operation each)
        self._answers: dict[tuple[str, str, str, tuple[str, ...]], Answer | None] = {}
        self._distinctive = frozenset(t for t, c in self._classes.items()
                                      if c in DISTINCTIVE_CLASSES)
        faq = FaqIndex.from_json(index.meta.faq)
        self.faq = FaqMatcher(faq, index, segmenter, self.expander, self.model, self.relevance,
                              weight=self._weight, distinctive=self._is_distinctive
                              ) if faq else None

    @functools.cached_property
    def passage_keys(self) -> dict[str, int]:
        """Each passage's key (the hash its id ends with, "-2" for a repeat) -> its position,
        built once per index, so a "Full text" button finds its passage in O(1)."""
        keys: dict[str, int] = {}
        for at, pid in enumerate(passage_ids(self.index.passages)):  # no text decoded
            keys.setdefault(pid.rpartition("#")[2], at)  # the first, as a scan finds
        return keys

    @functools.cached_property
    def glosser(self) -> Glosser:
        """English glosses with the index's renderings."""
        return Glosser(self.index.meta.renderings, self.segmenter.words, self.segmenter.stopwords)

    @functools.lru_cache(maxsize=1024)  # noqa: B019  (one Searcher per index, long-lived)
    def gloss(self, sentence: str) -> str:
        """An English gloss of a Chinese sentence of the corpus ("" when nothing renders, or
        when the sentence is English already)."""
        return self.glosser.gloss(sentence).text

    @functools.lru_cache(maxsize=1024)  # noqa: B019  (one Searcher per index, long-lived)
    def analyse(self, question: str) -> Query:
        """The question's words and terms: simplified script, the passages' segmentation,
        expansions. Cached: the bot analyses a message for small talk, follow-up and search."""
        return self.analyser.analyse(question)

    def search(self, question: str, *, k: int = 3, offset: int = 0) -> list[Hit]:
        """The best `k` passages after `offset`, best first; empty for the verdict `none`."""
        return self.ask(question, k=k, offset=offset, with_answer=False).hits

    def ask(self, question: str, *, k: int = 3, offset: int = 0, with_answer: bool = True,
            after: str | None = None, english: bool = False) -> Results:
        """The verdict, the answer sentence (from the best passage; for `closest` the closest
        sentence) and the best `k` passages after `offset`; no answer and no passages for
        `none` (small talk, questions outside the foundation's world).
        `after`: the asker's previous question, for a follow-up that leaves out its subject.
        `english`: the asker reads English: a passage with an official translation comes as
        the translation, its original right below."""
        if about_the_bot(question):  # who are you, 你能做什么: the bot answers that itself
            return Results(None, [], verdict=Verdict.NONE)
        query, read_with = self._with_previous(self.analyse(question), after)
        scores, judgement = self._rank(query)
        read_as: tuple[Correction, ...] = ()
        if not judgement.answered and (corrected := self._read_again(
                query, judgement.verdict)) is not None:
            scores, judgement, read_as = corrected  # a mistyped word, read as the corpus's
            query = judgement.query
        faq = self.faq.match(question, against=float(scores.max(initial=0.0))) \
            if self.faq and offset == 0 else None
        if judgement.verdict == Verdict.NONE or (faq and judgement.verdict != Verdict.ANSWER):
            # a staff's answer alone: the documents' passages add nothing it needs
            return Results(None, [], read_with=read_with, faq=faq.pair if faq else None,
                           verdict=Verdict.ANSWER if faq else Verdict.NONE)
        shown = in_order(bm25.top_k(scores, max(offset + k, self.relevance.candidates)),
                         judgement.first)[offset:offset + k]
        held = matched_terms(self.index.postings, query.terms, shown)
        hits = [Hit(rank=offset + i + 1, score=float(scores[doc]),
                    passage=self.index.passages[doc], terms=held[doc])
                for i, doc in enumerate(shown)]
        if english and self.index.meta.translations:
            hits = translations_first(hits, self.index.meta.translations, self.index.passages,
                                      lambda at: self._matched_terms(at, query))
        answer = None
        if with_answer:
            best = hits[0] if offset == 0 and hits else self._best_hit(scores, query,
                                                                       judgement.first)
            answer = self._answer(query, best) if best else None
        return Results(answer, hits, read_as, read_with, judgement.verdict,
                       self._english_of(answer, hits) if english else {},
                       faq=faq.pair if faq else None)

    def _english_of(self, answer: Answer | None, hits: list[Hit]) -> dict[str, str]:
        """The English gloss of what a reply shows a reader of English: the answer sentence,
        its fact and each passage's title (empty where nothing renders)."""
        shown = [hit.passage.title for hit in hits]
        if answer is not None:
            shown += [answer.text, *([answer.fact.text] if answer.fact else [])]
        return {text: self.gloss(text) for text in dict.fromkeys(shown)}

    def is_follow_up(self, query: Query) -> bool:
        """Whether a question leans on the previous one (`Subjects.is_follow_up`)."""
        return self.subjects.is_follow_up(query)

    def names_a_subject(self, word: QueryWord) -> bool:
        """Whether the word names something the corpus is about (`Subjects`)."""
        return self.subjects.names_a_subject(word)

    @functools.cached_property
    def topicality(self) -> Topicality:
        """How key the question's terms are to this index's passages (search/topicality.py)."""
        return Topicality(self.index.postings, self.index.parts.get("doc_len"), self.segmenter)

    def _read_again(self, query: Query, verdict: Verdict
                    ) -> tuple[np.ndarray, Judgement, tuple[Correction, ...]] | None:
        """The ranking of the question with its mistyped words corrected, if that gets a
        better verdict (answer over closest over none)."""
        corrections = self.speller.corrections(self.segmenter.groups(query.mandarin))
        if not corrections:
            return None
        text = normalise(query.mandarin)  # the words were found in normalised text
        for c in corrections:
            text = text.replace(c.typed, c.read, 1)
        scores, judgement = self._rank(self.analyse(text))
        better = _VERDICT_ORDER[judgement.verdict] > _VERDICT_ORDER[verdict]
        return (scores, judgement, tuple(corrections)) if better else None

    @functools.cached_property
    def speller(self) -> Speller:
        """Corrections against this index's terms (made on the first question that needs it)."""
        return corpus_speller(self.index.postings.terms, self.segmenter, self.expander.table,
                              self.analyser.bridge)

    def _best_hit(self, scores: np.ndarray, query: Query, first: int | None) -> Hit | None:
        top = in_order(bm25.top_k(scores, 1), first)
        return self._hit(top[0], scores, query) if top else None

    def _hit(self, doc: int, scores: np.ndarray, query: Query) -> Hit:
        return Hit(1, float(scores[doc]), self.index.passages[doc], self._matched_terms(doc, query))

    def _answer(self, query: Query, hit: Hit) -> Answer | None:
        key = (query.mandarin or query.text, query.form, hit.passage.id,
               tuple(sorted(hit.terms)))
        if key in self._answers:
            return self._answers[key]
        found = self._pick_answer(query, hit)
        if len(self._answers) >= ANSWER_CACHE:
            self._answers.pop(next(iter(self._answers)))  # the oldest
        self._answers[key] = found
        return found

    def _pick_answer(self, query: Query, hit: Hit) -> Answer | None:
        postings = self.index.postings

        def weight(term: str) -> float:
            return query.terms.get(term, 0.0) * (postings.term_idf(term) or 0.0)

        matched = set(hit.terms)
        focus: set[str] | frozenset[str] = {t for w in query.focus for t in w.terms} & matched
        question = query.asked_form

        def words(sentence: str) -> frozenset[str]:
            # only the matched terms among a sentence's words count: a sentence that cannot
            # hold any of them is not segmented (most of a passage's sentences, at 100k)
            if self.segmenter.may_have_words(sentence, matched):
                return self._plain_words(sentence)
            return frozenset()

        if not focus:  # no question word (a yes/no question): its most specific word
            focus = most_specific([(w.terms & matched, self._weight(w)) for w in query.content
                                   if w.terms & matched], hit, words)
        answer = pick_answer(question, hit, weight, words, focus)
        if answer is None:
            return None
        # a yes needs every word and figure the question names, itself (免费 is no yes to 收费吗)
        required = [w.terms - w.denials for w in query.words
                    if w.role in (Role.CONTENT, Role.NUMBER)]
        fact = find_fact(question, answer.text, focus=focus, terms=matched,
                         required=required, classes=self._classes)
        return replace(answer, fact=fact)

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (one Searcher per index, long-lived)
    def _plain_words(self, text: str) -> frozenset[str]:
        """The plain words of a passage's sentence (cached: the verdict and the answer both
        pick the answer sentence, question after question, from the same passages)."""
        learnt = self.segmenter.learnt_words  # jieba's words a learnt word joins stay words
        return frozenset(t for g in self.segmenter.groups(text) if g.key
                         for t in (g.tokens if g.word in learnt else (g.key, *g.tokens[-1:])))

    def judge(self, question: str, after: str | None = None) -> Judgement:
        """Why a question gets its verdict (for tests, eval and fitting the model); `after` as
        in `ask`. The question as asked, before any spelling correction."""
        return self._rank(self._with_previous(self.analyse(question), after)[0])[1]

    def _with_previous(self, query: Query, after: str | None) -> tuple[Query, str | None]:
        """The question read with the previous one (`after`) when it leans on it, and that
        previous question (None when it was read alone)."""
        if not after or not self.subjects.is_follow_up(query):
            return query, None
        return in_context(query, self.analyse(after), subject=self.subjects.names_a_subject,
                          kind=self.subjects.kind), after

    def _rank(self, query: Query) -> tuple[np.ndarray, Judgement]:
        if not query.terms:
            return np.zeros(0), Judgement(query, None, None, Verdict.NONE)
        scores = self.scores(query)
        top = bm25.top_k(scores, self.relevance.candidates)
        best = float(scores[top[0]]) if top else 0.0
        read = {doc: paragraph_of(self.index.passages, doc) for doc in top}
        held = matched_terms(self.index.postings, query.terms,
                             (d for docs in read.values() for d in docs))
        if not top or best < self.relevance.floor(max(map(query.weight_of_own, held[top[0]]),
                default=1.0)) or self.topicality.off_topic(query, self.relevance.min_topicality):
            return scores, Judgement(query, None, None, Verdict.NONE)
        supports = {doc: self._support_of(doc, read[doc], held, query) for doc in top}

        def hit_of(doc: int) -> Hit:  # with the terms already read
            return Hit(1, float(scores[doc]), self.index.passages[doc], held[doc])

        power = self.relevance.support_power
        fused = {d: fused_score(float(scores[d]), supports[d][3], power) for d in top}
        lead = supported_first(top, fused)  # power 0: the BM25 scores themselves, top[0]
        ranked = in_order(top, lead)
        typed = typed_first(
            ranked, scores, wanted_kinds(query.asked_form),
            within=self.relevance.typed_within,
            answer_of=lambda doc: self._answer(query, hit_of(doc)))
        best_doc = ranked[0] if typed is None else typed
        first = None if best_doc == top[0] else best_doc
        matched, text, result, _ = supports[best_doc]
        hit = hit_of(best_doc)
        # the margin over the best of the others, on the scores that ranked them
        second = hit.score * max((fused[d] for d in top if d != best_doc), default=0.0) \
            / (fused[best_doc] or 1.0)
        sentence = self._answer(query, hit)
        values = features(query, best=hit.score, second=second, support=result, matched=matched,
                          passage_text=text, answer_text=normalise(sentence.text)
                          if sentence else "", idf=self.index.postings.term_idf,
                          top_idf=self._top_idf, known=self._known,
                          weight=self._weight)
        evidence = self.model.decide(values)
        scores[scores < best * self.relevance.min_relative] = 0.0
        return scores, Judgement(query, result, evidence, evidence.verdict, first)

    def _support_of(self, doc: int, docs: list[int], held: dict[int, tuple[str, ...]],
                    query: Query) -> tuple[set[str], str, Support, float]:
        """The query terms a passage matches (`held`: each passage's, for `docs`, it and the
        rest of its list paragraph), its text as read (with its list paragraph, title and
        heading), the support, and the share that ranks it (every dictionary translation
        standing for its word: a Chinese question meets an English page)."""
        passages = self.index.passages
        matched = {t for d in docs for t in held[d]}
        text = normalise("\n".join([*(passages[d].text for d in docs),
                                     *context_of(passages[doc])]))
        plain, translated = (support(query, matched, text, known=self._known, weight=self._weight,
                                     distinctive=self._is_distinctive, translated=t)
                             for t in (False, any(w.translations for w in query.words)))
        return matched, text, plain, translated.share

    @functools.cached_property
    def _top_idf(self) -> float:
        """The index's highest idf: what a question's term the index lacks weighs."""
        idf = self.index.postings.idf
        return float(idf.max()) if len(idf) else 0.0

    def scores(self, query: Query) -> np.ndarray:
        """Every passage's score: BM25 of the question's terms, each dictionary translation set
        scored as one term (tf summed, df over the union)."""
        postings = self.index.postings
        in_sets = query.set_terms if self.index.parts else frozenset()
        plain = {t: w for t, w in query.terms.items() if t not in in_sets}
        scores = bm25.score(postings, plain)
        if in_sets:
            for docs, contribution in synonym_sets.set_contributions(
                    postings, self.index.parts["tf"], self.index.parts["doc_len"],
                    self.index.meta.params, query.sets):
                scores[docs] += contribution
        return scores

    def paragraph_of(self, doc: int) -> list[int]:
        """`doc`, and the other items of its list paragraph."""
        return paragraph_of(self.index.passages, doc)

    def _known(self, word: QueryWord) -> bool:
        terms = self.index.postings.terms
        return any(t in terms for t in word.terms)

    def _is_distinctive(self, word: QueryWord) -> bool:
        return bool(word.terms & self._distinctive) or self.subjects.is_acronym(word)

    @functools.lru_cache(maxsize=65536)  # noqa: B019  (one Searcher per index, long-lived)
    def _weight(self, word: QueryWord) -> float:
        return word_weight(word, self.segmenter.frequency, self.segmenter.total_frequency)

    def _matched_terms(self, doc: int, query: Query) -> tuple[str, ...]:
        return matched_terms(self.index.postings, query.terms, (doc,))[doc]
