"""Official translations first, for a reader of English: a hit that has an official
translation comes as the translation, its original right below."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from cepf_bot.types import Hit, Passage


def translations_first(hits: list[Hit], translations: Mapping[str, int],
                       passages: Sequence[Passage],
                       matched_terms: Callable[[int], tuple[str, ...]]) -> list[Hit]:
    """Each hit that has an official translation as the translation, then the original
    (a translation found by itself also brings its original); ranks renumbered.
    `translations`: a passage's id -> its translation's position; `matched_terms`: a
    passage position -> the question's terms it holds."""
    positions = {h.passage.id: i for i, h in enumerate(hits)}
    ordered: list[Hit] = []
    seen: set[str] = set()
    for hit in hits:
        pair = [hit]
        if hit.passage.id in translations:
            at = translations[hit.passage.id]
            pair = [Hit(hit.rank, hit.score, passages[at], matched_terms(at)), hit]
        elif hit.passage.original and hit.passage.original in positions:
            pair = [hit, hits[positions[hit.passage.original]]]
        for h in pair:
            if h.passage.id not in seen:
                seen.add(h.passage.id)
                ordered.append(h)
    first = hits[0].rank if hits else 1
    return [replace(h, rank=first + i) for i, h in enumerate(ordered)]
