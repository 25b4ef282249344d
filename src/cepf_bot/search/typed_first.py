"""Answer-type preference among near-tied passages: a question that asks for a date, an
amount or a count is answered by a passage that holds one. When the best
BM25 passage has no span of the asked kind and another passage scored nearly as high does,
that one comes first (the other passages keep their BM25 order). A long paragraph cut in two,
or a page's dateline apart from its story, splits the asked thing from the words that name it;
the question's type tells the two halves apart where the scores cannot. Only kinds known by
their form count (dates, amounts, counts), and for a question that asks who, a person's name
cut as the answer (周晋峰 after 秘书长, not a clause): a list or a title is in too many
sentences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from cepf_bot.types import Answer, FactKind

# kinds recognised by their form (a date, a figure), not by a dictionary's names: a passage
# holds one or not, whatever the corpus's vocabulary
TYPED_KINDS = frozenset({FactKind.DATE, FactKind.AMOUNT, FactKind.COUNT})


def typed_first(ranked: Sequence[int], scores: np.ndarray, kinds: Sequence[FactKind], *,
                within: float, answer_of: Callable[[int], Answer | None]) -> int | None:
    """The passage (of `ranked`, best first) to show first instead of `ranked[0]`, or None to
    keep the BM25 order: the best-ranked passage scored at least `within` times the best whose
    answer sentence holds a span of an asked kind, when the best passage's does not."""
    asks_person = FactKind.PERSON in kinds
    if len(ranked) < 2 or not (asks_person or any(k in TYPED_KINDS for k in kinds)):
        return None

    def holds(doc: int) -> bool:
        answer = answer_of(doc)
        fact = answer.fact if answer is not None else None
        return fact is not None and (fact.kind in TYPED_KINDS or (
            asks_person and fact.kind == FactKind.PERSON and _name_shaped(fact.text)))

    if holds(ranked[0]):
        return None
    floor = float(scores[ranked[0]]) * within
    return next((doc for doc in ranked[1:] if float(scores[doc]) >= floor and holds(doc)),
                None)


def _name_shaped(text: str) -> bool:
    """A person's name, not a clause: two to four Chinese characters, or one to three Latin
    words."""
    text = text.strip()
    if text.isascii():
        return 1 <= len(text.split()) <= 3
    return 2 <= len(text) <= 4


def in_order(ranked: list[int], first: int | None) -> list[int]:
    """`ranked` with `first` moved to the front (unchanged when it is None)."""
    if first is None:
        return ranked
    return [first, *(doc for doc in ranked if doc != first)]
