"""Simplified and traditional Chinese: questions to simplified, replies to the reader's script.

Replies are converted character by character (OpenCC `s2tw`, `s2hk`), never with a phrase
variant such as `s2twp`, which rewrites vocabulary (信息 -> 資訊) and so would paraphrase the
foundation's text. Where OpenCC picks the wrong character for a name (绿发会 -> 綠髮會), the
corpus's `traditional.txt` says the right form (绿发会 = 綠發會).
"""

from __future__ import annotations

import functools
import re

import opencc

from cepf_bot.types import Script

_VARIANT = {Script.TAIWAN: "s2tw", Script.HONG_KONG: "s2hk"}
# The Han characters, in one place: CJK Unified Ideographs, Extension A and the compatibility
# ideographs (a regular-expression class body, for patterns that need it inside their own).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHARACTER = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")  # a run of Han characters (fullmatch: a word all Han)
# What a reply must not convert: a link's address (an href's value, a bare URL), which names a
# page on the web (…/新闻/ is not …/新聞/). A bare URL ends at white space, a quote, a tag or
# full-width punctuation.
_LINK = re.compile(r"""href=(?:"[^"]*"|'[^']*')|\b(?:https?|ftp)://[^\s<>"'「」『』，。、；：！？）（]+""")


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional Chinese -> simplified (OpenCC t2s); other text passes unchanged."""
    return _converter("t2s").convert(text) if HAN_CHARACTER.search(text) else text


# A reading aid after a character: 會(huì), a pinyin syllable with its tone mark in brackets.
_READING = re.compile(f"(?<=[{HAN}])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def without_readings(text: str) -> str:
    """`text` without the pinyin readings some pages put after characters (綠會(huì) -> 綠會):
    what a passage is cut by, so the words around them are cut whole."""
    return _READING.sub("", text) if "(" in text or "（" in text else text


def question_to_simplified(text: str) -> str:
    """A question in simplified script, Taiwan vocabulary mapped to the mainland's (OpenCC
    tw2sp: 計畫 -> 计划, 資訊 -> 信息). Questions only: the foundation's text is never
    rewritten."""
    return _converter("tw2sp").convert(text) if is_traditional(text) else text


def is_traditional(text: str) -> bool:
    """Whether the text is written in traditional characters (it changes under t2s)."""
    return bool(HAN_CHARACTER.search(text)) and to_simplified(text) != text


class TraditionalConverter:
    """Simplified -> a traditional variant, with the corpus's corrections applied after."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._fixes: dict[Script, list[tuple[str, str]]] = {}

    def _fixes_for(self, script: Script) -> list[tuple[str, str]]:
        if script not in self._fixes:
            cc = _converter(_VARIANT[script])
            pairs = [(cc.convert(s), t) for s, t in self.overrides.items()]
            self._fixes[script] = sorted(((w, t) for w, t in pairs if w != t),
                                         key=lambda p: -len(p[0]))
        return self._fixes[script]

    def convert(self, text: str, script: Script) -> str:
        """`text` in `script`; simplified returns it unchanged. Links' addresses (an href, a
        bare URL) are kept as they are: only the text around them is converted."""
        if script == Script.SIMPLIFIED or not HAN_CHARACTER.search(text):
            return text
        parts, start = [], 0
        for link in _LINK.finditer(text):
            parts += [self._convert_text(text[start : link.start()], script), link.group()]
            start = link.end()
        parts.append(self._convert_text(text[start:], script))
        return "".join(parts)

    def _convert_text(self, text: str, script: Script) -> str:
        if not HAN_CHARACTER.search(text):
            return text
        converted: str = _converter(_VARIANT[script]).convert(text)  # opencc: untyped return
        for wrong, right in self._fixes_for(script):
            converted = converted.replace(wrong, right)
        return converted
