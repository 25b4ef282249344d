"""A conversation, not a search box: follow-ups, replies to answers, small talk, a no-answer
that helps, noisy input, short replies. The Telegram tests drive the real bot over real HTTP
against the fake Bot API, which refuses what Telegram refuses."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from cepf_bot.corpus.folder import read_examples
from cepf_bot.reply.compose import compose_reply
from cepf_bot.search.answer_sentence import QuestionType, question_type
from cepf_bot.search.conversation import Memory, SmallTalk, small_talk, suggestions
from cepf_bot.search.message_text import clean_question
from cepf_bot.types import Lang, Locale
from tests.conftest import REPO_CORPUS, SHARED
from tests.fake_telegram import FakeTelegram
from tests.telegram_html import problems, utf16_length

# --- without Telegram ----------------------------------------------------------------------

def test_memory_forgets_after_ten_minutes_and_keeps_a_bounded_number():
    memory = Memory(seconds=600, size=3)
    memory.remember(("chat", 1), "问题", now=0)
    assert memory.recall(("chat", 1), now=599) == "问题"
    assert memory.recall(("chat", 1), now=601) is None
    for i in range(10):
        memory.remember(i, str(i), now=0)
    assert len(memory) == 3 and memory.recall(0, now=1) is None and memory.recall(9, now=1)


@pytest.mark.parametrize(("after", "question", "expected"), [
    ("2019年绿会向IUCN提交了什么提案？", "它呼吁什么？", "停止珍稀物种入药"),
    ("绿会是哪些国际组织的会员？", "那观察员呢？", "观察员"),
    ("綠會同全球狂犬病控制聯盟做咗啲咩？", "佢哋幾時簽嘅？", "2020年初"),
    ("Who was the fourth chairman?", "and the current one?", "谢伯阳"),
    # only the context's words match, at the context's weight (a long English question's
    # translations): its score is weighed down with them, and so is the floor it must reach
    ("Which dark-sky reserves of the foundation were recognised internationally?",
     "in what year?", "2018年初"),
])
def test_a_follow_up_is_read_with_the_previous_question(searcher, after, question, expected):
    results = searcher.ask(question, after=after)
    assert results.answer is not None and expected in results.answer.text


def test_an_elliptical_follow_up_asks_in_the_previous_question_s_form(searcher):
    """那秘書長呢 has no question word and no form of its own: asked after a who-question, it
    asks who; a follow-up with a question word or a form of its own keeps its own."""
    who = "綠會的現任理事長是誰？"
    elliptical = searcher.judge("那秘書長呢", after=who).query
    assert elliptical.asked_form == searcher.analyse(who).asked_form
    assert question_type(elliptical.asked_form) == QuestionType.WHO
    assert searcher.judge("and the secretary general?", after=who).query.form
    for own in ("佢哋幾時簽嘅？", "佢哋喺邊度搞㗎"):
        asked = searcher.judge(own, after="綠會同全球狂犬病控制聯盟做咗啲咩？").query
        assert asked.form == "" and asked.asked_form == asked.mandarin


@pytest.mark.parametrize(("after", "question"), [
    ("What was the total income?", "and the spending?"),
    ("绿会的收入总额是多少？", "那支出呢？"),
    ("绿会收入是多少", "那支出是多少"),
])
def test_a_follow_up_word_of_the_class_asked_before_takes_its_place(searcher, after, question):
    """支出 begins the dictionary's finance term 支出总额: asked after the income, it replaces
    收入 rather than being read beside it."""
    results = searcher.ask(question, after=after)
    assert results.answer is not None and results.answer.fact is not None
    assert results.answer.fact.text == "23122739.73元"


@pytest.mark.parametrize(("after", "question", "expected"), [
    ("綠會秘書長是誰？", "綠會的愛心人次是多少？", "2240"),
    ("斑海豹项目在哪些城市办的活动？", "绿会的秘书长是谁？", "周晋峰"),
])
def test_a_complete_question_is_never_mixed_with_the_previous_one(searcher, after, question,
                                                                  expected):
    assert not searcher.is_follow_up(searcher.analyse(question))
    alone, after_it = searcher.ask(question), searcher.ask(question, after=after)
    assert after_it == alone and expected in alone.answer.text


@pytest.mark.parametrize(("message", "kind"), [
    ("哈喽 在吗", SmallTalk.GREETING), ("嗨～", SmallTalk.GREETING),
    ("早晨！", SmallTalk.GREETING),
    ("good morning", SmallTalk.GREETING), ("多謝晒！", SmallTalk.THANKS),
    ("唔該", SmallTalk.THANKS),
    ("thanks a lot", SmallTalk.THANKS), ("thx", SmallTalk.THANKS), ("拜拜啦", SmallTalk.GOODBYE),
    ("bye!", SmallTalk.GOODBYE), ("你是谁？", SmallTalk.IDENTITY),
    ("who are you", SmallTalk.IDENTITY), ("你能做什么", SmallTalk.CAPABILITY),
    ("what can you do?", SmallTalk.CAPABILITY),
    # written Cantonese is read in Mandarin words first (識做咩 -> 会做什么)
    ("你識做咩㗎", SmallTalk.CAPABILITY), ("你可以做啲咩", SmallTalk.CAPABILITY),
])
def test_small_talk_in_three_languages(searcher, message, kind):
    assert small_talk(searcher, message) == kind
    assert searcher.search(message) == []  # ask gives no passages either


@pytest.mark.parametrize(("message", "kind"), [
    ("多謝晒！好有用，我會同班學生分享 🙏", SmallTalk.THANKS),
    ("唔該晒，拜拜！", SmallTalk.THANKS),
    ("谢谢你，我明白了", SmallTalk.THANKS), ("好的谢谢，下次再聊", SmallTalk.THANKS),
    ("谢谢绿会", SmallTalk.THANKS),
    ("Thanks so much, this was really helpful 🙏", SmallTalk.THANKS),
    ("ok bye, have a nice day!", SmallTalk.GOODBYE),
    ("Hi there! Hope you're having a good week 😊", SmallTalk.GREETING),
    ("早上好呀，今天天气不错", SmallTalk.GREETING),
])
def test_small_talk_with_words_around_it_is_still_small_talk(searcher, message, kind):
    assert small_talk(searcher, message) == kind


@pytest.mark.parametrize("question",
                         ["你好，绿会的秘书长是谁", "thanks, and who is the chairman?"])
def test_a_question_with_a_greeting_is_a_question(searcher, question):
    assert small_talk(searcher, question) is None and searcher.search(question)


@pytest.mark.parametrize("question", ["谢谢，那收入呢", "thanks! what about the seal project",
                                      "多谢，秘书长系边个", "hello, is CBCGDF an IUCN member",
                                      "谢谢，2019年呢"])
def test_thanks_with_a_question_or_a_subject_is_not_small_talk(searcher, question):
    assert small_talk(searcher, question) is None


@pytest.mark.parametrize(("noisy", "clean"), [
    ("<b>绿会</b>的秘书长是谁？？？🙂", "绿会 的秘书长是谁?"),
    ("看看 https://www.cbcgdf.org/a?b=1 绿会的收入!!!", "看看 绿会的收入!"),
    ("**绿会的秘书长是谁**", "绿会的秘书长是谁"),
    ("ＩＵＣＮ会员　１２３", "IUCN会员 123"),
])
def test_noise_around_a_question_is_cleaned(noisy, clean):
    assert clean_question(noisy) == clean


@pytest.mark.parametrize("noisy", ["<b>绿会</b>的秘书长是谁？？？🙂", "🌿🌿 绿会的秘书长是谁 🌿🌿",
                                   "看看这个 https://www.cbcgdf.org/x 绿会的秘书长是谁!!!",
                                   "> 绿会的秘书长是谁", "`绿会的秘书长是谁`"])
def test_noisy_but_on_topic_input_is_answered(searcher, noisy):
    results = searcher.ask(noisy)
    assert results.answer is not None and "周晋峰" in results.answer.text


def test_every_example_question_is_answered(searcher):
    examples = read_examples(REPO_CORPUS)
    assert len(examples[Lang.ZH]) >= 5 and len(examples[Lang.EN]) >= 5
    for question in examples[Lang.ZH] + examples[Lang.EN]:
        assert searcher.ask(question).answer is not None, question


def test_suggestions_follow_what_was_understood(searcher):
    examples = read_examples(REPO_CORPUS)[Lang.ZH]
    chosen = [examples[i] for i in suggestions(searcher, "斑海豹项目的预算是多少", examples)]
    assert "斑海豹项目培训了多少人？" in chosen and "绿发会的收入总额是多少？" in chosen
    assert len(suggestions(searcher, "今天天气怎么样", examples)) == 3  # general ones


def test_replies_are_short_on_a_phone(searcher):
    """The answer first, at most two passages trimmed, well under one screen on average."""
    path = SHARED / "eval" / "dev_v2.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found (CEPF_SHARED_DIR)")
    lengths = []
    for line in path.read_text("utf-8").splitlines():
        reply = compose_reply(searcher, json.loads(line)["q"], Locale())
        assert len(reply.hits) <= 2
        lengths.append(sum(utf16_length(m) for m in reply.messages))
    assert statistics.median(lengths) < 900 and max(lengths) < 1600, lengths


# --- over Telegram -------------------------------------------------------------------------

def texts(fake: FakeTelegram, chat_id: int, count: int) -> list[str]:
    return [c.params["text"] for c in fake.wait_for("sendMessage", count, chat_id=chat_id)]


def test_a_follow_up_in_a_private_chat(fake, bot):
    fake.message("2019年绿会向IUCN提交了什么提案？", chat_id=501)
    texts(fake, 501, 1)
    fake.message("它呼吁什么？", chat_id=501)
    second = texts(fake, 501, 2)[1]
    assert "停止珍稀物种入药" in second.split("\n\n")[0]
    assert problems(second) == []


def test_a_complete_question_after_another_is_answered_on_its_own(fake, bot):
    fake.message("綠會秘書長是誰？", chat_id=502)
    texts(fake, 502, 1)
    fake.message("綠會的愛心人次是多少？", chat_id=502)
    assert "2240" in texts(fake, 502, 2)[1].split("\n\n")[0]


def test_a_reply_to_an_answer_is_read_with_that_answers_question(fake, bot):
    fake.message("绿会的传统医药提案通过了哪个组织的初审？", chat_id=503)
    texts(fake, 503, 1)
    first_answer = fake.sent_messages(503)[0]
    fake.message("斑海豹项目在哪些城市办的活动？", chat_id=503)  # another question meanwhile
    texts(fake, 503, 2)
    fake.message("后来讨论了几轮？", chat_id=503, reply_to=first_answer)
    # read with the medicine motion, not the seal project: its passage first (answered, or
    # the closest passages when the verdict is unsure of a two-word follow-up)
    reply = re.sub(r"<[^>]+>", "", texts(fake, 503, 3)[2])
    assert "两轮讨论" in reply and "斑海豹" not in reply


def test_in_groups_follow_ups_are_per_user(fake, bot):
    group = -504

    def ask(user: int, question: str, count: int) -> str:
        """The reply's answer line and first passage, as a person reads them."""
        fake.message(f"/ask {question}", chat_id=group, user_id=user, chat_type="supergroup")
        blocks = texts(fake, group, count)[count - 1].split("\n\n")
        return re.sub(r"<[^>]+>", "", "\n".join(blocks[:2]))

    ask(11, "绿会的传统医药提案是什么？", 1)
    ask(12, "斑海豹项目在哪些城市办的活动？", 2)
    assert "碎冰上的斑海豹" in ask(12, "有没有出书？", 3)
    medicine = ask(11, "是哪一年提出的？", 4)  # user 11's own previous question
    assert "2019年" in medicine and "传统医药" in medicine


@pytest.mark.parametrize(("chat_id", "message", "language", "expected"), [
    (511, "哈喽 在吗", "zh-hans", "你好"), (512, "多謝晒！", "zh-hk", "不客氣"),
    (513, "thanks a lot", "en", "welcome"), (514, "who are you?", "en", "bot"),
    (515, "多謝晒！好有用，我會同班學生分享 🙏", "zh-hk", "不客氣"),
    (516, "Thanks so much, this was really helpful 🙏", "en", "welcome"),
])
def test_small_talk_gets_a_friendly_reply_with_questions_to_try(fake, bot, chat_id, message,
                                                                language, expected):
    fake.message(message, chat_id=chat_id, language_code=language)
    reply = fake.wait_for("sendMessage", chat_id=chat_id)[0].params
    assert expected in reply["text"] and "<b>" not in reply["text"]
    buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 3 and all(b["callback_data"].startswith("ex:") for b in buttons)
    bot.wait_for_log("small talk")
    assert message not in bot.log()  # not logged: it is not an unanswered question


def test_noisy_input_is_answered_in_valid_html(fake, bot):
    fake.message("<b>绿会</b>的秘书长是谁？？？🙂 https://example.org/x", chat_id=520)
    text = texts(fake, 520, 1)[0]
    assert "周晋峰" in text and problems(text) == []


def test_the_full_passage_is_behind_a_button(fake, bot):
    fake.message("绿会是哪些国际组织的会员？", chat_id=521)
    reply = fake.wait_for("sendMessage", chat_id=521)[0].params
    full = next(b for row in reply["reply_markup"]["inline_keyboard"] for b in row
                if b["callback_data"].startswith("full:"))
    fake.press(fake.sent_messages(521)[-1], full["callback_data"], user_id=521)
    text = texts(fake, 521, 2)[1]
    assert "会员单位" in text and "观察员" in text  # the item with the rest of its paragraph
    assert problems(text) == []
    assert Path(bot.env["CEPF_CORPUS_DIR"]).is_dir()
