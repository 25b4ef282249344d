"""The answer as a person reads it: the fact on the first line, then the sentence it is from.

    答：27103400.95元（27,103,400.95 元，约 2710 万元）
    「收入总额:27103400.95元」

    Answer: Yes — Ramsar Convention
    「…国际湿地公约(Ramsar Convention)…观察员」
    Key terms: Ramsar Convention · observer

Plain text, no Telegram types: `replies` makes HTML of it, `render.terminal` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cepf_bot.analysis.script import HAN_CHARACTER
from cepf_bot.reply.texts import ui_text
from cepf_bot.types import Answer, Fact, FactKind, Lang

KEY_TERMS = 3  # the English line names at most this many of the sentence's terms
KEY_TERMS_CHARS = 70  # … and at most this many characters of them
QUOTE_CHARS = 90  # a quote longer than this is the fact's clause and its neighbours
ANSWER_CHARS = 120  # an answer with no fact: its sentence, cut as a quote is
_BULLET = re.compile(r"^[\s•·\-*]+")
_CLAUSE_END = re.compile(r"(?<=[，,；;。！？!?])")


@dataclass(frozen=True)
class AnswerText:
    """The lines of an answer: the fact (or the whole sentence when it has no fact), the quote
    it comes from ("" when the first line is the sentence), and an English line ("" for a
    reader of Chinese)."""

    first: str
    quote: str
    english: str


def quote_of(sentence: str, around: str, chars: int = QUOTE_CHARS) -> str:
    """The part of the answer sentence to quote: the line that holds `around` (the fact, or
    the question's most telling word; a list's other items are not the answer), bullets left
    out; a long one cut to the clauses around it, marked …."""
    lines = [_BULLET.sub("", line).strip() for line in sentence.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return sentence.strip()
    line = next((line for line in lines if around and around in line), " ".join(lines))
    if len(line) <= chars:
        return line
    at = max(line.find(around), 0) if around else 0
    length = len(around)
    bounds = [0, *(m.start() for m in _CLAUSE_END.finditer(line)), len(line)]
    i = max(k for k in range(len(bounds) - 1) if bounds[k] <= at)
    j = i + 1
    while j < len(bounds) and bounds[j] < at + length:
        j += 1
    start, end = bounds[i], bounds[min(j, len(bounds) - 1)]
    # the clause before the fact's and the one after, while they fit
    if i > 0 and end - bounds[i - 1] <= chars:
        i -= 1
        start = bounds[i]
    if j + 1 < len(bounds) and bounds[j + 1] - start <= chars:
        end = bounds[j + 1]
    if end - start > chars:  # one long clause: a window around the fact
        start = max(start, min(at - chars // 3, end - chars))
        end = min(end, start + chars)
    text = line[start:end].strip()
    return ("…" if start else "") + text + ("…" if end < len(line) else "")


def fact_phrase(fact: Fact, lang: Lang, english: Callable[[str], str]) -> str:
    """The first line's words for a fact: 是的，… / Yes — … for a yes; for a reader of
    English the fact's English (`english`), the Chinese kept when nothing renders."""
    text = fact.text
    if lang == Lang.EN and HAN_CHARACTER.search(text):
        text = english(text) or text
    if fact.kind == FactKind.YES:
        return f"Yes — {text}" if lang == Lang.EN else f"是的，{text}"
    return text


def key_terms(sentence: str, terms: Iterable[str], renderings: Mapping[str, str],
              skip: str = "") -> str:
    """The English of the question's terms the sentence has, longest first, those in `skip`
    (the fact's English) left out: "Key terms: observer · Ramsar Convention"."""
    found: list[str] = []
    for term in sorted(set(terms), key=len, reverse=True):
        english = renderings.get(term, "")
        if not english or term not in sentence or english in skip:
            continue
        if any(english in f for f in found):
            continue
        if found and sum(len(f) + 3 for f in found) + len(english) > KEY_TERMS_CHARS:
            continue
        found.append(english)
    return " · ".join(found[:KEY_TERMS])


def answer_text(answer: Answer, lang: Lang, *, terms: Iterable[str] = (),
                gloss: Callable[[str], str] = lambda s: "",
                renderings: Mapping[str, str] | None = None) -> AnswerText:
    """The lines of `answer` for a reader of `lang`. For English: the fact's English and the
    sentence's key terms; the whole gloss only when it is no longer than the sentence."""
    fact = answer.fact
    terms = list(terms)
    english = ""
    if fact is None:  # the sentence itself, cut to the clauses around the question's words
        telling = max((t for t in terms if t in answer.text), key=len, default="")
        first, quote = quote_of(answer.text, telling, ANSWER_CHARS), ""
    else:
        first, quote = fact_phrase(fact, lang, gloss), quote_of(answer.text, fact.text)
    if lang == Lang.EN and HAN_CHARACTER.search(answer.text):
        whole = gloss(answer.text)
        keys = key_terms(answer.text, terms, renderings or {}, skip=first)
        if whole and len(whole) <= len(answer.text) and fact is None:
            english = whole
        elif keys:
            english = ui_text("key_terms", lang) + keys
        elif fact is None:
            english = whole[: len(answer.text)].rsplit(" ", 1)[0] + "…" if whole else ""
    return AnswerText(first, quote, english)
