"""Mistyped words read as the corpus's own: by sound for Chinese, by one edit for Latin."""

from __future__ import annotations

from pathlib import Path

from cepf_bot.analysis.segment import Group
from cepf_bot.search.searcher import Searcher
from cepf_bot.search.spelling import Speller
from cepf_bot.types import Correction, Verdict
from tests.conftest import engine_with_pages
from tests.unit.search.test_verdict import model_that_says


def test_a_latin_slip_is_read_as_the_one_word_of_a_large_vocabulary_one_edit_away():
    words = ["expenditure", "expenditures", "income", "chair", "choir", "expected"]
    speller = Speller([], iter(words), is_known=lambda w: False, is_english=lambda w: False)
    assert speller.corrections([Group("expendature", ("expendature",), "word")]) == [
        Correction("expendature", "expenditure")]
    # two words one edit away: no guess
    assert speller.corrections([Group("chiir", ("chiir",), "word")]) == []


def test_the_vocabulary_is_read_only_when_a_word_needs_it():
    read: list[str] = []

    def vocabulary():  # type: ignore[no-untyped-def]
        read.append("read")
        yield "expenditure"

    speller = Speller([], vocabulary(), is_known=lambda w: False, is_english=lambda w: False)
    assert speller.corrections([Group("在", ("在",), "han")]) == [] and read == []
    speller.corrections([Group("expendture", ("expendture",), "word")])
    assert read == ["read"]


def test_the_profile_reads_a_mistyped_english_word_as_the_word_it_matches(searcher: Searcher):
    results = searcher.ask("How much was the foundation's total expendture?")
    assert [c.read for c in results.read_as] == ["expenditure"]
    assert results.hits and "23122739.73" in results.hits[0].passage.text


def test_a_three_character_word_of_a_new_document_is_read_by_its_sound(tmp_path: Path):
    # no hand dictionary lists 湄公河: the index's own word is what the typo is read against
    searcher = engine_with_pages(tmp_path, {
        "river.md": "# 流域项目\n\n湄公河流域湿地保护项目于2021年3月在老挝启动，由三国联合开展。\n"
    }).searcher
    assert searcher.ask("湄公河的项目什么时候启动").verdict == Verdict.ANSWER
    results = searcher.ask("眉公河的项目什么时候启动")
    assert [(c.typed, c.read) for c in results.read_as] == [("眉公河", "湄公河")]
    assert results.hits and "2021年3月" in results.hits[0].passage.text


def test_two_characters_are_never_read_as_another_index_word_of_the_same_sound(
        searcher: Searcher):
    # 猫一 (mao yi) sounds like 贸易, a word of the profile: not a reading of 大熊猫一天
    results = searcher.ask("大熊猫一天要吃多少斤竹子")
    assert all(c.read != "贸易" for c in results.read_as)


def test_a_reading_that_finds_closest_passages_is_used_when_the_typed_question_finds_none(
        searcher: Searcher):
    # a model that is never sure: the typed question ranks nothing (济/洲/岛 are no words of
    # the corpus), its reading ranks the Jeju meeting and is shown as closest
    unsure = Searcher(searcher.index, searcher.segmenter, searcher.relevance,
                      model_that_says(Verdict.CLOSEST))
    assert unsure.judge("济洲岛是什么时候").verdict == Verdict.NONE
    results = unsure.ask("济洲岛是什么时候")
    assert results.verdict == Verdict.CLOSEST
    assert [c.read for c in results.read_as] == ["济州岛"]
    assert "济州岛" in results.hits[0].passage.text


def test_the_sound_of_han_text_is_pypinyins_reading_of_it():
    import random

    from cepf_bot.analysis.english_forms import load_pinyin
    from cepf_bot.search.spelling import sound

    rng = random.Random(26)
    characters = [chr(c) for c in [*range(0x4E00, 0x9FA6, 5), *range(0x3400, 0x3500)]]
    for _ in range(2_000):
        text = "".join(rng.choice(characters) for _ in range(rng.randint(1, 8)))
        assert sound.__wrapped__(text) == " ".join(load_pinyin()(text)), text
    assert sound("绿发会 IUCN") == " ".join(load_pinyin()("绿发会 IUCN"))


def test_a_question_of_runs_of_unknown_characters_reads_each_character_once(
        searcher: Searcher, monkeypatch):
    """M1 (issue 26): 1,000 characters in runs each ended by a Latin letter cost one pypinyin
    call a stretch (1,354 of them, 0.2 s) the first time they were seen."""
    import random

    from cepf_bot.search import spelling

    calls = []
    reader = spelling.load_pinyin()
    monkeypatch.setattr(spelling, "load_pinyin", lambda: lambda text: calls.append(text)
                        or reader(text))
    spelling.sound.cache_clear()
    if hasattr(spelling, "_character_sound"):
        spelling._character_sound.cache_clear()
    rng = random.Random(7)
    common = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得"
              "里后自以会家可下而过天去能对小多")
    question = ""
    while len(question) < 1000:
        question += "".join(rng.choice(common) for _ in range(199)) + "a"
    searcher.ask(question[:1000])
    assert len(calls) <= len(set(question))


def test_a_stretch_read_by_its_sound_never_cuts_a_word_the_corpus_knows():
    """理事会一共: 会一 sounds like 会议, but 会 ends 理事会, a word the corpus knows; 秘书张
    holds 秘书 whole and the unknown 张 beside it."""
    known = {"理事会", "理事", "秘书"}
    speller = Speller(["会议", "秘书长"], [], is_known=known.__contains__,
                      is_english=lambda w: False)
    run = [Group("理事会", ("理事会",), "han"), Group("一共", ("一共",), "han")]
    assert speller.corrections(run) == []
    typed = [Group("秘书", ("秘书",), "han"), Group("张是", ("张是",), "han"),
             Group("谁", (), "han")]
    assert speller.corrections(typed) == [Correction("秘书张", "秘书长")]


def test_everyday_words_are_read_as_typed_and_a_stretch_never_cuts_one():
    """写一篇: 写一 sounds like 协议 but ends inside 一篇, a word of everyday Chinese; 知道 and
    是和 are everyday words, typed as meant; 狂犬并 is three characters, 并 unknown to the
    corpus: a slip for 狂犬病."""
    everyday = {"写", "知道", "是", "和", "并", "一篇"}
    speller = Speller(["协议", "指导", "适合", "狂犬病"], [],
                      is_known={"狂犬"}.__contains__, is_english=lambda w: False,
                      is_dictionary_word=everyday.__contains__, is_everyday=everyday.__contains__)

    def run(*words: str) -> list[Group]:
        return [Group(w, (w,), "han") for w in words]

    assert speller.corrections(run("写", "一篇", "作文")) == []
    assert speller.corrections(run("知道", "一下")) == []
    assert speller.corrections(run("是", "和", "谁")) == []
    assert speller.corrections(run("狂犬", "并", "那个")) == [Correction("狂犬并", "狂犬病")]


def test_the_profile_corrects_no_everyday_word_of_a_far_question(searcher: Searcher):
    """The speller of a real index: jieba's dictionary says which words are everyday."""
    assert searcher.speller.corrections(searcher.segmenter.groups("帮我写一篇关于秋天的作文")) == []
    assert searcher.speller.corrections(searcher.segmenter.groups("绿法会的收入")) == [
        Correction("绿法会", "绿发会")]
