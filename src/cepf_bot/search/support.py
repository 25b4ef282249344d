"""How much of what a question asks about the best passage supports: the verdict's main
features (`verdict`).

Each content word of the question weighs its background self-information (`lexicon`): an
everyday word little, a rare name a lot. A word is *supported* when the passage has it, a term
an expansion rule gives it, or all of its parts; the support's share is the supported words'
part of the weight. A word the corpus does not know at all is what the
question is about, so it counts in full, except an everyday one (weight under EVERYDAY) when
the passage matches a distinctive term of the question (a project, an organisation, a
convention, a person, a figure's label, an acronym): extra words around a strong match do not
refuse it. Function words and the foundation's own name count for nothing either way; a number
supports when its figure (or its approximate form) is there and never counts against. And what
is asked — a content word beside the question word (预算 in 斑海豹项目的预算是多少, which the
glossary reads as the finance figures 收支信息) — must not be a distinctive term the corpus has
elsewhere but this passage lacks (`focus_elsewhere`): the text does not connect the two.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from cepf_bot.analysis.compounds import covers
from cepf_bot.analysis.lexicon import chinese_weight, english_weight, is_chinese
from cepf_bot.search.follow_up import CONTEXT_WEIGHT
from cepf_bot.search.query import Query, QueryWord, Role

EVERYDAY = 10.0  # -ln p: a word seen more than ~3,000 times in jieba's 60 million


@dataclass(frozen=True)
class Support:
    """How much of what a question asks about a passage has: supported, known to the corpus
    elsewhere, and unknown weight; whether a distinctive term matched."""

    supported: float
    known: float
    unknown: float
    forgiven: float
    distinctive: bool
    focus_elsewhere: bool = False  # what is asked is a named thing this passage lacks

    @property
    def share(self) -> float:
        counted = self.supported + self.known + self.unknown - self.forgiven
        return self.supported / counted if counted else 0.0


def word_weight(word: QueryWord, frequency: Callable[[str], int], total: int) -> float:
    """The word's background self-information (Chinese from jieba, English from wordfreq)."""
    if is_chinese(word.word):
        return chinese_weight(frequency(word.word), total)
    return english_weight(word.word)


def is_supported(word: QueryWord, matched: Collection[str], passage_text: str,
                 translated: bool = False) -> bool:
    """Whether the passage has the word: itself, a term a rule gives it, all of its parts, or
    its characters verbatim (a name the segmenter cut differently); `translated`: or one of
    its dictionary translations, an everyday word's too."""
    if word.word in matched or (word.targets | (word.translations if translated else
                                                frozenset())) & set(matched):
        return True
    if any(len(t) > 1 and t in passage_text for t in word.targets):
        return True
    parts = [t for t in word.tokens if t != word.word]
    if parts and covers(word.word, parts) and all(p in matched or p in passage_text
                                                  for p in parts):
        return True
    return len(word.word) > 1 and word.word in passage_text


def support(query: Query, matched: Collection[str], passage_text: str, *,
            known: Callable[[QueryWord], bool], distinctive: Callable[[QueryWord], bool],
            weight: Callable[[QueryWord], float], translated: bool = False) -> Support:
    """Weigh the question's content words against one passage (`matched`: the query terms it
    contains; `passage_text`: normalised, simplified; `translated`: a word's dictionary
    translations, an everyday word's too, stand for it)."""
    supported = elsewhere = unknown = forgiven = 0.0
    strong = False
    everyday_unknown = 0.0
    weighed = [(word, 1.0) for word in query.words]
    weighed += [(word, CONTEXT_WEIGHT) for word in query.context]  # a follow-up's previous
    for word, share in weighed:
        if word.role == Role.NUMBER:
            if set(word.tokens) & set(matched):
                supported += weight(word) * share
            continue
        if word.role != Role.CONTENT:
            continue
        w = weight(word) * share
        if is_supported(word, matched, passage_text, translated):
            supported += w
            strong = strong or distinctive(word)
        elif known(word):
            elsewhere += w
        else:
            unknown += w
            if w < EVERYDAY:
                everyday_unknown += w
    if strong:
        forgiven = everyday_unknown
    focus_elsewhere = any(not is_supported(w, matched, passage_text) and distinctive(w)
                          for w in query.focus if w.role == Role.CONTENT)
    return Support(supported, elsewhere, unknown, forgiven, strong, focus_elsewhere)
