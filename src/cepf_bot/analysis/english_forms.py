"""English forms of what a Chinese sentence states by rule: dates, counts, amounts, names.

    2016年7月至10月   -> July–October 2016        2018年初  -> early 2018
    2019年11月底      -> late November 2019       2015年至2017年 -> 2015–2017
    七十余人          -> more than 70 people      2900余人  -> more than 2900 people
    近二十个          -> nearly 20                两轮      -> 2 rounds
    27103400.95元     -> 27103400.95 yuan (27,103,400.95 yuan, about 27.1 million yuan)
    谢伯阳 (a person) -> Xie Boyang               浙江 (a place) -> Zhejiang

`FACT` finds every date, count and amount in a text; `fact_english(match)` renders one.
Nothing here guesses: a form it does not know is not rendered.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable

from cepf_bot.analysis.numerals import LARGEST_FIGURE, chinese_numeral_value, figure_value
from cepf_bot.analysis.script import HAN

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_PART_OF_YEAR = {"初": "early", "底": "late", "末": "late", "中": "mid-",
                 "上半年": "the first half of", "下半年": "the second half of"}
_PART_OF_MONTH = {"初": "early", "上旬": "early", "中旬": "mid-", "下旬": "late", "底": "late",
                  "末": "late"}
# measure word -> the noun it counts (singular, plural); "" when the noun follows it (个, 场 …)
MEASURES = {
    "人": ("person", "people"), "名": ("person", "people"), "位": ("person", "people"),
    "人次": ("visit", "visits"), "次": ("time", "times"), "轮": ("round", "rounds"),
    "年": ("year", "years"), "个月": ("month", "months"), "天": ("day", "days"),
    "倍": ("time", "times"), "岁": ("year old", "years old"), "届": ("session", "sessions"),
    "个": ("", ""), "场": ("", ""), "项": ("", ""), "家": ("", ""), "所": ("", ""),
    "条": ("", ""), "部": ("", ""), "座": ("", ""), "处": ("", ""), "份": ("", ""),
    "件": ("", ""), "种": ("", ""), "只": ("", ""),
}
_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
_MONTH = r"(?:1[0-2]|0?[1-9])"
FACT = re.compile(
    rf"(?P<y1>\d{{4}})年(?P<m1>{_MONTH})月至(?:(?P<y2>\d{{4}})年)?(?P<m2>{_MONTH})月"
    rf"|(?P<ya>\d{{4}})年至(?P<yb>\d{{4}})年"
    rf"|(?P<yd>\d{{4}})年(?P<md>{_MONTH})月(?P<dd>[12]\d|3[01]|0?[1-9])日"
    rf"|(?P<ym>\d{{4}})年(?P<mm>{_MONTH})月(?P<pm>上旬|中旬|下旬|初|底|末)?"
    rf"|(?P<yy>\d{{4}})年(?P<py>上半年|下半年|初|底|末|中(?![{HAN}]))?"
    rf"|(?P<amount>\d+(?:\.\d+)?)(?P<scale>万|亿)?元"
    rf"|第(?P<ordinal>\d+|[一二三四五六七八九十]+)"
    rf"|(?P<pre>近|约|逾|超过|超)?(?P<n>{_NUMBER})(?P<approx>余|多)?"
    rf"(?P<measure>{'|'.join(sorted(MEASURES, key=len, reverse=True))})"
)


def month(number: str) -> str:
    return MONTHS[int(number) - 1]


def grouped_figure(value: float) -> str:
    """27103400.95 -> 27,103,400.95; 12000 -> 12,000."""
    return f"{value:,.2f}".removesuffix(".00")


def number_english(value: float) -> str:
    """3 -> 3; 2900 -> 2900 (four digits stay as published); 12000 -> 12,000;
    27103400.95 -> 27,103,400.95."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and value < 10_000:
        return str(int(value))
    return grouped_figure(value)


def amount_english(value: float, published: str = "") -> str:
    """As the replies give amounts: the figure as published, then grouped and rounded:
    27103400.95 -> "27103400.95 yuan (27,103,400.95 yuan, about 27.1 million yuan)"."""
    grouped = grouped_figure(value)
    if value < 10_000:
        return f"{published or grouped} yuan"
    readable = f"{grouped} yuan, about {value / 1e6:.1f} million yuan" if value >= 1e6 \
        else f"{grouped} yuan"
    return f"{published} yuan ({readable})" if published else readable


def _value(number: str) -> float | None:
    if number[0].isdigit():
        return figure_value(number)
    value = chinese_numeral_value(number)
    return None if value is None or value >= LARGEST_FIGURE else float(value)


def fact_english(m: re.Match[str]) -> str | None:
    """The English of one `FACT` match; None when its number cannot be read."""
    g = m.groupdict()
    if g["y1"]:
        end_year = g["y2"] or g["y1"]
        if end_year == g["y1"]:
            return f"{month(g['m1'])}–{month(g['m2'])} {g['y1']}"
        return f"{month(g['m1'])} {g['y1']} – {month(g['m2'])} {end_year}"
    if g["ya"]:
        return f"{g['ya']}–{g['yb']}"
    if g["yd"]:
        return f"{int(g['dd'])} {month(g['md'])} {g['yd']}"
    if g["ym"]:
        part = _PART_OF_MONTH.get(g["pm"] or "", "")
        return _with_part(part, f"{month(g['mm'])} {g['ym']}")
    if g["yy"]:
        return _with_part(_PART_OF_YEAR.get(g["py"] or "", ""), g["yy"])
    if g["ordinal"]:
        value = _value(g["ordinal"])
        return None if value is None else _ordinal(int(value))
    if g["amount"]:
        scale = {"万": 1e4, "亿": 1e8}.get(g["scale"] or "", 1)
        amount = figure_value(g["amount"])
        if amount is None or amount * scale >= LARGEST_FIGURE:
            return None
        return amount_english(amount * scale, "" if g["scale"] else g["amount"])
    value = _value(g["n"])
    if value is None:
        return None
    singular, plural = MEASURES[g["measure"]]
    noun = (singular if value == 1 and not g["approx"] else plural)
    pre = {"近": "nearly ", "约": "about ", "逾": "more than ", "超过": "more than ",
           "超": "more than "}.get(g["pre"] or "", "")
    if g["approx"]:
        pre = "more than "
    return f"{pre}{number_english(value)}{' ' + noun if noun else ''}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _with_part(part: str, when: str) -> str:
    if not part:
        return when
    return f"{part}{when}" if part.endswith("-") else f"{part} {when}"


@functools.cache
def load_pinyin() -> Callable[..., list[str]]:
    """pypinyin's `lazy_pinyin` (toneless syllables), imported when first needed, with the
    characters' readings only: its phrase tables cost 45 MB more and ~0.1 s."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def pinyin(word: str) -> list[str]:
    """The syllables of a Chinese word, no tones, ü kept: 吕正操 -> ['lü', 'zheng', 'cao'].
    Without its phrase tables pypinyin reads each character alone, so a character's reading is
    looked up once: a reindex reads the pinyin of every name-like term of the corpus."""
    return [s for c in word for s in _character_pinyin(c)]


@functools.lru_cache(maxsize=1 << 16)
def _character_pinyin(character: str) -> tuple[str, ...]:
    return tuple(s for s in load_pinyin()(character, v_to_u=True, errors="ignore") if s)


def person_name(word: str) -> str:
    """A Chinese person's name in pinyin, family name first: 谢伯阳 -> Xie Boyang."""
    syllables = pinyin(word)
    if not syllables:
        return ""
    family, given = syllables[0], "".join(syllables[1:])
    return f"{family.capitalize()} {given.capitalize()}".strip()


def place_name(word: str) -> str:
    """A place name in pinyin, one word: 浙江 -> Zhejiang (established English names, such as
    Tibet for 西藏, come from the glossary instead)."""
    return "".join(pinyin(word)).capitalize()
