"""Dates, counts and amounts written in English (an English page answers a question in any
language): "November 16, 2019", "August 28 & 29, 2024", "2019/11/25", "over 100 full-time
staff", "49,700 volunteers", "US$ 2.5 million". Spans [start, end) of the sentence, found by
pattern, never rewritten; a count inside a date is the date's."""

from __future__ import annotations

import re

from cepf_bot.analysis.english_forms import MONTHS
from cepf_bot.types import FactKind

# a month's name, or its abbreviation (Sept too); the longer forms first
_MONTH = rf"(?:{'|'.join(MONTHS)}|Sept|{'|'.join(m[:3] for m in MONTHS)})\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d{2}"
_DATE = re.compile(
    rf"\b{_MONTH}\s+{_DAY}(?:\s*(?:&|and|-|–|to)\s*{_DAY})?(?:,?\s+{_YEAR})?\b"
    rf"|\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b"
    rf"|\b{_MONTH},?\s+{_YEAR}\b"
    rf"|\b{_YEAR}[/.-](?:1[0-2]|0?[1-9])[/.-](?:[12]\d|3[01]|0?[1-9])\b"
    rf"|\b{_YEAR}\b")
_FIGURE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?:hundred|thousand|million|billion))?"
_ABOUT = (r"(?:(?:over|about|nearly|around|almost|some|approximately|more than|less than"
          r"|fewer than|up to|at least)\s+)?")
_AMOUNT = re.compile(
    rf"(?i:{_ABOUT})(?:US\s?\$|\$|RMB\s?|CNY\s?|¥|€)\s?{_FIGURE}"
    rf"|(?i:{_ABOUT}){_FIGURE}\s*(?:yuan|dollars|US dollars|euros|RMB)\b")
_COUNT = re.compile(rf"(?i:{_ABOUT})(?<![\d.,/-]){_FIGURE}(?![\d/%-])(?=\s+[A-Za-z])")


def english_spans(sentence: str) -> list[tuple[FactKind, int, int]]:
    """Every English date, amount and count of `sentence`, dates first."""
    if not any(c.isdigit() for c in sentence):
        return []
    spans = [(FactKind.DATE, m.start(), m.end()) for m in _DATE.finditer(sentence)]
    taken = [(a, b) for _, a, b in spans]
    for kind, pattern in ((FactKind.AMOUNT, _AMOUNT), (FactKind.COUNT, _COUNT)):
        for m in pattern.finditer(sentence):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                spans.append((kind, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return spans
