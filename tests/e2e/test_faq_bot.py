"""Staff answer from Telegram: /stats → Answer → the text → preview → Add writes faq.md and
reindexes; the asker who pressed "Tell me when staff answer" is told; /faq → Remove; a
non-admin's presses are refused; an expired preview writes nothing. The real bot over the
fake Bot API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cepf_bot.corpus.folder import faq_pairs
from tests.botprocess import BotProcess
from tests.fake_telegram import FakeTelegram

ADMIN, ASKER, OTHER = 42, 501, 77
PREVIEW_SECONDS = 6
QUESTION = "绿会有没有微信公众号？"
ANSWER = "有：搜索“绿会”即可关注。<b>不是标记</b> & 原样"


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory):  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("faqbot")
    process = BotProcess(fake, workdir, CEPF_CACHE_DIR=str(workdir / "cache"),
                         CEPF_PREVIEW_SECONDS=str(PREVIEW_SECONDS)).start()
    yield process
    process.stop()


def corpus_of(bot) -> Path:  # type: ignore[no-untyped-def]
    return Path(bot.env["CEPF_CORPUS_DIR"])


def last_reply(fake: FakeTelegram, chat_id: int, count: int) -> dict:
    fake.wait_for("sendMessage", count, chat_id=chat_id, timeout=60)
    return fake.sent_messages(chat_id)[-1]


def buttons(message: dict) -> dict[str, str]:
    """Each button's label -> its callback data."""
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", [])
            for b in row}


def sent(fake: FakeTelegram, chat_id: int) -> int:
    return len(fake.sent_messages(chat_id))


def stats_answer_button(fake: FakeTelegram, question: str) -> tuple[dict, str]:
    before = sent(fake, ADMIN)
    fake.message("/stats", chat_id=ADMIN, language_code="en")
    stats = last_reply(fake, ADMIN, before + 1)
    data = next((d for label, d in buttons(stats).items() if label.startswith("Answer: ")
                 and question.startswith(label.removeprefix("Answer: ").rstrip("…"))), "")
    return stats, data


def test_the_asker_can_ask_to_be_told_and_admins_answer_from_stats(fake, bot):
    fake.message(QUESTION, chat_id=ASKER)
    reply = last_reply(fake, ASKER, 1)
    tell = buttons(reply)["有答复时通知我"]
    assert tell == "nt:zh:zh-hans"
    fake.press(reply, tell, user_id=ASKER)
    fake.wait_for("answerCallbackQuery", 1, text="好的，工作人员回答后我会告诉你。")

    stats, data = stats_answer_button(fake, QUESTION)
    assert data.startswith("fa:") and all(len(d.encode()) <= 64 for d in buttons(stats).values())
    # someone not an admin pressing the Answer button: refused, nothing waits for their text
    fake.press(stats, data, user_id=OTHER, language_code="en")
    fake.wait_for("answerCallbackQuery", 1, text="Sorry, only the bot's administrators can "
                  "do that.")

    before = sent(fake, ADMIN)
    fake.press(stats, data, user_id=ADMIN, language_code="en")
    prompt = last_reply(fake, ADMIN, before + 1)
    assert f"Send the answer to: “{QUESTION}”" in prompt["text"]
    fake.message(ANSWER, chat_id=ADMIN, language_code="en")
    preview = last_reply(fake, ADMIN, before + 2)
    text = preview["text"]
    assert text.startswith(f"Asked as: {QUESTION}\nThe bot will answer:\n")
    assert "&lt;b&gt;不是标记&lt;/b&gt; &amp; 原样" in text  # escaped, never markup
    assert f"It will match: {QUESTION}" in text
    choice = buttons(preview)
    add, cancel = choice["Add"], choice["Cancel"]
    assert add.startswith("fq:add:") and cancel.startswith("fq:no:")
    # a non-admin pressing Add: refused, nothing written
    fake.press(preview, add, user_id=OTHER, language_code="en")
    fake.wait_for("answerCallbackQuery", 2, text="Sorry, only the bot's administrators can "
                  "do that.")
    assert faq_pairs(corpus_of(bot)) == ()

    fake.press(preview, add, user_id=ADMIN, language_code="en")
    added = last_reply(fake, ADMIN, before + 3)
    assert added["text"] == "Added to the FAQ and reindexed; 1 askers told."
    [pair] = faq_pairs(corpus_of(bot))
    assert (pair.question, pair.answer) == (QUESTION, ANSWER)
    assert "\n## 绿会有没有微信公众号？\ndate: " in (corpus_of(bot) / "faq.md").read_text("utf-8")

    # the asker is told, once, in their script, the staff's text verbatim and escaped
    notice = fake.sent_messages(ASKER)[1:]
    assert len(notice) >= 1 and f"工作人员回答了你问过的问题：「{QUESTION}」" in notice[0]["text"]
    assert "&lt;b&gt;不是标记&lt;/b&gt; &amp; 原样" in notice[-1]["text"]
    # asked again: the staff's answer, as a FAQ
    fake.message("绿会有微信公众号吗", chat_id=602)
    again = last_reply(fake, 602, 1)
    assert again["text"].startswith("<b>常见问题 · ")
    assert "有：搜索“绿会”即可关注。" in again["text"]
    assert "有答复时通知我" not in buttons(again)
    # and the question has left the unanswered list
    _, data = stats_answer_button(fake, QUESTION)
    assert data == ""
    time.sleep(0.5)
    assert len(fake.sent_messages(ASKER)) == 1 + len(notice)  # told once, then forgotten


def test_an_expired_preview_writes_nothing(fake, bot):
    question = "绿会接受实习生吗？"
    fake.message(question, chat_id=603)
    last_reply(fake, 603, 1)
    stats, data = stats_answer_button(fake, question)
    before = sent(fake, ADMIN)
    fake.press(stats, data, user_id=ADMIN, language_code="en")
    last_reply(fake, ADMIN, before + 1)
    fake.message("接受，请来信。", chat_id=ADMIN, language_code="en")
    preview = last_reply(fake, ADMIN, before + 2)
    time.sleep(PREVIEW_SECONDS + 1)
    pairs = faq_pairs(corpus_of(bot))
    fake.press(preview, buttons(preview)["Add"], user_id=ADMIN, language_code="en")
    fake.wait_for("answerCallbackQuery", 1, text="This button has expired; please ask again.")
    assert faq_pairs(corpus_of(bot)) == pairs


def test_faq_lists_the_pairs_and_remove_takes_one_out(fake, bot):
    before = sent(fake, OTHER)
    fake.message("/faq", chat_id=OTHER, language_code="en")
    assert "only the bot's administrators" in last_reply(fake, OTHER, before + 1)["text"]
    before = sent(fake, ADMIN)
    fake.message("/faq", chat_id=ADMIN, language_code="en")
    listing = last_reply(fake, ADMIN, before + 1)
    assert listing["text"] == "1 FAQ pairs:"
    remove = buttons(listing)[f"Remove: {QUESTION}"]
    assert remove.startswith("fr:") and len(remove.encode()) <= 64
    fake.press(listing, remove, user_id=OTHER, language_code="en")
    fake.wait_for("answerCallbackQuery", 3, text="Sorry, only the bot's administrators can "
                  "do that.")
    assert len(faq_pairs(corpus_of(bot))) == 1
    fake.press(listing, remove, user_id=ADMIN, language_code="en")
    assert last_reply(fake, ADMIN, before + 2)["text"] == f"Removed: {QUESTION}"
    assert faq_pairs(corpus_of(bot)) == ()
    fake.message("绿会有微信公众号吗", chat_id=604)
    assert not last_reply(fake, 604, 1)["text"].startswith("<b>常见问题")
