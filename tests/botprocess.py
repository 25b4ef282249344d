"""`cepf-bot serve` in a subprocess, pointed at a fake Bot API server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .conftest import REPO_CORPUS
from .fake_telegram import TOKEN, FakeTelegram


class BotProcess:
    """`cepf-bot serve` in a subprocess, its log in a file."""

    def __init__(self, fake: FakeTelegram, workdir: Path, **env: str) -> None:
        self.log_path = workdir / "bot.log"
        # Its own home, XDG folders, query log and heartbeat, whatever the test's environment:
        # a module-wide bot starts before any test's fixtures have isolated os.environ.
        inherited = {k: v for k, v in os.environ.items()
                     if not k.startswith(("CEPF_", "TELEGRAM_", "XDG_")) and k != "HOME"}
        (workdir / "home").mkdir(exist_ok=True)
        (workdir / "run").mkdir(mode=0o700, exist_ok=True)
        self.env = {
            **inherited,
            "HOME": str(workdir / "home"),
            "XDG_DATA_HOME": str(workdir / "data"),
            "XDG_CACHE_HOME": str(workdir / "cache"),
            "XDG_RUNTIME_DIR": str(workdir / "run"),
            "CEPF_QUERY_LOG": str(workdir / "queries.sqlite"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "CEPF_CORPUS_DIR": str(workdir / "corpus"),
            "CEPF_INDEX_PATH": str(workdir / "index"),
            "CEPF_ADMIN_IDS": "42",
            "CEPF_TELEGRAM_TIMEOUT": "2",
            **env,
        }
        if not (workdir / "corpus").exists():
            shutil.copytree(REPO_CORPUS, workdir / "corpus")
        self.fake = fake
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, ready: str = "getUpdates", python_args: Sequence[str] = ()) -> BotProcess:
        """Start, and wait until the bot calls `ready` (getUpdates, or setWebhook).
        `python_args` go to the interpreter, e.g. ("-m", "cProfile", "-o", "bot.prof")."""
        self.launch(python_args)
        deadline = time.monotonic() + 30
        while not self.fake.calls_of(ready):
            time.sleep(0.05)
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"bot did not start: {self.log()}")
        return self

    def launch(self, python_args: Sequence[str] = ()) -> BotProcess:
        """Start, without waiting for anything."""
        self.proc = subprocess.Popen(
            [sys.executable, *python_args, "-m", "cepf_bot", "serve"], env=self.env,
            stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
        )
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 15.0) -> str:
        """Wait until the bot's log contains `needle`; the log."""
        deadline = time.monotonic() + timeout
        while needle not in (log := self.log()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not logged in {timeout} s:\n{log[-2000:]}")
            time.sleep(0.05)
        return log

