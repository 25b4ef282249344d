"""Hardening that the bot and the CLI already have (part of the hardening issue): what people
put in the corpus folder, the query log's files, Telegram's limits, mentions and commands."""

from __future__ import annotations

import logging
import os
import stat
import threading

from cepf_bot.corpus.folder import load_corpus
from cepf_bot.querylog import LogSummary, Missing, QueryLog, format_summary, load_salt
from cepf_bot.reply.render import TELEGRAM_LIMIT, split_messages, telegram_length
from tests.telegram_html import problems


def test_a_fifo_and_a_link_to_outside_the_corpus_are_skipped(corpus_dir, tmp_path, caplog):
    secret = tmp_path / "secret.md"
    secret.write_text("# 机密\n\n外部文件的内容。\n", "utf-8")
    (corpus_dir / "outside.md").symlink_to(secret)
    os.mkfifo(corpus_dir / "pipe.md")
    caplog.set_level(logging.WARNING, logger="cepf_bot")
    corpus = load_corpus(corpus_dir)  # returns: the FIFO is never opened
    assert all("外部文件" not in p.text for p in corpus.passages)
    assert "outside.md: skipped" in caplog.text and "pipe.md: skipped" in caplog.text


def test_a_link_to_a_file_inside_the_corpus_is_read(corpus_dir):
    (corpus_dir / "drafts").mkdir()
    (corpus_dir / "drafts" / "news.draft").write_text("# 新闻\n\n观鸟节活动。\n", "utf-8")
    (corpus_dir / "news.md").symlink_to(corpus_dir / "drafts" / "news.draft")
    assert "news" in {d.id for d in load_corpus(corpus_dir).documents}


def test_concurrent_first_opens_share_one_whole_salt(tmp_path):
    db = tmp_path / "q.sqlite"
    salts, errors = [], []

    def first_open() -> None:
        try:
            salts.append(load_salt(db))
        except OSError as e:  # pragma: no cover - the failure this test is for
            errors.append(e)

    threads = [threading.Thread(target=first_open) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(salts)) == 1 and len(salts[0]) == 32
    assert stat.S_IMODE(os.stat(tmp_path / "q.sqlite.salt").st_mode) == 0o600
    assert [p.name for p in tmp_path.glob("*q.sqlite*")] == ["q.sqlite.salt"]  # no temporary


def test_an_empty_salt_left_by_a_full_disk_is_replaced(tmp_path):
    (tmp_path / "q.sqlite.salt").write_bytes(b"")
    assert len(load_salt(tmp_path / "q.sqlite")) == 32


def test_the_query_log_database_is_private(tmp_path):
    QueryLog.open(tmp_path / "q.sqlite").close()
    assert stat.S_IMODE(os.stat(tmp_path / "q.sqlite").st_mode) == 0o600


def test_a_long_report_is_split_into_messages_telegram_accepts():
    many = [Missing(f"问题 {i} " + "很长的问题" * 20, i, 0.0, "d#1") for i in range(200)]
    text = format_summary(LogSummary(300, 100, 1, 2, many, many))
    messages = split_messages([text])
    assert len(messages) > 1
    for message in messages:
        assert telegram_length(message) <= TELEGRAM_LIMIT and problems(message) == []
    assert all(m.endswith("…") for m in messages[:-1])


def test_one_line_longer_than_a_message_is_cut_at_a_sentence_end():
    line = "一句话。" * 2000
    pieces = split_messages([line])
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in pieces)
    assert pieces[0].endswith("。…")


def test_a_vote_counts_only_from_the_asker_and_once(tmp_path):
    log = QueryLog.open(tmp_path / "q.sqlite")
    row = log.record(question="秘书长是谁", lang="zh-hans", chat_type="group", user_id=1, hits=[])
    assert not log.feedback(row, -1, user_id=2)  # someone else in the group
    assert log.feedback(row, -1, user_id=1) and log.feedback(row, +1, user_id=1)
    summary = log.summary()
    assert (summary.thumbs_up, summary.thumbs_down) == (1, 0)


def test_the_log_is_bounded_per_user_per_day_and_in_rows(tmp_path):
    log = QueryLog(tmp_path / "q.sqlite", salt=b"s" * 32, daily_cap=3, max_rows=5)
    rows = [log.record(question=f"q{i}", lang="zh", chat_type="private", user_id=1, hits=[])
            for i in range(4)]
    assert rows[3] == 0 and all(rows[:3])  # the fourth today is answered, not logged
    for user in range(2, 6):
        log.record(question="q", lang="zh", chat_type="private", user_id=user, hits=[])
    assert log.summary().questions == 5  # the oldest pruned first


def test_a_file_name_that_is_not_utf8_is_one_clear_line(corpus_dir, tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "CEPF_CORPUS_DIR": str(corpus_dir),
           "CEPF_INDEX_PATH": str(tmp_path / "index")}
    assert subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=env,
                          capture_output=True, timeout=60).returncode == 0
    with open(os.path.join(os.fsencode(corpus_dir), b"bad\xff.md"), "wb") as f:
        f.write("# 坏名字\n\n内容。\n".encode())
    result = subprocess.run([sys.executable, "-m", "cepf_bot", "reindex"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "file name is not valid UTF-8" in result.stderr
    assert "bad\\xff.md" in result.stderr and "Traceback" not in result.stderr
    asked = subprocess.run([sys.executable, "-m", "cepf_bot", "ask", "收入总额"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert asked.returncode == 0 and "27103400.95" in asked.stdout  # the last good index
    assert "not valid UTF-8" in asked.stderr and "Traceback" not in asked.stderr
    health = subprocess.run([sys.executable, "-m", "cepf_bot", "health"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert health.returncode == 1 and health.stdout.startswith("unhealthy")
    assert "bad\\xff.md" in health.stdout and "still serves" in health.stdout


def _logged(verbose: bool, emit) -> str:  # type: ignore[no-untyped-def]
    import io

    from cepf_bot.logging_setup import setup_logging

    stream = io.StringIO()
    setup_logging(verbose)
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        emit(logging.getLogger("cepf_bot.test"))
    finally:
        logging.getLogger().handlers.clear()
    return stream.getvalue()


def _fail(log: logging.Logger) -> None:
    try:
        {}["missing"]
    except KeyError:
        log.exception("update 7 failed")


def test_tracebacks_only_with_verbose_the_cause_always():
    quiet = _logged(False, _fail)
    assert quiet.strip() == "cepf-bot: update 7 failed (KeyError: 'missing')"
    assert "Traceback" in _logged(True, _fail)


def test_lines_outsiders_can_cause_are_rate_limited_per_kind():
    def flood(log: logging.Logger) -> None:
        for i in range(500):
            log.warning("webhook request from %s refused: wrong secret token", f"10.0.0.{i}")
        for i in range(500):
            log.info("answered question %d", i)  # our own INFO lines are not limited
        log.warning("another kind of line")

    lines = _logged(False, flood).splitlines()
    assert sum("refused" in line for line in lines) == 20
    assert sum("answered question" in line for line in lines) == 500
    assert lines[-1].endswith("another kind of line")


def test_a_full_disk_names_the_index_folder(tmp_path, index, monkeypatch):
    import errno

    import pytest

    from cepf_bot.errors import os_error_line
    from cepf_bot.index import store

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")  # no file name, as write() does

    monkeypatch.setattr(store.np, "save", full)
    with pytest.raises(OSError) as raised:
        store.save_index(index, tmp_path / "idx")
    assert os_error_line(raised.value) == f"{tmp_path / 'idx'}: No space left on device"
    assert os_error_line(OSError()) == "OSError"  # never an empty line


def test_a_full_disk_under_the_query_log_still_answers_with_one_line(tmp_path, caplog):
    import sqlite3

    log = QueryLog.open(tmp_path / "q.sqlite")

    class FullDisk:
        def execute(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise sqlite3.OperationalError("database or disk is full")

    log._db = FullDisk()  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING):
        row = log.record(question="收入", lang="zh", chat_type="private", user_id=1, hits=[])
    assert row == 0
    assert f"query log {tmp_path / 'q.sqlite'}: cannot write (database or disk is full)" \
        in caplog.text
