"""How often `answer.fact` holds the asked figure, date, count or name.

    python benchmarks/answer_facts.py ../shared/eval/*.jsonl [--part tuning|held|all] [--misses]

Over the labelled questions of the files (those with `must` strings), grouped by what the
question asks (`wanted_kinds`): an amount, a date, a count, a person, a place or a body form the
`fact` group; lists, names in quotes and yes/no are counted apart. A fact is right when it
contains one of the `must` strings or is part of one; a yes/no fact is right when it is a yes
whose span holds or is part of a `must` string (the labelled questions are all answered yes).
Figures are given over all questions of a group, over those whose answer sentence has the
right text, and per language.

`--save FILE` keeps each question's group; `--groups FILE` groups by such a file, so a
change of the kind detection is scored on the same questions as before it.

`--part`: the pools' fixed fifth whose SHA-256 of the text is 0 modulo 5 is held out of all
tuning, as in tools/fit_verdict.py (`held`); `tuning` is every other question of the files
(a dev question whose text is held out is in neither part).
"""

from __future__ import annotations

import argparse
import hashlib
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


def held_out(text: str) -> bool:
    """The fixed fifth kept out of all tuning (tools/fit_verdict.py's rule)."""
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 5 == 0


def in_part(file: str, text: str, part: str) -> bool:
    if part == "all":
        return True
    if part == "tuning":
        return not held_out(text)
    return held_out(text) and Path(file).name.startswith("pool_")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--part", choices=("all", "tuning", "held"), default="all")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--save", help="write each question's group and result (JSON lines)")
    parser.add_argument("--groups", help="group the questions as a --save file did (the "
                        "same questions before and after a change of the kind detection)")
    args = parser.parse_args(argv)
    fixed = {}
    if args.groups:
        for line in Path(args.groups).read_text(encoding="utf-8").splitlines():
            saved = json.loads(line)
            fixed[(saved["q"], saved.get("after"))] = saved["group"]
    saved_rows = []
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str | None]] = set()
    with tempfile.TemporaryDirectory() as tmp:
        searcher = Engine.open(resolve_paths(index=str(Path(tmp) / "index"))).searcher
        for file in args.files:
            for line in Path(file).read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                must = [normalise(m) for m in row.get("must") or []]
                key = (row["q"], row.get("after"))
                if not must or not in_part(file, row["q"], args.part) or key in seen:
                    continue
                seen.add(key)
                mandarin = searcher.analyse(row["q"]).mandarin or row["q"]
                kinds = set(wanted_kinds(mandarin))
                group = "fact" if kinds & FACTS else str(next(iter(kinds), "other"))
                group = fixed.get(key, group)
                results = searcher.ask(row["q"], after=row.get("after"))
                answer = results.answer
                passage = normalise(results.hits[0].passage.text) if results.hits else ""
                fact = normalise(answer.fact.text) if answer and answer.fact else ""
                sentence_right = bool(answer) and any(m in normalise(answer.text) for m in must)
                right = bool(fact) and any(m in fact or fact in m for m in must)
                for name in (group, f"{group} {row.get('lang', '?')}"):
                    counts[f"{name}|questions"] += 1
                    counts[f"{name}|right"] += right
                    counts[f"{name}|sentence right"] += sentence_right
                    counts[f"{name}|right of sentence right"] += right and sentence_right
                saved_rows.append({"q": row["q"], "after": row.get("after"), "group": group,
                                   "right": right})
                if args.misses and not right:
                    why = "span" if sentence_right else "sentence in passage" if any(
                        m in passage for m in must) else "passage"
                    print(f"miss [{group}/{why}] {row['q']} | must {row['must']} | fact "
                          f"{fact or None} | {answer.text[:160] if answer else None}",
                          file=sys.stderr)
    if args.save:
        Path(args.save).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                           for r in saved_rows), encoding="utf-8")
    names = sorted({k.split("|")[0] for k in counts},
                   key=lambda n: (n.split()[0] != "fact", n))
    print(f"part: {args.part}")
    print("| group | questions | fact right | sentence right | fact right where the sentence is |")
    print("|---|---|---|---|---|")
    for name in names:
        n = counts[f"{name}|questions"]
        ok, sentence = counts[f"{name}|right"], counts[f"{name}|sentence right"]
        inner = counts[f"{name}|right of sentence right"]
        print(f"| {name} | {n} | {ok / n:.2f} ({ok}) | {sentence} | "
              f"{inner / max(sentence, 1):.2f} ({inner}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
