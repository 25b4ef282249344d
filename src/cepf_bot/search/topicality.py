"""Whether a question is about what the corpus is about at all, by the keyness of its terms.

A corpus that grows holds everyday words too (北京, 天气, today, price): a question about the
weather then matches some passage well enough to be ranked, although nothing of the
foundation's world is in it. What tells the two apart does not change with the corpus's size:
a term of the corpus's own world is in far more passages than general text would put it in.
A term of background probability p (jieba's frequencies for Chinese; for an English stem,
wordfreq's for the words it stands for, summed: `stem_weight`) is expected in
N·(1 − e^(−L·p)) of N passages of mean length L (a Poisson count); its keyness is
log(passages that hold it / that) on a scale that reaches 1 at KEY_AT times chance (a keyness
statistic as in corpus linguistics, against a reference corpus). A question's topicality is
its best term's keyness, at that term's weight in the question (a translation or an expansion
weighs less than a word typed). A question below the threshold (`Relevance.min_topicality`,
chosen by `tools/cv_topicality.py`) gets `none`, unless
it names the foundation or is read with the previous question.
"""

from __future__ import annotations

import functools
import math
from typing import Protocol

import numpy as np

from cepf_bot.analysis.english_stems import english_stem
from cepf_bot.analysis.lexicon import UNSEEN_WEIGHT, chinese_weight, english_zipf, is_chinese
from cepf_bot.index.bm25 import Postings
from cepf_bot.search.query import Query, Role

KEY_AT = 100.0  # a term in this many times the passages chance gives it has keyness 1
# English endings an index stem may stand for (govern: governs, government, governed …)
_ENDINGS = ("", "s", "e", "es", "ed", "ing", "er", "ers", "or", "ors", "ment", "ments", "ion",
            "ions", "ation", "ations", "al", "ally", "ly", "y", "ies", "ied", "ity", "ive",
            "ance", "ence", "ism", "ist", "ists", "ness")


def stem_weight(stem: str) -> float:
    """-ln p of the English words an index stem stands for: the forms built from it by the
    usual endings that stem back to it, their wordfreq frequencies summed ("govern" alone is
    rare, "government" is not)."""
    zipfs = (english_zipf(form) for form in (stem + e for e in _ENDINGS)
             if english_stem(form) == stem)
    frequency = sum(10 ** (z - 9) for z in zipfs if z > 0)
    return min(UNSEEN_WEIGHT, -math.log(frequency)) if frequency > 0 else UNSEEN_WEIGHT


def keyness(passages_with: int, passages: int, mean_length: float,
            background_weight: float) -> float:
    """0 (no more passages than chance gives a word of that background weight, -ln p) to 1
    (KEY_AT times as many or more)."""
    if passages_with <= 0:
        return 0.0
    expected = passages * -math.expm1(-mean_length * math.exp(-background_weight))
    if expected <= 0.0:
        return 1.0
    return min(1.0, max(0.0, math.log(passages_with / expected) / math.log(KEY_AT)))


class Frequencies(Protocol):
    """A segmenter's background frequencies (jieba's dictionary)."""

    total_frequency: int

    def frequency(self, word: str) -> int: ...


class Topicality:
    """The keyness of an index's terms (cached) and a question's topicality."""

    def __init__(self, postings: Postings, doc_len: np.ndarray | None,
                 frequencies: Frequencies) -> None:
        self.postings = postings
        passages = max(postings.doc_count, 1)
        # the passages' mean length in tokens; without the lengths, their distinct terms
        self.mean_length = (float(np.mean(doc_len)) if doc_len is not None and len(doc_len)
                            else len(postings.docs) / passages)
        self.frequencies = frequencies

    @functools.lru_cache(maxsize=65536)  # noqa: B019  (one per index, long-lived)
    def of_term(self, term: str) -> float:
        background = (chinese_weight(self.frequencies.frequency(term),
                                     self.frequencies.total_frequency) if is_chinese(term)
                      else stem_weight(term))
        return keyness(self.postings.document_frequency(term), self.postings.doc_count,
                       self.mean_length, background)

    def of_query(self, query: Query) -> float:
        """The best keyness among the question's terms, each at its weight (at most 1)."""
        return max((self.of_term(t) * min(w, 1.0) for t, w in query.terms.items()),
                   default=0.0)

    def off_topic(self, query: Query, threshold: float) -> bool:
        """Below `threshold`, a question that neither names the foundation nor leans on the
        previous question is not about the corpus's world (0: never)."""
        if threshold <= 0.0 or query.context or any(w.role == Role.NAME for w in query.words):
            return False
        return self.of_query(query) < threshold
