import json
import logging

import numpy as np
import pytest

from cepf_bot.errors import CorpusError, IndexLoadError, IndexMissing
from cepf_bot.index import store as store_mod
from cepf_bot.index.build import FORMAT_VERSION
from cepf_bot.index.store import load_index, save_index
from cepf_bot.types import BM25Params
from tests.conftest import open_engine


def open_index(corpus, index_path, params):
    """The index an engine opens (loads, or builds when missing or stale)."""
    return open_engine(corpus, index_path, params).searcher.index, None


def reseal(path):
    """Make CURRENT vouch for the (edited) meta.json, as a genuine writer would."""
    gen = current_generation(path)
    (path / "CURRENT").write_text(f"{gen.name} {store_mod._digest(gen / 'meta.json')}")


def current_generation(path):
    return path / (path / "CURRENT").read_text().split()[0]


def test_round_trip_keeps_passages_postings_and_metadata(tmp_path, index):
    save_index(index, tmp_path / "idx")
    loaded = load_index(tmp_path / "idx")
    assert tuple(loaded.passages) == tuple(index.passages)
    assert loaded.documents == index.documents
    assert loaded.meta == index.meta
    assert loaded.postings.terms == index.postings.terms
    for name in ("idf", "offsets", "docs", "weights"):
        np.testing.assert_array_equal(getattr(loaded.postings, name),
                                      getattr(index.postings, name))


def test_metadata_records_what_the_index_was_built_from(tmp_path, index):
    save_index(index, tmp_path / "idx")
    meta = json.loads((current_generation(tmp_path / "idx") / "meta.json").read_text())
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["params"] == {"k1": 1.2, "b": 0.75, "epsilon": 0.25}
    for key in ("package_version", "corpus_fingerprint", "tokenizer", "built_at", "checksums"):
        assert meta[key]
    assert not list((tmp_path / "idx").rglob("*.pkl"))


def test_missing_index_is_reported(tmp_path):
    with pytest.raises(IndexMissing):
        load_index(tmp_path / "nothing")


def test_a_failed_save_leaves_the_previous_index(tmp_path, index, monkeypatch):
    save_index(index, tmp_path / "idx")
    before = (tmp_path / "idx" / "CURRENT").read_text()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_mod.np, "save", explode)
    with pytest.raises(OSError):
        save_index(index, tmp_path / "idx")
    assert (tmp_path / "idx" / "CURRENT").read_text() == before
    assert tuple(load_index(tmp_path / "idx").passages) == tuple(index.passages)
    assert not [p for p in (tmp_path / "idx").iterdir() if p.name.startswith(".tmp-")]


def test_old_generations_are_cleaned_up(tmp_path, index):
    for _ in range(4):
        save_index(index, tmp_path / "idx")
    generations = [p for p in (tmp_path / "idx").iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2


def test_corrupted_index_is_detected_by_checksum(tmp_path, index):
    save_index(index, tmp_path / "idx")
    weights = current_generation(tmp_path / "idx") / "weights.npy"
    data = bytearray(weights.read_bytes())
    data[-3] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(IndexLoadError, match="checksum mismatch"):
        load_index(tmp_path / "idx")


def test_pickled_array_is_never_loaded(tmp_path, index):
    save_index(index, tmp_path / "idx")
    gen = current_generation(tmp_path / "idx")
    np.save(gen / "idf.npy", np.array([object()], dtype=object), allow_pickle=True)
    meta = json.loads((gen / "meta.json").read_text())
    meta["checksums"]["idf.npy"] = store_mod._digest(gen / "idf.npy")  # a careful tamperer
    (gen / "meta.json").write_text(json.dumps(meta))
    reseal(tmp_path / "idx")
    with pytest.raises(IndexLoadError, match="malformed"):
        load_index(tmp_path / "idx")


def test_newer_format_is_refused_with_a_clear_line(tmp_path, index):
    save_index(index, tmp_path / "idx")
    meta_path = current_generation(tmp_path / "idx") / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match=r"meta\.json: checksum mismatch"):
        load_index(tmp_path / "idx")  # an edit is tampering
    reseal(tmp_path / "idx")  # a genuine newer writer
    with pytest.raises(IndexLoadError, match="newer than this cepf-bot reads"):
        load_index(tmp_path / "idx")


def test_open_index_builds_when_missing_and_reuses_when_current(tmp_path, corpus_dir, caplog):
    caplog.set_level(logging.INFO, logger="cepf_bot")
    first, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    assert "no index yet" in caplog.text
    caplog.clear()
    second, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    assert caplog.text == ""
    assert second.meta.built_at == first.meta.built_at


def test_stale_index_is_rebuilt_when_the_corpus_changes(tmp_path, corpus_dir, caplog):
    first, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    (corpus_dir / "news.md").write_text("# 新闻\n\n绿发会举办观鸟活动。\n", "utf-8")
    caplog.set_level(logging.INFO, logger="cepf_bot")
    second, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    assert "changed since the index was built" in caplog.text
    assert second.meta.documents == first.meta.documents + 1
    assert load_index(tmp_path / "idx").meta.corpus_fingerprint == second.meta.corpus_fingerprint


def test_changed_parameters_make_the_index_stale(tmp_path, corpus_dir):
    open_index(corpus_dir, tmp_path / "idx", BM25Params())
    rebuilt, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params(k1=1.6))
    assert rebuilt.meta.params.k1 == 1.6


def test_failed_rebuild_keeps_the_last_good_index(tmp_path, corpus_dir, caplog):
    good, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    (corpus_dir / "broken.md").write_bytes(b"\xff\xfe")
    caplog.set_level(logging.INFO, logger="cepf_bot")
    kept, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    assert kept.meta.built_at == good.meta.built_at
    assert "broken.md: not valid UTF-8" in caplog.text and "last good index" in caplog.text


def test_failed_first_build_raises(tmp_path):
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError):
        open_index(tmp_path / "c", tmp_path / "idx", BM25Params())


def test_corrupt_index_is_rebuilt_from_the_corpus(tmp_path, corpus_dir):
    open_index(corpus_dir, tmp_path / "idx", BM25Params())
    (current_generation(tmp_path / "idx") / "terms.json").write_text("[")
    rebuilt, _ = open_index(corpus_dir, tmp_path / "idx", BM25Params())
    assert load_index(tmp_path / "idx").meta.built_at == rebuilt.meta.built_at


def test_a_loaded_index_gives_its_passage_ids_without_decoding_texts(tmp_path, corpus_dir):
    from cepf_bot.index.lazy import LazyPassages, passage_ids

    engine = open_engine(corpus_dir, tmp_path / "idx")
    engine.reindex()
    loaded = open_engine(corpus_dir, tmp_path / "idx").searcher.index.passages
    assert isinstance(loaded, LazyPassages)
    assert passage_ids(loaded) == [p.id for p in loaded]
