"""Choose `Relevance.min_topicality` by k-fold CV: below it, a question whose best term is no
more key to the corpus than everyday words gets `none` (`search/topicality.py`).

    python tools/cv_topicality.py [--shared ../shared]

The questions, groups, folds and the held-out fifth are `fit_verdict.py`'s: the pools and dev
files on the project's corpus, `dev_real` on the corpus with the real pages (leave-pages-out),
and the profile's questions asked of the corpus with the pages too (the corpus that grows is
where everyday words reach the ranking: without them the floor alone stops far negatives). Every
question is asked through the real `ask` at each value of the grid; a value is worth the
questions it gets right (`evaluation.Outcome.correct`: answerable — confident, found, the
sentence right; near negative — not answered; far negative and small talk — no passages).
Each fold's value is chosen on the other folds (ties: the lower threshold) and scored on that
fold; the held-out fifth is scored once with the value chosen on all folds.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import defaultdict
from pathlib import Path

from fit_verdict import ROOT, WITH_PAGES, Asked, all_questions, fold, held_out, open_corpora

from cepf_bot.evaluation import Outcome, outcome_of
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import Relevance

GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)  # the lowest first (ties go to it)
Row = tuple[str, Asked, dict[float, Outcome]]


def right(rows: list[Row], value: float) -> int:
    return sum(found[value].correct for _, _, found in rows)


def best_value(rows: list[Row]) -> float:
    return max(GRID, key=lambda v: right(rows, v))  # max keeps the first of equals


def kind(o: Outcome) -> str:
    q = o.question
    return "far" if q.far else "near" if q.off_topic else "answerable"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    eval_dir = Path(args.shared) / "eval"
    engines = open_corpora(eval_dir, "cepf-topicality-")
    asked = all_questions(eval_dir)
    asked[WITH_PAGES] = asked["profile"]
    rows: list[Row] = []
    for corpus, questions in asked.items():
        base = engines["real" if corpus == WITH_PAGES else corpus].searcher
        searchers = {v: Searcher(base.index, base.segmenter,
                                 dataclasses.replace(Relevance(), min_topicality=v), base.model)
                     for v in GRID}
        for a in questions:
            q = a.question
            rows.append((corpus, a, {v: outcome_of(q, s.ask(q.q, k=5, after=q.after))
                                     for v, s in searchers.items()}))
    tuning = [r for r in rows if not held_out(r[1].group)]
    held = [r for r in rows if held_out(r[1].group)]
    scored: list[tuple[str, Outcome]] = []
    for k in range(args.folds):
        chosen = best_value([r for r in tuning if fold(r[1].group, args.folds) != k])
        print(f"fold {k}: chosen {chosen}", file=sys.stderr)
        scored += [(c, found[chosen]) for c, a, found in tuning
                   if fold(a.group, args.folds) == k]
    final = best_value(tuning)
    print(f"chosen on all tuning folds: min_topicality {final}")
    print("\nright, tuning set, by value (answerable / near / far):")
    for v in GRID:
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for c, _, found in tuning:
            counts[(c, kind(found[v]))][0] += found[v].correct
            counts[(c, kind(found[v]))][1] += 1
        print(f"  {v:4}: " + "  ".join(
            c + " " + "/".join(str(counts[(c, t)][0]) for t in ("answerable", "near", "far"))
            for c in asked))
    table: dict[str, list[bool]] = defaultdict(list)
    for c, o in scored:
        for name in (f"CV {c} {kind(o)}", f"CV {c} {kind(o)} {o.question.lang}"):
            table[name].append(o.correct)
    for c, _, found in held:
        for label, o in (("held out", found[final]), ("held out, no threshold,", found[0.0])):
            for name in (f"{label} {c} {kind(o)}", f"{label} {c} {kind(o)} {o.question.lang}"):
                table[name].append(o.correct)
    print(f"\nquestions whose outcome {final} changes (+ right now, - wrong now):")
    for c, a, found in rows:
        if found[final].correct != found[0.0].correct:
            sign = "+" if found[final].correct else "-"
            print(f"  {sign} {c:14} {kind(found[final]):10} {a.question.q}")
    print("\nright (answerable: confident, found, sentence; near: not answered; far: no "
          "passages)")
    for name in sorted(table):
        values = table[name]
        print(f"  {name:40} {sum(values) / len(values):.3f}  (n={len(values)})")


if __name__ == "__main__":
    main()
