"""Does fusing character-bigram BM25 with word-level BM25 (reciprocal-rank fusion) help?

    python benchmarks/fusion_experiment.py [--no-expansion] [FILE.jsonl …]

Ranks the corpus three ways for every positive question — word-level (the pipeline as shipped),
character bigrams of the (simplified, expanded) question, and RRF of the two (k=60) — and
prints hit@1 and MRR@5 for each. The relevance decision (off-topic rejection) is the shipped
one in all three, so only the order differs. --no-expansion leaves out synonyms and glossary,
to see segmentation differences that the expansions might hide.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cepf_bot.analysis.script import to_simplified  # noqa: E402
from cepf_bot.analysis.segment import Segmenter, normalise  # noqa: E402
from cepf_bot.analysis.vocabulary import read_vocabulary  # noqa: E402
from cepf_bot.corpus.folder import load_corpus  # noqa: E402
from cepf_bot.evaluation import read_questions  # noqa: E402
from cepf_bot.index import bm25  # noqa: E402
from cepf_bot.index.build import build_index  # noqa: E402
from cepf_bot.search.searcher import Searcher  # noqa: E402
from cepf_bot.types import BM25Params  # noqa: E402

_HAN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9.\-]*")
RRF_K = 60


def bigrams(text: str) -> list[str]:
    out = []
    for run in _HAN.findall(normalise(text)):
        if run.isascii():
            out.append(run)
        else:
            out += [run[i : i + 2] for i in range(max(1, len(run) - 1))]
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--no-expansion"]
    expand = "--no-expansion" not in sys.argv
    files = args or [str(ROOT.parent / "shared/eval/dev_questions.jsonl"),
                             str(ROOT / "tests/data/proxy_questions.jsonl")]
    segmenter = Segmenter.for_vocabulary(read_vocabulary(ROOT / "corpus"))
    index = build_index(load_corpus(ROOT / "corpus"), segmenter, BM25Params())
    searcher = Searcher(index, segmenter)
    params = BM25Params()
    char_postings = bm25.build_postings(
        [bigrams(f"{p.title}\n{p.text}") for p in index.passages], params)

    def rankings(question: str) -> dict[str, list[int]]:
        query = searcher.analyse(question)
        terms = query.terms if expand else {t: float(query.own.count(t)) for t in query.own}
        word = bm25.top_k(bm25.score(index.postings, terms), 50)
        text = to_simplified(question) + " " + " ".join(t for t in terms if not t.isascii())
        char_terms: dict[str, float] = {}
        for gram in bigrams(text):
            char_terms[gram] = char_terms.get(gram, 0) + 1
        char = bm25.top_k(bm25.score(char_postings, char_terms), 50)
        fused: dict[int, float] = {}
        for ranking in (word, char):
            for rank, doc in enumerate(ranking, start=1):
                fused[doc] = fused.get(doc, 0.0) + 1 / (RRF_K + rank)
        rrf = sorted(fused, key=lambda d: (-fused[d], d))
        return {"word": word, "char bigram": char, "rrf": rrf}

    for file in files:
        questions = [q for q in read_questions(Path(file)) if q.must]
        totals = {name: [0, 0.0] for name in ("word", "char bigram", "rrf")}
        for q in questions:
            for name, ranking in rankings(q.q).items():
                rank = next((i for i, d in enumerate(ranking[:5], start=1)
                             if all(m in index.passages[d].text for m in q.must)), None)
                totals[name][0] += rank == 1
                totals[name][1] += 1 / rank if rank else 0.0
        print(f"{Path(file).name} ({len(questions)} questions with an answer)")
        for name, (hit1, rr) in totals.items():
            n = len(questions)
            print(f"  {name:<12} hit@1 {hit1 / n:.3f}  MRR@5 {rr / n:.3f}")


if __name__ == "__main__":
    main()
