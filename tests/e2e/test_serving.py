"""Webhook mode, health, and picking up an index another process wrote: the real bot over
real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.botprocess import BotProcess
from tests.fake_telegram import TOKEN, FakeTelegram

SECRET = "webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def update(update_id: int, chat_id: int, text: str) -> bytes:
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "x"}}}).encode()


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def webhook_bot(fake, tmp_path, jieba_cache):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    bot = BotProcess(fake, tmp_path, CEPF_CACHE_DIR=str(jieba_cache), CEPF_WEBHOOK_URL=url,
                     CEPF_WEBHOOK_SECRET=SECRET, PORT=str(port),
                     CEPF_WEBHOOK_LISTEN="127.0.0.1").start(ready="setWebhook")
    yield bot, url
    bot.stop(signal.SIGKILL)


def test_webhook_is_registered_with_its_secret(fake, webhook_bot):
    _, url = webhook_bot
    call = fake.wait_for("setWebhook")[0].params
    assert call["url"] == url and call["secret_token"] == SECRET


def test_webhook_update_with_the_secret_is_answered(fake, webhook_bot):
    _, url = webhook_bot
    deadline = time.monotonic() + 10
    while (status := post(url, update(1, 301, "收入总额"), SECRET)) != 200:
        assert time.monotonic() < deadline, status  # the server may still be starting
        time.sleep(0.1)
    assert "27103400.95" in fake.wait_for("sendMessage", chat_id=301)[0].params["text"]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789", SECRET[:-1]])
def test_webhook_without_the_right_secret_is_rejected(fake, webhook_bot, secret):
    bot, url = webhook_bot
    post(url, update(1, 300, "warm up"), SECRET)
    assert post(url, update(2, 302, "收入总额"), secret) == 403
    bot.wait_for_log("webhook request from 127.0.0.1 refused")
    assert fake.calls_of("sendMessage", chat_id=302) == []
    assert SECRET not in bot.log()


def test_webhook_duplicates_are_answered_once_and_garbage_refused(fake, webhook_bot):
    bot, url = webhook_bot
    for _ in range(5):
        assert post(url, update(7, 303, "收入总额"), SECRET) == 200
    assert post(url, b"{not json", SECRET) == 400
    assert post(url, b'{"update_id": "x", "message": 5}', SECRET) == 400
    fake.wait_for("sendMessage", chat_id=303)
    time.sleep(0.5)
    assert len(fake.calls_of("sendMessage", chat_id=303)) == 1
    assert "Traceback" not in bot.log()


def test_webhook_needs_a_secret():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPF_WEBHOOK")}
    env["TELEGRAM_BOT_TOKEN"] = TOKEN
    result = subprocess.run([sys.executable, "-m", "cepf_bot", "serve", "--webhook-url",
                             "https://bot.example.org/hook"], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2 and "CEPF_WEBHOOK_SECRET" in result.stderr


def health(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cepf_bot", "health", *args],
                          env=env, capture_output=True, text=True, timeout=30)


def test_health_follows_the_index_and_the_serving_bot(fake, tmp_path, jieba_cache):
    bot = BotProcess(fake, tmp_path, CEPF_CACHE_DIR=str(jieba_cache),
                     CEPF_HEARTBEAT_FILE=str(tmp_path / "beat"))
    result = health(bot.env)
    assert result.returncode == 1 and "no index yet" in result.stderr
    bot.start()
    deadline = time.monotonic() + 10
    while health(bot.env, "--serving").returncode != 0:
        assert time.monotonic() < deadline, health(bot.env, "--serving").stdout
        time.sleep(0.3)
    assert health(bot.env).returncode == 0
    bot.stop()
    result = health(bot.env, "--serving")
    assert result.returncode == 1 and "no heartbeat" in result.stdout


@pytest.mark.parametrize("nudge", ["watch", "sighup"])
def test_a_reindex_by_another_process_reaches_the_running_bot(fake, tmp_path, jieba_cache,
                                                               nudge):
    bot = BotProcess(fake, tmp_path, CEPF_CACHE_DIR=str(jieba_cache)).start()
    try:
        (tmp_path / "corpus" / "news.md").write_text("# 新闻\n\n绿发会举办观鸟节活动。\n", "utf-8")
        subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=bot.env, check=True,
                       capture_output=True, timeout=60)
        if nudge == "sighup":
            # until serving starts a SIGHUP is ignored: send it until the bot says it heard it
            deadline = time.monotonic() + 30
            while "SIGHUP: looking at the index now" not in bot.log():
                assert time.monotonic() < deadline, bot.log()[-2000:]
                bot.proc.send_signal(signal.SIGHUP)
                time.sleep(0.5)
        bot.wait_for_log("reloaded from disk", timeout=30)
        fake.message("观鸟节", chat_id=310)
        assert "观鸟节" in fake.wait_for("sendMessage", chat_id=310)[0].params["text"]
    finally:
        bot.stop(signal.SIGKILL)


def test_start_is_answered_while_jiebas_dictionary_still_loads(fake, tmp_path, jieba_cache):
    """Polling starts before the dictionary is loaded: /start needs none, and a question asked
    meanwhile is answered once it is in. An empty cache folder makes jieba build its
    dictionary from dict.txt (seconds), so the reply to /start comes first."""
    bot = BotProcess(fake, tmp_path, CEPF_CACHE_DIR=str(jieba_cache))
    subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=bot.env, check=True,
                   capture_output=True, timeout=300)
    bot.env["CEPF_CACHE_DIR"] = str(tmp_path / "empty-cache")
    bot.start()
    try:
        fake.message("/start", chat_id=7)
        fake.wait_for("sendMessage", chat_id=7, timeout=10)
        assert "serving @" not in bot.log()  # logged once the dictionary is in
        fake.message("绿发会的秘书长是谁", chat_id=8)
        fake.wait_for("sendMessage", chat_id=8, timeout=60)
        assert "周晋峰" in fake.sent_messages(8)[-1]["text"]
        bot.wait_for_log("serving @", timeout=60)
    finally:
        bot.stop()
    assert "Traceback" not in bot.log()
