"""Answer-type preference: among near-tied passages, the one that holds the asked kind (a
date, a figure) comes first; other questions keep BM25's order. The page is invented for the
test (no page of the foundation's own sites)."""

import pytest

from cepf_bot.search.english_spans import english_spans
from cepf_bot.search.searcher import Searcher
from cepf_bot.search.typed_first import in_order, typed_first
from cepf_bot.types import Answer, Fact, FactKind, Relevance
from tests.conftest import engine_with_pages

PAGE = """# Otter lecture in Suzhou

The otter lecture in Suzhou told the volunteers of the lake about otter dens, otter tracks
and how the otters of Suzhou use the reed beds of the lake shore.

On May 12, 2023, the otter lecture for the volunteers took place at the wetland station.
"""
WHEN = "When was the otter lecture in Suzhou held for the volunteers?"
WHAT = "What did the otter lecture in Suzhou tell the volunteers about?"


@pytest.fixture(scope="module")
def searchers(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = engine_with_pages(tmp_path_factory.mktemp("typed"), {"otter-lecture.md": PAGE}).searcher
    return (Searcher(base.index, base.segmenter, Relevance()),
            Searcher(base.index, base.segmenter, Relevance(typed_within=1.01)))


def test_a_when_question_gets_the_near_tied_passage_with_the_date_first(searchers):
    typed, bm25_order = searchers
    plain = bm25_order.ask(WHEN, k=2).hits
    # the premise: BM25 alone puts the passage without the date first, the dated one close
    assert "May 12, 2023" not in plain[0].passage.text
    assert "May 12, 2023" in plain[1].passage.text
    assert plain[1].score >= Relevance().typed_within * plain[0].score
    results = typed.ask(WHEN, k=2)
    assert "May 12, 2023" in results.hits[0].passage.text
    assert [h.rank for h in results.hits] == [1, 2]
    assert results.hits[1].passage.id == plain[0].passage.id  # the other keeps its place
    assert results.answer is not None and results.answer.fact is not None
    assert results.answer.fact.text == "May 12, 2023"
    # More: the next page continues after both, with neither shown again
    later = {h.passage.id for h in typed.ask(WHEN, k=2, offset=2).hits}
    assert not later & {h.passage.id for h in results.hits}


def test_a_question_that_asks_no_date_or_figure_keeps_bm25s_order(searchers):
    typed, bm25_order = searchers
    assert [h.passage.id for h in typed.ask(WHAT, k=3).hits] == \
        [h.passage.id for h in bm25_order.ask(WHAT, k=3).hits]


def answer(fact_kind: FactKind | None) -> Answer:
    return Answer("s", "p", Fact("x", fact_kind) if fact_kind else None)


def test_typed_first_looks_only_at_near_ties_and_only_when_the_best_lacks_the_kind():
    import numpy as np

    scores = np.array([10.0, 9.0, 7.0, 8.5])
    facts = {0: None, 1: None, 2: FactKind.DATE, 3: FactKind.DATE}

    def answer_of(doc: int) -> Answer:
        return answer(facts[doc])

    ranked = [0, 1, 3, 2]
    assert typed_first(ranked, scores, (FactKind.DATE,), within=0.8, answer_of=answer_of) == 3
    assert typed_first(ranked, scores, (FactKind.DATE,), within=0.9, answer_of=answer_of) is None
    assert typed_first(ranked, scores, (FactKind.LIST,), within=0.8, answer_of=answer_of) is None
    facts[0] = FactKind.COUNT
    assert typed_first(ranked, scores, (FactKind.COUNT,), within=0.8, answer_of=answer_of) is None
    assert in_order(ranked, 3) == [3, 0, 1, 2] and in_order(ranked, None) == ranked


def test_a_who_question_prefers_a_near_tied_passage_that_names_a_person():
    """A passage that names the asked person (周晋峰 after 秘书长) comes before a better-scored
    one whose sentence names nobody; a clause cut as a 'person' (a sentence's whole tail) is
    no name."""
    import numpy as np

    scores = np.array([10.0, 8.5, 9.0])
    facts = {0: None, 1: Fact("周晋峰", FactKind.PERSON),
             2: Fact("还向来宾转达了秘书长的问候", FactKind.PERSON)}

    def answer_of(doc: int) -> Answer:
        return Answer("s", "p", facts[doc])

    who = (FactKind.PERSON, FactKind.ORGANISATION)
    assert typed_first([0, 2, 1], scores, who, within=0.8, answer_of=answer_of) == 1
    facts[1] = Fact("Zhou Jinfeng", FactKind.PERSON)
    assert typed_first([0, 2, 1], scores, who, within=0.8, answer_of=answer_of) == 1
    # a question that asks no person: a name is in too many sentences to decide
    assert typed_first([0, 2, 1], scores, (FactKind.LIST,), within=0.8,
                       answer_of=answer_of) is None


@pytest.mark.parametrize("sentence, spans", [
    ("On November 16, 2019, Dr. Zhou spoke", [("date", "November 16, 2019")]),
    ("held on August 28 & 29, 2024 at the library", [("date", "August 28 & 29, 2024")]),
    ("in March 2021 and on 3 June", [("date", "March 2021"), ("date", "3 June")]),
    ("2019/11/25 10:38:00 本站", [("date", "2019/11/25")]),
    ("an annual of 240,000 people are donating", [("count", "240,000")]),
    ("over 100 full-time staff", [("count", "over 100")]),
    ("it cost US$ 2.5 million in total", [("amount", "US$ 2.5 million")]),
    ("In 2018, 49,700 volunteers joined", [("date", "2018"), ("count", "49,700")]),
    ("May I ask a question", []),
    ("2019年11月16日,周晋峰", []),  # Chinese dates are english_forms.FACT's
])
def test_english_dates_counts_and_amounts_are_found_by_their_form(sentence, spans):
    assert [(k.value, sentence[a:b]) for k, a, b in english_spans(sentence)] == spans
