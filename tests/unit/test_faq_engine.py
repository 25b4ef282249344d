"""Staff's pairs added and removed through the engine: written whole under the writer lock,
reindexed, undone on failure; two admins at once lose neither; the query log counts them."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from cepf_bot.config import resolve_paths
from cepf_bot.corpus.faq import pair_id
from cepf_bot.corpus.folder import faq_pairs
from cepf_bot.engine import Engine
from cepf_bot.errors import CorpusError
from cepf_bot.querylog import QueryLog
from cepf_bot.reply.reports import format_summary
from cepf_bot.types import FaqPair, Verdict

FAQ = Path(__file__).resolve().parents[1] / "data" / "faq.md"


def _pair(question: str, answer: str, *also: str) -> FaqPair:
    return FaqPair(pair_id(question), question, tuple(also), answer, date="2026-12-01")


@pytest.fixture
def engine(corpus_dir, tmp_path) -> Engine:
    return Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))


def test_an_added_pair_is_written_whole_and_answers_at_once(engine, corpus_dir):
    question = "绿会有微信公众号吗？"
    assert engine.searcher.ask("绿会的微信公众号叫什么").faq is None
    engine.add_faq(_pair(question, "有，搜索“绿会”即可。", "Does CBCGDF have a WeChat account?"))
    text = (corpus_dir / "faq.md").read_text("utf-8")
    assert text.startswith("# 常见问题\n\n## 绿会有微信公众号吗？\n"
                           "also: Does CBCGDF have a WeChat account?\ndate: 2026-12-01\n")
    assert not [p for p in corpus_dir.iterdir() if p.name.startswith(".faq.md")]  # no leftovers
    results = engine.searcher.ask("绿会有没有微信公众号")
    assert results.verdict == Verdict.ANSWER and results.faq is not None
    assert results.faq.answer == "有，搜索“绿会”即可。"
    engine.remove_faq(pair_id(question))
    assert faq_pairs(corpus_dir) == ()
    assert engine.searcher.ask("绿会有没有微信公众号").faq is None


def test_two_admins_adding_at_once_lose_neither_pair(engine, corpus_dir):
    shutil.copy(FAQ, corpus_dir / "faq.md")
    pairs = [_pair("绿会有微信公众号吗？", "有。"), _pair("绿会接受实习生吗？", "接受，请来信。")]
    threads = [threading.Thread(target=engine.add_faq, args=(p,)) for p in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    questions = [p.question for p in faq_pairs(corpus_dir)]
    assert len(questions) == 6 and {p.question for p in pairs} <= set(questions)
    assert {p.id for p in engine.faq} == {p.id for p in faq_pairs(corpus_dir)}


def test_a_pair_the_reindex_refuses_is_undone_and_the_old_index_serves(engine, corpus_dir):
    shutil.copy(FAQ, corpus_dir / "faq.md")
    engine.reindex()
    before = (corpus_dir / "faq.md").read_bytes()
    with pytest.raises(CorpusError, match=r"faq\.md:\d+: source is not an http"):
        engine.add_faq(FaqPair(pair_id("坏的"), "坏的", (), "答案", source="ftp://x"))
    assert (corpus_dir / "faq.md").read_bytes() == before
    assert engine.searcher.ask("怎么捐款给绿会").faq is not None


def test_removing_a_pair_that_is_gone_is_one_line(engine):
    with pytest.raises(CorpusError, match="no question with the id 00000000"):
        engine.remove_faq("00000000")


def test_the_query_log_counts_each_pair_and_a_staff_answer_clears_the_unanswered(tmp_path):
    log = QueryLog(tmp_path / "q.sqlite", salt=b"s" * 32)
    for _ in range(2):
        log.record(question="怎么捐款", lang="zh-hans", chat_type="private", user_id=1, hits=[],
                   verdict=Verdict.NONE)
    log.record(question="怎么联系", lang="zh-hans", chat_type="private", user_id=2, hits=[],
               verdict=Verdict.ANSWER, faq="9cb33d9c")
    summary = log.summary()
    assert [m.question for m in summary.unanswered] == ["怎么捐款"]
    assert summary.faq == {"9cb33d9c": 1} and summary.answered == 1
    assert log.answered_by("怎么捐款", "f9ae0fad") == 2
    summary = log.summary()
    assert summary.unanswered == [] and summary.faq == {"f9ae0fad": 2, "9cb33d9c": 1}
    text = format_summary(summary, {"9cb33d9c": "怎么联系绿发会？"})
    assert "Answered by the staff's pairs (faq.md):" in text
    assert "1×  怎么联系绿发会？" in text and "(pair f9ae0fad, no longer in the corpus)" in text
    log.close()


def test_an_asker_waits_once_per_question_and_is_forgotten_after_30_days(tmp_path):
    import os
    import time

    from cepf_bot.bot.waiting import KEEP_DAYS, WaitingList

    waiting = WaitingList.beside(tmp_path / "queries.sqlite")
    assert waiting.path == tmp_path / "queries.sqlite.waiting"
    assert os.stat(waiting.path).st_mode & 0o777 == 0o600
    now = time.time()
    waiting.add(501, "绿会有微信吗", "zh:zh-hans", at=now - (KEEP_DAYS + 1) * 86400)
    waiting.add(502, "绿会有微信吗", "zh:zh-tw", at=now)
    waiting.add(502, "绿会有微信吗", "zh:zh-hk", at=now)  # pressed again: kept once
    rows = waiting.pending()
    assert [(r.chat_id, r.locale) for r in rows] == [(502, "zh:zh-hk")]  # 501: unclaimed
    waiting.forget([rows[0].id])
    assert waiting.pending() == []
    waiting.close()
