"""Soak: the real bot under steady traffic through the fake Bot API, watching memory and files.

    python benchmarks/soak.py [--minutes 10] [--rate 20]

Sends `rate` questions a second (varied: answered, off-topic, traditional, English, hostile,
paging buttons) for `minutes`, sampling the bot's RSS and open file descriptors every 30 s.
Fails (exit 1) when RSS grows by more than 15 % or 30 MB after warm-up, or descriptors by more
than 10, or any question goes unanswered. Not part of the default test run.
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

from tests.fake_telegram import FakeTelegram  # noqa: E402

from benchmarks.bot_throughput import bench_bot  # noqa: E402

QUESTIONS = ["绿发会的收入总额是多少？", "斑海豹项目培训了多少人？",
             "Who is the secretary general?", "明天会下雨吗", "綠發會的理事長是誰",
             "<b>收入</b> & \u202e\u200b", "绿发会的国际合作项目", "斑" * 2000]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cepf-soak-"))
    fake = FakeTelegram().start()
    bot = bench_bot(fake, work).start()
    pid = bot.proc.pid
    samples: list[tuple[float, float, int]] = []
    sent = 0
    try:
        started = time.monotonic()
        next_sample = started + 30
        end = started + args.minutes * 60
        interval = 1 / args.rate
        next_at = started
        while time.monotonic() < end:
            chat = 10_000 + sent
            message = fake.message(QUESTIONS[sent % len(QUESTIONS)], chat_id=chat,
                                   language_code="en" if sent % 3 else "zh-hant")
            if sent % 10 == 6:  # press "more" under an earlier answer, when it has one
                for bot_message in fake.sent_messages(chat - 8)[-1:]:
                    fake.press(bot_message, "more:3:q", user_id=chat - 8)
            del message
            sent += 1
            if time.monotonic() >= next_sample:
                samples.append((time.monotonic() - started, rss_mb(pid), fds(pid)))
                print(f"{samples[-1][0]:6.0f} s  RSS {samples[-1][1]:6.1f} MB  fds "
                      f"{samples[-1][2]:3d}  questions {sent}", flush=True)
                next_sample += 30
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        time.sleep(3)
        answered = {int(c.params["chat_id"]) for c in fake.calls_of("sendMessage")}
        missing = [c for c in range(10_000, 10_000 + sent) if c not in answered]
    finally:
        bot.stop(timeout=15)
        fake.stop()
        log = bot.log()
        shutil.rmtree(work, ignore_errors=True)

    warm = samples[min(2, len(samples) - 1)]
    last = samples[-1]
    growth = last[1] - warm[1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"{sent} questions in {args.minutes:g} min; unanswered: {len(missing)}; "
          f"tracebacks in log: {log.count('Traceback')}")
    print(f"RSS after warm-up {warm[1]:.1f} MB -> end {last[1]:.1f} MB ({growth:+.1f} MB); "
          f"fds {warm[2]} -> {last[2]}")
    ok = (not missing and growth <= max(30, 0.15 * warm[1]) and last[2] - warm[2] <= 10
          and "Traceback" not in log)
    print("soak passed" if ok else "soak FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
