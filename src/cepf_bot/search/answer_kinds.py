"""What kind of span a question asks for, from its wording (Mandarin, with Cantonese and
traditional already mapped, or English): an amount, a date or period, a count, a person, a
place, an organisation, a list, a name in quotes, a role or tie of something named, or yes/no.
Only the wording decides; no per-question rule lives here."""

from __future__ import annotations

import re

from cepf_bot.analysis.script import HAN
from cepf_bot.search.answer_sentence import WHICH_TIMES, QuestionType, asked_unit, question_type
from cepf_bot.types import FactKind

_WHERE = re.compile(r"哪里|哪儿|哪裡|在哪(?![一年个天月段些位])|何处|何地|哪个(?:城市|国家|地方|省)"
                    r"|\bwhere\b")
_BODY_NOUN = r"(?:单位|部门|机构|组织|机关|部委|政府部门)"
_BODIES = re.compile(r"\b(?:bodies|organi[sz]ations|agencies|departments|ministries)\b")
_WHICH_BODY = re.compile(rf"哪个{_BODY_NOUN}|哪家|什么{_BODY_NOUN}|哪些{_BODY_NOUN}"
                         r"|\bwhich (?:\w+ )?(?:body|organi[sz]ation|agency|department|ministry"
                         r"|authority)"
                         r"|\bwhat (?:body|organi[sz]ation|agency|authority)")
# a post, role or tie: 担任什么职务, 是什么角色, 跟 UNEP 啥关系, what is his role
_ROLE = re.compile(rf"(?:什么|啥|哪些|哪个)[{HAN}]{{0,4}}?(?:职务|职位|角色|身份|头衔|关系)"
                   r"|干什么的|做什么的|是干啥的|什么级别"
                   r"|\brole\b|\bposition\b|\bpost\b|\brelationship\b|\bwhat did .+ do before")
# a duration (多久, 多长时间, how long: a count of years or months first) or a period (哪段时间)
_DURATION = re.compile(r"多久|多长时间|多少年|期限|\bhow long\b|\bduration\b")
_PERIOD = re.compile(r"哪段(?:时间|期间|时期)|什么期间|\bperiod\b")
# a money figure asked in other words: revenue, outgoings, in yuan
_MONEY = re.compile(r"\b(?:revenue|expenditure|expenses|outgoings|yuan|rmb)\b|come to\b"
                    r"|收入总额|支出总额")
_HOW_MANY = re.compile(r"\bhow many\b|\bhow much\b|多少|几[个次场项轮名位人年天]")
_FULL_NAME = re.compile(r"全称|全名|\bfull (?:\w+ )*name\b|\bofficial name\b")
_TITLE_NOUN = re.compile(r"(?:什么|啥|哪个|哪份|哪本)"
                         r"(?:报告|名录|协议|提案|书|书籍|公约|文件|标题)")


def asks_full_name(question: str) -> bool:
    """Whether the question asks the full name of something (全称, full name)."""
    return bool(_FULL_NAME.search(question.lower()))


def wanted_kinds(question: str) -> tuple[FactKind, ...]:
    """What kinds of span answer the question (Mandarin or English), most likely first."""
    text = question.strip().lower()
    if _WHICH_BODY.search(text):  # 哪些部门: the bodies, or the list that names them
        plural = "哪些" in text or bool(_BODIES.search(text))
        return (FactKind.ORGANISATION, FactKind.LIST) if plural else (FactKind.ORGANISATION,)
    if _ROLE.search(text):
        return (FactKind.ROLE,)
    if WHICH_TIMES.search(text):
        return (FactKind.DATE,)  # 哪几年: the years, not a list
    if _WHERE.search(text):
        return (FactKind.PLACE, FactKind.ORGANISATION)
    kind = question_type(text)
    if kind == QuestionType.LIST and _HOW_MANY.search(text):
        kind = QuestionType.AMOUNT  # how many … does the page list: a count, not a list
    if _FULL_NAME.search(text):
        return (FactKind.NAME,)  # 全称: the name an abbreviation stands for
    if kind in (QuestionType.AMOUNT, QuestionType.WHEN, QuestionType.OTHER):
        if _DURATION.search(text):
            return (FactKind.COUNT, FactKind.DATE)
        if _PERIOD.search(text):
            return (FactKind.DATE,)
    unit = asked_unit(text)
    if kind == QuestionType.OTHER and (unit == "元" or _MONEY.search(text)):
        return (FactKind.AMOUNT,)  # what is the total income; expenditure in yuan, please
    if kind == QuestionType.OTHER and _TITLE_NOUN.search(text):
        return (FactKind.NAME,)  # 出了个什么报告: the report's title
    if kind == QuestionType.AMOUNT:
        if unit == "元":
            return (FactKind.AMOUNT,)
        return (FactKind.COUNT,) if unit else (FactKind.AMOUNT, FactKind.COUNT)
    return {
        QuestionType.WHEN: (FactKind.DATE,),
        QuestionType.WHO: (FactKind.PERSON, FactKind.ORGANISATION),
        QuestionType.LIST: (FactKind.LIST,),
        QuestionType.NAME: (FactKind.NAME,),
        QuestionType.YES_NO: (FactKind.YES,),
    }.get(kind, ())
