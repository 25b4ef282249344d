"""A follow-up read in the light of the previous question (它, 那…呢, and they?): the previous
question's words beside its own, their terms at a bounded weight."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from cepf_bot.analysis.lexicon import asks_for_other, is_question_word
from cepf_bot.search.answer_sentence import QuestionType, question_type
from cepf_bot.search.query import Query, QueryWord, Role

CONTEXT_WEIGHT = 0.5  # the previous question's terms in a follow-up, against the question's own
CONTEXT_BUDGET = 1.5  # the previous question's added weight, against the follow-up's own
SUBJECT_WEIGHT = 1.0  # … and those of what it was about: "它" stands for it (全球狂犬病控制联盟)


def in_context(query: Query, previous: Query,
               subject: Callable[[QueryWord], bool] = lambda w: False,
               kind: Callable[[QueryWord], str | None] = lambda w: None) -> Query:
    """A follow-up read in the light of the previous question: its terms added at
    CONTEXT_WEIGHT, its subject's at SUBJECT_WEIGHT unless the follow-up asks for something
    else (else, 其他), never above the follow-up's own; its words beside the follow-up's. A
    previous word of the same class as one of the follow-up's is left out: it is replaced."""
    other = any(asks_for_other(w.word) for w in query.words)
    # 那观察员呢 after 绿会是哪些国际组织的会员: 观察员 takes the place of 会员 (one class)
    replaced = {k for w in query.words if w.role == Role.CONTENT and (k := kind(w))}
    context = tuple(w for w in (*previous.context, *previous.words)
                    if w.role in (Role.CONTENT, Role.NUMBER, Role.NAME)
                    and not (replaced and kind(w) in replaced))
    added: dict[str, float] = {}
    for word in context:  # the whole words and what rules say they mean, not their parts
        share = SUBJECT_WEIGHT if subject(word) and not other else CONTEXT_WEIGHT
        for term in (*word.tokens[-1:], *word.targets):
            weight = previous.terms.get(term, 0.0) * share - query.terms.get(term, 0.0)
            if weight > added.get(term, 0.0):
                added[term] = weight
    # however long the previous question was, its context weighs at most CONTEXT_BUDGET times
    # the follow-up's own terms (and at least one term's worth)
    budget = CONTEXT_BUDGET * max(sum(query.terms.values()), 1.0)
    scale = min(1.0, budget / sum(added.values())) if added else 1.0
    terms = dict(query.terms)
    for term, weight in added.items():
        terms[term] = terms.get(term, 0.0) + weight * scale
    # a follow-up with no question word and no form of its own (那秘书长呢, and the
    # expenditure?) asks as the previous question did
    untyped = question_type(query.asked_form) == QuestionType.OTHER and not any(
        is_question_word(w.word) for w in query.words)
    return replace(query, terms=terms, context=context,
                   form=previous.asked_form if untyped else query.form)
