"""rank-bm25's BM25Okapi is the oracle: same scores to 1e-6, same order."""

import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from cepf_bot.index import bm25
from cepf_bot.types import BM25Params


def random_corpus(rng, docs, vocab):
    words = [f"w{i}" for i in range(vocab)]
    # Zipf-like: a few words in most documents (negative idf), many rare ones.
    p = 1 / np.arange(1, vocab + 1)
    p /= p.sum()
    return [list(rng.choice(words, size=rng.integers(1, 40), p=p)) for _ in range(docs)], words


@pytest.mark.parametrize("seed", range(12))
def test_scores_and_order_match_bm25okapi(seed):
    rng = np.random.default_rng(seed)
    corpus, words = random_corpus(rng, int(rng.integers(1, 300)), int(rng.integers(2, 200)))
    params = BM25Params(k1=float(rng.uniform(0.5, 2.0)), b=float(rng.uniform(0, 1)))
    oracle = BM25Okapi(corpus, k1=params.k1, b=params.b, epsilon=params.epsilon)
    postings = bm25.build_postings(corpus, params)
    for _ in range(20):
        query = list(rng.choice([*words, "unknown"], size=rng.integers(1, 6)))
        expected = oracle.get_scores(query)
        weights = {t: float(query.count(t)) for t in query}
        got = bm25.score(postings, weights)
        np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)
        ranked = bm25.top_k(got, 10)
        want = [i for i in np.lexsort((np.arange(len(expected)), -expected)) if expected[i] > 0]
        assert ranked == want[:10]


def test_negative_idf_is_floored_like_bm25okapi():
    corpus = [["a", "b"], ["a", "c"], ["a", "d"]]
    oracle = BM25Okapi(corpus)
    postings = bm25.build_postings(corpus, BM25Params(k1=1.5, b=0.75))
    raw = math.log(3 - 3 + 0.5) - math.log(3 + 0.5)
    assert postings.term_idf("a") == pytest.approx(oracle.idf["a"])
    assert postings.term_idf("a") != pytest.approx(raw)  # replaced by epsilon * mean idf


def test_top_k_pages_and_skips_zero_scores():
    scores = np.array([0.0, 3.0, 1.0, 3.0, 2.0])
    assert bm25.top_k(scores, 2) == [1, 3]
    assert bm25.top_k(scores, 2, offset=2) == [4, 2]
    assert bm25.top_k(scores, 10) == [1, 3, 4, 2]
    assert bm25.top_k(np.zeros(3), 5) == []
