"""How much of an answer the English gloss renders, on the English questions of a dev set.

    python benchmarks/gloss_coverage.py [../shared/eval/dev_v2.jsonl]

For each English question that gets an answer sentence: whether the gloss is there, whether it
states the fact asked (each `must` in its English form: a figure, a date, a name, an acronym),
and the share of the sentence's content words it renders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cepf_bot.config import resolve_paths
from cepf_bot.engine import Engine
from cepf_bot.search.gloss import fact_in_english


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/dev_v2.jsonl")
    searcher = Engine.open(resolve_paths()).searcher
    answered = present = stated = rendered = content = 0
    print("| question | fact asked | in the gloss | words rendered |")
    print("|---|---|---|---|")
    for line in path.read_text("utf-8").splitlines():
        q = json.loads(line)
        if q.get("lang") != "en" or not q.get("must"):
            continue
        results = searcher.ask(q["q"])
        if results.answer is None:
            continue
        answered += 1
        gloss = searcher.glosser.gloss(results.answer.text)
        present += bool(gloss.text)
        facts = [fact_in_english(searcher.glosser, m) for m in q["must"]]
        ok = all(f.lower() in gloss.text.lower() for f in facts)
        stated += ok
        rendered, content = rendered + gloss.rendered, content + gloss.content
        print(f"| {q['q']} | {'; '.join(facts)} | {'yes' if ok else 'no'} | "
              f"{gloss.rendered}/{gloss.content} |")
    print(f"\n{answered} English questions answered; a gloss for {present}; the fact asked in "
          f"it for {stated}; content words rendered {rendered}/{content} "
          f"({rendered / max(content, 1):.0%})")


if __name__ == "__main__":
    main()
