"""How long a question waits while the bot is busy: an upload's preview, a /reindex, a /stats.

    python benchmarks/busy_latency.py [--rows 200000] [--line-chars 300000] [--every 0.2]

Target (issue 26): a question asked while a preview, a reindex or /stats runs is answered
within 1 s. The real `cepf-bot serve` against tests/fake_telegram.py on 127.0.0.1. For each
case the admin starts the work, then another user asks a question every `--every` seconds
(each from a chat of its own) until the admin's reply arrives; printed: how long the work took,
how many questions were asked during it, and their update-to-reply latency (p50, max).

- preview: Word files of 95 MB of XML (H3: over the memory limit at once) and of 10 MB of
  XML (123,456 short paragraphs: read for the whole time limit);
- reindex: the corpus with a line of `--line-chars` random common characters added (segmented
  in the bot's own process: under a million characters no pool is used);
- stats: a query log of `--rows` distinct 200-character unanswered questions.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.botprocess import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

ADMIN = 42
QUESTIONS = ["绿发会的收入总额是多少？", "Who is the secretary general?", "綠發會的理事長是誰",
             "绿发会是哪些国际组织的会员？"]
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_DOCX_TYPES = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PACKAGE}/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
               'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.'
               'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
              'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
              'Target="word/document.xml"/></Relationships>')


def word_bomb(xml_bytes: int) -> bytes:
    """A small .docx whose document.xml is `xml_bytes` of one repeated paragraph."""
    paragraph = "<w:p><w:r><w:t>中国绿发会参与国际合作的段落文字</w:t></w:r></w:p>"
    count = xml_bytes // len(paragraph.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _DOCX_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        with z.open("word/document.xml", "w") as f:
            f.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                    b'2006/main"><w:body>')
            for start in range(0, count, 10_000):
                f.write((paragraph * min(10_000, count - start)).encode())
            f.write(b"</w:body></w:document>")
    return buffer.getvalue()


def random_line(length: int) -> str:
    """`length` random characters of GB2312's first level (the 3,755 most common)."""
    pairs = (bytes([high, low]) for high in range(0xB0, 0xD8) for low in range(0xA1, 0xFF))
    common = [c for c in (p.decode("gb2312", errors="ignore") for p in pairs) if c]
    rng = random.Random(26)
    return "".join(rng.choice(common) for _ in range(length))


def fill_query_log(path: Path, rows: int) -> None:
    """`rows` distinct unanswered questions from many users, as a crowd of accounts would log."""
    from cepf_bot.querylog import QueryLog, _normal

    log = QueryLog.open(path)
    base = "绿发会" * 66
    now = time.time()
    with log._lock:
        log._db.execute("BEGIN")
        log._db.executemany(
            "INSERT INTO queries (at, question, lang, chat_type, user_hash, passage_ids, scores,"
            " answered, normal) VALUES (?, ?, 'zh-Hans', 'private', ?, '[]', '[]', 0, ?)",
            ((now - i * 0.01, f"{i}{base}", f"user{i // 300}", _normal(f"{i}{base}"))
             for i in range(rows)))
        log._db.execute("COMMIT")
    log.close()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(x for x in status if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


class Case:
    """Questions asked while one piece of the admin's work runs."""

    def __init__(self, fake: FakeTelegram, first_chat: int, pid: int) -> None:
        self.fake = fake
        self.chat = first_chat
        self.pid = pid

    def replies(self, chat: int) -> list[float]:
        with self.fake._cond:
            return [c.at for c in self.fake.calls
                    if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat)]

    def run(self, start: Callable[[], None], every: float, timeout: float = 180
            ) -> tuple[float, list[float], str, float]:
        """Seconds the work took (start to the admin's reply), each question's latency, the
        reply's first line and the bot's peak RSS so far."""
        before = len(self.replies(ADMIN))
        asked: dict[int, float] = {}
        started = time.monotonic()
        start()
        i = 0
        while len(self.replies(ADMIN)) <= before:
            if time.monotonic() - started > timeout:
                raise SystemExit(f"the admin got no reply in {timeout} s")
            self.chat += 1
            asked[self.chat] = time.monotonic()
            self.fake.message(QUESTIONS[i % len(QUESTIONS)], chat_id=self.chat)
            i += 1
            time.sleep(every)
        took = self.replies(ADMIN)[before] - started
        latencies = []
        for chat, at in asked.items():
            deadline = time.monotonic() + 60
            while not (got := self.replies(chat)) and time.monotonic() < deadline:
                time.sleep(0.05)
            latencies.append((got[0] - at) if got else float("inf"))
        said = str(self.fake.sent_messages(ADMIN)[-1].get("text", "")).split("\n")[0]
        return took, latencies, said, peak_rss_mb(self.pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--line-chars", type=int, default=300_000)
    parser.add_argument("--every", type=float, default=0.2)
    args = parser.parse_args()

    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="cepf-bench-busy-"))
    fake = FakeTelegram().start()
    bot = BotProcess(fake, work, CEPF_USER_RATE="0", CEPF_FLOOD_RATE="0",
                     CEPF_GROUP_FLOOD_RATE="0", CEPF_CACHE_DIR=str(work / "cache"))
    fill_query_log(work / "queries.sqlite", args.rows)
    bot.start()
    assert bot.proc is not None
    case = Case(fake, 1000, bot.proc.pid)
    results = []
    try:
        fake.message("收入总额", chat_id=999)
        fake.wait_for("sendMessage", chat_id=999, timeout=60)
        results.append(("preview of a 95 MB-XML Word file", case.run(
            lambda: fake.document("bomb.docx", word_bomb(95_000_000), chat_id=ADMIN),
            args.every)))
        results.append(("preview of a 10 MB-XML Word file", case.run(
            lambda: fake.document("long.docx", word_bomb(10_000_000), chat_id=ADMIN),
            args.every)))
        (work / "corpus" / "line.md").write_text(
            f"# 长行\n\n{random_line(args.line_chars)}\n", "utf-8")
        results.append((f"/reindex with a {args.line_chars:,}-character line", case.run(
            lambda: fake.message("/reindex", chat_id=ADMIN), args.every)))
        results.append((f"/stats over {args.rows:,} logged questions", case.run(
            lambda: fake.message("/stats", chat_id=ADMIN), args.every)))
    finally:
        bot.stop()
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average at the start: {load:.2f}")
    for name, (took, latencies, said, peak) in results:
        ordered = sorted(latencies)
        print(f"{name}: took {took:.1f} s ({said[:60]}); {len(latencies)} questions asked "
              f"meanwhile, latency p50 {ordered[len(ordered) // 2] * 1000:.0f} ms, "
              f"max {ordered[-1] * 1000:.0f} ms; the bot's peak RSS so far {peak:.0f} MB")


if __name__ == "__main__":
    main()
