"""Numbers that meet halfway: one form for 七十, 70 and "seventy"-free English (23 million), and
approximate tokens so that a question's rough figure (两千多, 2300万左右) finds the exact one.

The same functions run on passages and on questions (Lucene's rule: one analysis chain for
both), so a passage's 23122739.73 and a question's 2300万 share the tokens ~2e7 and ~23e6.
"""

from __future__ import annotations

import math
import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
# A measure word or an approximation after a Chinese numeral: only then is the run a number
# (一级学会, 第三份 and 三公约 stay words).
_AFTER = "余多个人次年月日天场项家位名轮条所届倍元份部座处岁只"
_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
# Whole runs only, each tried once from its first character (a match inside a run would rescan
# the rest of it from every start: quadratic in the run's length). The run's neighbours are
# checked in `normalise_numbers`.
_CHINESE_RUN = re.compile(rf"(?<![{_NUMERALS}])[{_NUMERALS}][{_NUMERALS}几]*")
# after a numeral, a rough figure: 两千出头 (just over), 两千左右, 两千上下 (about)
_ROUGHLY = ("出头", "左右", "上下")
# 几 after a unit stands for a digit nobody counted: 二千几万 is 2,0xx万, 十几个 10-odd
_SOME = "几"
_SCALED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿|thousand|million|billion)")
_SCALE = {"万": 10_000, "亿": 100_000_000, "thousand": 1_000, "million": 1_000_000,
          "billion": 1_000_000_000}


def chinese_numeral_value(run: str) -> int | None:
    """七十 -> 70, 两千三百 -> 2300, 二十 -> 20, 一千五百零八 -> 1508, 两千三 -> None
    (colloquial, left as is)."""
    total, section, digit, zero = 0, 0, None, False
    for char in run:
        if char in "零〇" and digit is None and (section or total):
            zero = True  # 一千零八: a zero between units holds the places skipped
        elif char in _DIGITS:
            if digit is not None:
                return None  # two digits in a row (二三) is not a number
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        elif char in _LARGE_UNITS:
            section += digit or 0
            total += (section or 1) * _LARGE_UNITS[char]
            section, digit = 0, None
        else:
            return None
    if digit is not None and len(run) > 1 and run[-2] in "百千万亿" and not zero:
        return None  # 两千三 is colloquial for 2300, not 2003: leave it to the words
    return total + section + (digit or 0)


# Above this a float no longer holds every digit of a figure: such a number stays as written.
LARGEST_FIGURE = 1e15


def figure_value(number: str) -> float | None:
    """The value of a figure as written (23122739.73, 12%); None when it is not one or too large
    to compute with exactly (a 400-digit run of 9s is text, never an overflow)."""
    digits = number.rstrip("%")
    if len(digits) > 40:  # float() of a long run would be inf, or cost time for nothing
        return None
    try:
        value = float(digits)
    except ValueError:
        return None
    return value if math.isfinite(value) and value < LARGEST_FIGURE else None


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _scaled(m: re.Match[str]) -> str:
    value = figure_value(m.group(1))
    if value is None or value * _SCALE[m.group(2)] >= LARGEST_FIGURE:
        return m.group()
    return _plain(value * _SCALE[m.group(2)])


def normalise_numbers(text: str) -> str:
    """Chinese numerals before a measure word as digits (七十余人 -> 70余人), and 万/亿/million
    multiplied out (2300万 -> 23000000). Expects normalised (lower-case, NFKC) text."""
    def chinese(m: re.Match[str]) -> str:
        run, start, end = m.group(), m.start(), m.end()
        if _SOME in run:
            return _rough(run)
        after = text[end : end + 1]
        if (len(run) < 2 and run not in "十百千") or text[start - 1 : start] == "第" \
                or not after or (after not in _AFTER and text[end : end + 2] not in _ROUGHLY):
            return run
        value = chinese_numeral_value(run)
        return run if value is None or value >= LARGEST_FIGURE else str(value)

    text = _CHINESE_RUN.sub(chinese, text)
    return _SCALED.sub(_scaled, text)


def _rough(run: str) -> str:
    """A numeral with 几 for a digit (二千几万, 三十几): its least value and 多 (more than:
    二千几万 -> 20000000多), read as the rough figure it is; a run where 几 follows no unit
    (一几) stays as written."""
    head, _, rest = run.partition(_SOME)
    if not head or head[-1] not in "十百千万亿" or _SOME in rest:
        return run
    value = chinese_numeral_value(head + rest)
    return run if value is None or value >= LARGEST_FIGURE else f"{value}多"


_MEASURES = frozenset("余多个人次场项家位名轮条所届倍元份只种万亿千百")


def _is_year(number: str, following: str) -> bool:
    """A whole number from 1000 to 2100 not followed by a measure word or a word of rough
    size (2019年, 2018两会, and in English text "founded in 1985", "the 1980s"): a year, not
    a figure about that large (2900余人, 1500元, 2000出头). `following`: the text just after
    it (two characters are enough)."""
    return (number.isdigit() and 1000 <= int(number) <= 2100
            and following[:1] not in _MEASURES and following[:2] not in _ROUGHLY)


def approximate_tokens(number: str, following: str = "") -> list[str]:
    """The number's magnitude at one and two significant digits, truncated: 23122739.73 ->
    ['~2e7', '~23e6']. None under 100 (dates, counts people say exactly), for percentages and
    for years (2019年, and in English text "in 1985": no measure word after it)."""
    value = figure_value(number)
    if value is None or number.endswith("%") or value < 100 or _is_year(number, following):
        return []
    exponent = math.floor(math.log10(value))
    one = int(value // 10**exponent)
    two = int(value // 10 ** (exponent - 1))
    return [f"~{one}e{exponent}", f"~{two}e{exponent - 1}"]
