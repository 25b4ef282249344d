"""BM25 of synonym sets: a question word's dictionary translations scored as one term.

Pirkola's structured query (1998): a set's frequency in a passage is its members' frequencies
summed (each times its share of the set's translation weights, its translation probability, as
Darwish and Oard's probabilistic structured queries do: a word's translations share one word's
weight), its document frequency that of the union; so a word with six translations counts
once, as the word would, and a rare translation is not drowned by a common one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from cepf_bot.index.bm25 import Postings
from cepf_bot.types import BM25Params


def set_contributions(postings: Postings, tf: np.ndarray, doc_len: np.ndarray,
                      params: BM25Params, sets: Sequence[Sequence[tuple[str, float]]]
                      ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(passages, score) of each synonym set: one term whose frequency in a passage is its
    members' frequencies summed (each times its weight's share of the set's, the weights
    summing to one) and whose document frequency is that of the union (Pirkola's structured
    query). `tf` is aligned with `postings.docs`, `doc_len` has every passage's length."""
    n = postings.doc_count
    if not sets:
        return
    lengths = np.asarray(doc_len, dtype=np.float64)
    norm = params.k1 * (1 - params.b + params.b * lengths / (float(lengths.sum()) / n))
    for members in sets:
        docs, freqs = [], []
        total = sum(weight for _, weight in members) or 1.0
        for term, weight in members:
            t = postings.terms.get(term)
            if t is None:
                continue
            lo, hi = int(postings.offsets[t]), int(postings.offsets[t + 1])
            docs.append(np.asarray(postings.docs[lo:hi]))
            freqs.append(np.asarray(tf[lo:hi], dtype=np.float64) * (weight / total))
        if not docs:
            continue
        where, inverse = np.unique(np.concatenate(docs), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(freqs), minlength=len(where))
        df = len(where)
        idf = max(float(np.log(n - df + 0.5) - np.log(df + 0.5)), params.epsilon)
        yield where, idf * summed * (params.k1 + 1.0) / (summed + norm[where])
