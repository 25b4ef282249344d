"""How long a reply is on a phone: characters a person reads (text, not HTML tags), median
and largest per language, over question files.

    python benchmarks/reply_length.py ../shared/eval/dev_*.jsonl

Each question is answered as in a private chat (`compose_reply`, the first page) in the
locale its text asks for: simplified, traditional (zh-Hant) or English. Questions with no
answer count too (their short no-answer line).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from cepf_bot.config import resolve_paths
from cepf_bot.engine import Engine
from cepf_bot.reply.compose import compose_reply
from cepf_bot.reply.locale import reply_locale

_TAG = re.compile(r"<[^>]+>")


def visible_length(messages: list[str]) -> int:
    """What a reader sees of HTML messages: tags out, entities as one character."""
    return sum(len(html.unescape(_TAG.sub("", m))) for m in messages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--answered", action="store_true", help="only answered questions")
    parser.add_argument("--longest", type=int, default=0, help="print the N longest replies")
    args = parser.parse_args(argv)
    lengths: dict[str, list[tuple[int, str, list[str]]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        searcher = Engine.open(resolve_paths(index=str(Path(tmp) / "index"))).searcher
        for file in args.files:
            for line in Path(file).read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                question = row["q"]
                locale = reply_locale(question)
                reply = compose_reply(searcher, question, locale, after=row.get("after"))
                if args.answered and not reply.hits:
                    continue
                lang = row.get("lang") or str(locale.script)
                lengths[lang].append((visible_length(reply.messages), question, reply.messages))
    print("| language | replies | median characters | largest |")
    print("|---|---|---|---|")
    for lang in sorted(lengths):
        values = [n for n, _, _ in lengths[lang]]
        print(f"| {lang} | {len(values)} | {statistics.median(values):.0f} | {max(values)} |")
    everything = sorted((x for v in lengths.values() for x in v), reverse=True)
    for n, question, messages in everything[: args.longest]:
        print(f"\n--- {n}: {question}\n" + "\n".join(messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
