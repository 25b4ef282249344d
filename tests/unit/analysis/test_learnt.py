"""Words a document marks are learnt when it is indexed (issue 25, item 3): they join the
segmenter's words for that index, so a question cut the same way meets them. Invented text."""

from pathlib import Path

from cepf_bot.analysis.learnt import (
    MAX_PER_DOCUMENT,
    choose,
    expansion_words,
    marked_words,
    recurring_words,
)
from cepf_bot.analysis.segment import Segmenter
from cepf_bot.config import resolve_paths
from cepf_bot.engine import Engine


def test_titles_and_short_quoted_terms_are_marked_words():
    text = "我们读了《青河湿地守护手册》，提出“蓝岸行动”，又说“这是一句很长很长的引用话语而已”。"
    assert marked_words(text) == ["青河湿地守护手册", "蓝岸行动"]


def test_a_bracketed_abbreviation_teaches_itself_and_the_name_it_abbreviates(segmenter):
    text = "她就读于北川理工学院(北理)，北理的同学"
    assert expansion_words(text, segmenter.words) == ["北理", "北川理工学院"]


def test_an_acronym_teaches_the_words_before_it_met_again_in_the_text(segmenter):
    text = "我们加入了青山鸟类协会(QBS)。青山鸟类协会在西部。"
    assert expansion_words(text, segmenter.words) == ["青山鸟类协会"]
    assert expansion_words("我们加入了青山鸟类协会(QBS)。", segmenter.words) == []


def test_single_characters_cut_apart_and_met_twice_are_a_recurring_word():
    pieces = [[("郅", False), ("芃", False), ("来", False), ("了", True)],
              [("郅", False), ("芃", False), ("来", False)], [("郅", False), ("走", False)]]
    assert recurring_words(pieces) == ["郅芃来"]


def test_words_jieba_holds_whole_are_not_learnt_and_a_document_teaches_at_most_the_cap():
    assert choose(["湿地", "蓝岸行动", "蓝岸行动"], known=lambda w: w == "湿地") == ["蓝岸行动"]
    many = [f"词{i:03d}" for i in range(3 * MAX_PER_DOCUMENT)]
    assert len(choose(many, known=lambda w: False)) == MAX_PER_DOCUMENT


def test_learnt_words_join_the_words_that_spell_them_and_keep_their_parts(segmenter):
    plain = segmenter.groups("我们读了青河湿地守护手册")
    learnt = Segmenter.join(segmenter.pieces("我们读了青河湿地守护手册"), {"青河湿地守护手册"})
    assert "青河湿地守护手册" not in [g.word for g in plain]
    joined = next(g for g in learnt if g.word == "青河湿地守护手册")
    assert joined.tokens[-1] == "青河湿地守护手册"
    assert set(joined.tokens[:-1]) == {t for g in plain[2:] for t in g.tokens}
    # never from part of a word: 湿地守 is not made of 湿地 and 守护's 守
    assert Segmenter.join(segmenter.pieces("湿地守护"), {"湿地守"}) == segmenter.groups("湿地守护")


def test_an_index_learns_a_documents_words_and_questions_are_read_with_them(
        tmp_path: Path, corpus_dir: Path):
    (corpus_dir / "report.md").write_text(
        "# 蓝岸简报\n\n我们发布了《青河湿地守护手册》。她就读于北川理工学院(北理)，"
        "北理的学生参加了守护活动。\n", "utf-8")
    engine = Engine(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))
    engine.reindex()
    index = engine.searcher.index
    assert {"青河湿地守护手册", "北理", "北川理工学院"} <= set(index.meta.learnt_words)
    assert "北理" in index.postings.terms and "青河湿地守护手册" in index.postings.terms
    # saved as JSON in the index and loaded with it: a question is cut the same way
    reloaded = Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))
    segmenter = reloaded.searcher.segmenter
    assert "北理" in segmenter.learnt_words
    assert "北理" in segmenter.tokens("北理有多少学生")
    # a sentence holding a learnt word still has the words it joins: the answer sentence
    # weighs 手册 in 《青河湿地守护手册》 as before the word was learnt
    words = reloaded.searcher._plain_words("我们发布了《青河湿地守护手册》。")
    assert {"手册", "青河湿地守护手册"} <= words
