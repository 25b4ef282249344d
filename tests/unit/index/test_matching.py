"""Which question terms each passage holds, for several passages at once."""

import numpy as np

from cepf_bot.index.bm25 import Postings
from cepf_bot.index.matching import matched_terms


def postings(holders: dict[str, list[int]], doc_count: int) -> Postings:
    terms = {t: i for i, t in enumerate(holders)}
    lists = [sorted(holders[t]) for t in holders]
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)
    docs = np.array([d for x in lists for d in x], dtype=np.int32)
    return Postings(terms, np.ones(len(terms)), offsets, docs, np.ones(len(docs)), doc_count)


def test_each_passage_gets_the_terms_it_holds_in_the_questions_order():
    index = postings({"a": [0, 3, 7], "b": [3], "c": [], "d": [7, 9]}, 10)
    found = matched_terms(index, ["d", "a", "b", "c", "unknown"], [7, 3, 0, 5, 9, 3])
    assert found == {0: ("a",), 3: ("a", "b"), 5: (), 7: ("d", "a"), 9: ("d",)}


def test_the_last_passage_and_passages_past_every_posting_are_read_right():
    index = postings({"a": [2, 4]}, 6)
    assert matched_terms(index, ["a"], [4, 5]) == {4: ("a",), 5: ()}
    assert matched_terms(index, ["a"], []) == {}
