"""The staff's question-answer pairs as the index keeps them: each wording's terms, cut by the
passages' segmenter, and the bilingual bridge compiled over the corpus's terms and theirs.

The pairs live in `meta.json` (plain JSON, checksummed with the rest; nothing pickled). Their
terms are not in the documents' postings: a pair changes no passage's score. They are scored
as passages of the corpus would be (`wording_scores`): BM25 with the corpus's length
normalisation and an idf over the passages and the wordings together, so a pair competes with
the passages on the same scale.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cepf_bot.analysis.bilingual import Bridge, compile_bridge
from cepf_bot.analysis.lexicon import general_lexicon
from cepf_bot.analysis.script import question_to_simplified
from cepf_bot.analysis.segment import Segmenter
from cepf_bot.index.bm25 import Postings
from cepf_bot.types import BM25Params, FaqPair


@dataclass(frozen=True)
class Wording:
    """One wording of a pair (its question or an `also:`), with its index terms."""

    pair: int  # the pair's position
    text: str  # as staff typed it
    mandarin: str  # in simplified Mandarin, as a question is read (`question_to_simplified`)
    tokens: tuple[str, ...]  # the index terms of `mandarin`


@dataclass(frozen=True)
class FaqIndex:
    """The pairs, their wordings, and the bridge that knows their words."""

    pairs: tuple[FaqPair, ...] = ()
    wordings: tuple[Wording, ...] = ()
    bridge: Bridge | None = None

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def to_json(self) -> dict[str, object]:
        if not self.pairs:
            return {}
        return {"pairs": [{**asdict(p), "also": list(p.also)} for p in self.pairs],
                "wordings": [[w.pair, w.text, w.mandarin, list(w.tokens)]
                             for w in self.wordings],
                "bridge": self.bridge.to_json() if self.bridge else {}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> FaqIndex:
        """The stored pairs; a `ValueError` (or KeyError, TypeError) for a malformed entry."""
        if not data:
            return cls()
        pairs = tuple(FaqPair(**{**p, "also": tuple(p["also"])}) for p in data["pairs"])
        wordings = tuple(Wording(int(pair), str(text), str(mandarin),
                                 tuple(str(t) for t in tokens))
                         for pair, text, mandarin, tokens in data["wordings"])
        if any(not 0 <= w.pair < len(pairs) for w in wordings):
            raise ValueError("a wording of no pair")
        return cls(pairs, wordings, Bridge.from_json(data.get("bridge")))

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for w in self.wordings for t in w.tokens)


def build_faq(pairs: Sequence[FaqPair], segmenter: Segmenter, corpus_terms: Mapping[str, int],
              rendered: Mapping[str, str], *, cache_dir: Path | None = None,
              frequency: Callable[[str], int] | None = None) -> FaqIndex:
    """Cut every wording as passages are cut; compile the bridge over the corpus's terms and
    the wordings' (the documents' own bridge stays as it is, so no passage changes)."""
    if not pairs:
        return FaqIndex()
    lexicon = general_lexicon()
    wordings = []
    for i, pair in enumerate(pairs):
        for text in pair.wordings:
            mandarin = question_to_simplified(lexicon.to_mandarin(text))
            wordings.append(Wording(i, text, mandarin, tuple(segmenter.tokens(mandarin))))
    own = {t for w in wordings for t in w.tokens}
    bridge = compile_bridge(_Union(corpus_terms, own), rendered=rendered, cache_dir=cache_dir,
                            frequency=frequency)
    return FaqIndex(tuple(pairs), tuple(wordings), bridge)


class _Union(Mapping[str, int]):
    """The corpus's terms and the wordings' terms, for membership (ids are not used)."""

    def __init__(self, corpus: Mapping[str, int], own: set[str]) -> None:
        self.corpus, self.own = corpus, own - set(corpus)

    def __getitem__(self, term: str) -> int:
        if term in self.corpus:
            return self.corpus[term]
        if term in self.own:
            return -1
        raise KeyError(term)

    def __contains__(self, term: object) -> bool:
        return term in self.corpus or term in self.own

    def __iter__(self) -> Iterator[str]:
        yield from self.corpus
        yield from sorted(self.own)

    def __len__(self) -> int:
        return len(self.corpus) + len(self.own)


def with_faq_terms(postings: Postings, faq: FaqIndex) -> Postings:
    """`postings` whose `terms` also hold the wordings' terms: what the pairs' question
    analyser sees as the corpus's words (it reads only which terms there are)."""
    return replace(postings, terms=_Union(postings.terms, set(faq.terms)))


class WordingScorer:
    """BM25 of a question's terms against each pair's wordings taken together, as if the pair
    were a passage of the corpus (its wordings are its text): the corpus's length
    normalisation, and an idf over the passages and the pairs together."""

    def __init__(self, faq: FaqIndex, postings: Postings, doc_len: np.ndarray,
                 params: BM25Params) -> None:
        self.faq, self.postings, self.params = faq, postings, params
        self.counts: list[Counter[str]] = [Counter() for _ in faq.pairs]
        for w in faq.wordings:
            self.counts[w.pair].update(w.tokens)
        lengths = np.asarray(doc_len)
        self.count = postings.doc_count + len(self.counts)
        counted = len(lengths) + len(self.counts)
        total = float(lengths.sum()) + sum(sum(c.values()) for c in self.counts)
        self.avgdl = (total / counted if counted else 0.0) or 1.0
        self.own_df = Counter(t for c in self.counts for t in c)
        idf = np.asarray(postings.idf)
        self.floor = params.epsilon * float(idf.mean()) if len(idf) else 0.0

    def idf(self, term: str) -> float | None:
        """The term's idf over passages and pairs; None when neither has it."""
        df = self.own_df.get(term, 0)
        t = self.postings.terms.get(term)
        if t is not None:
            df += int(self.postings.offsets[t + 1] - self.postings.offsets[t])
        if not df:
            return None
        value = math.log(self.count - df + 0.5) - math.log(df + 0.5)
        return value if value >= 0 else self.floor

    def score(self, terms: Mapping[str, float], tokens: Sequence[str] | Counter[str]) -> float:
        """BM25 of `terms` (term -> weight) for one text's `tokens`, on the corpus's scale."""
        counts = tokens if isinstance(tokens, Counter) else Counter(tokens)
        dl = sum(counts.values())
        k1, b = self.params.k1, self.params.b
        norm = k1 * (1 - b + b * dl / self.avgdl)
        total = 0.0
        for term, weight in terms.items():
            tf = counts.get(term, 0)
            if tf and (idf := self.idf(term)) is not None:
                total += weight * idf * tf * (k1 + 1) / (tf + norm)
        return total

    def pair_scores(self, terms: Mapping[str, float]) -> list[float]:
        """Each pair's score for a question's terms, in pair order."""
        return [self.score(terms, counts) for counts in self.counts]
