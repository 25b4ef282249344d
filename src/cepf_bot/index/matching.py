"""Which of a question's terms each of some passages holds, read from the postings: one
vectorised binary search per term over all the passages asked about."""

from __future__ import annotations

from collections.abc import Iterable

from cepf_bot.index.bm25 import Postings


def matched_terms(postings: Postings, terms: Iterable[str], docs: Iterable[int]
                  ) -> dict[int, tuple[str, ...]]:
    """Each of `docs` -> the `terms` (in their order) that its postings hold."""
    order = sorted(set(docs))
    found: dict[int, list[str]] = {doc: [] for doc in order}
    for term in terms if order else ():
        t = postings.terms.get(term)
        if t is None:
            continue
        start, end = int(postings.offsets[t]), int(postings.offsets[t + 1])
        held = postings.docs[start:end]
        for doc, at in zip(order, held.searchsorted(order).tolist(), strict=True):
            if at < end - start and held[at] == doc:
                found[doc].append(term)
    return {doc: tuple(terms_of) for doc, terms_of in found.items()}
