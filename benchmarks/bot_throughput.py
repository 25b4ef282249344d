"""Answered messages per second, and update-to-reply latency, through the fake Bot API.

    python benchmarks/bot_throughput.py [--burst 2000] [--rate 50] [--seconds 10]

Runs the real `cepf-bot serve` against tests/fake_telegram.py on 127.0.0.1, with the outgoing
flood limits off (they model Telegram's ~30 messages/s; this measures the bot itself).
Targets (issue 3): >= 200 answered messages/s; p95 <= 100 ms at 50 messages/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.botprocess import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

# The bot itself is measured: no outgoing flood limits, no per-user limit, production timeout.
BENCH_ENV = {"CEPF_FLOOD_RATE": "0", "CEPF_GROUP_FLOOD_RATE": "0", "CEPF_USER_RATE": "0",
             "CEPF_TELEGRAM_TIMEOUT": "10"}



def bench_bot(fake: FakeTelegram, work: Path) -> BotProcess:
    """The bot to measure, its query log and jieba cache kept in `work`."""
    return BotProcess(fake, work, **BENCH_ENV, XDG_DATA_HOME=str(work / "data"),
                      CEPF_CACHE_DIR=str(work / "cache"))


QUESTIONS = ["绿发会的收入总额是多少？", "斑海豹项目培训了多少人？",
             "Who is the secretary general?", "明天会下雨吗", "綠發會的理事長是誰",
             "绿发会是哪些国际组织的会员？"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def replies_after(fake: FakeTelegram, pushed: dict[int, float], timeout: float) -> list[float]:
    """Wait until every pushed chat got its reply; latencies in ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with fake._cond:
            got = {int(c.params["chat_id"]): c.at for c in fake.calls if c.method == "sendMessage"}
        if all(chat in got for chat in pushed):
            return [(got[chat] - at) * 1000 for chat, at in pushed.items()]
        time.sleep(0.05)
    raise SystemExit(f"only {sum(c in got for c in pushed)}/{len(pushed)} answered in {timeout}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cepf-bench-bot-"))
    fake = FakeTelegram().start()
    bot = bench_bot(fake, work)
    profile = os.environ.get("BENCH_PY_ARGS", "").split()  # e.g. "-m cProfile -o bot.prof"
    bot.start(python_args=profile)
    try:
        fake.message("收入总额", chat_id=1)
        replies_after(fake, {1: time.monotonic()}, 30)  # warm

        chat = 1000
        pushed: dict[int, float] = {}
        started = time.monotonic()
        for i in range(args.burst):
            chat += 1
            fake.message(QUESTIONS[i % len(QUESTIONS)], chat_id=chat)
            pushed[chat] = started
        replies_after(fake, pushed, 120)
        with fake._cond:
            last = max(c.at for c in fake.calls if c.method == "sendMessage")
        throughput = args.burst / (last - started)

        pushed = {}
        interval = 1 / args.rate
        next_at = time.monotonic()
        for i in range(int(args.rate * args.seconds)):
            chat += 1
            while time.monotonic() < next_at:
                time.sleep(max(0.0, next_at - time.monotonic()))
            pushed[chat] = time.monotonic()
            fake.message(QUESTIONS[i % len(QUESTIONS)], chat_id=chat)
            next_at += interval
        latencies = replies_after(fake, pushed, 60)
    finally:
        bot.stop()
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()} (bot and fake server share the machine)")
    print(f"burst of {args.burst} questions: {throughput:.0f} answered messages/s")
    print(f"{args.rate:.0f} messages/s for {args.seconds:.0f} s: update-to-reply p50 "
          f"{percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
          f"max {max(latencies):.1f} ms")


if __name__ == "__main__":
    main()
