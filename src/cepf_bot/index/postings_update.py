"""An index's postings updated in place of a rebuild: some passages dropped or renumbered, a
few documents' postings merged in, in O(postings) with no sort of the whole (a reindex after
one changed document at 100k passages)."""

from __future__ import annotations

import numpy as np

from cepf_bot.index.bm25 import BLOCK, PostingsParts

# Up to this many runs of unchanged postings, an update copies them one by one (a few changed
# documents); beyond, whole-array operations are faster.
_COPY_RUNS_MAX = 50_000


def update_parts(previous: PostingsParts, passage_map: np.ndarray,
                 added: PostingsParts) -> PostingsParts:
    """`previous` with some passages dropped or renumbered (`passage_map[old]` is the new
    number, or -1), and `added`'s postings (already numbered, over a lexicon at least as
    large) merged in. `added.doc_len` is the complete new list of passage lengths. Renumbering
    must keep each term's passages ascending. O(postings), with no sort of the whole."""
    old_terms, lexicon_size = len(previous.offsets) - 1, len(added.offsets) - 1
    old_docs, old_tf = np.asarray(previous.docs), np.asarray(previous.tf)
    # The dropped postings, found a block at a time: no temporary as long as the postings.
    removed = np.concatenate([np.empty(0, dtype=np.int64), *(
        start + np.flatnonzero(passage_map[old_docs[start : start + BLOCK]] < 0)
        for start in range(0, len(old_docs), BLOCK))])
    counts = np.zeros(lexicon_size, dtype=np.int64)
    counts[:old_terms] = np.diff(previous.offsets)
    counts[:old_terms] -= np.bincount(np.searchsorted(previous.offsets, removed, side="right") - 1,
                                      minlength=old_terms)
    added_counts = np.diff(added.offsets)
    offsets = np.zeros(lexicon_size + 1, dtype=np.int64)
    np.cumsum(counts + added_counts, out=offsets[1:])

    # Where each added posting goes among the previous ones: before the first posting of its
    # term whose passage comes after it. Kept passages keep their order, so "after it" is
    # "at or after the first kept passage numbered above it", in the old numbering.
    kept_old = np.flatnonzero(passage_map >= 0)
    after = np.append(kept_old, len(passage_map))[
        np.searchsorted(passage_map[kept_old], added.docs, side="right")]
    term = np.repeat(np.arange(lexicon_size), added_counts)
    bounds = np.append(previous.offsets, len(old_docs))  # a new term's run is empty, at the end
    insert_at = _search_runs(old_docs, bounds[np.minimum(term, old_terms)],
                             bounds[np.minimum(term + 1, old_terms + 1)], after)

    # The dropped postings out and the added ones in, at `insert_at` in the old order.
    runs = 1 + int(np.count_nonzero(np.diff(removed) != 1)) + len(insert_at)
    if runs > _COPY_RUNS_MAX:
        mapped = passage_map[old_docs]
        keep = mapped >= 0
        among_kept = insert_at - np.searchsorted(removed, insert_at)
        docs = np.insert(mapped[keep], among_kept, added.docs)
        tf = np.insert(old_tf[keep], among_kept, added.tf)
    else:
        docs, tf = _copy_runs(old_docs, old_tf, passage_map, removed, insert_at, added,
                              int(offsets[-1]))
    return PostingsParts(offsets, docs.astype(np.int32, copy=False),
                         tf.astype(np.int32, copy=False), added.doc_len)


def _search_runs(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, targets: np.ndarray
                 ) -> np.ndarray:
    """For each i, where `targets[i]` would go in the ascending `values[lo[i]:hi[i]]` (as
    `np.searchsorted`), for all i at once: one bisection step over all of them at a time."""
    lo, hi = lo.astype(np.int64), hi.astype(np.int64)
    while (active := lo < hi).any():
        mid = (lo + hi) // 2
        below = active & (values[np.minimum(mid, len(values) - 1)] < targets)
        lo = np.where(below, mid + 1, lo)
        hi = np.where(active & ~below, mid, hi)
    return lo


def _copy_runs(old_docs: np.ndarray, old_tf: np.ndarray, passage_map: np.ndarray,
               removed: np.ndarray, insert_at: np.ndarray, added: PostingsParts, size: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The updated docs and tf, copied in the runs of unchanged postings between the places
    where postings are dropped or added: no temporary as long as the postings."""
    cuts = np.unique(np.concatenate([[0, len(old_docs)], removed, removed + 1, insert_at]))
    starts, ends = cuts[:-1], cuts[1:]
    is_kept = np.ones(len(starts), dtype=bool)
    is_kept[np.searchsorted(starts, removed)] = False
    starts, ends = starts[is_kept], ends[is_kept]
    # A posting's new position: its old one, less the dropped ones before it, plus the added
    # ones before it (those inserted at its own position come first).
    targets = (starts - np.searchsorted(removed, starts)
               + np.searchsorted(insert_at, starts, side="right"))
    docs = np.empty(size, dtype=np.int32)
    tf = np.empty(size, dtype=np.int32)
    for start, end, target in zip(starts.tolist(), ends.tolist(), targets.tolist(),
                                  strict=True):
        np.take(passage_map, old_docs[start:end], out=docs[target : target + end - start],
                mode="clip")  # (all in range; "clip" writes straight into `out`)
        tf[target : target + end - start] = old_tf[start:end]
    placed = insert_at - np.searchsorted(removed, insert_at) + np.arange(len(insert_at))
    docs[placed] = added.docs
    tf[placed] = added.tf
    return docs, tf
