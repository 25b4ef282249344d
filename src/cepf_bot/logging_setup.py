"""Logging to stderr with every secret scrubbed, whatever its letter case or URL encoding."""

from __future__ import annotations

import logging
import re
import sys
from urllib.parse import quote

LOG_FORMATS = {
    "serve": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "": "cepf-bot: %(message)s",
}


class RedactingFormatter(logging.Formatter):
    """Formats a record, then blanks out every secret, tracebacks included."""

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self._pattern: re.Pattern[str] | None = None
        self.secrets: list[str] = []

    def add_secret(self, secret: str) -> None:
        """Scrub `secret` from now on: as written, in any letter case, and URL-encoded (the
        Bot API URL carries the token, and some error texts are lower-cased)."""
        forms = {secret, quote(secret, safe=""), quote(secret)}
        self.secrets.extend(sorted(forms - set(self.secrets)))
        alternatives = sorted(set(self.secrets), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return self._pattern.sub("[redacted]", line) if self._pattern else line


def setup_logging(verbose: bool, *, fmt: str = LOG_FORMATS[""]) -> RedactingFormatter:
    """Log to stderr: our INFO lines, others' warnings; httpx never (its lines carry the URL,
    and the Bot API URL carries the token)."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = RedactingFormatter(fmt)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("cepf_bot").setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return formatter


def redact_in_logs(secret: str) -> None:
    """From now on, every log line shows `secret` as [redacted]."""
    if not secret:
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, RedactingFormatter):
            handler.formatter.add_secret(secret)
