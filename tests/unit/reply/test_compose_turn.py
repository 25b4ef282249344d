"""One call a message: small talk, the reply and the suggested examples come together."""

from __future__ import annotations

from cepf_bot.reply.compose import compose_turn
from cepf_bot.types import Lang, Locale, Verdict

EXAMPLES = ["绿发会的收入总额是多少？", "绿发会加入了哪些国际组织？", "斑海豹项目做了什么？",
            "绿发会是哪一年成立的？"]


def test_thanks_is_small_talk_with_the_first_examples(searcher):
    turn = compose_turn(searcher, "谢谢！", Locale(Lang.ZH), examples=EXAMPLES)
    assert turn.small_talk == "thanks" and turn.verdict == Verdict.NONE
    assert turn.hits == [] and turn.suggested == (0, 1, 2)


def test_a_question_gets_its_page_and_no_suggestions(searcher):
    turn = compose_turn(searcher, "绿发会的收入总额是多少？", Locale(Lang.ZH), examples=EXAMPLES)
    assert turn.hits and not turn.small_talk and turn.suggested == ()
    assert "27103400.95" in turn.messages[0]


def test_an_off_topic_question_gets_examples_to_try(searcher):
    turn = compose_turn(searcher, "明天会下雨吗", Locale(Lang.ZH), examples=EXAMPLES)
    assert turn.hits == [] and not turn.small_talk
    assert turn.suggested and set(turn.suggested) <= set(range(len(EXAMPLES)))


def test_a_question_that_only_names_the_foundation_gets_its_introduction(searcher):
    """绿会是什么 / what is CBCGDF / 綠會係咩嚟㗎: the name and nothing asked about it asks what
    it is; before, the name alone scored under the floor and got nothing."""
    for question in ("绿会是什么", "What is CBCGDF?", "綠會係咩嚟㗎",
                     "tell me about the foundation"):
        turn = compose_turn(searcher, question, Locale(Lang.ZH), examples=EXAMPLES)
        assert turn.verdict == Verdict.ANSWER, question
        assert "简称" in turn.hits[0].passage.text, question


def test_thanks_with_the_foundations_name_is_still_small_talk(searcher):
    for message in ("谢谢绿会！", "thanks CBCGDF", "绿会你好"):
        turn = compose_turn(searcher, message, Locale(Lang.ZH), examples=EXAMPLES)
        assert turn.small_talk and turn.hits == [], message
