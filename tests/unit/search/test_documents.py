"""Documents staff add: asked about in the other language, and not read as a follow-up.

The two pages here are invented for the tests (no page of the foundation's own sites)."""

from pathlib import Path

import pytest

from cepf_bot.search.follow_up import CONTEXT_BUDGET, in_context
from cepf_bot.search.query import Query, QueryWord, Role
from tests.conftest import engine_with_pages

CHINESE_PAGE = """# 太湖水獭调查

2023年5月，志愿者在太湖湿地连续三天调查，记录到十二只水獭和四处水獭洞穴。
"""

ENGLISH_PAGE = """# Ibis chicks at the breeding centre

In June 2023 the breeding centre in Yangxian reported that nine crested ibis chicks
had hatched, the most in a single season since the centre opened.

Keepers gave a lecture on rearing the chicks to volunteers from Hanzhong.
"""

SEAL = "绿会在联合国构建黄渤海斑海豹海洋保护地网络项目里具体做了哪些工作，和哪些机构合作"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return engine_with_pages(tmp_path_factory.mktemp("documents"),
                             {"otter-survey.md": CHINESE_PAGE, "ibis-chicks.md": ENGLISH_PAGE})


def top_text(engine, question: str) -> str:  # type: ignore[no-untyped-def]
    query = engine.searcher.analyse(question)
    scores = engine.searcher.scores(query)
    return engine.searcher.index.passages[int(scores.argmax())].text


def test_an_english_question_finds_a_chinese_page_through_the_dictionary(engine):
    assert "十二只水獭" in top_text(engine, "How many otters did volunteers record in the wetland?")


def test_a_chinese_question_finds_an_english_page_through_the_dictionary(engine):
    assert "nine crested ibis chicks" in top_text(engine, "朱鹮孵化了几只")


def test_a_question_about_a_new_page_after_a_seal_question_is_not_a_follow_up(engine):
    results = engine.searcher.ask("太湖水獭调查记录到几只水獭", after=SEAL)
    assert results.read_with is None
    assert results.hits and "十二只水獭" in results.hits[0].passage.text


def test_a_word_jieba_guesses_across_a_corpus_word_is_cut_at_it(tmp_path: Path):
    """水獭年会定在哪天: jieba's HMM reads 年会定 as one unknown word; cut where the corpus has
    a word (年会), it meets the page that says 年会, not only the pages with 年 and 定."""
    engine = engine_with_pages(tmp_path, {"otter-meeting.md": (
        "# 太湖水獭年会\n\n"
        "第三届太湖水獭年会将于2024年11月在无锡召开，志愿者将介绍一年的调查。\n")})
    query = engine.searcher.analyse("水獭年会定在哪天")
    assert "年会" in query.terms
    assert "2024年11月" in top_text(engine, "水獭年会定在哪天")


def test_a_follow_up_that_refers_back_still_reads_the_previous_question(engine):
    assert engine.searcher.ask("它的合作机构有哪些", after=SEAL).read_with == SEAL


def test_among_them_refers_back_even_with_a_word_of_its_own(engine):
    """其中 (among them) leans on what was asked before, whatever the rest names."""
    asked = "太湖水獭调查记录到几只水獭"
    assert engine.searcher.ask("其中有几处洞穴", after=asked).read_with == asked


def _word(text: str) -> QueryWord:
    return QueryWord(text, (text,), frozenset(), Role.CONTENT, "han")


def test_a_long_previous_question_weighs_at_most_its_budget():
    previous_words = tuple(_word(f"词{i}") for i in range(30))
    previous = Query("…", {w.word: 1.0 for w in previous_words}, (), previous_words)
    follow_up = Query("那预算呢", {"预算": 1.0}, ("预算",), (_word("预算"),))
    read = in_context(follow_up, previous)
    added = sum(w for t, w in read.terms.items() if t != "预算")
    assert added == pytest.approx(CONTEXT_BUDGET * 1.0)
    assert read.terms["预算"] == 1.0


def test_questions_about_real_pages_find_them_across_languages(tmp_path: Path):
    import json

    from tests.conftest import shared_file

    questions = shared_file("eval", "dev_real.jsonl")
    engine = engine_with_pages(tmp_path, {
        page.name: page.read_text("utf-8")
        for page in (questions.parent / "real" / "pages").glob("*.md")})
    found: dict[str, list[bool]] = {}
    for line in questions.read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["must"]:
            pair = ("en" if row["lang"] == "en" else "zh") + "->" + row["doc_lang"]
            text = top_text(engine, row["q"])
            found.setdefault(pair, []).append(all(m in text for m in row["must"]))
    # before the dictionary: Chinese -> English 0 of 16 first, English -> Chinese top-1 rare;
    # before slight paragraphs were joined and passages indexed in simplified characters:
    # zh->zh 0.67, zh->en 0.38 (0.90 and 0.56 after); with long passages cut at 600 characters
    # (issue 26) zh->en is 7 of 16 and en->en rises: the guard keeps that level
    assert sum(found["zh->en"]) / len(found["zh->en"]) >= 0.4
    assert sum(found["zh->zh"]) / len(found["zh->zh"]) >= 0.85


COMPOUND_PAGE = """# Lecture in the county

The secretary-general gave a lecture on ecological civilization to county officials,
who asked how villages could protect their rivers.
"""


def test_a_compound_the_dictionary_lacks_is_translated_by_its_parts(tmp_path: Path):
    engine = engine_with_pages(tmp_path, {"lecture.md": COMPOUND_PAGE})
    query = engine.searcher.analyse("生态文明讲座")
    assert any(any(t.startswith("civil") for t, _ in s) for s in query.sets)
    assert "ecological civilization" in top_text(engine, "生态文明讲座是讲给谁听的")


def test_a_word_a_chinese_synonym_explains_still_reaches_an_english_page(engine):
    """讲座 has a Chinese synonym (培训); its dictionary translation still finds the lecture."""
    assert "gave a lecture" in top_text(engine, "那个讲座讲了什么")


def test_a_chinese_name_meets_its_pinyin_in_an_english_page(engine):
    assert "gave a lecture" in top_text(engine, "汉中来的志愿者听了什么")


MEETING_PAGE = """# 太湖水獭调查总结会在无锡召开

2023年12月2日，太湖水獭调查总结会在无锡召开，来自八个城市的志愿者代表参加了会议，回顾了一年来在湖岸、湿地和入湖河口开展调查的经过，并讨论了来年的调查计划和培训安排。

会上，志愿者代表报告全年共记录到十二只水獭和四处洞穴，其中三只是幼崽。
"""


def test_the_documents_title_supports_what_its_passages_do_not_repeat(tmp_path: Path):
    """A question names the event a page is about (总结会); the passage that answers it does
    not repeat it: the page's title counts for the passage in the verdict's features."""
    engine = engine_with_pages(tmp_path, {"otter-meeting.md": MEETING_PAGE})
    judged = engine.searcher.judge("太湖水獭调查总结会上报告了几只水獭")
    assert judged.support is not None and judged.evidence is not None
    assert judged.support.unknown == judged.support.known == 0.0
    assert judged.evidence.features["share"] == 1.0
