"""Where a fact's span starts and ends, by the kind asked: a body's whole name (its bracketed
acronym and the unit of it the sentence names: 世界自然保护联盟(IUCN)暗夜顾问委员会), a list
with the count that closes it (…、环保部六部门), a name after a label (整理/Cyan、Linda), what
follows the verb a question asks the object of (针对谁 -> 针对 …), and the clause that states
a named person's or body's role. Every span is [start, end) of the sentence, cut, never
rewritten; patterns only, no per-question rule."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

from cepf_bot.analysis.script import HAN
from cepf_bot.analysis.segment import normalise

MAX_SPAN_CHARS = 80
# a body's unit named right after it: 委员会, 工作组, 项目办 (a suffix of the name's kind)
_UNIT = re.compile(rf"(?:(?![的与和及等在为是由对向并])[{HAN}]){{0,8}}?"
                   r"(?:委员会|工作组|专家组|小组|中心|办公室|项目办|秘书处|协会|联盟|基金会|研究院"
                   r"|研究所|学会)")
_ACRONYM = re.compile(r"\s*[(（][A-Za-z0-9][A-Za-z0-9 .&'\-]{0,40}[)）]")
# a list's count after its last item: 六部门, 等5项重点工作, 三公约
_COUNT_AFTER = re.compile(rf"等?(?:\d+|[一二两三四五六七八九十]+)(?:个|家|项|名|位|所|大)?"
                          rf"[{HAN}]{{1,6}}?(?=[，,；;。、\n）)]|$)")
_LABEL_MARK = re.compile(r"\s*[/:：]\s*")
_LABEL_VALUE = re.compile(r"[^\s，,；;。]{1,40}")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n]")
_LEAD = re.compile(r"^[\s•·\-*]+")
# the verb a who-question asks the object of: 针对谁, 面向谁 (not 是谁, 为谁)
_OBJECT_ASKED = re.compile(rf"([{HAN}]{{2}})(?:的是)?谁")
_SUBJECT_MARK = set("是为叫由被")


def whole_body(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A body's span widened over its bracketed acronym and the unit of it named right after
    (世界自然保护联盟(IUCN)暗夜顾问委员会)."""
    acronym = _ACRONYM.match(sentence, end)
    if acronym and acronym.end() - start <= MAX_SPAN_CHARS:
        end = acronym.end()
    unit = _UNIT.match(sentence, end)
    if unit and unit.end() - start <= MAX_SPAN_CHARS:
        end = unit.end()
    return start, end


def with_acronym(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A name's span with the bracketed acronym right after it, and its 《》 when quoted."""
    if start > 0 and sentence[start - 1] == "《" and sentence.find("》", end) == end:
        start, end = start - 1, end + 1
    acronym = _ACRONYM.match(sentence, end)
    if acronym and acronym.end() - start <= MAX_SPAN_CHARS:
        end = acronym.end()
    return start, end


def with_count(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A list's span with the count that closes it (…、公安部、环保部六部门)."""
    count = _COUNT_AFTER.match(sentence, end)
    if count and count.end() - start <= MAX_SPAN_CHARS:
        return start, count.end()
    return start, end


_SHORT_FOR = re.compile(r"([^\s，,。；;:：()（）“”]{2,40})\s*[(（]?\s*简称")


def full_names(sentence: str) -> list[tuple[int, int]]:
    """The full names a sentence gives an abbreviation for: X(简称“Y”) -> X."""
    return [(m.start(1), m.end(1)) for m in _SHORT_FOR.finditer(sentence)]


def labelled(sentence: str, anchors: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The values written after an asked label: 整理/Cyan、Linda -> Cyan、Linda."""
    spans = []
    for _, b in anchors:
        mark = _LABEL_MARK.match(sentence, b)
        value = _LABEL_VALUE.match(sentence, mark.end()) if mark else None
        if value:
            spans.append((value.start(), value.end()))
    return spans


def object_of(question: str, sentence: str, words: Iterable[str] = ()
              ) -> tuple[int, int] | None:
    """For a question asking the object of its verb (主要针对谁), what follows that verb in
    the sentence, to the clause's end. `words`: the question's terms; two characters that end
    a longer one are a noun's tail, not a verb (秘书长谁: who the 秘书长 is)."""
    m = _OBJECT_ASKED.search(question)
    if not m or m.group(1)[-1] in _SUBJECT_MARK or "的是" in m.group():
        return None
    verb = m.group(1)
    if any(len(w) > len(verb) and question[:m.end(1)].endswith(w) for w in words):
        return None
    at = normalise(sentence).find(verb)
    if at < 0:
        return None
    start = at + len(verb)
    stop = _CLAUSE_BREAK.search(sentence, start)
    end = min(stop.start() if stop else len(sentence), start + MAX_SPAN_CHARS)
    return (start, end) if end > start else None


def role_clause(sentence: str, terms: Iterable[str], classes: Mapping[str, str]
                ) -> tuple[int, int] | None:
    """The clause that states a role or tie: the one holding the question's most specific
    words (longest; a person's name counts only where nothing else is named: the role of a
    person is asked by the body it is in)."""
    normal = normalise(sentence)
    if len(normal) != len(sentence):
        return None
    terms = [t for t in set(terms) if t]
    bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence)]
    best: tuple[tuple[int, int], int, int] | None = None
    for start, end in itertools.pairwise(bounds):
        clause = normal[start:end]
        named = sum(len(t) for t in terms if t in clause and classes.get(t) != "person")
        people = sum(len(t) for t in terms if t in clause and classes.get(t) == "person")
        score = (named, people)
        if score > (0, 0) and (best is None or score > best[0]):
            best = (score, start, end)
    if best is None:
        return None
    _, start, end = best
    while end > start and _CLAUSE_BREAK.match(sentence, end - 1):
        end -= 1
    lead = _LEAD.match(sentence, start)
    start = lead.end() if lead else start
    if end - start > MAX_SPAN_CHARS:  # a long clause: the item (between 、) with the words
        items = [0, *(m.end() for m in re.finditer("、", sentence[start:end])), end - start]
        for a, b in itertools.pairwise(items):
            if any(t in normal[start + a:start + b] for t in terms):
                return start + a, min(start + b, start + a + MAX_SPAN_CHARS)
        return start, start + MAX_SPAN_CHARS
    return (start, end) if end > start else None
