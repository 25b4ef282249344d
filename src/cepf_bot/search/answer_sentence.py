"""The answer first: one verbatim sentence of the best passage, chosen by what is asked.

The passage is cut into sentences (and a long sentence into runs of clauses of at most
MAX_ANSWER_CHARS). Each is scored by the idf of the question's terms it contains, plus a bonus
when it has what the question's type asks for: a figure (of the asked unit) for how much / how
many, a date for when, a person or a body for who, the asked entity for yes/no questions. The
sentence is the foundation's text, never rewritten.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from enum import StrEnum

from cepf_bot.analysis.english_forms import MONTHS
from cepf_bot.analysis.lexicon import general_lexicon
from cepf_bot.analysis.segment import normalise
from cepf_bot.corpus.document import ABBREVIATION, is_dateline, is_heading_line
from cepf_bot.types import Answer, Hit

MAX_ANSWER_CHARS = 260
# What one question may cost per passage: its first MAX_SCAN_CHARS characters, in at most
# MAX_SPANS candidate sentences (a PDF table without 。 is one paragraph of short clauses).
MAX_SCAN_CHARS = 6000
MAX_SPANS = 80
TYPE_BONUS = 1.0  # times the best sentence's term score: what is asked beats more matches
CURRENT_BONUS = 0.1  # … a sentence that states the present (现任, 现已), unless the past is asked
NOW_BONUS = TYPE_BONUS  # … when the question asks about the present itself: as what is asked
TITLE_WEIGHT = 0.3  # a term of the passage's title says what the whole passage is about
# long items are listed with commas (罗马俱乐部执委,世界绿色设计组织副主席,…): a sentence of
# this many commas lists (3 and 4 measured on the dev files; 3 lost two answer sentences)
LIST_COMMAS = 4
FOCUS_WEIGHT = 2.0  # a term of the words next to the question word: what is asked

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)(?=\s)")
_CLAUSE_END = re.compile(r"(?<=[，,、：:])")
_FIGURE = re.compile(
    r"\d|[一二两三四五六七八九十百千万亿]+(?=[余多个人次场项家位名轮条所届倍元份])")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年初|年底|年末|年中|\d{4}")
# a month's name in normalised (lower-case) text, whole or cut short: november, nov., sept
_MONTH_NAME = "|".join(m[:3].lower() for m in MONTHS)
_DAY_OR_MONTH = re.compile(rf"\d{{1,2}}\s*[月日号]|[上中下]旬|月[初底末中]"
                           rf"|\b(?:{_MONTH_NAME})[a-z]*\.?\s|\d{{1,2}}/\d{{1,2}}")
_YEAR_ASKED = re.compile(r"哪年|哪一年|几几年|什么年份|哪个年份|\b(?:what|which) year\b")
_WHO = re.compile(r"[长席记委员士官]|同志|联盟|协会|组织|部门|署|部")
# a way, a channel, a place to go: what answers how to do something
_WAY = re.compile(r"通过|方式|渠道|途径|步骤|方法|登录|登陆|扫码|二维码|网址|网站|官网|邮箱"
                  r"|电话|热线|账号|账户|报名|申请|http|www\.|@|\bthrough\b|\bvia\b|\bform\b"
                  r"|website|online|account|e-?mail|\bcall\b|phone|regist|apply|\bvisit|write to")
_TITLE = re.compile(r"《[^《》]{1,60}》")
_CURRENT = re.compile(r"现任|现为|目前|现已|如今")
# the question asks about the present (现在的理事长, 而家改咗咩名, called now)
_NOW_ASKED = re.compile(r"现在|目前|如今|现今|当前|而家|\bnow\b|\bcurrent(?:ly)?\b|\btoday\b"
                        r"|\bat present\b")
_PAST_ASKED = re.compile(r"第.届|原|前任|时任|历任|当时|former|previous|past|first|second|third"
                         r"|fourth|fifth")
# a figure written in digits or in Chinese numerals (七项, 两轮, 第三份), right before its unit
_NUMERAL = "〇一二两三四五六七八九十百千万亿余多"
_COUNT_BEFORE = rf"(?:\d|[{_NUMERAL}])\s*"
# 为期3年, 十年 count years; 2019年 is a year
_YEARS_COUNTED = re.compile(rf"(?<!\d)\d{{1,3}}\s*年|[{_NUMERAL}]\s*年")
# what counts in a unit, in a passage: 个 counts 场, 项, 家 and 座 too; 人 counts 名 and 位
_COUNTED_AS = {"人": r"人(?!次)|名|位", "个": r"个|场|项|家|座"}
# the words that name a unit in a question
_UNITS = {
    "人": re.compile(_COUNTED_AS["人"] + r"|学员|学生|参加"),
    "元": re.compile(r"元|钱|收入|支出|金额|花|income|spen|cost|money"),
    "次": re.compile(r"人次|次数|次"),
    "轮": re.compile(r"轮|round"),
    "个": re.compile(_COUNTED_AS["个"]),
}


# 几 and a measure word (几期, 几届, 几份) asks how many (几月, 几号 ask when: matched first)
_MEASURES = re.escape("".join(sorted(general_lexicon().measure_words)))
_POINTING = re.compile(r"[这那哪每某][个次]")  # this one, that time: not what is counted
_MEASURE_ASKED = re.compile(rf"(?:几|多少)([{_MEASURES}])")
_HOW_MANY = re.compile(r"几|多少")


class QuestionType(StrEnum):
    LIST = "list"
    NAME = "name"
    AMOUNT = "amount"
    WHEN = "when"
    WHO = "who"
    HOW = "how"  # a way to do something: how to donate, 怎么报名
    YES_NO = "yes/no"
    OTHER = "other"


# 哪几年, 哪些年份, 哪几个月, which years: the years asked, not a list
_WHICH_TIME = r"(?:哪些|哪几)(?=个?(?:年|月|天|日))"
WHICH_TIMES = re.compile(rf"{_WHICH_TIME}|\bwhich years\b")
_TYPES = [
    # a title's holder: 理事长叫什么 asks for a person, not a name in quotes
    (QuestionType.WHO, re.compile(r"(?:长|主席|书记|负责人|委员)(?:的名字)?(?:叫什么|叫啥|是谁)")),
    (QuestionType.NAME, re.compile(
        r"叫什么|叫啥|名字|名称|全称|题目|标题|\bname\b|\btitle\b|\bcalled\b")),
    (QuestionType.LIST, re.compile(rf"(?!{_WHICH_TIME})(?:哪些|哪几)|what (?:are|were)\b"
                                   r"|\blist\b")),
    (QuestionType.WHEN, re.compile(
        r"哪年|哪一年|哪个月|哪天|哪一天|哪日|几号|什么时候|啥时候?|啥时后|何时|几时|几月|日期|哪段(?:时间|期间|时期)"
        rf"|{_WHICH_TIME}"
        r"|\bwhen\b|what year"
        r"|which year|what date")),
    (QuestionType.AMOUNT, re.compile(
        rf"多少|几[{_MEASURES}人名]|几多|多大|多长|how many|how much|\bnumber of|amount"
        r"|figure")),
    (QuestionType.WHO, re.compile(r"谁|哪位|什么人|哪个人|\bwho\b|\bwhom\b|\bwhose\b")),
    (QuestionType.HOW, re.compile(
        r"怎么|怎样|如何|\bhow (?:do|does|can|could|should|would|to|did)\b")),
    (QuestionType.YES_NO, re.compile(
        r"吗[?？\s]*$|是不是|是否|有没有|对不对|能不能|算不算|^(is|are|does|do|did|was|were|has|have"
        r"|can)\b")),
]


# "which" asks for a list before a plural (which treaties, which of their reserves, which UN
# conventions, which international organizations), not before a singular (which body, which
# city: one thing); the plural is the next word, or the one after an acronym or an adjective
_WHICH_MANY = re.compile(r"\b(?i:which)\s+(?:of\b|(?:[A-Z]{2,6}\s+|[a-z-]+(?:al|an|ese|ic|er|ern)"
                         r"\s+)?[a-zA-Z-]+[^sS\s][sS]\b)")


def question_type(question: str) -> QuestionType:
    """What kind of answer the question wants, from its wording (Mandarin, any case)."""
    text = question.strip().lower()
    for kind, pattern in _TYPES:
        if pattern.search(text) or (kind == QuestionType.LIST and _WHICH_MANY.search(question)):
            return kind
    return QuestionType.OTHER


def asked_unit(question: str) -> str | None:
    """The unit a how-much question counts in (人, 元, 次, 轮, 个), if it says; else the
    measure word it puts after 几 or 多少 (几期: 期, 多少只: 只), if any. What is counted
    follows the question word (多少只活穿山甲 counts 只, whatever 专项 before it says), else it
    is named before it (爱心人次是多少); a measure word after a demonstrative points, it does
    not count (那个研修班办了几期 counts 期, not 个)."""
    text = _POINTING.sub("", question.lower())
    measure = _MEASURE_ASKED.search(text)
    asked = measure or _HOW_MANY.search(text)
    if asked is not None:
        unit = _unit_named(text[asked.start():]) or (measure.group(1) if measure else None)
        if unit:
            return unit
    return _unit_named(text)


def _unit_named(text: str) -> str | None:
    """The first of the units (次, 元, 轮, 人, 个) whose words `text` has."""
    return next((u for u in ("次", "元", "轮", "人", "个") if _UNITS[u].search(text)), None)


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of `text`; a sentence longer than MAX_ANSWER_CHARS becomes runs of its
    clauses that fit."""
    bounds = [0, *(m.start() for m in _SENTENCE_END.finditer(text)
                   if not ABBREVIATION.search(text, max(0, m.start() - 6), m.start())),
              len(text)]
    spans = []
    for start, end in itertools.pairwise(bounds):
        if not text[start:end].strip():
            continue
        if end - start <= MAX_ANSWER_CHARS:
            spans.append((start, end))
            continue
        cuts = [start, *(start + m.start() for m in _CLAUSE_END.finditer(text[start:end])), end]
        for i in range(len(cuts) - 1):
            j = i + 1
            while j + 1 < len(cuts) and cuts[j + 1] - cuts[i] <= MAX_ANSWER_CHARS:
                j += 1
            spans.append((cuts[i], min(cuts[j], cuts[i] + MAX_ANSWER_CHARS)))
    return spans


def type_matches(kind: QuestionType, unit: str | None, sentence: str,
                  distinctive: Iterable[str]) -> bool:
    """Whether `sentence` (normalised) holds what a question of `kind` asks for."""
    if kind == QuestionType.LIST:  # an enumeration: 浙江、新疆、山东; or long items by commas
        return sentence.count("、") >= 2 or sentence.count(",") >= LIST_COMMAS
    if kind == QuestionType.NAME:
        return "《" in sentence or "“" in sentence
    if kind in (QuestionType.AMOUNT, QuestionType.WHEN):
        sentence = _TITLE.sub("", sentence)  # 《2015年…报告》: a title's figures answer nothing
    if kind == QuestionType.AMOUNT:
        if unit is not None:
            if unit == "年":
                return bool(_YEARS_COUNTED.search(sentence))
            counted = _COUNTED_AS.get(unit, re.escape(unit))
            return bool(re.search(rf"{_COUNT_BEFORE}(?:{counted})", sentence))
        return bool(_FIGURE.search(sentence))
    if kind == QuestionType.WHEN:
        return bool(_DATE.search(sentence))
    if kind == QuestionType.WHO:
        return bool(_WHO.search(sentence))
    if kind == QuestionType.HOW:
        return bool(_WAY.search(sentence))
    if kind == QuestionType.YES_NO:
        return any(term in sentence for term in distinctive)
    return False


def most_specific(options: Sequence[tuple[AbstractSet[str], float]], hit: Hit,
                  words: Callable[[str], AbstractSet[str]]) -> frozenset[str]:
    """Of a yes/no question's words the passage has (`options`: each word's terms and its
    weight), the one that tells the passage's sentences apart: its weight over the number of
    sentences that hold it. A passage about 污染环境罪 names it in sentence after sentence;
    what is asked of it (交给全国人大) stands in one. Empty when there are no options."""
    if not options:
        return frozenset()
    text = hit.passage.text[:MAX_SCAN_CHARS]
    found = [words(text[start:end]) for start, end in candidate_spans(text)[:MAX_SPANS]]

    def specificity(option: tuple[AbstractSet[str], float]) -> float:
        terms, weight = option
        return weight / max(1, sum(bool(terms & f) for f in found))

    return frozenset(max(options, key=specificity)[0])  # max keeps the first of equals


def pick_answer(question: str, hit: Hit, weight: Callable[[str], float],
                words: Callable[[str], AbstractSet[str]], focus: Iterable[str] = ()
                ) -> Answer | None:
    """The sentence of `hit`'s passage that answers `question` (Mandarin, simplified),
    verbatim. `weight(term)` is a query term's importance (its idf times its query weight);
    `words(text)` the plain words of a text (a term inside a longer word is not that word;
    only those among the hit's terms count, so it may leave out the others);
    `focus` the terms of what the question asks about (the words beside its question word, or
    a yes/no question's most specific word): they weigh FOCUS_WEIGHT, and a yes/no answer must
    have them."""
    text = hit.passage.text[:MAX_SCAN_CHARS]  # bounded work per passage, however long
    title = normalise(hit.passage.title)
    spans = candidate_spans(text)[:MAX_SPANS] or [(0, len(text))]
    kind, unit = question_type(question), asked_unit(question)
    asked = set(focus)
    lowered = question.lower()
    prefer_current = not _PAST_ASKED.search(lowered)
    current_bonus = NOW_BONUS if _NOW_ASKED.search(lowered) else CURRENT_BONUS
    asks_year = bool(_YEAR_ASKED.search(lowered))
    normals = [normalise(text[start:end]) for start, end in spans]
    found = [set(hit.terms) & words(text[start:end]) for start, end in spans]
    # a term in many of the passage's sentences says little about which one answers
    spread = {t: sum(t in f for f in found) for t in hit.terms}
    scored = []
    for (start, end), normal, terms in zip(spans, normals, found, strict=True):
        base = sum(weight(t) * (TITLE_WEIGHT if t in title else 1.0) / spread[t] ** 0.5
                   * (FOCUS_WEIGHT if t in asked else 1.0) for t in terms)
        scored.append((base, normal, start, end))
    best_base = max(s[0] for s in scored) or 1.0
    ranked = []
    # a page's dateline says when it was posted, not what happened: never the answer while
    # the passage has a sentence of its own
    datelines = [is_dateline(text[start:end]) for _, _, start, end in scored]
    if not all(datelines):
        scored = [s for s, dateline in zip(scored, datelines, strict=True) if not dateline]
    # a heading line read with its paragraph (a whole line, text below it) names what the
    # paragraph is about
    last = len(text.rstrip())
    heading = {start: end < last and text[start:end].endswith("\n")
               and is_heading_line(text[start:end]) for _, _, start, end in scored}
    for base, normal, start, end in scored:
        # a date answers "when" even in a sentence that repeats none of the question's words
        matches = (base > 0 or kind == QuestionType.WHEN) and type_matches(kind, unit, normal,
                                                                             asked)
        current = base > 0 and prefer_current and bool(_CURRENT.search(normal))
        # "when" is answered by a day or a month; a year alone may be a title's (2024 GBIF
        # meeting) unless the year is what is asked
        year_alone = kind == QuestionType.WHEN and not asks_year \
            and not _DAY_OR_MONTH.search(normal)
        bonus = TYPE_BONUS / 2 if year_alone else TYPE_BONUS
        score = base + (bonus * best_base if matches else 0.0) + (current_bonus * best_base
                                                                  if current else 0.0)
        # on a tie, a sentence of the paragraph before its heading
        ranked.append((score, matches, not heading[start], -start, start, end))
    score, _, _, _, start, end = max(ranked)
    if score <= 0:  # nothing in particular: the whole passage if it is short, else its start
        start, end = (0, len(text)) if len(text) <= MAX_ANSWER_CHARS else spans[0]
    return Answer(text[start:end].strip(), hit.passage.id)
