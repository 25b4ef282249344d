"""Every screen in the asker's script and language, over the fake Bot API with the real bot:
menus and descriptions per language and per admin scope, /start help, /help, example buttons,
More results (keeping the first page's buttons), Full text, toasts, /about, /stats,
/documents, inline results — for a simplified, a Taiwan, a Hong Kong and an English user."""

from __future__ import annotations

import re
import time

import pytest

from tests.fake_telegram import FakeTelegram

from .test_bot import assert_valid_html, replies, visible

ADMIN = 42  # CEPF_ADMIN_IDS of the test bot
# characters written differently in the two scripts, as the corpus and the bot use them
SIMPLIFIED_ONLY = re.compile(r"[们这结问题个页发会说应对时间总额爱国际万约员组织联护]")
TRADITIONAL_ONLY = re.compile(r"[們這結問題個頁發會說應對時間總額愛國際萬約員組織聯護]")


def labels(message: dict) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


def data_of(message: dict, label: str) -> str:
    return next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                for b in row if b["text"] == label)


def last_sent(fake: FakeTelegram, chat_id: int, count: int) -> dict:
    fake.wait_for("sendMessage", count, chat_id=chat_id)
    return fake.sent_messages(chat_id)[-1]


def test_menus_and_descriptions_are_set_per_language_and_admins_get_theirs(fake, bot):
    fake.wait_for("setMyShortDescription", 2)
    menus = {(c.params.get("language_code"), (c.params.get("scope") or {}).get("chat_id")):
             [m["command"] for m in c.params["commands"]] for c in fake.calls_of("setMyCommands")}
    assert menus[(None, None)] == menus[("zh", None)] == ["start", "help", "ask", "about"]
    assert menus[("zh", ADMIN)] == ["start", "help", "ask", "about", "reindex", "documents",
                                    "stats", "faq"]
    chinese = fake.calls_of("setMyCommands", language_code="zh")[0].params["commands"]
    assert chinese[1]["description"] == "怎么问"
    described = {c.params.get("language_code"): c.params["description"]
                 for c in fake.calls_of("setMyDescription")}
    assert "中国绿发会" in described["zh"] and "CBCGDF" in described[None]
    assert not [r for r in fake.refused if r[0].startswith("setMy")]


def test_start_help_opens_the_help(fake, bot):
    fake.message("/start help", chat_id=601, language_code="en")
    assert replies(fake, 601)[0]["text"].startswith("<b>How to ask</b>")


def test_help_lists_admin_commands_to_admins_only(fake, bot):
    fake.message("/help", chat_id=602, language_code="zh-tw")
    public = replies(fake, 602)[0]["text"]
    assert "怎麼問" in public and "/stats" not in public and "/reindex" not in public
    before = len(fake.calls_of("sendMessage", chat_id=ADMIN))
    fake.message("/help", chat_id=ADMIN, user_id=ADMIN, language_code="en")
    admin = fake.wait_for("sendMessage", before + 1, chat_id=ADMIN)[-1].params["text"]
    assert "/stats" in admin and "/reindex" in admin and "/documents" in admin


@pytest.mark.parametrize(("chat_id", "language", "more", "full"), [
    (611, "zh-tw", "更多結果", "全文"), (612, "zh-hk", "更多結果", "全文"),
    (613, "zh-hans", "更多结果", "全文"), (614, "en", "More results", "Full text"),
])
def test_an_example_button_answers_in_the_chats_script_and_more_keeps_the_buttons(
        fake, bot, chat_id, language, more, full):
    fake.message("/start", chat_id=chat_id, language_code=language)
    start = last_sent(fake, chat_id, 1)
    examples = labels(start)
    if language in ("zh-tw", "zh-hk"):
        assert all(not SIMPLIFIED_ONLY.search(e) for e in examples), examples
    # the first example (the memberships) has more than one page
    fake.press(start, start["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
               user_id=chat_id, language_code=language)
    answer = last_sent(fake, chat_id, 2)
    shown = visible(answer["text"])
    if language in ("zh-tw", "zh-hk"):
        assert TRADITIONAL_ONLY.search(shown) and not SIMPLIFIED_ONLY.search(shown), shown
    elif language == "zh-hans":
        assert SIMPLIFIED_ONLY.search(shown) and not TRADITIONAL_ONLY.search(shown), shown
    assert more in labels(answer) and full in labels(answer) and "👍" in labels(answer)
    assert_valid_html(answer["text"])
    edits = len(fake.calls_of("editMessageReplyMarkup"))
    fake.press(answer, data_of(answer, more), user_id=chat_id, language_code=language)
    page_two = last_sent(fake, chat_id, 3)
    assert visible(page_two["text"]).startswith("3. ")
    if language in ("zh-tw", "zh-hk"):  # the next page of an example stays in its script
        assert not SIMPLIFIED_ONLY.search(visible(page_two["text"]))
    kept = fake.wait_for("editMessageReplyMarkup", edits + 1)[-1].params["reply_markup"]
    kept_labels = [b["text"] for row in kept["inline_keyboard"] for b in row]
    assert kept_labels == ["👍", "👎", full]  # More results alone is gone
    fake.press(answer, data_of(answer, full), user_id=chat_id, language_code=language)
    whole = visible(last_sent(fake, chat_id, 4)["text"])
    if language in ("zh-tw", "zh-hk"):
        assert not SIMPLIFIED_ONLY.search(whole), whole


def test_a_vote_toast_is_in_the_voters_script(fake, bot):
    fake.message("綠發會的秘書長是誰", chat_id=621, language_code="zh-tw")
    answer = last_sent(fake, 621, 1)
    toasts = len(fake.calls_of("answerCallbackQuery"))
    fake.press(answer, data_of(answer, "👍"), user_id=621, language_code="zh-tw")
    toast = fake.wait_for("answerCallbackQuery", toasts + 1)[-1].params["text"]
    assert toast.startswith("謝謝")


@pytest.mark.parametrize(("chat_id", "language", "expected"), [
    (631, "zh-hk", r"索引建於 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（UTC\+8）"),
    (632, "en", r"index built \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC"),
])
def test_about_gives_a_readable_local_date(fake, bot, chat_id, language, expected):
    fake.message("/about", chat_id=chat_id, language_code=language)
    text = replies(fake, chat_id)[0]["text"]
    assert re.search(expected, text), text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text)


def test_admin_screens_speak_the_admins_script(fake, bot):
    before = len(fake.calls_of("sendMessage", chat_id=ADMIN))
    fake.message("/documents", chat_id=ADMIN, user_id=ADMIN, language_code="zh-tw")
    listing = visible(fake.wait_for("sendMessage", before + 1, chat_id=ADMIN)[-1].params["text"])
    assert listing.startswith("1 個文檔，18 個段落") and "MD · 18 段" in listing
    fake.message("/stats", chat_id=ADMIN, user_id=ADMIN, language_code="zh-tw")
    stats = visible(fake.wait_for("sendMessage", before + 2, chat_id=ADMIN)[-1].params["text"])
    assert stats.startswith("記錄了") and "questions" not in stats
    fake.message("/stats", chat_id=ADMIN, user_id=ADMIN, language_code="en")
    english = visible(fake.wait_for("sendMessage", before + 3, chat_id=ADMIN)[-1].params["text"])
    assert "questions logged" in english and "記錄" not in english


def test_inline_results_start_at_a_boundary_and_send_no_link_preview(fake, bot):
    query = fake.inline("斑海豹项目有多少人参加", user_id=641)
    call = fake.wait_for("answerInlineQuery", inline_query_id=query)[0]
    results = call.params["results"]
    assert results
    for result in results:
        content = result["input_message_content"]
        assert content["link_preview_options"]["is_disabled"] is True
        description = result["description"].lstrip("…")
        text = " ".join(r["input_message_content"]["message_text"] for r in results)
        assert description, result
        start = description[:6]
        assert start in visible(text) or start in description  # a real piece of the passage
    first = visible(results[0]["input_message_content"]["message_text"])
    quote = next(line for line in first.splitlines() if line.startswith("「"))
    assert first.count(quote.strip("「」…")[:30]) == 1  # the answer is not sent twice
    passage_texts = [r["description"] for r in results]
    assert all(not d.startswith(("余人", "人参加", "个保护")) for d in passage_texts)


def chat_menus(fake: FakeTelegram, chat_id: int) -> list[dict]:
    """The setMyCommands calls scoped to one chat (the fake records the JSON scope)."""
    return [c.params for c in fake.calls_of("setMyCommands")
            if (c.params.get("scope") or {}).get("chat_id") == chat_id]


def wait_for_chat_menus(fake: FakeTelegram, chat_id: int, count: int = 1) -> list[dict]:
    deadline = time.monotonic() + 15
    while len(chat_menus(fake, chat_id)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return chat_menus(fake, chat_id)


@pytest.mark.parametrize(("chat_id", "language", "text"), [
    (641, "zh-tw", "綠發會的秘書長是誰"),  # Taiwan, writing traditional
    (642, "zh-hk", "/start"),  # Hong Kong by Telegram's language alone
    (643, "en", "綠會有冇加入聯合國全球契約"),  # writes Cantonese, Telegram set to English
])
def test_a_traditional_readers_chat_gets_the_menu_in_their_script_once(
        fake, bot, chat_id, language, text):
    fake.message(text, chat_id=chat_id, language_code=language)
    replies(fake, chat_id)
    fake.message(text, chat_id=chat_id, language_code=language)
    fake.wait_for("sendMessage", 2, chat_id=chat_id)
    menus = wait_for_chat_menus(fake, chat_id)
    assert len(menus) == 1, menus  # once, not per message
    assert menus[0]["scope"] == {"type": "chat", "chat_id": chat_id}
    assert menus[0].get("language_code") is None  # the chat's menu in every language
    described = [c["description"] for c in menus[0]["commands"]]
    assert [c["command"] for c in menus[0]["commands"]] == ["start", "help", "ask", "about"]
    assert "怎麼問" in described and not SIMPLIFIED_ONLY.search("".join(described)), described


@pytest.mark.parametrize(("chat_id", "language", "text"), [
    (644, "zh-hans", "绿发会的秘书长是谁"), (645, "en", "who is the secretary-general"),
    (646, "zh-tw", "绿发会的秘书长是谁"),  # a Taiwan user who writes simplified reads it
])
def test_simplified_and_english_readers_keep_the_menu_of_their_language(
        fake, bot, chat_id, language, text):
    fake.message(text, chat_id=chat_id, language_code=language)
    replies(fake, chat_id)
    time.sleep(0.5)  # the menu call runs beside the answer: give it time to show up
    assert chat_menus(fake, chat_id) == []


def test_an_admin_writing_traditional_gets_the_admin_menu_in_traditional(fake, bot):
    fake.wait_for("setMyShortDescription", 2)  # start-up's menus are set first
    fake.message("綠發會的秘書長是誰", chat_id=ADMIN, user_id=ADMIN, language_code="zh-tw")
    replies(fake, ADMIN)

    def traditional() -> list[dict]:  # start-up's admin menus are simplified and English
        return [m for m in chat_menus(fake, ADMIN) if "怎麼問" in str(m["commands"])]

    deadline = time.monotonic() + 15
    while len(traditional()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    menus = traditional()  # set once, by this message or an earlier one in this chat
    # without a language and for "zh": start-up's simplified admin menu for zh is replaced
    assert sorted(str(m.get("language_code")) for m in menus) == ["None", "zh"]
    for m in menus:
        assert [c["command"] for c in m["commands"]][-4:] == ["reindex", "documents", "stats",
                                                               "faq"]
        assert not SIMPLIFIED_ONLY.search("".join(c["description"] for c in m["commands"]))


def test_a_chat_menu_telegram_refuses_is_one_log_line_and_the_answer_comes(fake, bot):
    fake.fail("setMyCommands", status=400, description="Bad Request: chat not found")
    fake.message("綠發會的秘書長是誰", chat_id=647, language_code="zh-hk")
    assert "周晋峰" in visible(replies(fake, 647)[0]["text"]).replace("周晉峰", "周晋峰")
    log = bot.wait_for_log("setting a chat's command menu failed")
    line = next(x for x in log.splitlines() if "setting a chat's command menu failed" in x)
    assert "chat not found" in line.lower() and "Traceback" not in log


def _reply_naming(fake, name: str, *, after: int) -> str:  # type: ignore[no-untyped-def]
    """The first message to the admin after the first `after` that names `name` (a reply of an
    earlier test in the admin's chat may still be on its way)."""
    count = after + 1
    while True:
        calls = fake.wait_for("sendMessage", count, chat_id=ADMIN)
        texts = [visible(c.params["text"]) for c in calls[after:]]
        found = next((t for t in texts if name in t), None)
        if found is not None:
            return found
        count = len(calls) + 1


@pytest.mark.parametrize(("language", "said", "not_said"), [
    ("zh-hans", "broken.pdf：已损坏，或不是 PDF 文件", "已損壞"),
    ("zh-tw", "broken.pdf：已損壞，或不是 PDF 文件", "已损坏"),
    ("zh-hk", "broken.pdf：已損壞，或不是 PDF 文件", "已损坏"),
    ("en", "broken.pdf: damaged, or not a PDF file", "已"),
])
def test_an_upload_error_detail_is_in_the_admins_language_and_script(
        fake, bot, language, said, not_said):
    before = len(fake.calls_of("sendMessage", chat_id=ADMIN))
    fake.document("broken.pdf", b"%PDF-1.4 this is not a pdf", chat_id=ADMIN, user_id=ADMIN,
                  language_code=language)
    reply = _reply_naming(fake, "broken.pdf", after=before)
    assert said in reply and not_said not in reply, reply
    if language != "en":  # none of the reader's English words inside the Chinese sentence
        assert not re.search(r"damaged|cannot|not a|encrypted", reply), reply
