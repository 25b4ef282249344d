"""Issue 6: exact scoring from document parts, incremental and parallel reindex, progress."""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from cepf_bot import bm25
from cepf_bot import index as index_mod
from cepf_bot.corpus import load_corpus
from cepf_bot.index import build_index, load_index, reindex
from cepf_bot.types import BM25Params


def test_postings_merged_from_document_parts_match_bm25okapi():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(60)]
    docs = [[list(rng.choice(words, size=rng.integers(1, 30))) for _ in range(rng.integers(1, 9))]
            for _ in range(25)]
    flat = [tokens for doc in docs for tokens in doc]
    lexicon = bm25.Lexicon()
    merged = bm25.merge_postings([bm25.DocumentTerms.from_tokens(d, lexicon) for d in docs],
                                 lexicon, BM25Params())
    oracle = BM25Okapi(flat, k1=1.2, b=0.75)
    for query in (["w0"], ["w1", "w7", "w7"], ["w59", "nope"], words[:10]):
        weights = {t: float(query.count(t)) for t in query}
        np.testing.assert_allclose(bm25.score(merged, weights), oracle.get_scores(query),
                                   atol=1e-6, rtol=0)


def write_docs(folder, count, start=0):
    for i in range(start, start + count):
        (folder / f"doc{i:03d}.md").write_text(
            f"# 文档{i}\n\n第{i}号文档讲斑海豹保护。\n\n第{i}号文档的第二段讲暗夜保护地。\n",
            "utf-8")


def segmented(tmp_path, corpus):
    index, _ = reindex(corpus, tmp_path / "idx", BM25Params())
    return index.meta.extra["segmented_documents"]


def test_incremental_reindex_segments_only_what_changed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 6)
    assert segmented(tmp_path, corpus) == 6
    assert segmented(tmp_path, corpus) == 0  # nothing changed
    (corpus / "doc002.md").write_text("# 文档2\n\n改过的文字：观鸟节。\n", "utf-8")
    assert segmented(tmp_path, corpus) == 1  # changed
    write_docs(corpus, 1, start=6)
    assert segmented(tmp_path, corpus) == 1  # added
    (corpus / "doc000.md").unlink()
    assert segmented(tmp_path, corpus) == 0  # deleted
    index = load_index(tmp_path / "idx")
    assert index.meta.documents == 6
    assert len(list((tmp_path / "idx" / "token-cache").glob("*.npy"))) == 6  # no stale entries
    fresh = build_index(load_corpus(corpus), index_mod.Segmenter.for_corpus(corpus),
                        BM25Params())
    assert set(index.postings.terms) == set(fresh.postings.terms)
    for query in ({"斑海豹": 1.0}, {"暗夜": 1.0, "保护": 2.0}, {"观鸟节": 1.0}):
        np.testing.assert_allclose(bm25.score(index.postings, query),
                                   bm25.score(fresh.postings, query), atol=1e-9)


def test_damaged_cache_entry_is_segmented_again(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 2)
    segmented(tmp_path, corpus)
    for entry in (tmp_path / "idx" / "token-cache").glob("*.npy"):
        entry.write_bytes(b"not an array")
    (tmp_path / "idx" / "CURRENT").unlink()  # no previous index: every document from the cache
    assert segmented(tmp_path, corpus) == 2


def test_parallel_segmentation_gives_the_same_index(tmp_path, monkeypatch, jieba_cache):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 12)
    segmenter = index_mod.Segmenter.for_corpus(corpus, cache_dir=jieba_cache)
    sequential = build_index(load_corpus(corpus), segmenter, BM25Params())
    monkeypatch.setattr(index_mod, "PARALLEL_CHARS", 0)
    parallel = build_index(load_corpus(corpus), segmenter, BM25Params(), jieba_cache=jieba_cache)
    assert parallel.postings.terms == sequential.postings.terms
    np.testing.assert_array_equal(parallel.postings.weights, sequential.postings.weights)


def run_reindex(tmp_path, corpus, *, tty: bool) -> str:
    env = {**os.environ, "CEPF_INDEX_PATH": str(tmp_path / f"idx-{tty}")}
    argv = [sys.executable, "-m", "cepf_bot", "reindex", "--corpus", str(corpus)]
    if not tty:
        return subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stderr
    leader, follower = pty.openpty()
    # A new pty is 0 columns wide; a terminal person's is not.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(60)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("tty", [False, True])
def test_progress_bar_only_on_a_terminal(tmp_path, tty):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 40)
    err = run_reindex(tmp_path, corpus, tty=tty)
    assert ("segmenting" in err) is tty


def assert_same_index(a, b):
    assert list(a.postings.terms) == list(b.postings.terms)
    for name in ("idf", "offsets", "docs", "weights"):
        np.testing.assert_array_equal(np.asarray(getattr(a.postings, name)),
                                      np.asarray(getattr(b.postings, name)), err_msg=name)
    assert [p.id for p in a.passages] == [p.id for p in b.passages]


def test_incremental_update_equals_a_full_build_bit_for_bit(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 8)
    reindex(corpus, tmp_path / "idx", BM25Params())
    changes = [
        lambda: (corpus / "doc003.md").write_text("# 文档3\n\n只剩一段：观鸟节。\n", "utf-8"),
        lambda: (corpus / "doc001.md").write_text(
            "# 文档1\n\n一。\n\n二段讲湿地。\n\n三段讲新词语狐獴。\n", "utf-8"),
        lambda: write_docs(corpus, 2, start=20),
        lambda: (corpus / "doc000.md").unlink(),
        lambda: (corpus / "doc007.md").rename(corpus / "doc050.md"),
    ]
    for change in changes:
        change()
        updated, _ = reindex(corpus, tmp_path / "idx", BM25Params())
        assert updated.meta.extra["incremental"]
        segmenter = index_mod.Segmenter.for_corpus(corpus)
        # A full merge over the same lexicon: identical arrays, bit for bit.
        full = build_index(load_corpus(corpus), segmenter, BM25Params(),
                           cache=tmp_path / "idx" / "token-cache")
        assert not full.meta.extra["incremental"]
        assert_same_index(updated, full)
        assert_same_index(load_index(tmp_path / "idx"), full)
        # A build from nothing numbers terms differently but scores the same.
        fresh = build_index(load_corpus(corpus), segmenter, BM25Params())
        for query in ({"斑海豹": 1.0}, {"暗夜": 1.0, "保护": 2.0}, {"观鸟节": 1.0, "狐獴": 1.0}):
            np.testing.assert_allclose(bm25.score(updated.postings, query),
                                       bm25.score(fresh.postings, query), atol=1e-9)
