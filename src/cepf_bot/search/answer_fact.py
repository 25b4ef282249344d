"""The fact itself: the span of the answer sentence that is what the question asks for.

A question asks for a kind of thing (`wanted_kinds`): an amount, a date, a count, a person, a
place, an organisation, a list, a name in quotes, or yes/no. Each kind is found in a sentence by
a pattern (`candidates`): dates, counts and amounts by `english_forms.FACT`, people, places and
bodies by the dictionary's classes, a list by its 、 separators, a name by 《》 or “”. Of the
spans of the wanted kinds, the one nearest the question's own words in the sentence is the
fact (谁批准成立: the body right before 批准). A yes/no question is answered yes only when the
sentence states every word it asks about, none of them as a former state (原, 前任, 曾). The span
is verbatim, at most MAX_FACT_CHARS; no per-question rule lives here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from cepf_bot.analysis.english_forms import FACT, MEASURES
from cepf_bot.analysis.script import HAN
from cepf_bot.analysis.segment import normalise
from cepf_bot.search.answer_kinds import asks_full_name, wanted_kinds
from cepf_bot.search.answer_sentence import asked_unit
from cepf_bot.search.answer_spans import (
    full_names,
    labelled,
    object_of,
    role_clause,
    whole_body,
    with_acronym,
    with_count,
)
from cepf_bot.search.english_spans import english_spans
from cepf_bot.types import Fact, FactKind

__all__ = ["MAX_FACT_CHARS", "candidates", "find_fact", "wanted_kinds"]

MAX_FACT_CHARS = 80
YES_WINDOW_CHARS = 30  # a yes states its words together, or names the most specific one

_BODY_CLASSES = ("government", "organisation")
_FORMER = re.compile(f"(?:原|前任|曾|曾经|不再|并非|不是|没有|未)[{HAN}]{{0,5}}$")
_QUOTED = re.compile(r"《[^《》]{1,60}》|“[^“”]{1,60}”|\"[^\"]{1,60}\"")
_ITEM_SEPARATOR = re.compile(r"[、/]")
_MEASURE_ASKED = re.compile(r"(?:几|多少)(个月|[个次场项轮名位人年天家座条所届份])")
# what may stand between two parts of one answer: 吕正操、钱昌照 / 联合国环境规划署(UNEP)、…
_JOIN = re.compile(r"(?:[(（][^()（）]{1,30}[)）])?\s*(?:[、/和与及,，]|以及)?")
_CLAUSE = re.compile(r"[，,；;。：:！？!?\n]")
_LIST_LEAD = re.compile(
    r".*(?:成为|包括|包含|涉及|覆盖|例如|如|有|在|与|和|由|为|是|了|对|向|从|等|赴|到|去|往)")
_BULLET = re.compile(r"^[\s•·\-*]+")
# a yes/no question about a figure: 有两千多吗, 二千三百几万, about 27 million
_FIGURE_ASKED = re.compile(r"\d|[一二两三四五六七八九十百千]+(?:多|几)?[万亿千百]|\bmillion\b"
                           r"|\bthousand\b|\bbillion\b")
_HAN_AT = re.compile(f"[{HAN}]")
_UNIT_NAMED = re.compile(f"[{HAN}]")  # a widened body names more than its acronym
_CLOSING_COUNT = re.compile(r"等(?:\d+|[一二两三四五六七八九十]+)(?:项|个|种|类|方面)")
_SENTENCE_BREAK = re.compile(r"[；;。：:！？!?\n]")
_COMMA = re.compile(r"[,，]")
_ANY_SEPARATOR = re.compile(r"[、/,，]")


@dataclass(frozen=True)
class _Span:
    kind: FactKind
    start: int
    end: int
    cut: bool = False  # already cut to its kind (a value after a label)


def candidates(sentence: str, classes: Mapping[str, str]) -> list[_Span]:
    """Every span of `sentence` that is a date, count, amount, person, place, body, name or
    list, by pattern."""
    spans: list[_Span] = []
    titles = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]
    for m in FACT.finditer(sentence):
        if any(a < m.start() and m.end() < b for a, b in titles):
            continue  # 《2015年中国…报告》: a title's words, not the date or count asked
        g = m.groupdict()
        if g["amount"]:
            kind = FactKind.AMOUNT
        elif g["n"]:
            kind = FactKind.COUNT
        elif g["ordinal"]:
            continue
        else:
            kind = FactKind.DATE
        spans.append(_Span(kind, m.start(), m.end()))
    spans += [_Span(kind, a, b) for kind, a, b in english_spans(sentence)]
    # a bare figure after a label: 爱心人次:2240
    for m in re.finditer(r"(?<=[:：])\s*(\d[\d,.]*)(?![\d年月日])", sentence):
        spans.append(_Span(FactKind.COUNT, m.start(1), m.end(1)))
    normal = normalise(sentence)
    kinds = {"person": FactKind.PERSON, "place": FactKind.PLACE,
             **{c: FactKind.ORGANISATION for c in _BODY_CLASSES}}
    for term, cls in sorted(classes.items(), key=lambda tc: -len(tc[0])):
        if cls not in kinds or len(normal) != len(sentence):
            continue
        for m in re.finditer(re.escape(term), normal):
            if not any(s.start <= m.start() < s.end for s in spans if s.kind == kinds[cls]):
                spans.append(_Span(kinds[cls], m.start(), m.end()))
    for m in _QUOTED.finditer(sentence):
        spans.append(_Span(FactKind.NAME, m.start(), m.end()))
    spans += _lists(sentence)
    return spans


def _lists(sentence: str) -> list[_Span]:
    """Each clause's run of three or more items joined by 、 (one clause: 浙江、新疆、山东)."""
    spans = []
    at = 0
    for clause in _CLAUSE.split(sentence):
        start = at
        at += len(clause) + 1
        items = _ITEM_SEPARATOR.split(clause)
        if len(items) < 3 and not (len(items) == 2 and "等" in items[-1]):
            continue  # three items, or two closed by 等
        lead = _LIST_LEAD.match(items[0])
        first = lead.end() if lead and lead.end() < len(items[0]) else 0
        bullet = _BULLET.match(items[0][first:])
        first += len(bullet.group()) if bullet else 0
        tail = items[-1]
        typical = max(len(i) for i in items[:-1][-1:] + items[1:-1])
        end = len(clause) - len(tail) + min(len(tail), _item_end(tail, typical))
        spans.append(_fitting(sentence, start + first, start + end))
    # clauses joined by commas and closed by their count: 编撰…,…剪辑、播放,…等5项重点工作
    for m in _CLOSING_COUNT.finditer(sentence):
        begin = max((b.end() for b in _SENTENCE_BREAK.finditer(sentence, 0, m.start())),
                    default=0)
        if len(_COMMA.findall(sentence, begin, m.start())) < 2:
            continue
        head = _COMMA.split(sentence[begin:m.start()])[0]
        lead = _LIST_LEAD.match(head)
        first = begin + (lead.end() if lead and lead.end() < len(head) else 0)
        spans.append(_fitting(sentence, first, m.start()))
    return spans


def _fitting(sentence: str, start: int, end: int) -> _Span:
    """A list span cut to the whole items that fit in MAX_FACT_CHARS (a list of twelve
    conventions answers with its first ones)."""
    if end - start > MAX_FACT_CHARS:
        cuts = [m.start() for m in _ANY_SEPARATOR.finditer(sentence, start, end)
                if m.start() - start <= MAX_FACT_CHARS]
        end = max(cuts, default=start + MAX_FACT_CHARS)
    return _Span(FactKind.LIST, start, end)


def _item_end(item: str, typical: int) -> int:
    """Where the last item of a list ends: before 等, else where the item's name ends (a
    bracketed acronym closes it: 全球基因组生物多样性联盟(GGBN)会员单位), else about as long as
    the others."""
    cut = item.find("等")
    if cut > 0:
        return cut
    closing = max(item.rfind(")"), item.rfind("）"))
    if closing > 0:
        return closing + 1
    return min(len(item), typical + 2)


_BREAK = re.compile(r"[，,；;。：:！？!?\n•]")


def _distance(sentence: str, span: _Span, anchors: list[tuple[int, int]]) -> tuple[int, int]:
    """How far the span is from the nearest anchor: clause breaks between them first (the
    answer is in the clause that names what is asked), then characters."""
    if not anchors:
        return 0, span.start

    def far(a: int, b: int) -> tuple[int, int]:
        lo, hi = (span.end, a) if a >= span.end else (b, span.start) if span.start >= b \
            else (0, 0)
        return len(_BREAK.findall(sentence, lo, hi)), max(hi - lo, 0)

    return min(far(a, b) for a, b in anchors)


def _anchors(sentence: str, terms: Iterable[str], *, once: bool = False
             ) -> list[tuple[int, int]]:
    """Where the terms occur in the sentence; with `once`, only terms that occur once (a
    term all over the sentence says nothing about where the answer is)."""
    normal = normalise(sentence)
    found = []
    for term in terms:
        if term and len(normal) == len(sentence):
            at = [(m.start(), m.end()) for m in re.finditer(re.escape(term), normal)]
            if not once or len(at) == 1:
                found += at
    return found


def _inside(span: _Span, anchors: list[tuple[int, int]]) -> bool:
    """The span is one of the question's own words (a body the question names is not the
    body it asks for)."""
    return any(a <= span.start and span.end <= b for a, b in anchors)


def find_fact(question: str, sentence: str, *, focus: Iterable[str],
              terms: Iterable[str], required: Iterable[frozenset[str]] = (),
              classes: Mapping[str, str]) -> Fact | None:
    """The span of `sentence` that answers `question`, or None when it has none of the
    asked kind. `focus`: the terms beside the question word (what is asked about); `terms`:
    every question term the sentence may contain; `required`: for a yes/no question, each
    content word's terms, of which the sentence must have one; `classes`: the dictionary's
    term -> class."""
    kinds = wanted_kinds(question)
    if not kinds:
        return None
    focus, terms = list(focus), list(terms)
    if kinds == (FactKind.YES,) and _FIGURE_ASKED.search(question):
        # 收入是不是两千多万, 人次有两千多吗: the exact figure, of the measure asked
        kinds = (FactKind.AMOUNT, FactKind.COUNT) if asked_unit(question) in (None, "元") \
            else (FactKind.COUNT, FactKind.AMOUNT)
    if kinds == (FactKind.YES,):
        return _yes(sentence, focus or terms, list(required), classes)
    own = _anchors(sentence, terms)
    # the asked measure (多少人: 人) is in every count, not where the answer is
    places = [t for t in terms if t not in MEASURES]
    anchors = _anchors(sentence, [t for t in focus if t not in MEASURES]) \
        or _anchors(sentence, places, once=True) or _anchors(sentence, places) or own
    if FactKind.PERSON in kinds and any(classes.get(t) == "person" for t in terms):
        kinds = (FactKind.ROLE,)  # 胡德平是谁, 周晋峰是什么人: the role of the person named
    if kinds == (FactKind.ROLE,):
        role = role_clause(sentence, terms, classes)
        return Fact(sentence[role[0]:role[1]].strip(), FactKind.ROLE) if role else None
    found = [s for s in candidates(sentence, classes) if s.kind in kinds
             and s.end - s.start <= MAX_FACT_CHARS]
    spans = [s for s in found if not _inside(s, own)]
    # a body the question names is not the answer, but a unit of it named after it is:
    # which IUCN body -> 世界自然保护联盟(IUCN)暗夜顾问委员会
    spans += [_Span(s.kind, s.start, whole[1], cut=True) for s in found
              if s.kind == FactKind.ORGANISATION and _inside(s, own)
              for whole in [whole_body(sentence, s.start, s.end)]
              if _UNIT_NAMED.search(sentence, s.end, whole[1])]
    if asks_full_name(question):  # 全称: the name before its 简称
        full = full_names(sentence)
        if full:
            return Fact(sentence[full[0][0]:full[0][1]].strip(), FactKind.NAME)
    if FactKind.PERSON in kinds:  # 整理/Cyan、Linda; 主要针对 …
        spans += [_Span(kinds[0], a, b, cut=True)
                  for a, b in labelled(sentence, _anchors(sentence, focus))]
        slot = object_of(question, sentence, terms)
        if slot:
            return Fact(sentence[slot[0]:slot[1]].strip(), kinds[0])
    if not spans:
        return None
    measure = _MEASURE_ASKED.search(question)
    unit = measure.group(1) if measure else asked_unit(question.lower())
    known = [t for t, c in classes.items() if c in ("person", "place", *_BODY_CLASSES)]
    best = min(spans, key=lambda s: (kinds.index(s.kind), not _has_unit(sentence, s, unit),
                                     -_entities(sentence, s, known),
                                     _distance(sentence, s, anchors), s.start))
    if not best.cut:
        best = _shaped(sentence, _joined_run(sentence, best, spans))
        best = _after_asked_verb(sentence, best, anchors)
    text = sentence[best.start:best.end].strip()
    return Fact(text, best.kind) if text else None


def _after_asked_verb(sentence: str, best: _Span, anchors: list[tuple[int, int]]) -> _Span:
    """A list starts after the question's own word in its first item (报告报送全国人大、… ->
    全国人大、…)."""
    if best.kind != FactKind.LIST and not _ITEM_SEPARATOR.search(sentence, best.start, best.end):
        return best
    first = _ANY_SEPARATOR.search(sentence, best.start, best.end)
    stop = first.start() if first else best.end
    # not a word inside a title (《…国际贸易公约》): the list would start mid-name
    inside = [b for a, b in anchors if best.start <= a and b < stop
              and _HAN_AT.match(sentence, b)
              and sentence.count("《", best.start, a) == sentence.count("》", best.start, a)]
    return replace(best, start=max(inside)) if inside else best


def _shaped(sentence: str, best: _Span) -> _Span:
    """The span cut to its kind: a body that is one item of a list answers with the list; a
    body with its acronym and unit; a list with the count that closes it."""
    start, end = best.start, best.end
    if best.kind in (FactKind.ORGANISATION, FactKind.PERSON):
        parts = len(_ITEM_SEPARATOR.findall(sentence, start, end))
        for s in _lists(sentence):
            if s.start <= start and end <= s.end \
                    and len(_ITEM_SEPARATOR.findall(sentence, s.start, s.end)) > parts:
                start, end = s.start, s.end
                break
        else:
            start, end = whole_body(sentence, start, end) if best.kind == \
                FactKind.ORGANISATION else (start, end)
    if best.kind == FactKind.NAME:
        start, end = with_acronym(sentence, start, end)
    if best.kind == FactKind.LIST or _ITEM_SEPARATOR.search(sentence, start, end):
        start, end = with_count(sentence, start, end)
    return _Span(best.kind, start, end)


def _has_unit(sentence: str, span: _Span, unit: str | None) -> bool:
    return unit is None or unit in sentence[span.start:span.end + 1]


def _entities(sentence: str, span: _Span, known: list[str]) -> int:
    """How many known names a list holds (a list of places beats a list of tasks)."""
    if span.kind != FactKind.LIST:
        return 0
    return sum(1 for item in _ITEM_SEPARATOR.split(sentence[span.start:span.end])
               if any(k in item for k in known))


def _joined_run(sentence: str, best: _Span, spans: list[_Span]) -> _Span:
    """Spans of the same kind joined only by 、 or 和 are one answer: 吕正操、钱昌照、包尔汉."""
    same = sorted((s for s in spans if s.kind == best.kind), key=lambda s: s.start)
    start, end = best.start, best.end
    grew = True
    while grew:
        grew = False
        for s in same:
            if s.start >= end and _JOIN.fullmatch(sentence[end:s.start]) \
                    and s.end - start <= MAX_FACT_CHARS:
                end, grew = s.end, True
            elif s.end <= start and _JOIN.fullmatch(sentence[s.end:start]) \
                    and end - s.start <= MAX_FACT_CHARS:
                start, grew = s.start, True
    return _Span(best.kind, start, end)


def _yes(sentence: str, focus: list[str], required: list[frozenset[str]],
         classes: Mapping[str, str]) -> Fact | None:
    """Yes, with the span that states it, when the sentence has every asked word and none of
    them as a former state."""
    normal = normalise(sentence)
    if len(normal) != len(sentence):
        return None
    for word in required:
        if not any(t and t in normal for t in word):
            return None
    anchors = _anchors(sentence, focus)
    if not anchors:
        return None
    if any(_FORMER.search(normal[max(0, a - 8):a]) for a, _ in anchors):
        return None
    stated = _anchors(sentence, [t for word in required for t in word]) or anchors
    start = min(a for a, _ in stated)
    end = max(b for _, b in stated)
    if end - start > YES_WINDOW_CHARS:  # far apart: the most specific name alone
        names = [_whole_name(normal, a, b, classes) for a, b in _runs(stated)]

        def asked_in(ab: tuple[int, int]) -> int:  # how many asked words the name holds
            name = normal[ab[0]:ab[1]]
            return sum(1 for word in required if any(t and t in name for t in word))

        # the name holding most asked words (联合国环境规划署 for 联合国/环境/署), as the
        # passage writes it, not the ASCII word in brackets beside it
        start, end = max(names, key=lambda ab: (asked_in(ab), not normal[ab[0]:ab[1]].isascii(),
                                                ab[1] - ab[0]))
    else:
        start, end = _whole_name(normal, start, end, classes)
    start, end = with_acronym(sentence, start, end)
    return Fact(sentence[start:end].strip(), FactKind.YES)


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that touch or overlap merged into one (联合国|环境|规划署 -> 联合国环境规划署)."""
    runs: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if runs and a <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(b, runs[-1][1]))
        else:
            runs.append((a, b))
    return runs


def _whole_name(normal: str, start: int, end: int, classes: Mapping[str, str]
                ) -> tuple[int, int]:
    """[start, end) widened to the dictionary name it is part of (野生动物 -> 保护迁徙野生动物
    物种公约)."""
    for term in classes:
        if len(term) <= end - start or end - start + len(term) > MAX_FACT_CHARS:
            continue
        at = normal.find(term, max(0, end - len(term)))
        if 0 <= at <= start and at + len(term) >= end:
            return at, at + len(term)
    return start, end
