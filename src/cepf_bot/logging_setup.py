"""Logging to stderr: every secret scrubbed, whatever its letter case or URL encoding;
tracebacks only with --verbose; lines that outsiders can cause rate-limited."""

from __future__ import annotations

import copy
import logging
import re
import sys
import time
from urllib.parse import quote

LOG_FORMATS = {
    "serve": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "": "cepf-bot: %(message)s",
}


# Control characters (a newline forges a log line, ESC drives the terminal), and the bidi and
# line-separator controls that reorder or break what a person reads.
_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                           "\u202a-\u202e\u2066-\u2069]")


def safe_line(text: str) -> str:
    """`text` as one harmless line: control, newline and bidi characters as escapes
    (a file named "a\\nb.md" shows as a\\nb.md)."""
    return _UNSAFE_CHARS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class RedactingFormatter(logging.Formatter):
    """Formats a record, then blanks out every secret, tracebacks included."""

    def __init__(self, fmt: str, *, tracebacks: bool = False) -> None:
        super().__init__(fmt)
        self._pattern: re.Pattern[str] | None = None
        self.secrets: list[str] = []
        self.tracebacks = tracebacks

    def add_secret(self, secret: str) -> None:
        """Scrub `secret` from now on: as written, in any letter case, and URL-encoded (the
        Bot API URL carries the token, and some error texts are lower-cased)."""
        forms = {secret, quote(secret, safe=""), quote(secret)}
        self.secrets.extend(sorted(forms - set(self.secrets)))
        alternatives = sorted(set(self.secrets), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and not self.tracebacks:  # the exception in one line instead
            error = record.exc_info[1]
            record = copy.copy(record)
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args, record.exc_info, record.exc_text, record.stack_info = (
                None, None, None, None)
        message = record.getMessage()
        if _UNSAFE_CHARS.search(message):  # a name from outside cannot forge or paint a line
            record = copy.copy(record)
            record.msg, record.args = safe_line(message), None
        line = super().format(record)
        return self._pattern.sub("[redacted]", line) if self._pattern else line


class RateLimitFilter(logging.Filter):
    """At most `burst` lines a `window` of each kind (logger and message template) among the
    lines outsiders can cause: warnings and errors, and everything of the web server. The
    first line after a quiet spell says how many were dropped."""

    def __init__(self, burst: int = 20, window: float = 60.0) -> None:
        super().__init__()
        self.burst, self.window = burst, window
        self._kinds: dict[tuple[str, object], list[float]] = {}  # kind -> [start, seen, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and not record.name.startswith("tornado"):
            return True
        now = time.monotonic()
        kind = (record.name, record.msg)
        start, seen, dropped = self._kinds.get(kind, (now, 0, 0))
        if now - start >= self.window:
            if dropped:
                record.msg = f"{record.msg} (and {dropped} lines like it dropped)"
            start, seen, dropped = now, 0, 0
        seen += 1
        if seen > self.burst:
            dropped += 1
        if len(self._kinds) > 1000:  # bounded: forget the kinds of older bursts
            self._kinds.clear()
        self._kinds[kind] = [start, seen, dropped]
        return seen <= self.burst


def setup_logging(verbose: bool, *, fmt: str = LOG_FORMATS[""]) -> RedactingFormatter:
    """Log to stderr: our INFO lines, others' warnings; httpx never (its lines carry the URL,
    and the Bot API URL carries the token)."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = RedactingFormatter(fmt, tracebacks=verbose)
    handler.setFormatter(formatter)
    handler.addFilter(RateLimitFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("cepf_bot").setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # pypdf warns of each repair it makes; a file it cannot read is one line of ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # Malformed HTTP and body timeouts are INFO lines there: shown, one per kind (rate-limited).
    logging.getLogger("tornado.general").setLevel(logging.INFO)
    return formatter


def redact_in_logs(secret: str) -> None:
    """From now on, every log line shows `secret` as [redacted]."""
    if not secret:
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, RedactingFormatter):
            handler.formatter.add_secret(secret)
