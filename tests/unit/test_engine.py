"""The engine owns the live index: open, reindex and swap, reload, info; stable passage ids."""

from __future__ import annotations

import threading
import time

import pytest

from cepf_bot.analysis.vocabulary import read_vocabulary
from cepf_bot.config import resolve_paths
from cepf_bot.corpus.folder import corpus_fingerprint
from cepf_bot.engine import Engine
from cepf_bot.errors import CorpusError
from cepf_bot.index.store import writer_lock

DOCUMENT = "foundation-international-cooperation.md"


def engine_for(corpus_dir, tmp_path) -> Engine:
    return Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "idx")))


def passage_ids(engine: Engine) -> dict[str, str]:
    """Passage text -> id, for every passage of the index in use."""
    return {p.text: p.id for p in engine.searcher.index.passages}


def test_a_paragraph_added_at_the_top_changes_no_other_passage_id(tmp_path, corpus_dir):
    engine = engine_for(corpus_dir, tmp_path)
    before = passage_ids(engine)
    path = corpus_dir / DOCUMENT
    text = path.read_text("utf-8")
    title_end = text.index("\n", text.index("\n# ")) + 1
    path.write_text(text[:title_end] + "\n绿发会新增的一段介绍文字。\n" + text[title_end:], "utf-8")
    engine.reindex()
    after = passage_ids(engine)
    assert len(after) == len(before) + 1
    assert {text: after[text] for text in before} == before


def test_a_passage_repeated_in_one_document_gets_distinct_ids(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    twice = "同一段话在这份文档里出现了两次。"
    once = "另一段话只在这份文档里出现一次。"
    (corpus / "d.md").write_text(f"# 文档\n\n{twice}\n\n{once}\n\n{twice}\n", "utf-8")
    ids = [p.id for p in engine_for(corpus, tmp_path).searcher.index.passages]
    assert len(set(ids)) == 3 and ids[2] == ids[0] + "-2"


def test_reindex_swaps_the_new_index_in_and_a_failed_one_keeps_the_old(tmp_path, corpus_dir):
    engine = engine_for(corpus_dir, tmp_path)
    assert engine.searcher.search("观鸟节") == []
    (corpus_dir / "news.md").write_text("# 新闻\n\n绿发会举办观鸟节活动。\n", "utf-8")
    info = engine.reindex()
    assert len(info.documents) == 2 and info.generation
    assert "观鸟节" in engine.searcher.search("观鸟节")[0].passage.text
    serving = engine.searcher
    (corpus_dir / "bad.md").write_bytes(b"\xff")
    with pytest.raises(CorpusError, match=r"bad\.md"):
        engine.reindex()
    assert engine.searcher is serving
    assert engine.info().generation == info.generation


def test_a_generation_made_by_another_process_is_reloaded_once(tmp_path, corpus_dir):
    serving = engine_for(corpus_dir, tmp_path)
    assert serving.reload_if_changed() is None  # nothing new
    (corpus_dir / "news.md").write_text("# 新闻\n\n绿发会举办观鸟节活动。\n", "utf-8")
    other = Engine(serving.paths)  # `cepf-bot reindex` beside the bot
    made = other.reindex().generation
    assert serving.reload_if_changed() == made
    assert serving.info().generation == made and serving.searcher.search("观鸟节")
    assert serving.reload_if_changed() is None


def test_word_files_are_read_inside_the_writer_lock(tmp_path, corpus_dir):
    """A dictionary edited while a reindex waits for the lock is the one the index is built
    with, and the index's fingerprint is of what was read: it is not left stale."""
    engine = engine_for(corpus_dir, tmp_path)
    done = threading.Event()
    with writer_lock(engine.paths.index_path):
        worker = threading.Thread(target=lambda: (engine.reindex(), done.set()))
        worker.start()
        time.sleep(0.3)  # the reindex is waiting for the lock now
        assert not done.is_set()
        with (corpus_dir / "dictionary.txt").open("a", encoding="utf-8") as f:
            f.write("\n观鸟节狂欢 100\n")
    worker.join(30)
    assert done.is_set()
    meta = engine.searcher.index.meta
    assert "观鸟节狂欢 100" in meta.tokenizer["user_words"]
    assert meta.corpus_fingerprint == corpus_fingerprint(corpus_dir)


def test_vocabulary_holds_every_word_file_and_their_digests(corpus_dir):
    vocabulary = read_vocabulary(corpus_dir)
    assert set(vocabulary.digests) == {"dictionary.txt", "stopwords.txt", "synonyms.txt",
                                       "glossary.txt", "traditional.txt", "names.txt"}
    assert vocabulary.traditional["绿发会"] == "綠發會"
    assert any(rule.target == "秘书长" for rule in vocabulary.glossary)
    assert "秘书长" in vocabulary.user_words


def test_a_malformed_rule_is_named_with_its_file_and_line(corpus_dir):
    (corpus_dir / "synonyms.txt").write_text("收入 = 挣\n没有等号的一行\n", "utf-8")
    with pytest.raises(CorpusError, match=r"synonyms.txt: rule 2"):
        read_vocabulary(corpus_dir)


def test_stored_info_checks_the_saved_index(tmp_path, corpus_dir):
    engine = engine_for(corpus_dir, tmp_path)
    stored = Engine.stored_info(engine.paths.index_path)
    assert stored == engine.info() and stored.passages == len(engine.searcher.index.passages)


NEW_PAGE = "# 湿地调查\n\n湿地调查覆盖了十二个保护小区，记录到候鸟四十种。\n"


def test_an_upload_added_through_the_engine_is_answered(tmp_path, corpus_dir):
    engine = engine_for(corpus_dir, tmp_path)
    preview = engine.preview_upload("wetland.md", NEW_PAGE.encode())
    assert preview.document is not None and not preview.replaces
    info, replaced = engine.add_upload(preview, NEW_PAGE.encode())
    assert not replaced and (corpus_dir / "wetland.md").exists()
    assert any(d.title == "湿地调查" for d in info.documents)
    assert "湿地调查" in engine.searcher.ask("湿地调查覆盖了多少个保护小区").hits[0].passage.text


def test_an_upload_whose_reindex_fails_is_undone_and_the_old_index_serves(tmp_path, corpus_dir):
    engine = engine_for(corpus_dir, tmp_path)
    before = engine.info()
    preview = engine.preview_upload("wetland.md", NEW_PAGE.encode())
    (corpus_dir / "broken.md").write_bytes(b"\x00 not text")  # the reindex will refuse it
    with pytest.raises(CorpusError, match=r"broken\.md"):
        engine.add_upload(preview, NEW_PAGE.encode())
    assert not (corpus_dir / "wetland.md").exists()
    assert engine.info().generation == before.generation
