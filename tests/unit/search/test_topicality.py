"""Topicality: a question whose best term is no more key to the corpus than everyday words gets
`none`, however well a grown corpus's everyday sentences match it; and an English page's
common words do not make a question complete. The pages are invented for the test (no page
of the foundation's own sites)."""

import dataclasses
import math

import numpy as np
import pytest

from cepf_bot.analysis.lexicon import UNSEEN_WEIGHT, english_weight
from cepf_bot.index.bm25 import Postings
from cepf_bot.search.searcher import Searcher
from cepf_bot.search.topicality import KEY_AT, Topicality, keyness, stem_weight
from cepf_bot.types import Relevance, Verdict
from tests.conftest import engine_with_pages

# A diary of an invented reserve: its own words in every passage (白鹭, 芦苇地, egrets), everyday
# words (天气, 北京, weather) in one. How key a word is depends on the corpus: in a corpus this
# small a word in one passage is already above chance, so the tests of the gate use a strict
# threshold, and the keyness itself is tested on its own.
DAYS = "\n\n".join(
    f"第{n}天，志愿者在太湖白鹭保护区的芦苇地记录了{n * 3}只白鹭。" for n in range(1, 13))
NEWS = f"""# 太湖白鹭保护区工作日志

{DAYS}

今天北京的天气很好。

太湖白鹭保护区的观察点共有十二个，由志愿者每周两次巡查。
"""
ENGLISH = "\n\n".join(
    f"Day {n}: the volunteers of the Taihu Egret Reserve counted {n * 3} egrets in the reed "
    f"beds. The reserve was set up that year." for n in range(1, 13))
WEATHER = "明天北京天气怎么样"
STRICT = 0.9


@pytest.fixture(scope="module")
def searchers(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = engine_with_pages(tmp_path_factory.mktemp("topical"),
                             {"egret-news.md": NEWS, "egret-news-en.md": f"# Taihu egret "
                              f"reserve diary\n\n{ENGLISH}\n\nThe weather today was good.\n"}
                             ).searcher
    return (Searcher(base.index, base.segmenter,
                     dataclasses.replace(Relevance(), min_topicality=STRICT)),
            Searcher(base.index, base.segmenter,
                     dataclasses.replace(Relevance(), min_topicality=0.0)))


def test_keyness_is_zero_at_chance_and_one_at_key_at_times_chance():
    passages, length, weight = 10_000, 50.0, 10.0
    expected = passages * -math.expm1(-length * math.exp(-weight))
    assert keyness(0, passages, length, weight) == 0.0
    assert keyness(max(1, round(expected)), passages, length, weight) < 0.05
    assert keyness(round(expected * KEY_AT) + 1, passages, length, weight) == 1.0
    assert keyness(3, passages, length, 30.0) == 1.0  # a word general text never has
    lower, higher = (keyness(n, passages, length, 14.0) for n in (2, 8))
    assert 0.0 < lower < higher < 1.0


def test_an_english_stem_weighs_as_the_words_it_stands_for():
    # the index keeps stems: "govern" is a rare word, "government" a common one; "foundat"
    # is no word at all, but "foundation" is
    assert stem_weight("govern") < english_weight("govern") - 3
    assert stem_weight("foundat") < UNSEEN_WEIGHT - 3
    assert stem_weight("pangolin") == english_weight("pangolin")  # no other form
    assert stem_weight("xqzv") == UNSEEN_WEIGHT


def test_a_term_s_keyness_uses_the_passage_lengths_or_else_their_distinct_terms():
    # 4 passages; 白鹭 in all four, 今天 in one
    postings = Postings({"白鹭": 0, "今天": 1}, np.ones(2), np.array([0, 4, 5]),
                        np.array([0, 1, 2, 3, 0], dtype=np.int32), np.ones(5), 4)

    class Background:
        total_frequency = 1_000_000

        def frequency(self, word: str) -> int:
            return {"今天": 10_000}.get(word, 1)  # 白鹭: all but unseen

    with_lengths = Topicality(postings, np.array([50, 50, 50, 50]), Background())
    without = Topicality(postings, None, Background())
    assert with_lengths.mean_length == 50.0 and without.mean_length == 5 / 4
    assert with_lengths.of_term("白鹭") == 1.0
    assert with_lengths.of_term("今天") == 0.0  # 1 of 4 passages: chance for a word of p 0.01
    assert with_lengths.of_term("天气") == 0.0  # in no passage
    assert without.of_term("今天") > with_lengths.of_term("今天")  # shorter: less by chance


def test_everyday_words_of_a_grown_corpus_do_not_make_a_question_about_it(searchers):
    shipped, no_threshold = searchers
    # the premise: the weather question reaches the verdict model on a corpus with everyday
    # sentences, and gets passages from it
    assert no_threshold.ask(WEATHER).hits
    judged = shipped.judge(WEATHER)
    assert judged.verdict == Verdict.NONE
    assert shipped.topicality.of_query(judged.query) < STRICT
    results = shipped.ask(WEATHER)
    assert results.verdict == Verdict.NONE and not results.hits
    # the same in English, against the English page
    assert not shipped.ask("what is the weather like today").hits


def test_a_question_about_the_corpus_s_own_terms_is_kept(searchers):
    shipped, no_threshold = searchers
    question = "太湖白鹭保护区有几个观察点"
    assert shipped.topicality.of_query(shipped.analyse(question)) >= STRICT
    results = shipped.ask(question)
    assert results.verdict != Verdict.NONE
    assert "十二个" in results.hits[0].passage.text
    assert results.hits[0].passage.id == no_threshold.ask(question).hits[0].passage.id


def test_the_foundation_s_name_and_a_follow_up_are_never_off_topic(searchers):
    shipped, _ = searchers
    named = shipped.analyse("绿会今天天气怎么样")
    assert shipped.topicality.of_query(named) < STRICT
    assert shipped.topicality.off_topic(shipped.analyse("今天天气怎么样"), STRICT)
    assert not shipped.topicality.off_topic(named, STRICT)
    follow_up = shipped.judge("今天呢", after="太湖白鹭保护区有几个观察点")
    assert follow_up.query.context
    assert not shipped.topicality.off_topic(follow_up.query, STRICT)


def test_an_english_page_s_common_words_are_no_subject(searchers):
    shipped, _ = searchers
    # "year" and "set" are in the English page's passages; they still name nothing, so the
    # question leans on the previous one
    assert shipped.is_follow_up(shipped.analyse("which year?"))
    assert shipped.is_follow_up(shipped.analyse("when was it set up?"))
    # a word no English list has, which the corpus uses, is a subject of its own
    assert not shipped.is_follow_up(shipped.analyse("what is the taihu reserve?"))


def test_a_word_of_a_phrase_of_its_own_meets_no_glossary_rendering_of_its_own(searcher: Searcher):
    """The glossary renders "linked" as 联系; in "linked list" (链表, which the profile lacks)
    it means nothing of the kind, and the question is about nothing the profile is about. A
    phrase the glossary names whole (executive committee: 执委) keeps its rendering."""
    coding = searcher.analyse("how do I reverse a linked list in java")
    assert not [t for t in coding.terms if not t.isascii()]
    assert searcher.ask("how do I reverse a linked list in java").verdict == Verdict.NONE
    assert "联系" in searcher.analyse("which groups is the foundation linked with").terms
    assert "执委" in searcher.analyse("Is the sec-gen on the Club of Rome's executive committee?"
                                     ).terms


def test_a_phrase_a_sense_completes_is_translated_whole(searcher: Searcher):
    """CC-CEDICT writes 免费 as "free (of charge)": the question's "free of charge" is 免费 at
    its full weight, passed over "of", not "free" (免费, 自由 …) beside "charge" (负责, 主管),
    and the answer is the profile's sentence that says the course is free."""
    question = "Is the rabies training course they translated free of charge?"
    query = searcher.analyse(question)
    assert query.terms["免费"] == 1.0
    assert not {"负责", "主管", "担任"} & set(query.terms)
    answer = searcher.ask(question).answer
    assert answer is not None and "免费" in answer.text
