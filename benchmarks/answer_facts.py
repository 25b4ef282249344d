"""How often `answer.fact` holds the asked figure, date, count or name.

    python benchmarks/answer_facts.py ../shared/eval/pool_b.jsonl [--misses]

Over the labelled questions of the files (those with `must` strings) whose question asks for
an amount, a date, a count, a person, a place or a body: the share whose fact contains one of
the `must` strings (or is part of one), of all such questions and of those whose answer
sentence has the right text. Lists, names in quotes and yes/no are counted apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from cepf_bot.analysis.segment import normalise
from cepf_bot.config import resolve_paths
from cepf_bot.engine import Engine
from cepf_bot.search.answer_fact import wanted_kinds
from cepf_bot.types import FactKind

FACTS = {FactKind.AMOUNT, FactKind.DATE, FactKind.COUNT, FactKind.PERSON, FactKind.PLACE,
         FactKind.ORGANISATION}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        searcher = Engine.open(resolve_paths(index=str(Path(tmp) / "index"))).searcher
        counts: Counter[str] = Counter()
        for file in args.files:
            for line in Path(file).read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                must = [normalise(m) for m in row.get("must") or []]
                if not must:
                    continue
                mandarin = searcher.analyse(row["q"]).mandarin or row["q"]
                kinds = set(wanted_kinds(mandarin))
                group = "fact" if kinds & FACTS else next(iter(kinds), "other")
                answer = searcher.ask(row["q"], after=row.get("after")).answer
                fact = normalise(answer.fact.text) if answer and answer.fact else ""
                sentence_right = bool(answer) and any(m in normalise(answer.text) for m in must)
                right = bool(fact) and any(m in fact or fact in m for m in must)
                counts[f"{group} questions"] += 1
                counts[f"{group} right"] += right
                counts[f"{group} sentence right"] += sentence_right
                counts[f"{group} right of sentence right"] += right and sentence_right
                if args.misses and group == "fact" and not right:
                    print(f"miss: {row['q']} | must {row['must']} | fact {fact or None}",
                          file=sys.stderr)
    for group in ("fact", *sorted({k.split()[0] for k in counts} - {"fact"})):
        n = counts[f"{group} questions"]
        if not n:
            continue
        ok, sentence = counts[f"{group} right"], counts[f"{group} sentence right"]
        print(f"{group}: {n} questions, fact right {ok / n:.2f} ({ok}); where the answer "
              f"sentence is right ({sentence}): "
              f"{counts[f'{group} right of sentence right'] / max(sentence, 1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
