"""A waiting preview's download leaves nothing in the temporary folder (L11): removed when the
bot is stopped (SIGTERM), and a killed bot's leftovers removed when a bot starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.botprocess import BotProcess

ADMIN = 42
DOCUMENT = "# 上传测试\n\n黑颈鹤保护小区位于云南省会泽县大桥乡。\n".encode()


def _started(bot: BotProcess, ready: str = "getUpdates") -> BotProcess:
    """The bot started on an index built beforehand (its start then stays within the
    harness's 30 s on a loaded machine)."""
    subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=bot.env, check=True,
                   capture_output=True, timeout=300)
    return bot.start(ready=ready)


def _uploads(folder):  # type: ignore[no-untyped-def]
    return sorted(p.name for p in folder.glob("cepf-upload-*"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_waiting_previews_leave_no_file_after_a_stop(fake, tmp_path, jieba_cache, sig):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    gone = tmp / "cepf-upload-999999999-abcd"  # a killed bot's (no such process)
    gone.mkdir()
    (gone / "old.md").write_bytes(DOCUMENT)
    alive = tmp / f"cepf-upload-{os.getpid()}-efgh"  # a running bot's, waiting for its button
    alive.mkdir()
    bot = _started(BotProcess(fake, tmp_path, TMPDIR=str(tmp), CEPF_CACHE_DIR=str(jieba_cache)))
    try:
        bot.wait_for_log("serving @", timeout=60)
        assert _uploads(tmp) == [alive.name]
        count = len(fake.sent_messages(ADMIN))
        fake.document("pending.md", DOCUMENT, chat_id=ADMIN, user_id=ADMIN)
        fake.wait_for("sendMessage", count + 1, chat_id=ADMIN)
        preview = fake.sent_messages(ADMIN)[-1]
        assert preview.get("reply_markup"), preview["text"]  # Add / Cancel: it waits
        waiting = [n for n in _uploads(tmp) if n != alive.name]
        assert len(waiting) == 1 and (tmp / waiting[0] / "pending.md").exists()
    finally:
        assert bot.stop(sig) in (0, 130)  # 130: interrupted, as a shell reports Ctrl-C
    time.sleep(0.1)
    assert _uploads(tmp) == [alive.name]  # another bot's waiting preview is not ours to remove


def test_a_webhook_bot_removes_its_waiting_previews_too(fake, tmp_path, jieba_cache):
    import json

    from .test_serving import SECRET, free_port, post

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    bot = BotProcess(fake, tmp_path, TMPDIR=str(tmp), CEPF_CACHE_DIR=str(jieba_cache),
                     CEPF_WEBHOOK_URL=url,
                     CEPF_WEBHOOK_SECRET=SECRET, PORT=str(port),
                     CEPF_WEBHOOK_LISTEN="127.0.0.1")
    bot = _started(bot, ready="setWebhook")
    try:
        count = len(fake.sent_messages(ADMIN))
        message = fake.document("hooked.md", DOCUMENT, chat_id=ADMIN, user_id=ADMIN)
        body = json.dumps({"update_id": 9_000_001, "message": message}).encode()
        deadline = time.monotonic() + 20
        while post(url, body, SECRET) != 200:
            assert time.monotonic() < deadline, "the webhook server did not come up"
            time.sleep(0.1)
        fake.wait_for("sendMessage", count + 1, chat_id=ADMIN)
        assert fake.sent_messages(ADMIN)[-1].get("reply_markup")
        assert len(_uploads(tmp)) == 1
    finally:
        assert bot.stop(signal.SIGTERM) == 0
    assert _uploads(tmp) == []
