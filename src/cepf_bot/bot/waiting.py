"""Who asked to be told when staff answer: a chat id with its question, kept in a small SQLite
file beside the query log (never in it: the log holds only hashed user ids, and a private
chat's id is its user's id). Kept only for those who pressed the button; forgotten once told,
and after `KEEP_DAYS` unclaimed."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

KEEP_DAYS = 30
MAX_WAITING = 100_000  # rows in all; the oldest are forgotten first

_SCHEMA = """
CREATE TABLE IF NOT EXISTS waiting (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    chat_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    locale TEXT NOT NULL,
    UNIQUE (chat_id, question)
);
"""


@dataclass(frozen=True)
class Waiting:
    """One asker waiting: the row, the chat to tell, the question as asked, the reply's
    locale ("zh:zh-tw", "en:zh-hans")."""

    id: int
    chat_id: int
    question: str
    locale: str


class WaitingList:
    """The askers waiting for a staff answer; safe to use from several threads."""

    def __init__(self, path: Path, *, keep_days: float = KEEP_DAYS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # private, like the query log
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.path, self.keep_days = path, keep_days
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        self.prune()

    @classmethod
    def beside(cls, query_log: Path) -> WaitingList:
        """The list kept beside the query log `query_log` (queries.sqlite.waiting)."""
        return cls(query_log.with_name(query_log.name + ".waiting"))

    def add(self, chat_id: int, question: str, locale: str, at: float | None = None) -> None:
        """Keep `chat_id` with `question` (once: pressing again only renews it)."""
        with self._lock:
            self._db.execute(
                "INSERT INTO waiting (at, chat_id, question, locale) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id, question) DO UPDATE SET at = excluded.at,"
                " locale = excluded.locale",
                (time.time() if at is None else at, chat_id, question[:1000], locale))
            excess = self._db.execute("SELECT COUNT(*) FROM waiting").fetchone()[0] - MAX_WAITING
            if excess > 0:
                self._db.execute("DELETE FROM waiting WHERE id IN (SELECT id FROM waiting"
                                 " ORDER BY at LIMIT ?)", (excess,))

    def pending(self) -> list[Waiting]:
        """Everyone still waiting (those older than `keep_days` forgotten first)."""
        self.prune()
        with self._lock:
            rows = self._db.execute(
                "SELECT id, chat_id, question, locale FROM waiting ORDER BY id").fetchall()
        return [Waiting(*row) for row in rows]

    def forget(self, ids: list[int]) -> None:
        """Forget the askers told."""
        with self._lock:
            self._db.executemany("DELETE FROM waiting WHERE id = ?", [(i,) for i in ids])

    def prune(self, now: float | None = None) -> int:
        """Forget what waited longer than `keep_days`; how many."""
        cutoff = (time.time() if now is None else now) - self.keep_days * 86400
        with self._lock:
            return self._db.execute("DELETE FROM waiting WHERE at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
