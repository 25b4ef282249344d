"""Coverage among the best passages: the passage that supports more of what the question asks
comes first. BM25 adds up the matched terms' scores and divides by the passage's length, so a
short passage that matches one common word of the question (会员单位 for 哪个单位主管) can
outscore a long one that has the rest of it (中国科学技术协会主管 … 绿会). Classic Lucene
multiplied a score by its coordination factor (the share of the query's terms matched); here
the share is the question's information the passage supports (`support.Support.share`: each
content word weighs its background self-information), raised to a power fitted by CV
(`tools/cv_supported_first.py`). Only the best few BM25 passages are looked at, and only the
one shown first changes: the rest keep BM25's order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SHARE_FLOOR = 0.05  # a passage that supports none of the question still keeps some score


def fused_score(score: float, share: float, power: float) -> float:
    """A passage's BM25 score weighed by the share of the question it supports."""
    return score * float(max(share, SHARE_FLOOR) ** power)


def supported_first(ranked: Sequence[int], fused: Mapping[int, float]) -> int | None:
    """The passage of `ranked` (best BM25 first) with the highest fused score, ties to the
    better BM25 rank; None when that is `ranked[0]` (BM25's order)."""
    if len(ranked) < 2:
        return None
    best = max(ranked, key=fused.__getitem__)  # max keeps the first of equals
    return None if best == ranked[0] else best
