"""English documents answered in English, and official translations aligned with their
originals. The documents are made here: the foundation's text is never translated by us."""

from __future__ import annotations

import logging

import pytest

from cepf_bot.analysis.english_stems import english_stem
from tests.conftest import open_engine

ORIGINAL = """# 暗夜保护试点

## 阿里
阿里试点暗夜保护地建于2018年，面积约2500平方公里。

## 那曲
那曲试点暗夜保护地建于2019年，由当地牧民参与巡护。
"""
TRANSLATION = """---
translation_of: {original}
---
# Dark-sky protection pilots

## Ngari
The Ngari pilot dark-sky reserve was established in 2018 and covers about 2500 square kilometres.

## Nagqu
The Nagqu pilot dark-sky reserve was established in 2019; local herders take part in patrols.
"""
ENGLISH = """# Tree planting pilot

## Volunteers
Volunteers planted 500 saplings along the pilot river bank in spring 2021.
"""


@pytest.fixture
def engine(corpus_dir, tmp_path):  # type: ignore[no-untyped-def]
    (corpus_dir / "pilots.md").write_text(ORIGINAL, "utf-8")
    (corpus_dir / "pilots-en.md").write_text(TRANSLATION.format(original="pilots"), "utf-8")
    (corpus_dir / "trees.md").write_text(ENGLISH, "utf-8")
    return open_engine(corpus_dir, tmp_path / "index")


def test_stems_join_the_forms_of_an_english_word():
    assert english_stem("planting") == english_stem("planted") == "plant"
    assert english_stem("IUCN".lower()) == "iucn" and english_stem("2019") == "2019"


def test_an_english_document_is_detected_and_found_by_another_form_of_a_word(engine):
    documents = {d.id: d.metadata["lang"] for d in engine.info().documents}
    assert documents["trees"] == "en" and documents["pilots"] == "zh"
    assert documents["pilots-en"] == "en"
    results = engine.searcher.ask("How many saplings did the volunteers plant?", english=True)
    assert results.hits[0].passage.document_id == "trees"
    assert results.answer is not None and "500 saplings" in results.answer.text


def test_an_english_reader_gets_the_translation_first_and_the_original_below(engine):
    results = engine.searcher.ask("When was the Nagqu dark-sky reserve established?",
                                  english=True)
    first, second = results.hits[0].passage, results.hits[1].passage
    assert first.document_id == "pilots-en" and "Nagqu" in first.text
    assert second.document_id == "pilots" and "那曲" in second.text
    assert first.original == second.id
    assert [h.rank for h in results.hits[:2]] == [1, 2]
    assert "2019" in results.answer.text and "established" in results.answer.text


def test_a_chinese_question_read_in_english_brings_the_translation_first(engine):
    searcher = engine.searcher
    chinese = searcher.ask("那曲暗夜保护地是哪年建的")
    assert chinese.hits[0].passage.document_id == "pilots"
    english = searcher.ask("那曲暗夜保护地是哪年建的", english=True)
    assert [h.passage.document_id for h in english.hits[:2]] == ["pilots-en", "pilots"]


def test_a_translation_whose_sections_do_not_match_is_a_warning_naming_both(corpus_dir,
                                                                           tmp_path, caplog):
    (corpus_dir / "pilots.md").write_text(ORIGINAL, "utf-8")
    short = TRANSLATION.format(original="pilots").split("## Nagqu")[0]
    (corpus_dir / "pilots-en.md").write_text(short, "utf-8")
    with caplog.at_level(logging.WARNING):
        engine = open_engine(corpus_dir, tmp_path / "index")
    assert "pilots-en.md has 1 sections, its original" in caplog.text
    assert "pilots.md has 2" in caplog.text
    passages = [p for p in engine.searcher.index.passages if p.document_id == "pilots-en"]
    assert passages and not any(p.original for p in passages)


def test_a_translation_of_a_missing_document_is_a_warning(corpus_dir, tmp_path, caplog):
    (corpus_dir / "pilots-en.md").write_text(TRANSLATION.format(original="nowhere"), "utf-8")
    with caplog.at_level(logging.WARNING):
        open_engine(corpus_dir, tmp_path / "index")
    assert "translation_of names 'nowhere'" in caplog.text


def test_an_everyday_english_word_of_the_pages_is_no_name_of_a_glossary_term(segmenter):
    """A glossary phrase the corpus uses as a term is one more name of the rule's term only
    when it is an acronym: with English pages in the corpus, "wetland" must not make every
    phrase of the Ramsar rule find every page that says wetland."""
    from cepf_bot.analysis.expansion import QueryExpander
    from cepf_bot.analysis.vocabulary import Rule, Vocabulary

    rule = Rule("国际湿地公约", ("ramsar", "wetland", "cms"), "Ramsar Convention (CMS)")
    vocabulary = Vocabulary(glossary=(rule,))
    expander = QueryExpander.for_vocabulary(vocabulary, segmenter,
                                            corpus_terms={"ramsar", "wetland", "cms"})
    found = expander.expand(["ramsar"]).terms
    assert "ramsar" in found and "cms" in found  # acronyms: names of the term
    assert "wetland" not in found
