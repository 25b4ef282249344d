"""The one place that decides a reply's language and script."""

from __future__ import annotations

import re

from cepf_bot.analysis.script import HAN_CHARACTER, is_traditional
from cepf_bot.types import Lang, Locale, Script

_LATIN = re.compile(r"[A-Za-z]")


def reply_language(question: str = "", language_code: str | None = None) -> Lang:
    """The question's language first (Han characters, then Latin letters), then the user's
    Telegram setting."""
    if HAN_CHARACTER.search(question):
        return Lang.ZH
    if _LATIN.search(question):
        return Lang.EN
    return Lang.ZH if (language_code or "").lower().startswith("zh") else Lang.EN


def reply_script(question: str = "", language_code: str | None = None) -> Script:
    """The question's script, then the Telegram setting: a Hong Kong or Taiwan user who writes
    no Chinese (a command, English) gets their script; one who writes simplified gets it."""
    code = (language_code or "").lower().replace("_", "-")
    writes_chinese = bool(HAN_CHARACTER.search(question))
    if code in ("zh-hk", "zh-mo"):
        return Script.HONG_KONG if is_traditional(question) or not writes_chinese \
            else Script.SIMPLIFIED
    if code in ("zh-hant", "zh-tw"):
        return Script.TAIWAN if is_traditional(question) or not writes_chinese \
            else Script.SIMPLIFIED
    return Script.TAIWAN if is_traditional(question) else Script.SIMPLIFIED


def reply_locale(question: str = "", language_code: str | None = None) -> Locale:
    """How to answer `question` from a user whose Telegram language is `language_code`."""
    return Locale(reply_language(question, language_code), reply_script(question, language_code))
