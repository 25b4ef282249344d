"""A passage is indexed in simplified characters, without pinyin reading aids, as questions are
read; its text stays verbatim. Invented passages only."""

from cepf_bot.analysis.script import without_readings
from cepf_bot.index.term_cache import index_text
from cepf_bot.types import Passage


def passage(text: str, title: str = "标题") -> Passage:
    return Passage(id="d#1", document_id="d", document="文档", title=title, text=text)


def test_a_traditional_passage_is_indexed_in_simplified_characters():
    assert "基金会副秘书长" in index_text(passage("基金會副秘書長出席了會議。"))


def test_reading_aids_are_left_out_and_brackets_that_are_not_readings_stay():
    assert without_readings("綠會(huì)副秘書(shū)長(zhǎng)") == "綠會副秘書長"
    plain = "世界自然保护联盟(IUCN)和(GEP)核算"
    assert without_readings(plain) == plain


def test_the_stored_text_is_not_rewritten(tmp_path):
    from tests.conftest import open_engine, reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# 會議\n\n綠會(huì)副秘書長出席了保護地會議,提出七條建議。\n",
                                 "utf-8")
    (corpus / "b.md").write_text("# 湿地\n\n志愿者在河口湿地记录到三十六种水鸟和四只黑脸琵鹭。\n",
                                 "utf-8")
    (corpus / "c.md").write_text("# 讲座\n\n秘书长在大学讲授生态文明课程,学生反响热烈。\n", "utf-8")
    reindex(corpus, tmp_path / "index")
    searcher = open_engine(corpus, tmp_path / "index").searcher
    scores = searcher.scores(searcher.analyse("绿会副秘书长提了几条建议"))
    best = searcher.index.passages[int(scores.argmax())]
    assert best.text == "綠會(huì)副秘書長出席了保護地會議,提出七條建議。"
