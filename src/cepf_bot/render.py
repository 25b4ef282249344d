"""Hits -> text for a person: terminal text now, Telegram HTML in `telegram_html`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .segment import normalise
from .types import Hit


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """`text` normalised character by character, and each normalised character's source index."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        n = normalise(c)
        chars.append(n)
        origin.extend([i] * len(n))
    return "".join(chars), origin


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the (normalised) terms occur in `text`, as merged, sorted [start, end) spans."""
    normal, origin = _normalised_with_map(text)
    spans = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = normal.find(term)
        while start >= 0:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = normal.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(
    text: str,
    terms: Iterable[str],
    *,
    before: str,
    after: str,
    escape: Callable[[str], str] = lambda s: s,
) -> str:
    """`text` with every occurrence of the terms wrapped in `before` … `after`."""
    out = []
    pos = 0
    for start, end in term_spans(text, terms):
        out += [escape(text[pos:start]), before, escape(text[start:end]), after]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def terminal(hits: list[Hit], *, color: bool) -> str:
    """Hits as plain text for `cepf-bot ask`; matched terms in bold on a terminal, else 【…】."""
    if not hits:
        return (
            "No answer found in the foundation's profile. Ask about its memberships, projects, "
            "finances or the foundation itself."
        )
    before, after = ("\x1b[1m", "\x1b[0m") if color else ("【", "】")
    blocks = []
    for hit in hits:
        p = hit.passage
        blocks.append(
            f"{hit.rank}. {p.title}  [{p.document} · {p.id} · score {hit.score:.2f}]\n"
            + mark(p.text, hit.terms, before=before, after=after)
        )
    return "\n\n".join(blocks)
