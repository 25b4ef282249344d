"""What people asked and whether it helped: a SQLite log for the foundation's staff.

Each question the bot answers in a chat is one row: the question, its language, the top passage
ids and scores, whether anything was found and the verdict (answer, closest, none), the 👍/👎
feedback, and the time. User ids are never
stored: only HMAC-SHA256(salt, id). The salt lives outside the database (a file beside it, mode
0600, or CEPF_QUERY_LOG_SALT), so the database alone does not let anyone test ids against it.
Rows older than the retention period are deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cepf_bot.files import place_file
from cepf_bot.types import Hit, Verdict

log = logging.getLogger("cepf_bot.querylog")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    lang TEXT NOT NULL,
    chat_type TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    passage_ids TEXT NOT NULL,
    scores TEXT NOT NULL,
    answered INTEGER NOT NULL,
    feedback INTEGER,
    verdict TEXT,
    normal TEXT,
    faq TEXT
);
CREATE INDEX IF NOT EXISTS queries_at ON queries(at);
CREATE INDEX IF NOT EXISTS queries_user ON queries(user_hash, at);
"""
_SCHEMA_VERSION = 3  # 1: the verdict column; 2: the normalised question, grouped by the
# summary; 3: the staff's pair that answered (its id)
_INDEX_NORMAL = "CREATE INDEX IF NOT EXISTS queries_normal ON queries(normal, at, id)"
# Which list a row belongs to, in the order the summary has always decided it.
_KIND = ("CASE WHEN answered = 0 THEN 'unanswered' WHEN verdict = 'closest' THEN 'closest'"
         " WHEN feedback = -1 THEN 'down' END")
QUEUE_ROWS = 10_000  # rows waiting for the writer thread; beyond, a question is not logged


@dataclass(frozen=True)
class Missing:
    """A question people asked that the corpus did not serve: how often and when last."""

    question: str
    count: int
    last_at: float
    top_passage: str | None = None


@dataclass(frozen=True)
class LogSummary:
    """What the log says: how many questions, answered (any passage), confidently answered;
    the votes; the unanswered, the closest-only and the down-voted questions."""

    questions: int
    answered: int
    thumbs_up: int
    thumbs_down: int
    unanswered: list[Missing]
    down_voted: list[Missing]
    closest: list[Missing] = field(default_factory=list)  # passages shown, no exact answer
    confident: int = 0  # the verdict `answer`
    faq: dict[str, int] = field(default_factory=dict)  # a staff's pair's id -> how often it
    # answered, most first


def _normal(question: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", question).lower().split())


SALT_BYTES = 32


def load_salt(db_path: Path, env_salt: str = "") -> bytes:
    """The salt: CEPF_QUERY_LOG_SALT, else `<db>.salt`, made on first use (mode 0600): written
    whole to a private temporary file, synced, then linked into place, which fails if another
    process was first, so every process uses the winner's salt and none sees half of one."""
    if env_salt:
        return env_salt.encode()
    salt_path = db_path.with_name(db_path.name + ".salt")
    try:
        salt = salt_path.read_bytes()
        if len(salt) >= SALT_BYTES // 2:
            return salt
    except FileNotFoundError:
        pass
    salt = secrets.token_bytes(SALT_BYTES)
    try:
        place_file(salt_path, salt, overwrite=False)  # create-exclusive: the first writer wins
    except FileExistsError:
        if len(salt_path.read_bytes()) < SALT_BYTES // 2:  # a damaged one: replace it
            place_file(salt_path, salt, overwrite=True)
    return salt_path.read_bytes()


DAILY_CAP = 300  # questions one user may add to the log in 24 hours (the rest are answered)
MAX_ROWS = 1_000_000  # the log keeps at most this many questions, the oldest pruned first
_CAP_CHECK_EVERY = 1000  # rows between checks of MAX_ROWS


class QueryLog:
    """The log; safe to use from several threads (one connection behind a lock). Bounded: a
    user adds at most `daily_cap` questions a day, and it keeps at most `max_rows`."""

    def __init__(self, path: Path, *, salt: bytes, retention_days: float = 90,
                 daily_cap: int = DAILY_CAP, max_rows: int = MAX_ROWS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # created private, like the salt
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.path = path
        self.retention_days = retention_days
        self.daily_cap, self.max_rows = daily_cap, max_rows
        self._salt = salt
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL never corrupts; a power cut may lose the last few rows, which a
        # query log can afford. FULL would fsync on every question (~30 % of the bot's time).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(queries)")}
        if "verdict" not in columns:  # a log written before the verdicts
            self._db.execute("ALTER TABLE queries ADD COLUMN verdict TEXT")
        if "normal" not in columns:  # a log written before the summary grouped in SQL
            self._db.execute("ALTER TABLE queries ADD COLUMN normal TEXT")
        if "faq" not in columns:  # a log written before the staff's pairs
            self._db.execute("ALTER TABLE queries ADD COLUMN faq TEXT")
        self._fill_normal()
        self._db.execute(_INDEX_NORMAL)
        self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        self.prune()
        self._next_id = int(self._db.execute(
            "SELECT COALESCE(MAX(id), 0) FROM queries").fetchone()[0])
        self._id_lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}  # user hash -> times queued, today
        self._pending: queue.Queue[tuple[Any, ...] | None] = queue.Queue(QUEUE_ROWS)
        self._writer = threading.Thread(target=self._write_queued, name="querylog-writer",
                                        daemon=True)
        self._writer.start()

    def _fill_normal(self) -> None:
        """Store the normalised question of rows logged before it was stored, in batches."""
        after = -1
        while True:  # by id, so each batch reads only its own rows
            rows = self._db.execute("SELECT id, question FROM queries WHERE id > ?"
                                    " AND normal IS NULL ORDER BY id LIMIT 5000",
                                    (after,)).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            self._db.execute("BEGIN")  # one transaction a batch (the connection autocommits)
            self._db.executemany("UPDATE queries SET normal = ? WHERE id = ?",
                                 [(_normal(q), i) for i, q in rows])
            self._db.execute("COMMIT")

    @classmethod
    def open(cls, path: Path, *, env_salt: str = "", retention_days: float = 90) -> QueryLog:
        """The log at `path`, with its salt (see `load_salt`)."""
        path.parent.mkdir(parents=True, exist_ok=True)  # the salt file is made beside it
        return cls(path, salt=load_salt(path, env_salt), retention_days=retention_days)

    def user_hash(self, user_id: int) -> str:
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, *, question: str, lang: str, chat_type: str, user_id: int,
               hits: list[Hit], at: float | None = None, verdict: Verdict | None = None,
               faq: str = "") -> int:
        """Log one answered question; its row id (for the feedback buttons), or 0 when the
        user reached today's cap or the log cannot be written (a full disk): the question is
        answered all the same, not logged, and one warning names the database."""
        try:
            return self._record(self._row(question, lang, chat_type, user_id, hits, at,
                                          verdict, faq))
        except sqlite3.Error as e:
            log.warning("query log %s: cannot write (%s); the question is answered, not logged",
                        self.path, e)
            return 0

    def record_soon(self, *, question: str, lang: str, chat_type: str, user_id: int,
                    hits: list[Hit], at: float | None = None, verdict: Verdict | None = None,
                    faq: str = "") -> int:
        """Like `record`, without waiting for the database: the row id is chosen now and the
        row written by the log's own thread, so a reply never waits for the log (nor for a
        summary being read). 0 when the user reached today's cap or the queue is full."""
        row = self._row(question, lang, chat_type, user_id, hits, at, verdict, faq)
        at_, who = row[1], row[5]
        times = self._recent.setdefault(who, deque())
        while times and times[0] <= at_ - 86400:
            times.popleft()
        if len(times) >= self.daily_cap:
            return 0
        try:
            self._pending.put_nowait(row)
        except queue.Full:
            log.warning("query log %s: %d rows waiting; the question is answered, not logged",
                        self.path, QUEUE_ROWS)
            return 0
        times.append(at_)
        if len(self._recent) > 100_000:  # forget users with nothing today
            self._recent = {k: v for k, v in self._recent.items() if v}
        return int(row[0])

    def flush(self) -> None:
        """Wait until every row queued by `record_soon` is written."""
        self._pending.join()

    def _write_queued(self) -> None:
        while (row := self._pending.get()) is not None:
            try:
                self._record(row)
            except sqlite3.Error as e:
                log.warning("query log %s: cannot write (%s); a question is not logged",
                            self.path, e)
            finally:
                self._pending.task_done()
        self._pending.task_done()

    def _row(self, question: str, lang: str, chat_type: str, user_id: int, hits: list[Hit],
             at: float | None, verdict: Verdict | None, faq: str = "") -> tuple[Any, ...]:
        """The row to insert, its id chosen now (ids are never reused within a process).
        A question a staff's pair answered counts as answered (`faq`: the pair's id)."""
        verdict = verdict or (Verdict.ANSWER if hits or faq else Verdict.NONE)
        with self._id_lock:
            self._next_id += 1
            row_id = self._next_id
        question = question[:1000]
        return (row_id, time.time() if at is None else at, question, lang, chat_type,
                self.user_hash(user_id), json.dumps([h.passage.id for h in hits]),
                json.dumps([round(h.score, 4) for h in hits]), int(bool(hits or faq)),
                verdict.value, _normal(question), faq or None)

    def _record(self, values: tuple[Any, ...]) -> int:
        row, at, who = int(values[0]), values[1], values[5]
        with self._lock:
            today = self._db.execute(
                "SELECT COUNT(*) FROM queries WHERE user_hash = ? AND at > ?",
                (who, at - 86400)).fetchone()[0]
            if today >= self.daily_cap:
                return 0
            self._db.execute(
                "INSERT INTO queries (id, at, question, lang, chat_type, user_hash, passage_ids,"
                " scores, answered, verdict, normal, faq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values)
            if row % _CAP_CHECK_EVERY == 0 or self.max_rows < _CAP_CHECK_EVERY:
                self._keep_at_most(self.max_rows)
            return row

    def _keep_at_most(self, rows: int) -> None:
        excess = self._db.execute("SELECT COUNT(*) FROM queries").fetchone()[0] - rows
        if excess > 0:
            self._db.execute("DELETE FROM queries WHERE id IN "
                             "(SELECT id FROM queries ORDER BY at, id LIMIT ?)", (excess,))

    def feedback(self, row_id: int, value: int, *, user_id: int | None = None) -> bool:
        """Record 👍 (+1) or 👎 (-1) for a logged answer, replacing an earlier vote; with
        `user_id`, only when that user asked it. False if the row is gone or not theirs."""
        self.flush()  # the row may still be queued by `record_soon`
        with self._lock:
            if user_id is None:
                cursor = self._db.execute("UPDATE queries SET feedback = ? WHERE id = ?",
                                          (1 if value > 0 else -1, row_id))
            else:
                cursor = self._db.execute(
                    "UPDATE queries SET feedback = ? WHERE id = ? AND user_hash = ?",
                    (1 if value > 0 else -1, row_id, self.user_hash(user_id)))
            return cursor.rowcount == 1

    def answered_by(self, question: str, pair_id: str) -> int:
        """Staff answered `question` with a pair: its rows leave the unanswered and the
        closest-only lists (they count as answered by the pair). How many rows."""
        self.flush()
        with self._lock:
            return self._db.execute(
                "UPDATE queries SET answered = 1, verdict = 'answer', faq = ?"
                " WHERE normal = ? AND (answered = 0 OR verdict = 'closest')",
                (pair_id, _normal(question))).rowcount

    def prune(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many."""
        cutoff = (time.time() if now is None else now) - self.retention_days * 86400
        with self._lock:
            return self._db.execute("DELETE FROM queries WHERE at < ?", (cutoff,)).rowcount

    def summary(self, limit: int = 20) -> LogSummary:
        """Unanswered, closest-only and down-voted questions, most frequent first: what the
        corpus lacks. Grouped in SQL on a read connection of its own, in bounded memory and
        without the writers' lock, so questions are logged while it runs."""
        self.flush()
        reader = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            questions, answered, ups, downs, confident = reader.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0),"
                " COALESCE(SUM(feedback = 1), 0), COALESCE(SUM(feedback = -1), 0),"
                " COALESCE(SUM(answered != 0 AND (verdict IS NULL OR verdict = 'answer')), 0)"
                " FROM queries").fetchone()

            def ranked(kind: str) -> list[Missing]:
                groups = reader.execute(
                    f"SELECT normal, COUNT(*) AS n, MAX(at) AS last FROM queries"
                    f" WHERE {_KIND} = ? GROUP BY normal"
                    f" ORDER BY n DESC, last DESC, MIN(at) LIMIT ?",
                    (kind, limit)).fetchall()
                found = []
                for normal, count, last_at in groups:  # the first asked names the group (NULL:
                    # rows an older version wrote since this one opened the log)
                    question, passage_ids = reader.execute(
                        f"SELECT question, passage_ids FROM queries WHERE normal IS ?"
                        f" AND {_KIND} = ? ORDER BY at, id LIMIT 1", (normal, kind)).fetchone()
                    top = None if kind == "unanswered" else (json.loads(passage_ids)
                                                             or [None])[0]
                    found.append(Missing(question, count, last_at, top))
                return found

            faq = dict(reader.execute(
                "SELECT faq, COUNT(*) AS n FROM queries WHERE faq IS NOT NULL GROUP BY faq"
                " ORDER BY n DESC, faq").fetchall())
            return LogSummary(questions, answered, ups, downs, ranked("unanswered"),
                              ranked("down"), ranked("closest"), confident, faq)
        finally:
            reader.close()

    def close(self) -> None:
        """Write what is queued, then close."""
        self._pending.put(None)
        self._writer.join()
        with self._lock:
            self._db.close()
