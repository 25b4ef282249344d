"""A waiting preview's download leaves nothing in the temporary folder (L11): removed when the
bot is stopped (SIGTERM), and a killed bot's leftovers removed when a bot starts."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.botprocess import BotProcess

ADMIN = 42
DOCUMENT = "# 上传测试\n\n黑颈鹤保护小区位于云南省会泽县大桥乡。\n".encode()


def _uploads(folder):  # type: ignore[no-untyped-def]
    return sorted(p.name for p in folder.glob("cepf-upload-*"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_waiting_previews_leave_no_file_after_a_stop(fake, tmp_path, sig):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    gone = tmp / "cepf-upload-999999999-abcd"  # a killed bot's (no such process)
    gone.mkdir()
    (gone / "old.md").write_bytes(DOCUMENT)
    alive = tmp / f"cepf-upload-{os.getpid()}-efgh"  # a running bot's, waiting for its button
    alive.mkdir()
    bot = BotProcess(fake, tmp_path, TMPDIR=str(tmp)).start()
    try:
        bot.wait_for_log("serving @")
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
