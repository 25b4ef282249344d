"""Issue 6: exact scoring from document parts, incremental and parallel reindex, progress."""

import dataclasses
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

from cepf_bot.corpus import folder as corpus_mod
from cepf_bot.corpus.folder import load_corpus
from cepf_bot.index import bm25, postings_update
from cepf_bot.index import term_cache as token_cache
from cepf_bot.index.build import build_index
from cepf_bot.index.store import load_index
from cepf_bot.types import BM25Params
from tests.conftest import reindex, segmenter_for


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


def random_document(rng, lexicon, words):
    tokens = [list(rng.choice(words, size=rng.integers(1, 12)))
              for _ in range(rng.integers(1, 6))]
    return bm25.DocumentTerms.from_tokens(tokens, lexicon)


@pytest.mark.parametrize("copy_runs_max", [0, 10**9])  # whole arrays, or run by run
@pytest.mark.parametrize("seed", range(30))
def test_updating_postings_equals_sorting_them_again(seed, copy_runs_max, monkeypatch):
    """Drop, keep, renumber and add documents at random: the update is the full sort, exactly."""
    monkeypatch.setattr(postings_update, "_COPY_RUNS_MAX", copy_runs_max)
    rng = np.random.default_rng(seed)
    lexicon = bm25.Lexicon()
    old = [random_document(rng, lexicon, [f"w{i}" for i in range(30)])
           for _ in range(rng.integers(1, 8))]
    previous = bm25.sort_parts(old, len(lexicon))
    old_starts = np.cumsum([0, *(len(d.lengths) for d in old)])
    new_words = [f"w{i}" for i in range(45)]  # later documents bring new terms too
    corpus, added, passage_map = [], [], np.full(old_starts[-1], -1, dtype=np.int32)
    start = 0
    for j in [*range(len(old)), None]:
        if rng.random() < 0.4:
            document = random_document(rng, lexicon, new_words)
            added.append((start, document))
            corpus.append(document)
            start += len(document.lengths)
        if j is not None and rng.random() < 0.7:
            count = len(old[j].lengths)
            passage_map[old_starts[j] : old_starts[j + 1]] = np.arange(start, start + count)
            corpus.append(old[j])
            start += count
    if not corpus:
        return
    expected = bm25.sort_parts(corpus, len(lexicon))
    new_parts = bm25.sort_parts([d for _, d in added], len(lexicon), [s for s, _ in added])
    updated = postings_update.update_parts(
        previous, passage_map, dataclasses.replace(new_parts, doc_len=expected.doc_len))
    for name in ("offsets", "docs", "tf", "doc_len"):
        np.testing.assert_array_equal(getattr(updated, name), getattr(expected, name),
                                      err_msg=name)


def write_docs(folder, count, start=0):
    for i in range(start, start + count):
        (folder / f"doc{i:03d}.md").write_text(
            f"# 文档{i}\n\n第{i}号文档讲斑海豹保护。\n\n第{i}号文档的第二段讲暗夜保护地。\n",
            "utf-8")


def segmented(tmp_path, corpus):
    return reindex(corpus, tmp_path / "idx").meta.segmented_documents


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
    fresh = build_index(load_corpus(corpus), segmenter_for(corpus),
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
    segmenter = segmenter_for(corpus, jieba_cache)
    sequential = build_index(load_corpus(corpus), segmenter, BM25Params())
    monkeypatch.setattr(token_cache, "PARALLEL_CHARS", 0)
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
    assert list(a.passages) == list(b.passages)  # ids, titles and texts, verbatim
    assert a.documents == b.documents


def test_incremental_update_equals_a_full_build_bit_for_bit(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 8)
    reindex(corpus, tmp_path / "idx")
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
        updated = reindex(corpus, tmp_path / "idx")
        assert updated.meta.incremental
        segmenter = segmenter_for(corpus)
        # A full merge over the same lexicon: identical arrays, bit for bit.
        full = build_index(load_corpus(corpus), segmenter, BM25Params(),
                           cache=tmp_path / "idx" / "token-cache")
        assert not full.meta.incremental
        assert_same_index(updated, full)
        assert_same_index(load_index(tmp_path / "idx"), full)
        # A build from nothing numbers terms differently but scores the same.
        fresh = build_index(load_corpus(corpus), segmenter, BM25Params())
        for query in ({"斑海豹": 1.0}, {"暗夜": 1.0, "保护": 2.0}, {"观鸟节": 1.0, "狐獴": 1.0}):
            np.testing.assert_allclose(bm25.score(updated.postings, query),
                                       bm25.score(fresh.postings, query), atol=1e-9)


def test_reindex_splits_only_the_files_that_changed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docs(corpus, 5)
    reindex(corpus, tmp_path / "idx")
    split = []
    parse = corpus_mod.document_of
    monkeypatch.setattr(corpus_mod, "document_of",
                        lambda doc_id, *args: split.append(doc_id) or parse(doc_id, *args))
    (corpus / "doc003.md").write_text("# 文档3\n\n改过：观鸟节。\n\n第二段。\n", "utf-8")
    (corpus / "doc001.md").rename(corpus / "doc009.md")
    updated = reindex(corpus, tmp_path / "idx")
    assert sorted(split) == ["doc003", "doc009"]  # the changed file and the renamed one
    full = build_index(load_corpus(corpus), segmenter_for(corpus), BM25Params())
    assert len(split) == 2 + 5  # building from nothing splits every file
    assert list(updated.passages) == list(full.passages)
    assert list(load_index(tmp_path / "idx").passages) == list(full.passages)
    assert updated.documents == full.documents
