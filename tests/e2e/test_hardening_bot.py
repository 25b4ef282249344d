"""Hardening, round 2 (issue 26), through the real bot and the fake Bot API: hostile uploads
cost their limits only, forged buttons are expired buttons, and the bot starts on a corpus that
holds a bad file."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cepf_bot.corpus.folder import passage_key
from tests.botprocess import BotProcess
from tests.conftest import REPO_CORPUS

from .test_hardening_round2 import page_bomb

ADMIN = 42
ASKER = 701
ASKERS = itertools.count(900)
EXPIRED = "This button has expired; please ask again."


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory):  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("bot")
    process = BotProcess(fake, workdir, CEPF_CACHE_DIR=str(workdir / "cache"),
                         CEPF_READ_SECONDS="3").start()
    yield process
    process.stop()


def corpus_of(bot) -> Path:  # type: ignore[no-untyped-def]
    return Path(bot.env["CEPF_CORPUS_DIR"])


def reply(fake, chat_id: int, count: int, timeout: float = 30) -> dict:  # type: ignore[no-untyped-def]
    fake.wait_for("sendMessage", count, timeout=timeout, chat_id=chat_id)
    return fake.sent_messages(chat_id)[-1]


def buttons(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def preview_of(fake, name: str, data: bytes) -> dict:  # type: ignore[no-untyped-def]
    sent = len(fake.sent_messages(ADMIN))
    fake.document(name, data, chat_id=ADMIN)
    return reply(fake, ADMIN, sent + 1)


def add(fake, preview: dict) -> str:  # type: ignore[no-untyped-def]
    sent = len(fake.sent_messages(ADMIN))
    fake.press(preview, buttons(preview)[0], user_id=ADMIN, language_code="en")
    return reply(fake, ADMIN, sent + 1)["text"]


def test_a_document_with_a_huge_figure_is_added_from_the_phone(fake, bot):
    preview = preview_of(fake, "donation.md", f"# 大额捐赠\n\n捐赠金额为{'9' * 400}元。\n".encode())
    assert "Added donation.md" in add(fake, preview)
    assert (corpus_of(bot) / "donation.md").exists()
    fake.message("捐赠金额" + "9" * 400 + "元", chat_id=ASKER)
    assert "apolog" not in reply(fake, ASKER, 1)["text"].lower()
    assert " failed: " not in bot.log()


def test_a_pdf_page_bomb_preview_stops_at_its_limit_and_questions_are_answered_meanwhile(
        fake, bot):
    sent = len(fake.sent_messages(ADMIN))
    fake.document("pages.pdf", page_bomb(1000, 1000), chat_id=ADMIN)
    fake.wait_for("getFile", 1)
    time.sleep(0.5)  # the worker is reading
    asked = len(fake.sent_messages(ASKER))
    started = time.monotonic()
    fake.message("绿发会的收入总额是多少", chat_id=ASKER)
    reply(fake, ASKER, asked + 1)
    assert time.monotonic() - started < 1.5
    refused = reply(fake, ADMIN, sent + 1)["text"]
    assert "cannot be read" in refused and "pages.pdf" in refused
    assert "more than 3 s" in refused and buttons(fake.sent_messages(ADMIN)[-1]) == []
    assert not (corpus_of(bot) / "pages.pdf").exists()


@pytest.mark.parametrize("data", ["ex:zh:²", "more:²:q", "more:1:ex²", "fb:²:+", "full:²",
                                  "full:" + "a" * 40, "up:add:", "up::"])
def test_forged_button_data_is_an_expired_button_never_an_error(fake, bot, data):
    asker = next(ASKERS)  # each their own, under the rate limit
    fake.message("绿发会的收入总额是多少", chat_id=asker)
    answer = reply(fake, asker, 1)
    fake.press(answer, data, user_id=asker, language_code="en")
    fake.wait_for("answerCallbackQuery", len(fake.calls_of("answerCallbackQuery")) + 1)
    time.sleep(0.3)
    assert " failed: " not in bot.log(), bot.log()[-2000:]


def test_an_unknown_upload_action_says_expired_and_keeps_the_preview(fake, bot):
    preview = preview_of(fake, "stars.md", "# 星空\n\n暗夜星空保护地的观星活动。\n".encode())
    token = buttons(preview)[0].rsplit(":", 1)[1]
    toasts = len(fake.calls_of("answerCallbackQuery"))
    fake.press(preview, f"up:zzz:{token}", user_id=ADMIN, language_code="en")
    assert fake.wait_for("answerCallbackQuery", toasts + 1)[-1].params.get("text") == EXPIRED
    assert "Added stars.md" in add(fake, preview)  # the preview still waits for its button


def test_full_text_of_a_repeated_passage_is_shown(fake, bot):
    text = "同一段落在文档里出现了两次。"
    preview = preview_of(fake, "twice.md", f"# 重复\n\n{text}\n\n{text}\n".encode())
    assert "Added twice.md" in add(fake, preview)
    fake.message("绿发会的收入总额是多少", chat_id=ASKER)
    answer = reply(fake, ASKER, len(fake.sent_messages(ASKER)) + 1)
    sent = len(fake.sent_messages(ASKER))
    fake.press(answer, f"full:{passage_key(text)}-2", user_id=ASKER, language_code="en")
    assert text in reply(fake, ASKER, sent + 1)["text"]


def test_a_long_chinese_file_name_is_added(fake, bot):
    name = "绿发会" * 40 + ".md"
    preview = preview_of(fake, name, "# 长名\n\n一个名字很长的文件的内容。\n".encode())
    added = add(fake, preview)
    assert "Added" in added and "File name too long" not in added


def test_the_bot_starts_on_a_corpus_that_holds_a_bad_file(fake, tmp_path):
    workdir = tmp_path / "second"
    workdir.mkdir()
    shutil.copytree(REPO_CORPUS, workdir / "corpus")
    second = BotProcess(fake, workdir, CEPF_CACHE_DIR=str(workdir / "cache"))
    built = subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=second.env,
                           capture_output=True, timeout=120)
    assert built.returncode == 0  # the last good index
    (workdir / "corpus" / "bad.pdf").write_bytes(page_bomb(3000, 1))
    second.launch()
    try:
        log = second.wait_for_log("last good index", timeout=30)
        assert second.proc.poll() is None and "bad.pdf" in log and "Traceback" not in log
        assert "2,000" in log  # the limit it is over
    finally:
        second.stop()
