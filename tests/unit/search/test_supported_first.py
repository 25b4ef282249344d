"""Coverage among the best passages: the passage that supports more of the question comes first,
where BM25's length normalisation puts a short passage with one common word of the question
above a long one with the rest of it. The page is invented for the test (no page of the
foundation's own sites)."""

import dataclasses

import pytest

from cepf_bot.search.searcher import Searcher
from cepf_bot.search.supported_first import SHARE_FLOOR, fused_score, supported_first
from cepf_bot.types import Relevance
from tests.conftest import engine_with_pages

PAGE = """# 太湖白鹭保护区

保护区的第1个观察点设在西岸的芦苇地，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第2个观察点设在北岸的浅滩，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第3个观察点设在东岸的稻田，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第4个观察点设在南岸的渔港，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第5个观察点设在湖心的小岛，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第6个观察点设在西山的树林，那里的志愿者每周两次记录白鹭的数量和它们的巢。

太湖白鹭保护区自2021年起由省林业厅主管，林业厅每年培训保护区的志愿者，核对他们记录的白鹭数量，保管西岸芦苇地的地图，为志愿者借出望远镜和小船，安排他们的食宿和交通，检查每条路线的记录表，整理历年的照片和视频，并在每年秋天发布保护区的年度报告，向公众介绍太湖西岸白鹭的繁殖情况。林业厅还邀请湖边学校的老师和学生在假期里跟随志愿者走完一条路线，让他们认识芦苇地里的鸟和鱼，学会使用望远镜，画下自己看到的巢，回到学校后在班里讲给同学们听，并把画和记录寄给林业厅，编进下一年的年度报告和公众讲座。

保护区的第7个观察点设在东山的茶园，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第8个观察点设在北岸的河口，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第9个观察点设在南岸的堤坝，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第10个观察点设在湖边的村庄，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第11个观察点设在西岸的湿地，那里的志愿者每周两次记录白鹭的数量和它们的巢。

保护区的第12个观察点设在东岸的果园，那里的志愿者每周两次记录白鹭的数量和它们的巢。

## 参与

各参与单位见附件。
"""
WHO = "白鹭保护区是哪个单位主管的"


@pytest.fixture(scope="module")
def searchers(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = engine_with_pages(tmp_path_factory.mktemp("supported"), {"egrets.md": PAGE}).searcher
    return (Searcher(base.index, base.segmenter, Relevance()),
            Searcher(base.index, base.segmenter, dataclasses.replace(Relevance(),
                                                                     support_power=0.0)))


def test_the_passage_with_more_of_the_question_comes_first(searchers):
    shipped, bm25_order = searchers
    plain = bm25_order.ask(WHO, k=2).hits
    # the premise: BM25 alone puts the short passage with only 单位 first
    assert plain[0].passage.text == "各参与单位见附件。"
    assert "省林业厅主管" in plain[1].passage.text
    results = shipped.ask(WHO, k=2)
    assert "省林业厅主管" in results.hits[0].passage.text
    assert results.hits[1].passage.id == plain[0].passage.id  # the other keeps its place
    assert [h.rank for h in results.hits] == [1, 2]
    assert results.hits[0].score < results.hits[1].score  # the scores shown are BM25's
    assert results.answer is not None and "省林业厅主管" in results.answer.text
    judged = shipped.judge(WHO)
    assert judged.support is not None and judged.support.share > 0.5  # the shown one's support
    # More: the next page continues after both, with neither shown again
    later = {h.passage.id for h in shipped.ask(WHO, k=2, offset=2).hits}
    assert not later & {h.passage.id for h in results.hits}


def test_the_fused_score_weighs_bm25_by_the_share_to_the_power():
    assert fused_score(10.0, 0.5, 0.0) == 10.0  # power 0: BM25's score
    assert fused_score(10.0, 0.5, 3.0) == pytest.approx(1.25)
    # a passage that supports none of the question keeps a floor, not a zero score
    assert SHARE_FLOOR > 0 and fused_score(10.0, 0.0, 1.0) == pytest.approx(10.0 * SHARE_FLOOR)


def test_supported_first_takes_the_highest_fused_score_ties_to_bm25s_order():
    scores = {0: 10.0, 1: 9.0, 2: 4.0}
    shares = {0: 0.25, 1: 0.75, 2: 1.0}

    def fused(power: float) -> dict[int, float]:
        return {d: fused_score(scores[d], shares[d], power) for d in scores}

    assert supported_first([0, 1, 2], fused(0.0)) is None
    assert supported_first([0, 1, 2], fused(1.0)) == 1  # 6.75 over 2.5
    # the higher the power, the more the share counts: 4 × 1 over 9 × 0.42
    assert supported_first([0, 1, 2], fused(3.0)) == 2
    assert supported_first([0, 1, 2], {0: 5.0, 1: 5.0, 2: 1.0}) is None  # a tie: BM25's
    assert supported_first([0], fused(3.0)) is None


ENGLISH_PAGE = """---
lang: en
---
# Otter watch

The aim of the otter watch is to protect the otters of the lake and to train volunteers who
count them every spring.
"""


def test_an_everyday_words_translation_counts_in_the_share_that_ranks(tmp_path):
    from cepf_bot.analysis.segment import normalise
    from cepf_bot.search.support import support

    searcher = engine_with_pages(tmp_path, {"otter-watch.md": ENGLISH_PAGE}).searcher
    query = searcher.analyse("水獭观察的目的是什么")
    words = {w.word: w for w in query.content}
    # 目的 is an everyday word: its translation ranks, and does not stand for it in the gate
    assert "aim" in words["目的"].translations and "aim" not in words["目的"].targets
    assert "otter" in words["水獭"].targets  # a rarer word's translation stands for it
    matched = {"otter", "watch", "aim"}
    text = normalise(ENGLISH_PAGE)

    def share(translated: bool) -> float:
        return support(query, matched, text, known=lambda w: True, weight=lambda w: 1.0,
                       distinctive=lambda w: False, translated=translated).share

    assert share(False) == pytest.approx(1 / 3)  # 水獭 alone
    assert share(True) == pytest.approx(1.0)  # 水獭, 观察 and 目的


HUTS = """# 湖边观鸟屋

## 一号

西岸观鸟屋一号和观鸟屋门前的木桥。

## 二号

北岸观鸟屋二号和观鸟屋门前的石阶。

## 三号

东岸观鸟屋三号和观鸟屋门前的码头。

## 管理

这些观鸟屋自2021年起由县林业站负责管理，林业站每年培训湖边的志愿者，核对他们记录的白鹭数量，保管西岸芦苇地的地图，为志愿者借出望远镜和小船，安排他们的食宿和交通，检查每条路线的记录表，整理历年的照片和视频，并在每年秋天发布年度报告，向公众介绍太湖西岸白鹭的繁殖情况，还邀请湖边学校的老师和学生在假期里跟随志愿者走完一条路线，让他们认识芦苇地里的鸟和鱼，学会使用望远镜，画下自己看到的巢，回到学校后在班里讲给同学们听，并把画和记录寄给林业站，编进下一年的年度报告。
"""
WHO_MANAGES = "观鸟屋归哪个单位管理"


def test_the_passage_with_more_of_the_question_is_found_below_the_best_three(tmp_path):
    """More short passages with the question's one word (观鸟屋 twice): the long passage that
    also holds 管理 falls to fourth. The best `Relevance.candidates` (5, chosen by CV) still
    read it and put it first; three would not."""
    base = engine_with_pages(tmp_path, {"huts.md": HUTS}).searcher
    bm25_order = dataclasses.replace(Relevance(), support_power=0.0, typed_within=1.01)
    plain = Searcher(base.index, base.segmenter, bm25_order).ask(WHO_MANAGES, k=5).hits
    # the premise: BM25 puts the three short passages first, the long one fourth
    assert all("门前" in h.passage.text for h in plain[:3])
    assert "负责管理" in plain[3].passage.text
    three = Searcher(base.index, base.segmenter, dataclasses.replace(Relevance(), candidates=3))
    assert "负责管理" not in three.ask(WHO_MANAGES, k=1).hits[0].passage.text
    shipped = Searcher(base.index, base.segmenter, Relevance())
    assert "负责管理" in shipped.ask(WHO_MANAGES, k=1).hits[0].passage.text
