"""The real bot (`cepf-bot serve`, python-telegram-bot's Application) over real HTTP against
the fake Bot API server, exactly as production talks to Telegram."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.botprocess import BotProcess
from tests.fake_telegram import BOT_ID, BOT_USERNAME, TOKEN, FakeTelegram
from tests.telegram_html import problems


def replies(fake: FakeTelegram, chat_id: int, count: int = 1) -> list[dict]:
    return [c.params for c in fake.wait_for("sendMessage", count, chat_id=chat_id)]


def visible(html: str) -> str:
    """What a person sees of a Telegram HTML message."""
    return re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace(
        "&amp;", "&")


def assert_valid_html(text: str) -> None:
    assert problems(text) == [], text


def quiet_for(fake: FakeTelegram, chat_id: int, seconds: float = 1.0) -> None:
    time.sleep(seconds)
    assert fake.calls_of("sendMessage", chat_id=chat_id) == []


# --- commands --------------------------------------------------------------------------------

def test_command_menu_is_registered_at_start_up(fake, bot):
    commands = fake.wait_for("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == ["start", "help", "ask", "about"]


def test_start_greets_with_example_questions_as_buttons(fake, bot):
    fake.message("/start", chat_id=101)
    reply = replies(fake, 101)[0]
    assert "中国绿发会" in reply["text"]
    buttons = [row[0] for row in reply["reply_markup"]["inline_keyboard"]]
    assert len(buttons) >= 3 and all(b["callback_data"].startswith("ex:") for b in buttons)
    assert_valid_html(reply["text"])


def test_example_button_asks_its_question(fake, bot):
    fake.message("/start", chat_id=102)
    replies(fake, 102)
    greeting = fake.sent_messages(102)[0]
    income = next(b for row in greeting["reply_markup"]["inline_keyboard"] for b in row
                  if "收入总额" in b["text"])
    fake.press(greeting, income["callback_data"], user_id=102)
    answer = replies(fake, 102, 2)[1]
    assert "27103400.95" in answer["text"]


def test_help_explains_private_groups_and_inline(fake, bot):
    fake.message("/help", chat_id=103, language_code="en")
    text = replies(fake, 103)[0]["text"]
    assert f"@{BOT_USERNAME}" in text and "Groups" in text and "/ask" in text
    assert_valid_html(text)


def test_about_says_what_the_bot_knows(fake, bot):
    fake.message("/about", chat_id=104, language_code="en")
    text = replies(fake, 104)[0]["text"]
    assert "1 documents, 18 passages" in text and "国际交流合作" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert_valid_html(text)


# --- private chat ----------------------------------------------------------------------------

def test_private_question_gets_ranked_passages_in_html(fake, bot):
    question = fake.message("绿发会的收入总额是多少？", chat_id=110)
    reply = replies(fake, 110)[0]
    assert reply["parse_mode"] == "HTML"
    assert reply["reply_parameters"]["message_id"] == question["message_id"]
    text = reply["text"]
    answer, passages = text.split("\n\n", 1)  # the fact first, then the passages
    # the figure itself, readable; the line it is from, as published, bullet left out
    assert answer == ("<b>答：27103400.95元（27,103,400.95 元，约 2710 万元）</b>\n"
                      "「收入总额:27103400.95元」")
    # the answer's passage shows what else it says, not the answer again
    assert passages.startswith("1. <b>收支信息</b>")
    assert "收入总额" not in passages and "支出" in passages
    assert "<i>— 收支信息 · 国际交流合作</i>" in text
    assert_valid_html(text)


def test_off_topic_question_gets_a_short_no_answer_with_questions_to_try(fake, bot):
    fake.message("明天会下雨吗", chat_id=111)
    reply = replies(fake, 111)[0]
    assert reply["text"].startswith("抱歉") and "<b>" not in reply["text"]
    buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    *examples, tell = buttons
    assert len(examples) == 3 and all(b["text"].endswith("？") for b in examples)
    assert (tell["text"], tell["callback_data"]) == ("有答复时通知我", "nt:zh:zh-hans")
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)


def test_a_question_the_text_may_not_answer_gets_the_closest_passages_never_an_answer(
        fake, bot):
    fake.message("绿会2019年的收入是多少", chat_id=114)  # the figures carry no year
    reply = replies(fake, 114)[0]
    first, passages = reply["text"].split("\n\n", 1)
    assert first == "资料里没有找到确切的答案，最接近的是："
    assert "答：" not in reply["text"] and passages.startswith("1. <b>收支信息</b>")
    assert "<u>" in passages  # the best sentence marked
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"]
               for b in row]
    assert any(b.startswith("fb:") for b in buttons)  # votes: staff see what helped
    assert buttons[-1] == "nt:zh:zh-hans"  # tell me when staff answer
    assert_valid_html(reply["text"])


def test_closest_in_english_in_a_group(fake, bot):
    fake.message("/ask What was the foundation's income in 2019?", chat_id=-1114,
                 chat_type="group", language_code="en")
    text = replies(fake, -1114)[0]["text"]
    assert text.startswith("I could not find an exact answer; the closest passages are:\n\n")
    assert "Answer: " not in text


def test_no_answer_suggests_questions_and_pressing_one_answers(fake, bot):
    fake.message("明天会下雨吗", chat_id=116)
    reply = replies(fake, 116)[0]
    income = next(b for row in reply["reply_markup"]["inline_keyboard"] for b in row
                  if b["text"] == "绿发会的收入总额是多少？")
    fake.press(fake.sent_messages(116)[-1], income["callback_data"], user_id=116)
    assert "27103400.95" in replies(fake, 116, 2)[1]["text"]


def test_english_user_gets_english_interface(fake, bot):
    fake.message("How do I reset my password?", chat_id=112, language_code="en")
    assert "does not answer that" in replies(fake, 112)[0]["text"]


@pytest.mark.parametrize("hostile", ["<b>收入总额</b> & <script>", "*收入总额* _x_ [a](b)",
                                     "收入总额\u202e\u200b\x01"])
def test_hostile_text_gets_valid_html(fake, bot, hostile):
    chat = 120 + len(hostile)
    fake.message(hostile, chat_id=chat)
    text = replies(fake, chat)[0]["text"]
    assert_valid_html(text)
    assert "<script>" not in text


def test_more_results_button_pages_through_the_ranking(fake, bot):
    fake.message("绿发会的国际合作项目", chat_id=130)
    first = replies(fake, 130)[0]
    buttons = [b for row in first["reply_markup"]["inline_keyboard"] for b in row]
    button = next(b for b in buttons if b["callback_data"].startswith("more:"))
    assert button["callback_data"] == "more:2:q"  # two passages a page: short on a phone
    assert len(button["callback_data"].encode()) <= 64 and button["callback_data"].isascii()
    bot_message = fake.sent_messages(130)[-1]
    fake.press(bot_message, button["callback_data"], user_id=130)
    second = replies(fake, 130, 2)[1]
    assert second["text"].startswith("3. ")
    assert_valid_html(second["text"])
    fake.wait_for("answerCallbackQuery")
    fake.wait_for("editMessageReplyMarkup", chat_id=130)


def test_stale_button_says_it_expired(fake, bot):
    fake.message("/help", chat_id=131)
    replies(fake, 131)
    fake.press(fake.sent_messages(131)[-1], "more:3:q", user_id=131)  # quotes no question
    assert "失效" in replies(fake, 131, 2)[1]["text"]


def settled(fake: FakeTelegram, chat_id: int, quiet: float = 0.7, timeout: float = 15) -> None:
    """Wait until the bot has sent nothing new into the chat for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(fake.calls_of("sendMessage", chat_id=chat_id))
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)
    raise AssertionError(f"chat {chat_id} did not settle in {timeout} s")


def test_a_flooding_user_gets_one_notice_then_silence(fake, bot):
    for i in range(14):
        fake.message(f"斑海豹 {i}", chat_id=140)
    fake.wait_for("sendMessage", chat_id=140, count=9)
    settled(fake, 140)
    texts = [c.params["text"] for c in fake.calls_of("sendMessage", chat_id=140)]
    notices = [t for t in texts if "太快" in t]
    assert len(notices) == 1
    assert 8 <= len(texts) - 1 <= 10  # the burst (plus what refilled meanwhile)


# --- groups ----------------------------------------------------------------------------------

def test_group_ask_command_answers(fake, bot):
    fake.message("/ask 巴塞尔公约", chat_id=-150, chat_type="group", user_id=150)
    assert "巴塞尔公约" in replies(fake, -150)[0]["text"]


def test_group_ask_without_question_explains_usage(fake, bot):
    fake.message("/ask", chat_id=-151, chat_type="group", user_id=151)
    assert "/ask" in replies(fake, -151)[0]["text"]


def test_supergroup_command_addressed_to_the_bot(fake, bot):
    fake.message(f"/ask@{BOT_USERNAME} 罗马俱乐部执委", chat_id=-152, chat_type="supergroup",
                 user_id=152)
    assert "罗马俱乐部" in replies(fake, -152)[0]["text"]


def test_group_chatter_is_ignored(fake, bot):
    fake.message("大家晚上好，斑海豹真可爱", chat_id=-153, chat_type="group", user_id=153)
    quiet_for(fake, -153)


def test_group_mention_is_answered(fake, bot):
    fake.message(f"@{BOT_USERNAME} 斑海豹科普书籍叫什么", chat_id=-154, chat_type="supergroup",
                 user_id=154)
    assert "碎冰上的斑海豹" in visible(replies(fake, -154)[0]["text"])


def test_group_reply_to_the_bot_is_answered(fake, bot):
    fake.message("/ask 巴塞尔公约", chat_id=-155, chat_type="group", user_id=155)
    replies(fake, -155)
    bot_message = fake.sent_messages(-155)[-1]
    assert bot_message["from"]["id"] == BOT_ID
    fake.message("狂犬病防治", chat_id=-155, chat_type="group", user_id=156,
                 reply_to=bot_message)
    assert "GARC" in replies(fake, -155, 2)[1]["text"]


# --- inline ----------------------------------------------------------------------------------

def test_inline_query_offers_passages_as_articles(fake, bot):
    fake.inline("斑海豹", user_id=160)
    call = fake.wait_for("answerInlineQuery")[0].params
    assert int(call["cache_time"]) <= 60
    results = call["results"]
    assert results and results[0]["type"] == "article"
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and "斑海豹" in content["message_text"]
    assert_valid_html(content["message_text"])


def test_a_mistyped_name_is_answered_and_the_reply_says_how_it_was_read(fake, bot):
    fake.message("绿法会的收入是多少", chat_id=163)
    text = replies(fake, 163)[0]["text"]
    assert text.startswith("<i>（以 绿发会 理解）</i>\n<b>答：27103400.95元")
    assert_valid_html(text)


def test_inline_answers_rank_as_the_chat_does_in_the_readers_script(fake, bot):
    fake.message("绿会是哪些国际组织的会员", chat_id=161, user_id=161)
    chat_text = replies(fake, 161)[0]["text"]
    asked = fake.inline("绿会是哪些国际组织的会员", user_id=161)
    inline = fake.wait_for("answerInlineQuery", inline_query_id=asked)[0].params["results"]
    first = inline[0]["input_message_content"]["message_text"]
    assert first.split("\n\n")[0] == chat_text.split("\n\n")[0]  # the same answer sentence
    asked = fake.inline("綠會嘅收入係幾多", user_id=162, language_code="zh-hk")
    call = fake.wait_for("answerInlineQuery", inline_query_id=asked)[0]
    text = call.params["results"][0]["input_message_content"]["message_text"]
    assert "收入總額" in text
    assert "約 2710 萬元" in text and str(call.params["is_personal"]).lower() == "true"
    assert_valid_html(text)


def test_inline_closest_result_says_so_first(fake, bot):
    asked = fake.inline("绿会2019年的收入是多少", user_id=115)
    results = fake.wait_for("answerInlineQuery", inline_query_id=asked)[0].params["results"]
    first = results[0]["input_message_content"]["message_text"]
    assert first.startswith("资料里没有找到确切的答案，最接近的是：\n\n") and "答：" not in first
    assert_valid_html(first)


# --- admin -----------------------------------------------------------------------------------

def test_reindex_is_refused_to_non_admins_and_logged(fake, bot):
    fake.message("/reindex", chat_id=170, user_id=170)
    assert "管理员" in replies(fake, 170)[0]["text"]
    bot.wait_for_log("refused /reindex from user 170")


def test_admin_reindex_swaps_the_index_without_restart(fake, bot):
    corpus = Path(bot.env["CEPF_CORPUS_DIR"])
    fake.message("观鸟节", chat_id=171)
    assert "没有这个问题的答案" in replies(fake, 171)[0]["text"]

    (corpus / "news.md").write_text("# 新闻\n\n绿发会举办观鸟节活动。\n", "utf-8")
    fake.message("/reindex", chat_id=42, user_id=42)
    assert "2 个文档（2 MD）" in replies(fake, 42)[0]["text"]
    fake.message("观鸟节", chat_id=172)
    assert "观鸟节" in replies(fake, 172)[0]["text"]

    (corpus / "broken.md").write_bytes(b"# x\n\xff")
    fake.message("/reindex", chat_id=42, user_id=42)
    failure = replies(fake, 42, 2)[1]["text"]
    assert "broken.md" in failure and "UTF-8" in failure
    fake.message("观鸟节", chat_id=173)
    assert "观鸟节" in replies(fake, 173)[0]["text"]  # the previous index keeps serving
    (corpus / "broken.md").unlink()
    (corpus / "news.md").unlink()


# --- logs ------------------------------------------------------------------------------------

def test_log_has_one_line_per_answer_and_never_the_token(fake, bot):
    fake.message("收入总额", chat_id=180)
    replies(fake, 180)
    log = bot.wait_for_log("answered chat=private")
    assert "passages=1" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "Traceback" not in log


# --- faults, each with a bot of its own --------------------------------------------------------

@pytest.fixture
def own_bot(tmp_path: Path, jieba_cache: Path):
    made = []

    def make(**env: str) -> tuple[FakeTelegram, BotProcess]:
        server = FakeTelegram().start()
        process = BotProcess(server, tmp_path, CEPF_CACHE_DIR=str(jieba_cache), **env).start()
        made.append((server, process))
        return server, process

    yield make
    for server, process in made:
        process.stop(signal.SIGKILL)
        server.stop()


def test_flood_control_429_is_waited_out_then_delivered(own_bot):
    fake, _ = own_bot()
    fake.fail("sendMessage", status=429, description="Too Many Requests: retry after 1",
              retry_after=1)
    fake.message("收入总额", chat_id=200)
    calls = fake.wait_for("sendMessage", 2, chat_id=200)
    assert calls[1].at - calls[0].at >= 0.9
    assert "27103400.95" in calls[1].params["text"]


def test_server_error_is_retried(own_bot):
    fake, bot = own_bot()
    fake.fail("sendMessage", status=500)
    fake.message("收入总额", chat_id=201)
    calls = fake.wait_for("sendMessage", 2, chat_id=201)
    assert "27103400.95" in calls[1].params["text"]
    assert "retry 1 of 2" in bot.log()


def test_timeout_is_retried(own_bot):
    fake, _ = own_bot()
    fake.fail("sendMessage", status=200, delay=3)  # longer than CEPF_TELEGRAM_TIMEOUT=2
    fake.message("收入总额", chat_id=202)
    calls = fake.wait_for("sendMessage", 2, chat_id=202, timeout=20)
    assert "27103400.95" in calls[1].params["text"]


def test_telegram_outage_and_conflict_while_polling_are_survived(own_bot):
    fake, bot = own_bot()
    fake.fail("getUpdates", status=502, description="Bad Gateway", times=2)
    fake.fail("getUpdates", status=409, description="Conflict: terminated by other getUpdates")
    deadline = time.monotonic() + 30
    while fake.faults and time.monotonic() < deadline:
        time.sleep(0.1)
    fake.message("收入总额", chat_id=203)
    assert "27103400.95" in fake.wait_for("sendMessage", chat_id=203, timeout=30)[0].params["text"]
    log = bot.log()
    assert "Bad Gateway" in log and "Conflict" in log and "Traceback" not in log


def test_failed_command_menu_does_not_block_answers(own_bot, tmp_path):
    server = FakeTelegram()
    server.fail("setMyCommands", status=500)
    server.start()
    process = BotProcess(server, tmp_path, CEPF_CACHE_DIR=str(tmp_path / "c")).start()
    try:
        server.message("收入总额", chat_id=204)
        assert server.wait_for("sendMessage", chat_id=204)
        assert "setting the command menu failed" in process.log()
    finally:
        process.stop(signal.SIGKILL)
        server.stop()


def test_a_reply_telegram_refuses_is_logged_not_retried(own_bot):
    fake, bot = own_bot()
    fake.fail("sendMessage", status=400, description="Bad Request: can't parse entities")
    fake.message("收入总额", chat_id=205)
    fake.wait_for("sendMessage", chat_id=205)
    bot.wait_for_log("Telegram refused a reply in chat 205")
    assert len(fake.calls_of("sendMessage", chat_id=205)) == 1


def test_handler_error_is_logged_and_the_user_gets_an_apology(own_bot):
    fake, bot = own_bot()
    fake.fail("sendMessage", status=200, result="not a message")  # the handler will raise
    update_id = fake.push({"message": {"message_id": 1, "date": 0, "chat": fake.chat(207),
                                       "from": fake.user(207), "text": "收入总额"}})
    calls = fake.wait_for("sendMessage", 2, chat_id=207)
    assert "抱歉" in calls[1].params["text"]
    log = bot.wait_for_log(f"update {update_id} failed")
    assert "Traceback" not in log
    fake.message("收入总额", chat_id=208)  # and it keeps answering
    assert "27103400.95" in fake.wait_for("sendMessage", chat_id=208)[0].params["text"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_bot_cleanly_within_seconds(own_bot, sig):
    fake, bot = own_bot()
    fake.message("收入总额", chat_id=206)
    fake.wait_for("sendMessage", chat_id=206)
    started = time.monotonic()
    assert bot.stop(sig) == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in bot.log()


# --- configuration ---------------------------------------------------------------------------

def run_serve(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return subprocess.run([sys.executable, "-m", "cepf_bot", "serve"], env={**clean, **env},
                          capture_output=True, text=True, timeout=30)


def test_missing_token_is_one_line_and_exit_2():
    result = run_serve()
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_malformed_token_is_refused_without_echoing_it():
    result = run_serve(TELEGRAM_BOT_TOKEN="not-a-token-secretvalue")
    assert result.returncode == 2 and "malformed" in result.stderr
    assert "secretvalue" not in result.stderr


def test_token_file_is_read(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("garbage\n")
    result = run_serve(TELEGRAM_BOT_TOKEN_FILE=str(token_file))
    assert result.returncode == 2 and "malformed" in result.stderr and "garbage" not in (
        result.stderr)
    result = run_serve(TELEGRAM_BOT_TOKEN_FILE=str(tmp_path / "missing"))
    assert result.returncode == 2 and "cannot read" in result.stderr


# --- languages, scripts and feedback (issue 5) --------------------------------------------------

def test_traditional_question_gets_traditional_passages(fake, bot):
    fake.message("綠發會的理事長是誰", chat_id=190, language_code="zh-hant")
    text = visible(replies(fake, 190)[0]["text"])
    assert "謝伯陽" in text and "綠發會" in text and "綠髮會" not in text
    assert "谢伯阳" not in text


def test_hong_kong_setting_gets_hong_kong_script_for_any_question(fake, bot):
    fake.message("/start", chat_id=191, language_code="zh-hk")
    text = replies(fake, 191)[0]["text"]
    assert "中國綠發會" in text and "問題" in text and "中国" not in text


def test_english_question_gets_english_interface_and_readable_figures(fake, bot):
    fake.message("What is the foundation's total income?", chat_id=192, language_code="en")
    reply = replies(fake, 192)[0]
    assert visible(reply["text"]).startswith(
        "Answer: 27103400.95 yuan (27,103,400.95 yuan, about 27.1 million yuan)\n「收入总额")
    labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert "👍" in labels and "👎" in labels


def test_chinese_reply_shows_readable_figures_and_underlines_the_best_sentence(fake, bot):
    fake.message("斑海豹宣传科普活动有多少人参加", chat_id=193)
    text = replies(fake, 193)[0]["text"]
    assert text.startswith("<b>答：2900余人</b>")
    passages = text.split("\n\n", 1)[1]
    assert "<u>" in passages and "<b>" in passages.split("<u>")[1].split("</u>")[0]
    fake.message("收入总额", chat_id=194)
    shown = visible(replies(fake, 194)[0]["text"])
    assert "27103400.95元（27,103,400.95 元，约 2710 万元）" in shown


def test_feedback_buttons_reach_the_query_log_and_stats(fake, bot):
    fake.message("绿发会的秘书长是谁", chat_id=195, user_id=195)
    reply = replies(fake, 195)[0]
    down = next(b for row in reply["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == "👎")
    assert len(down["callback_data"].encode()) <= 64
    fake.press(fake.sent_messages(195)[-1], down["callback_data"], user_id=195)
    fake.wait_for("answerCallbackQuery", count=1)
    fake.message("怎么申请实习岗位", chat_id=196, user_id=196)
    replies(fake, 196)
    fake.message("绿会2019年的收入是多少", chat_id=198, user_id=198)  # closest
    replies(fake, 198)
    bot.wait_for_log("feedback - on logged answer")
    before = len(fake.calls_of("sendMessage", chat_id=42))
    fake.message("/stats", chat_id=42, user_id=42)
    calls = fake.wait_for("sendMessage", before + 1, chat_id=42, timeout=15)
    stats = visible(calls[before].params["text"])
    # short lines for a phone: count · question · what went wrong; no columns, no ids
    assert "1× · 怎么申请实习岗位 · 没答上" in stats.splitlines()
    assert "1× · 绿发会的秘书长是谁 · 被点 👎" in stats.splitlines()
    assert "  " not in stats and "#" not in stats
    # staff see the closest-only questions beside the unanswered
    assert any(line.endswith("× · 绿会2019年的收入是多少 · 只有最接近的段落")
               for line in stats.splitlines())
    fake.message("/stats", chat_id=197, user_id=197)
    assert "管理员" in replies(fake, 197)[0]["text"]


def test_a_vote_is_thanked_shown_on_the_buttons_and_can_be_changed(fake, bot):
    import sqlite3

    fake.message("绿发会的收入总额是多少", chat_id=193, user_id=193)
    replies(fake, 193)
    answer = fake.sent_messages(193)[-1]
    buttons = [b for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    down = next(b for b in buttons if b["text"] == "👎")["callback_data"]
    up = next(b for b in buttons if b["text"] == "👍")["callback_data"]
    before = len(fake.calls_of("answerCallbackQuery"))
    fake.press(answer, down, user_id=193)
    toast = fake.wait_for("answerCallbackQuery", count=before + 1)[-1].params
    assert "谢谢" in toast["text"]
    marked = fake.wait_for("editMessageReplyMarkup", chat_id=193)[-1].params["reply_markup"]
    assert [b["text"] for row in marked["inline_keyboard"] for b in row][:2] == ["👍", "👎 ✓"]
    fake.press(fake.sent_messages(193)[-1], up, user_id=193)
    marked = fake.wait_for("editMessageReplyMarkup", count=2, chat_id=193)[-1].params
    texts = [b["text"] for row in marked["reply_markup"]["inline_keyboard"] for b in row]
    assert texts[:2] == ["👍 ✓", "👎"]
    row = int(up.split(":")[1])
    bot.wait_for_log(f"feedback + on logged answer {row}")
    with sqlite3.connect(bot.env["CEPF_QUERY_LOG"]) as db:
        assert db.execute("SELECT feedback FROM queries WHERE id = ?", (row,)).fetchall() == [(1,)]


def test_query_log_off_writes_nothing_and_shows_no_feedback_buttons(own_bot, tmp_path):
    fake, _ = own_bot(CEPF_QUERY_LOG="off", XDG_DATA_HOME=str(tmp_path / "data"))
    fake.message("收入总额", chat_id=198)
    reply = fake.wait_for("sendMessage", chat_id=198)[0].params
    assert "27103400.95" in reply["text"]
    buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert not any(b["callback_data"].startswith("fb:") for b in buttons)  # no votes to log
    assert not list(tmp_path.rglob("*.sqlite"))


def test_rejected_token_is_one_line_and_exit_2(tmp_path, jieba_cache):
    server = FakeTelegram(token="999999:" + "B" * 35).start()  # knows another token
    try:
        process = BotProcess(server, tmp_path, CEPF_CACHE_DIR=str(jieba_cache))
        process.proc = subprocess.Popen([sys.executable, "-m", "cepf_bot", "serve"],
                                        env=process.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        out, _ = process.proc.communicate(timeout=60)
        assert process.proc.returncode == 2
        assert "Telegram rejected the bot token" in out and "Traceback" not in out
        assert TOKEN.split(":")[1] not in out
    finally:
        server.stop()


def test_telegram_down_at_start_is_waited_out(own_bot, tmp_path, jieba_cache):
    server = FakeTelegram()
    server.fail("getMe", status=502, description="Bad Gateway", times=2)
    server.start()
    process = BotProcess(server, tmp_path, CEPF_CACHE_DIR=str(jieba_cache)).start()
    try:
        server.message("收入总额", chat_id=209)
        assert server.wait_for("sendMessage", chat_id=209, timeout=30)
        assert "Telegram unreachable at start" in process.log()
    finally:
        process.stop(signal.SIGKILL)
        server.stop()


# --- hardening: mentions, commands, forged buttons, inline bursts -----------------------------

def test_a_mention_of_a_longer_username_is_not_a_mention_of_the_bot(fake, bot):
    fake.message(f"@{BOT_USERNAME}_evil 收入总额", chat_id=-601, chat_type="supergroup")
    fake.message(f"@{BOT_USERNAME}, 收入总额", chat_id=-602, chat_type="supergroup")
    assert "27103400.95" in replies(fake, -602)[0]["text"]
    assert fake.calls_of("sendMessage", chat_id=-601) == []


def test_an_unknown_command_in_a_private_chat_gets_help(fake, bot):
    fake.message("/foo 收入总额", chat_id=603)
    assert "怎么问" in replies(fake, 603)[0]["text"]


def test_a_forged_more_zero_button_logs_nothing_again(fake, bot):
    import sqlite3

    fake.message("绿会都有哪些国际合作项目", chat_id=604, user_id=604)
    replies(fake, 604)
    fake.press(fake.sent_messages(604)[-1], "more:0:q", user_id=604)
    assert "失效" in replies(fake, 604, 2)[1]["text"]
    with sqlite3.connect(bot.env["CEPF_QUERY_LOG"]) as db:
        rows = db.execute("SELECT COUNT(*) FROM queries WHERE question = ?",
                          ("绿会都有哪些国际合作项目",)).fetchone()[0]
    assert rows == 1


def test_inline_queries_count_against_the_askers_rate(fake, bot):
    asked = [fake.inline("斑海豹", user_id=605) for _ in range(12)]
    answered = [fake.wait_for("answerInlineQuery", inline_query_id=q)[0].params for q in asked]
    assert answered[0]["results"] and answered[-1]["results"] == []  # the burst is 8


def test_in_a_group_only_the_asker_can_rate_an_answer(fake, bot):
    fake.message("/ask 绿发会的收入总额是多少", chat_id=-606, user_id=61, chat_type="supergroup")
    replies(fake, -606)
    answer = fake.sent_messages(-606)[-1]
    up = next(b for row in answer["reply_markup"]["inline_keyboard"] for b in row
              if b["text"] == "👍")["callback_data"]
    before = len(fake.calls_of("answerCallbackQuery"))
    fake.press(answer, up, user_id=62)
    fake.press(answer, up, user_id=61)
    toasts = [c.params.get("text", "") for c in
              fake.wait_for("answerCallbackQuery", count=before + 2)[before:]]
    assert sorted("只有提问的人" in t for t in toasts) == [False, True]
    assert any("谢谢" in t for t in toasts)
