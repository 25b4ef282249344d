import json
import os
import sqlite3
import subprocess
import sys

from cepf_bot.querylog import QueryLog
from cepf_bot.reply.reports import format_summary
from cepf_bot.types import Hit, Passage, Verdict


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


def test_closest_questions_are_stored_with_their_verdict_and_listed_beside_the_unanswered(
        tmp_path):
    log = seeded(tmp_path)
    for _ in range(2):
        log.record(question="绿会2019年的收入", lang="zh-hans", chat_type="private", user_id=6,
                   hits=hits("d#1"), verdict=Verdict.CLOSEST)
    summary = log.summary()
    assert [(m.question, m.count, m.top_passage) for m in summary.closest] == [
        ("绿会2019年的收入", 2, "d#1")]
    assert "绿会2019年的收入" not in [m.question for m in summary.unanswered]
    assert (summary.answered, summary.confident) == (4, 2)
    stored = {row[0] for row in sqlite3.connect(tmp_path / "q.sqlite").execute(
        "SELECT verdict FROM queries")}
    assert stored == {"answer", "closest", "none"}
    text = format_summary(summary)
    assert text.index("Unanswered") < text.index("Closest passages only") < text.index(
        "绿会2019年的收入") < text.index("Down-voted")


def test_a_log_written_before_the_verdicts_gains_the_column(tmp_path):
    old = sqlite3.connect(tmp_path / "q.sqlite")
    old.executescript("""CREATE TABLE queries (id INTEGER PRIMARY KEY, at REAL NOT NULL,
        question TEXT NOT NULL, lang TEXT NOT NULL, chat_type TEXT NOT NULL,
        user_hash TEXT NOT NULL, passage_ids TEXT NOT NULL, scores TEXT NOT NULL,
        answered INTEGER NOT NULL, feedback INTEGER);
        INSERT INTO queries VALUES (1, 1e12, '秘书长是谁', 'zh', 'private', 'h', '["d#1"]',
        '[1.0]', 1, NULL);""")
    old.commit()
    old.close()
    log = QueryLog.open(tmp_path / "q.sqlite")
    log.record(question="x", lang="zh", chat_type="private", user_id=1, hits=[])
    summary = log.summary()
    assert (summary.questions, summary.answered, summary.confident) == (2, 1, 1)


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


def test_a_log_before_the_normalised_column_gains_it_and_a_schema_version(tmp_path):
    path = tmp_path / "q.sqlite"
    seeded(tmp_path).close()
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX queries_normal")
        db.execute("ALTER TABLE queries DROP COLUMN normal")
        db.execute("PRAGMA user_version = 0")
    log = QueryLog.open(path)
    summary = log.summary()
    log.close()
    assert [(m.question, m.count) for m in summary.unanswered] == [
        ("怎么申请实习", 3), ("怎么申请 实习 ", 1), ("绿发会的总部在哪", 1)]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 2
        assert db.execute("SELECT COUNT(*) FROM queries WHERE normal IS NULL").fetchone()[0] == 0


def test_record_soon_gives_the_row_id_at_once_and_feedback_reaches_the_row(tmp_path):
    log = QueryLog.open(tmp_path / "q.sqlite")
    first = log.record(question="秘书长是谁", lang="zh-hans", chat_type="private", user_id=1,
                       hits=hits("d#1"))
    rows = [log.record_soon(question=f"问题{i}", lang="zh-hans", chat_type="private",
                            user_id=2, hits=hits("d#2"), verdict=Verdict.CLOSEST)
            for i in range(5)]
    assert rows == list(range(first + 1, first + 6))
    assert log.feedback(rows[2], -1, user_id=2)
    assert not log.feedback(rows[2], -1, user_id=3)
    summary = log.summary()
    log.close()
    assert summary.questions == 6 and summary.thumbs_down == 1
    assert {m.question for m in summary.closest} == {f"问题{i}" for i in range(5)}


def test_summary_of_200k_rows_is_bounded_and_never_delays_record(tmp_path):
    import threading
    import time
    import tracemalloc

    path = tmp_path / "q.sqlite"
    QueryLog.open(path).close()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO queries (at, question, lang, chat_type, user_hash, passage_ids, scores,"
            " answered, feedback, verdict) VALUES (?, ?, 'zh-hans', 'private', ?, ?, '[1.0]',"
            " ?, ?, ?)",
            ((1_800_000_000.0 + i, f"问题 {i % 5000} " + "长" * 20, f"u{i % 997}",
              '["d#1"]', i % 3 != 0, -1 if i % 7 == 0 else None,
              "closest" if i % 3 == 1 else "answer") for i in range(200_000)))
    log = QueryLog(path, salt=b"s" * 32, retention_days=10_000, max_rows=2_000_000)
    waits: list[float] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            start = time.perf_counter()
            log.record(question="收入总额", lang="zh-hans", chat_type="private",
                       user_id=len(waits), hits=hits("d#1"), at=1_900_000_000.0)
            waits.append(time.perf_counter() - start)
            time.sleep(0.01)

    asker = threading.Thread(target=ask)
    asker.start()
    tracemalloc.start()
    try:
        summary = log.summary(10)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        done.set()
        asker.join()
        log.close()
    assert summary.questions >= 200_000
    assert summary.unanswered[0].count >= 13  # 40 rows a question, a third unanswered
    assert len(summary.closest) == 10 and len(summary.down_voted) == 10
    assert peak < 20 << 20, f"{peak / 2**20:.0f} MB"  # today: every row in memory
    assert max(waits) < 0.25, f"record() waited {max(waits):.2f} s"
