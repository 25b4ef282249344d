"""The serving bot's heartbeat: written every few seconds, read by `cepf-bot health --serving`.

One JSON object, `{"pid": …, "mode": "polling" | "webhook", "at": unix time}`, replaced
atomically through a private temporary file, so a reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MAX_AGE_SECONDS = 30  # older than this, the bot is not serving; it writes one every 2 s


@dataclass(frozen=True)
class Heartbeat:
    pid: int
    mode: str
    at: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.at


def write_heartbeat(path: Path, mode: str) -> None:
    """Record that the bot is alive, atomically (mkstemp, then rename over the old one), in a
    folder only this user can write."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump({"pid": os.getpid(), "mode": mode, "at": time.time()}, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_heartbeat(path: Path) -> Heartbeat | None:
    """The last heartbeat written at `path`, or None when there is none or it is unreadable."""
    try:
        beat = json.loads(path.read_text())
        return Heartbeat(int(beat["pid"]), str(beat["mode"]), float(beat["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_heartbeat(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
