"""Build the image and smoke-test a real container (run by .ci/run; not a pytest module).

    python -m tests.container_smoke [--engine ../shared/container/engine] [--tag cepf-bot:ci]

Checks: image size <= 450 MB; `ask` answers with no configuration; the container runs as
non-root with its modules' bytecode compiled; a mounted corpus is reindexed at start, its
PDF, Word and HTML files read; `serve` answers /start (within 5 s of the container starting)
and a question, through the fake Bot API on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .documents import Text, write_docx, write_html, write_pdf
from .fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
MAX_MB = 450
SMOKE_URL = "https://www.cbcgdf.org/NewsShow/5/1.html"


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def image_megabytes(tag: str) -> float:
    for tool in ("podman", "docker"):
        if shutil.which(tool):
            out = subprocess.run([tool, "image", "inspect", "--format", "{{.Size}}", tag],
                                 capture_output=True, text=True)
            if out.returncode == 0:
                return int(out.stdout.strip()) / 1e6
    raise SystemExit("cannot inspect the image size")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default=str(ROOT.parent / "shared/container/engine"))
    parser.add_argument("--tag", default="cepf-bot:ci")
    args = parser.parse_args()
    engine = [args.engine]

    started = time.monotonic()
    build = subprocess.run([*engine, "build", "--format", "docker", "-t", args.tag, str(ROOT)],
                           capture_output=True, text=True)
    if build.returncode != 0:
        print(build.stdout[-3000:], build.stderr[-3000:])
    check(build.returncode == 0, f"image built in {time.monotonic() - started:.0f} s")
    size = image_megabytes(args.tag)
    check(size <= MAX_MB, f"image size {size:.0f} MB (<= {MAX_MB} MB)")

    ask = subprocess.run([*engine, "run", "--rm", args.tag, "ask", "绿发会的收入总额是多少"],
                         capture_output=True, text=True, timeout=120)
    check(ask.returncode == 0 and "27103400.95" in ask.stdout, "ask answers with no settings")

    user = subprocess.run([*engine, "run", "--rm", "--entrypoint", "id", args.tag, "-u"],
                          capture_output=True, text=True, timeout=60)
    check(user.stdout.strip() not in ("", "0"), f"runs as non-root (uid {user.stdout.strip()})")

    stale = subprocess.run(
        [*engine, "run", "--rm", "--entrypoint", "python3", args.tag, "-c",
         "import os, sys, cepf_bot.cli, cepf_bot.bot.application; "
         "print(sum(1 for m in list(sys.modules.values()) "
         "if getattr(m, '__cached__', None) and not os.path.exists(m.__cached__)))"],
        capture_output=True, text=True, timeout=60)
    check(stale.stdout.strip() == "0",
          f"the bot's modules are compiled in the image ({stale.stdout.strip() or '?'} not)")

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        (corpus / "news.md").write_text("# 新闻\n\n绿发会举办观鸟节活动。\n", "utf-8")
        corpus.chmod(0o755)
        mounted = subprocess.run(
            [*engine, "run", "--rm", "-v", f"{corpus}:/app/corpus:ro", args.tag,
             "ask", "--json", "观鸟节"], capture_output=True, text=True, timeout=120)
        check("观鸟节" in mounted.stdout and "rebuilding the index" in mounted.stderr,
              "a mounted corpus is seen as changed and reindexed at start")
        seed = Text.of_markdown(ROOT / "corpus" / "foundation-international-cooperation.md")
        write_pdf(corpus / "report.pdf", seed)
        write_docx(corpus / "finances.docx", Text("财务", []), [("年度捐赠收入", "31415926.53元")])
        write_html(corpus / "night.html", Text("暗夜星空", seed.paragraphs[-5:-4]), SMOKE_URL)
        formats = subprocess.run(
            [*engine, "run", "--rm", "-v", f"{corpus}:/app/corpus:ro", "--entrypoint", "sh",
             args.tag, "-c", "cepf-bot reindex && cepf-bot ask --json 暗夜保护地名录 && "
             "cepf-bot ask 年度捐赠收入"], capture_output=True, text=True, timeout=180)
        check("documents by format: 1 docx, 1 html, 2 md, 1 pdf" in formats.stdout
              and SMOKE_URL in formats.stdout and "31415926.53" in formats.stdout
              and "Traceback" not in formats.stderr,
              "PDF, Word and HTML in a mounted corpus are read; an answer links its source")

    fake = FakeTelegram().start()
    name = f"cepf-smoke-{int(time.time())}"
    launched = time.monotonic()
    bot = subprocess.Popen(
        [*engine, "run", "--rm", "--name", name, "-e", f"TELEGRAM_BOT_TOKEN={TOKEN}",
         "-e", f"TELEGRAM_API_BASE_URL={fake.base_url}", args.tag],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        fake.message("/start", chat_id=1)
        fake.wait_for("sendMessage", chat_id=1, timeout=60)
        first = fake.calls_of("sendMessage", chat_id=1)[0].at - launched
        check(first <= 5, f"a new container answers /start {first:.1f} s after starting")
        fake.message("绿发会的秘书长是谁", chat_id=2)
        answer = fake.wait_for("sendMessage", chat_id=2, timeout=30)[0].params["text"]
        check("周晋峰" in answer, "serve answers a question through the fake Bot API")
    finally:
        bot.terminate()
        try:
            output, _ = bot.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
            output, _ = bot.communicate()
        fake.stop()
    check(TOKEN not in output and TOKEN.split(":")[1] not in output, "token absent from logs")
    check("Traceback" not in output, "no traceback in the container's log")
    print("container smoke test passed")


if __name__ == "__main__":
    sys.exit(main())
