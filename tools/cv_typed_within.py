"""Choose `Relevance.typed_within` by k-fold CV: how close to the best BM25 score a passage
must come to be shown first when it holds the asked kind (a date, a figure) and the best
does not (`cepf_bot.search.typed_first`).

    python tools/cv_typed_within.py [--shared ../shared] [--folds 5]

The questions, groups, folds and the held-out fifth are `fit_verdict.py`'s (pools and dev
files on the project's corpus, `dev_real` on the corpus with the real pages, leave-pages-out).
The figure is found@1 of answerable questions, which the ranking alone decides. Each fold's
value is chosen on the other folds (ties: the largest, the least change to BM25's order) and
scored on that fold; the held-out fifth is scored once with the value chosen on all folds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from fit_verdict import ROOT, Asked, all_questions, fold, held_out, open_corpora

from cepf_bot.search.searcher import Searcher
from cepf_bot.types import Relevance

GRID = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)  # 1.01: never (BM25's order)


def found_first(searcher: Searcher, asked: Asked) -> bool:
    q = asked.question
    results = searcher.ask(q.q, k=1, after=q.after, with_answer=False)
    first = results.hits[0].passage.text if results.hits else ""
    return all(m in first for m in q.must)


def share(rows: list[tuple[Asked, dict[float, bool]]], within: float) -> float:
    return sum(found[within] for _, found in rows) / len(rows) if rows else float("nan")


def best_within(rows: list[tuple[Asked, dict[float, bool]]]) -> float:
    return max(GRID, key=lambda w: (share(rows, w), w))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    eval_dir = Path(args.shared) / "eval"
    engines = open_corpora(eval_dir, Path(tempfile.mkdtemp(prefix="cepf-typed-")))
    asked = {c: [a for a in part if a.question.must]
             for c, part in all_questions(eval_dir).items()}
    rows: dict[str, list[tuple[Asked, dict[float, bool]]]] = {}
    for corpus, questions in asked.items():
        base = engines[corpus].searcher
        searchers = {w: Searcher(base.index, base.segmenter, Relevance(typed_within=w),
                                 base.model) for w in GRID}
        rows[corpus] = [(a, {w: found_first(s, a) for w, s in searchers.items()})
                        for a in questions]
    tuning = [(c, r) for c, part in rows.items() for r in part if not held_out(r[0].group)]
    held = [(c, r) for c, part in rows.items() for r in part if held_out(r[0].group)]
    scored: list[tuple[str, Asked, bool]] = []
    for k in range(args.folds):
        train = [r for _, r in tuning if fold(r[0].group, args.folds) != k]
        chosen = best_within(train)
        print(f"fold {k}: chosen {chosen}", file=sys.stderr)
        scored += [(c, r[0], r[1][chosen]) for c, r in tuning
                   if fold(r[0].group, args.folds) == k]
    final = best_within([r for _, r in tuning])
    print(f"chosen on all tuning folds: {final}")
    print("\nfound@1 of the tuning set at each value, for reference")
    print("within  " + "  ".join(f"{w:>5}" for w in GRID))
    for corpus in rows:
        part = [r for c, r in tuning if c == corpus]
        print(f"{corpus:8}" + "  ".join(f"{share(part, w):.3f}" for w in GRID))
    table: dict[str, list[bool]] = defaultdict(list)
    for c, a, ok in scored:
        table[f"CV {c}"].append(ok)
        table[f"CV {c} {a.question.lang}"].append(ok)
    for c, r in held:
        table[f"held out {c}"].append(r[1][final])
        table[f"held out {c} {r[0].question.lang}"].append(r[1][final])
    print("\nfound@1 of answerable questions (CV: each fold with the value chosen on the others)")
    for name in sorted(table):
        values = table[name]
        print(f"  {name:28} {sum(values) / len(values):.3f}  (n={len(values)})")


if __name__ == "__main__":
    main()
