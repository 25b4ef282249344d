import json
import os
import sqlite3
import subprocess
import sys

from cepf_bot.querylog import QueryLog, format_summary
from cepf_bot.types import Hit, Passage


def hits(*ids: str) -> list[Hit]:
    return [Hit(i + 1, 2.0 - i, Passage(pid, "d", "文档", "t", "x"), ()) for i, pid in
            enumerate(ids)]


def seeded(tmp_path, now=1_800_000_000.0) -> QueryLog:
    log = QueryLog.open(tmp_path / "q.sqlite")
    for _ in range(3):
        log.record(question="怎么申请实习", lang="zh-hans", chat_type="private", user_id=1,
                   hits=[], at=now)
    log.record(question="怎么申请 实习 ", lang="zh-hans", chat_type="group", user_id=2,
               hits=[], at=now + 1)
    log.record(question="绿发会的总部在哪", lang="zh-hans", chat_type="private", user_id=3,
               hits=[], at=now)
    row = log.record(question="秘书长是谁", lang="zh-hans", chat_type="private", user_id=4,
                     hits=hits("d#11", "d#3"), at=now)
    log.feedback(row, -1)
    good = log.record(question="收入总额", lang="zh-hans", chat_type="private", user_id=5,
                      hits=hits("d#1"), at=now)
    log.feedback(good, +1)
    return log


def test_report_lists_unanswered_and_down_voted_most_frequent_first(tmp_path):
    summary = seeded(tmp_path).summary()
    # "怎么申请 实习 " differs by a space inside: its own entry, asked last, so before 总部.
    assert [(m.question, m.count) for m in summary.unanswered] == [
        ("怎么申请实习", 3), ("怎么申请 实习 ", 1), ("绿发会的总部在哪", 1)]
    assert [(m.question, m.top_passage) for m in summary.down_voted] == [("秘书长是谁", "d#11")]
    assert (summary.questions, summary.answered, summary.thumbs_up, summary.thumbs_down) == (
        7, 2, 1, 1)
    text = format_summary(summary)
    assert text.index("怎么申请实习") < text.index("绿发会的总部在哪") < text.index("Down-voted")


def test_no_raw_user_id_is_stored(tmp_path):
    log = QueryLog.open(tmp_path / "q.sqlite")
    user_id = 987654321
    log.record(question="q", lang="en", chat_type="private", user_id=user_id, hits=[])
    log.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("q.sqlite")
                   and not p.name.endswith(".salt"))
    assert str(user_id).encode() not in raw
    stored = sqlite3.connect(tmp_path / "q.sqlite").execute(
        "SELECT user_hash FROM queries").fetchone()[0]
    assert str(user_id) not in stored and len(stored) == 32
    salt = tmp_path / "q.sqlite.salt"
    assert oct(salt.stat().st_mode & 0o777) == "0o600"
    again = QueryLog.open(tmp_path / "q.sqlite")
    assert again.user_hash(user_id) == stored  # the same salt: the same person is countable
    other = QueryLog(tmp_path / "other.sqlite", salt=b"another salt")
    assert other.user_hash(user_id) != stored


def test_retention_deletes_old_rows(tmp_path):
    log = QueryLog.open(tmp_path / "q.sqlite", retention_days=30)
    log.record(question="old", lang="en", chat_type="private", user_id=1, hits=[], at=1000.0)
    log.record(question="new", lang="en", chat_type="private", user_id=1, hits=[])
    assert log.prune() == 1
    assert [m.question for m in log.summary().unanswered] == ["new"]


def report(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CEPF_QUERY")}
    return subprocess.run([sys.executable, "-m", "cepf_bot", "report", *env.pop("args", [])],
                          env={**clean, **env}, capture_output=True, text=True, timeout=30)


def test_report_command_on_a_seeded_log(tmp_path):
    seeded(tmp_path).close()
    result = report(tmp_path, CEPF_QUERY_LOG=str(tmp_path / "q.sqlite"),
                    CEPF_QUERY_LOG_DAYS="100000")
    assert result.returncode == 0, result.stderr
    assert "3×  怎么申请实习" in result.stdout and "秘书长是谁" in result.stdout
    result = report(tmp_path, CEPF_QUERY_LOG=str(tmp_path / "q.sqlite"),
                    CEPF_QUERY_LOG_DAYS="100000", args=["--json"])
    assert json.loads(result.stdout)["down_voted"][0]["top_passage"] == "d#11"


def test_log_turned_off(tmp_path):
    result = report(tmp_path, CEPF_QUERY_LOG="off")
    assert result.returncode == 2 and "off" in result.stderr
