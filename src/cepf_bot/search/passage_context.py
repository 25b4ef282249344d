"""What a passage is read with: the other items of its list paragraph, and its document's title
and section heading (a question names the event a page is about; the page's later passages do
not repeat it)."""

from __future__ import annotations

from collections.abc import Sequence

from cepf_bot.types import Passage


def paragraph_of(passages: Sequence[Passage], doc: int) -> list[int]:
    """`doc`, and the other items of its list paragraph (they are stored side by side)."""
    key = passages[doc].paragraph
    if not key:
        return [doc]
    first, last = doc, doc
    while first > 0 and passages[first - 1].paragraph == key:
        first -= 1
    while last + 1 < len(passages) and passages[last + 1].paragraph == key:
        last += 1
    return list(range(first, last + 1))


def context_of(passage: Passage) -> list[str]:
    """The passage's document title and section heading, those its text does not hold."""
    return [t for t in dict.fromkeys((passage.document, passage.section))
            if t and t not in passage.text]
