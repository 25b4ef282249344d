"""Choose the ranking settings of `Relevance` by k-fold CV, together:

- `support_power`: the power of the share of the question a passage supports that weighs the
  best passages' BM25 scores to decide which comes first (`search/supported_first.py`; 0:
  BM25's order);
- `typed_within`: how close to the first passage's BM25 score another must come to be shown
  first when it holds the asked kind (a date, a figure) and the first does not
  (`search/typed_first.py`; 1.01: never);
- `candidates`: how many of the best BM25 passages those two read.

    python tools/cv_relevance.py [--only support_power typed_within candidates] [--every]
                                 [--choose-with-pages] [--shared ../shared]

The questions, groups, folds and the held-out fifth are `fit_verdict.py`'s (pools and dev
files on the project's corpus, `dev_real` on the corpus with the real pages, leave-pages-out);
the profile's questions asked of the corpus with the pages are scored, never choosing. The
figure is found@1 of answerable questions, which the ranking alone decides. Each fold's values
are chosen on the other folds (ties: the least change to BM25's order) and scored on that fold;
the held-out fifth is scored once with the values chosen on all folds. `--only` chooses the
settings named (the rest as shipped); `--every` prints the tuning set's found@1 at every point
of the grid; `--choose-with-pages` lets the profile's questions asked with the pages choose
too.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections import defaultdict
from pathlib import Path

from fit_verdict import ROOT, WITH_PAGES, Asked, all_questions, fold, held_out, open_corpora

from cepf_bot.search.searcher import Searcher
from cepf_bot.types import Relevance

# each setting's values, the one nearest BM25's order first (ties go to it)
GRIDS = {"support_power": (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0),
         "typed_within": (1.01, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6),
         "candidates": (3, 5, 8)}
Values = tuple[float, ...]
Found = list[tuple[Asked, dict[Values, bool]]]


def found_first(searcher: Searcher, asked: Asked) -> bool:
    q = asked.question
    results = searcher.ask(q.q, k=1, after=q.after, with_answer=False)
    first = results.hits[0].passage.text if results.hits else ""
    return all(m in first for m in q.must)


def share(rows: Found, values: Values) -> float:
    return sum(found[values] for _, found in rows) / len(rows) if rows else float("nan")


def named(names: list[str], values: Values) -> dict[str, float]:
    return dict(zip(names, values, strict=True))


def best_values(rows: Found, grid: list[Values]) -> Values:
    return max(grid, key=lambda v: share(rows, v))  # max keeps the first of equals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(GRIDS), nargs="+")
    parser.add_argument("--choose-with-pages", action="store_true",
                        help="the profile's questions asked with the pages choose too")
    parser.add_argument("--every", action="store_true",
                        help="print the tuning set's found@1 for every value of the grid")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    names = list(args.only) if args.only else list(GRIDS)
    grid: list[Values] = list(itertools.product(*(GRIDS[n] for n in names)))
    eval_dir = Path(args.shared) / "eval"
    engines = open_corpora(eval_dir, "cepf-relevance-")
    asked = {c: [a for a in part if a.question.must]
             for c, part in all_questions(eval_dir).items()}
    # the profile's questions asked with the pages beside it: scored, never choosing (issue 25
    # wants them within 0.03 of the profile alone)
    asked[WITH_PAGES] = asked["profile"]
    rows: dict[str, Found] = {}
    for corpus, questions in asked.items():
        base = engines["real" if corpus == WITH_PAGES else corpus].searcher
        searchers = {v: Searcher(base.index, base.segmenter,
                                 dataclasses.replace(Relevance(), **named(names, v)),
                                 base.model) for v in grid}
        rows[corpus] = [(a, {v: found_first(s, a) for v, s in searchers.items()})
                        for a in questions]
    tuning = [(c, r) for c, part in rows.items() for r in part if not held_out(r[0].group)]
    held = [(c, r) for c, part in rows.items() for r in part if held_out(r[0].group)]
    choosing = [r for c, r in tuning if c != WITH_PAGES or args.choose_with_pages]
    scored: list[tuple[str, Asked, bool]] = []
    for k in range(args.folds):
        chosen = best_values([r for r in choosing if fold(r[0].group, args.folds) != k], grid)
        print(f"fold {k}: chosen {named(names, chosen)}", file=sys.stderr)
        scored += [(c, r[0], r[1][chosen]) for c, r in tuning
                   if fold(r[0].group, args.folds) == k]
    final = best_values(choosing, grid)
    print(f"chosen on all tuning folds: {named(names, final)}")
    print("\nfound@1 of the tuning set, for reference: the best values, and BM25's order")
    for values in grid if args.every else dict.fromkeys([final, grid[0]]):
        print(f"  {named(names, values)}: " + ", ".join(
            f"{corpus} {share([r for c, r in tuning if c == corpus], values):.3f}"
            for corpus in rows))
    table: dict[str, list[bool]] = defaultdict(list)
    for c, a, ok in scored:
        table[f"CV {c}"].append(ok)
        table[f"CV {c} {a.question.lang}"].append(ok)
    for c, r in held:
        table[f"held out {c}"].append(r[1][final])
        table[f"held out {c} {r[0].question.lang}"].append(r[1][final])
    print("\nfound@1 of answerable questions (CV: each fold with the values chosen on the others)")
    for name in sorted(table):
        values = table[name]
        print(f"  {name:34} {sum(values) / len(values):.3f}  (n={len(values)})")


if __name__ == "__main__":
    main()
