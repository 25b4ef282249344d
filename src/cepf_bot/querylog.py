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
import secrets
import sqlite3
import threading
import time
import unicodedata
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
    verdict TEXT
);
CREATE INDEX IF NOT EXISTS queries_at ON queries(at);
CREATE INDEX IF NOT EXISTS queries_user ON queries(user_hash, at);
"""


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
        self.prune()

    @classmethod
    def open(cls, path: Path, *, env_salt: str = "", retention_days: float = 90) -> QueryLog:
        """The log at `path`, with its salt (see `load_salt`)."""
        path.parent.mkdir(parents=True, exist_ok=True)  # the salt file is made beside it
        return cls(path, salt=load_salt(path, env_salt), retention_days=retention_days)

    def user_hash(self, user_id: int) -> str:
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, *, question: str, lang: str, chat_type: str, user_id: int,
               hits: list[Hit], at: float | None = None, verdict: Verdict | None = None
               ) -> int:
        """Log one answered question; its row id (for the feedback buttons), or 0 when the
        user reached today's cap or the log cannot be written (a full disk): the question is
        answered all the same, not logged, and one warning names the database."""
        try:
            verdict = verdict or (Verdict.ANSWER if hits else Verdict.NONE)
            return self._record(question, lang, chat_type, user_id, hits, at, verdict)
        except sqlite3.Error as e:
            log.warning("query log %s: cannot write (%s); the question is answered, not logged",
                        self.path, e)
            return 0

    def _record(self, question: str, lang: str, chat_type: str, user_id: int,
                hits: list[Hit], at: float | None, verdict: Verdict) -> int:
        at = time.time() if at is None else at
        who = self.user_hash(user_id)
        with self._lock:
            today = self._db.execute(
                "SELECT COUNT(*) FROM queries WHERE user_hash = ? AND at > ?",
                (who, at - 86400)).fetchone()[0]
            if today >= self.daily_cap:
                return 0
            cursor = self._db.execute(
                "INSERT INTO queries (at, question, lang, chat_type, user_hash, passage_ids,"
                " scores, answered, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (at, question[:1000], lang, chat_type, who,
                 json.dumps([h.passage.id for h in hits]),
                 json.dumps([round(h.score, 4) for h in hits]), int(bool(hits)),
                 verdict.value),
            )
            row = int(cursor.lastrowid or 0)
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
        with self._lock:
            if user_id is None:
                cursor = self._db.execute("UPDATE queries SET feedback = ? WHERE id = ?",
                                          (1 if value > 0 else -1, row_id))
            else:
                cursor = self._db.execute(
                    "UPDATE queries SET feedback = ? WHERE id = ? AND user_hash = ?",
                    (1 if value > 0 else -1, row_id, self.user_hash(user_id)))
            return cursor.rowcount == 1

    def prune(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many."""
        cutoff = (time.time() if now is None else now) - self.retention_days * 86400
        with self._lock:
            return self._db.execute("DELETE FROM queries WHERE at < ?", (cutoff,)).rowcount

    def summary(self, limit: int = 20) -> LogSummary:
        """Unanswered, closest-only and down-voted questions, most frequent first: what the
        corpus lacks."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, at, answered, feedback, passage_ids, verdict FROM queries"
                " ORDER BY at").fetchall()
        unanswered: dict[str, list[Any]] = {}
        closest: dict[str, list[Any]] = {}
        down: dict[str, list[Any]] = {}
        ups = downs = answered = confident = 0
        for question, at, was_answered, feedback, passage_ids, verdict in rows:
            answered += was_answered
            confident += bool(was_answered) and verdict in (None, Verdict.ANSWER)
            ups += feedback == 1
            downs += feedback == -1
            key = _normal(question)
            if not was_answered:
                entry = unanswered.setdefault(key, [question, 0, 0.0, None])
            elif verdict == Verdict.CLOSEST:
                top = (json.loads(passage_ids) or [None])[0]
                entry = closest.setdefault(key, [question, 0, 0.0, top])
            elif feedback == -1:
                top = (json.loads(passage_ids) or [None])[0]
                entry = down.setdefault(key, [question, 0, 0.0, top])
            else:
                continue
            entry[1] += 1
            entry[2] = max(entry[2], at)

        def ranked(groups: dict[str, list[Any]]) -> list[Missing]:
            items = [Missing(q, n, last, top) for q, n, last, top in groups.values()]
            return sorted(items, key=lambda m: (-m.count, -m.last_at))[:limit]

        return LogSummary(len(rows), answered, ups, downs, ranked(unanswered), ranked(down),
                          ranked(closest), confident)

    def close(self) -> None:
        with self._lock:
            self._db.close()
