import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cepf_bot.bot.rate_limit import UserRateLimiter
from cepf_bot.bot.send import question_of
from cepf_bot.reply.render import (
    TELEGRAM_LIMIT,
    excerpt,
    passage_html,
    split_messages,
    telegram_length,
    terminal,
)
from cepf_bot.types import Answer, Hit, Lang, Locale, Passage, Results
from tests.telegram_html import problems


def hit(text: str, title: str = "标题", terms: tuple[str, ...] = (), rank: int = 1) -> Hit:
    return Hit(rank, 1.0, Passage("d#1", "d", "文档", title, text), terms)


def test_passage_html_escapes_corpus_text_and_bolds_terms():
    html = passage_html(hit("A<b>&C 斑海豹保护", title="<i>x</i>", terms=("斑海豹",)))
    assert "A&lt;b&gt;&amp;C" in html and "<b>斑海豹</b>" in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert problems(html) == []


def test_excerpt_keeps_best_sentences_and_marks_gaps():
    text = "无关的开头。" * 30 + "斑海豹在这里。" + "无关的结尾。" * 30
    html = passage_html(hit(text, terms=("斑海豹",)))
    assert "<b>斑海豹</b>在这里。" in html and html.count("…") == 2
    assert telegram_length(html) < 600


def test_window_in_one_long_sentence_never_cuts_a_number():
    text = "前" * 500 + "收入总额:27103400.95元" + "后" * 500
    for budget in range(20, 60):
        for start, end in excerpt(text, ["收入总额"], budget):
            shown = text[start:end]
            assert "27103400.95" in shown or not any(c.isdigit() for c in shown)


def test_split_messages_never_exceeds_the_limit_nor_splits_a_block():
    blocks = [("段" * 1500) + str(i) for i in range(7)]
    messages = split_messages(blocks)
    assert all(telegram_length(m) <= TELEGRAM_LIMIT for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    assert len(messages) == 4


def test_emoji_count_double_in_telegram_length():
    assert telegram_length("🐼") == 2 and telegram_length("斑") == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(min_size=1, max_size=4), max_size=4))
def test_any_passage_text_renders_to_valid_telegram_html(text, terms):
    html = passage_html(hit(text or "x", terms=tuple(terms)))
    assert problems(html) == []


def test_terminal_prints_the_answer_first_marks_terms_and_says_no_answer():
    found = hit("斑海豹。", terms=("斑海豹",))
    out = terminal(Results(Answer("斑海豹。", found.passage.id), [found]), color=False)
    assert out.startswith("Answer: 斑海豹。\n\n1. ") and "【斑海豹】" in out
    chinese = terminal(Results(Answer("斑海豹。", found.passage.id), [found]), color=False,
                       locale=Locale(Lang.ZH))
    assert chinese.startswith("答：斑海豹。")
    none = terminal(Results(None, []), color=False, suggested=["Who is the chairman?"])
    assert none.startswith("Sorry, the foundation's profile does not answer that")
    assert none.endswith("\n  • Who is the chairman?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("/ask 斑海豹", "斑海豹"), ("/ask@cepf_test_bot  斑海豹 ", "斑海豹"),
     ("@cepf_test_bot 斑海豹", "斑海豹"), ("斑海豹 @CEPF_test_bot?", "斑海豹  ?"), ("/ask", "")],
)
def test_question_of_strips_command_and_mention(text, expected):
    class Msg:
        pass

    message = Msg()
    message.text = text
    assert question_of(message, "cepf_test_bot") == expected  # type: ignore[arg-type]


def test_rate_limiter_allows_a_burst_then_refills_and_notifies_once():
    limiter = UserRateLimiter(per_minute=60, burst=3)
    assert [limiter.allow(1, now=0)[0] for _ in range(3)] == [True] * 3
    assert limiter.allow(1, now=0) == (False, True)
    assert limiter.allow(1, now=0.5) == (False, False)
    assert limiter.allow(1, now=1.5) == (True, False)  # one token a second
    assert limiter.allow(2, now=1.5) == (True, False)  # users are independent


def test_rate_limiter_forgets_idle_users_beyond_its_bound():
    limiter = UserRateLimiter(per_minute=60, burst=2, max_users=100)
    for user in range(1000):
        limiter.allow(user, now=0)
    assert len(limiter._buckets) == 100
