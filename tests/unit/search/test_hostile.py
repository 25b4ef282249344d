"""Any Unicode at all through the question -> reply path: a valid Telegram-HTML reply of at
most 4,096 characters, or the no-answer reply; never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cepf_bot.reply.compose import compose_reply, interface_html
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import Lang, Locale, Script
from tests.telegram_html import problems

SPECIAL = ["\u202e", "\u202d", "\u200b", "\u200d", "\ufeff", "\u0301", "\u20dd", "\x00", "\x1b",
           "\r", "\t", "<b>", "</b>", "<a href='x'>", "&amp;", "&", "<", ">", "*", "_", "`",
           "[x](y)", "```", "斑海豹", "收入总额", "IUCN", "綠發會", "🐼", "\ud7ff", "\U0010ffff"]


def check(searcher: Searcher, question: str, lang: str, script: str, offset: int = 0) -> None:
    locale = Locale(Lang(lang), Script(script))
    reply = compose_reply(searcher, question, locale, offset)
    assert reply.messages
    for html in reply.messages:
        assert problems(html) == [], (question, html)
    if not reply.hits:
        key = "no_more" if offset else "no_answer"
        assert reply.messages == [interface_html(key, locale, searcher.traditional)]


questions = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(SPECIAL), max_size=30).map("".join),
    st.tuples(st.text(max_size=50), st.sampled_from(SPECIAL), st.text(max_size=50)).map(
        "".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions, lang=st.sampled_from(["zh", "en"]),
       script=st.sampled_from(["zh-hans", "zh-tw", "zh-hk"]), offset=st.sampled_from([0, 3]))
def test_any_question_gets_a_valid_reply(searcher, question, lang, script, offset):
    check(searcher, question, lang, script, offset)


@pytest.mark.parametrize("question", ["斑" * 100_000, "收入总额 " * 20_000, "\u0301" * 50_000,
                                      "<b>" * 30_000, "\u202e" * 100_000])
def test_100000_character_questions(searcher, question):
    check(searcher, question, "zh", "zh-hans")
