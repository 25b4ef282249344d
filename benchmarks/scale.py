"""Scale benchmark: synthetic corpora from jieba's own dictionary, 1k / 10k / 100k passages.

    python benchmarks/scale.py [--sizes 1000 10000 100000] [--keep DIR]

For each size: full reindex, incremental reindex after changing one file (5 times, a different
file each time: median and max), cold `cepf-bot ask` (median of 3), per-query latency in process
(segmentation, scoring, top-10; p50/p95 of 300 questions), peak RSS of `ask`, and rank-bm25's
`BM25Okapi.get_scores` on the same tokens.
Targets at 100,000 passages (issue 6): reindex <= 120 s, incremental <= 5 s, query <= 5 ms and
>= 30x rank-bm25, cold ask <= 3 s, ask RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSAGE_CHARS = 250
PASSAGES_PER_FILE = 100
INCREMENTAL_RUNS = 5


def dictionary() -> tuple[list[str], list[int]]:
    import jieba

    words, freqs = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split(" ")
            words.append(word)
            freqs.append(int(freq))
    return words, freqs


def passage(rng: random.Random, words: list[str], cum: list[int]) -> str:
    out, length = [], 0
    while length < PASSAGE_CHARS:
        sentence = "".join(rng.choices(words, cum_weights=cum, k=rng.randint(8, 20)))
        out.append(sentence + "。")
        length += len(sentence) + 1
    return "".join(out)


def generate(folder: Path, passages: int, seed: int = 1) -> None:
    words, freqs = dictionary()
    cum, total = [], 0
    for f in freqs:
        total += f
        cum.append(total)
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for start in range(0, passages, PASSAGES_PER_FILE):
        n = min(PASSAGES_PER_FILE, passages - start)
        body = "\n\n".join(passage(rng, words, cum) for _ in range(n))
        (folder / f"doc{start // PASSAGES_PER_FILE:05d}.md").write_text(
            f"# 文档 {start // PASSAGES_PER_FILE}\n\n{body}\n", "utf-8")


# A child's ru_maxrss is no good here: at exec, Linux records the high-water mark of the memory
# it was forked from, so every command would "peak" at this benchmark's own peak. The command
# reports its own VmHWM instead, as it exits.
_REPORT_PEAK = (
    "import atexit, runpy, sys\n"
    "def report():\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('VmHWM', status.split('VmHWM:')[1].split()[0], file=sys.stderr)\n"
    "atexit.register(report)\n"
    "sys.argv[0] = 'cepf-bot'\n"
    "runpy.run_module('cepf_bot', run_name='__main__', alter_sys=True)\n"
)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of `cepf-bot ARGS`."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _REPORT_PEAK, *args], env=env,
                          capture_output=True)
    elapsed = time.perf_counter() - started
    peak = re.search(rb"^VmHWM (\d+)$", proc.stderr, re.MULTILINE)
    if proc.returncode or peak is None:
        raise SystemExit(f"cepf-bot {' '.join(args)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed, int(peak.group(1)) / 1024, proc.stdout.decode()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(size: int, work: Path) -> dict[str, float]:
    corpus = work / f"corpus-{size}"
    generate(corpus, size)
    env = dict(os.environ, CEPF_CORPUS_DIR=str(corpus), CEPF_INDEX_PATH=str(work / f"idx-{size}"),
               CEPF_CACHE_DIR=str(work / "jieba"))
    full, _, _ = run(["reindex"], env)
    files = sorted(corpus.glob("*.md"))
    incremental = []
    for n in range(INCREMENTAL_RUNS):  # one file changed each time, from first to last
        changed = files[n * (len(files) - 1) // (INCREMENTAL_RUNS - 1)]
        added = f"\n新增的第{n}段：绿发会举办观鸟节活动。\n"
        changed.write_text(changed.read_text("utf-8") + added, "utf-8")
        seconds, _, out = run(["reindex"], env)
        assert "(1 segmented" in out, out
        incremental.append(seconds)
    colds, rss = [], []
    for q in ("观鸟节活动", "中国 经济 发展", "保护 环境"):
        seconds, peak, _ = run(["ask", "--json", q], env)
        colds.append(seconds)
        rss.append(peak)

    from rank_bm25 import BM25Okapi

    from cepf_bot.config import resolve_paths
    from cepf_bot.engine import Engine

    searcher = Engine.open(resolve_paths(env=env)).searcher
    searcher.segmenter.warm_up()  # jieba's whole dictionary, as a serving bot has it
    index = searcher.index
    words, freqs = dictionary()
    rng = random.Random(2)
    questions = ["".join(rng.choices(words, weights=freqs, k=rng.randint(2, 4)))
                 for _ in range(300)]
    for q in questions[:20]:
        searcher.search(q, k=10)
    latencies = []
    for q in questions:
        started = time.perf_counter()
        searcher.search(q, k=10)
        latencies.append((time.perf_counter() - started) * 1000)

    # rank-bm25 on the same tokens, rebuilt from the index (order within a passage does not
    # matter to BM25): every posting is a term, a passage and a term frequency.
    import numpy as np

    terms = list(index.postings.terms)
    term_of = np.repeat(np.arange(len(terms)), np.diff(np.asarray(index.postings.offsets)))
    token_lists: list[list[str]] = [[] for _ in range(len(index.passages))]
    for term, doc, tf in zip(term_of.tolist(), np.asarray(index.postings.docs).tolist(),
                             np.asarray(index.parts["tf"]).tolist(), strict=True):
        token_lists[doc].extend([terms[term]] * tf)
    oracle = BM25Okapi(token_lists, k1=index.meta.params.k1, b=index.meta.params.b)
    rank_ms = []
    for q in questions[:30]:
        tokens = list(searcher.analyse(q).own)
        started = time.perf_counter()
        oracle.get_scores(tokens)
        rank_ms.append((time.perf_counter() - started) * 1000)
    chars = sum(len(p.text) for p in index.passages)
    return {"passages": len(index.passages), "chars": chars, "reindex_s": full,
            "incremental_s": statistics.median(incremental), "incremental_max_s": max(incremental),
            "cold_ask_s": statistics.median(colds),
            "query_p50_ms": percentile(latencies, 50), "query_p95_ms": percentile(latencies, 95),
            "ask_rss_mb": max(rss), "rank_bm25_ms": statistics.median(rank_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--keep", help="folder to keep the corpora and indexes in")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cepf-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print("| passages | chars | reindex | incremental (median, max of 5) | cold ask | query p50 "
          "| query p95 | ask peak RSS | rank-bm25 get_scores | speed-up (p50) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    try:
        for size in args.sizes:
            r = measure(size, work)
            print(f"| {r['passages']:,} | {r['chars'] / 1e6:.1f} M | {r['reindex_s']:.1f} s "
                  f"| {r['incremental_s']:.2f} s, {r['incremental_max_s']:.2f} s "
                  f"| {r['cold_ask_s']:.2f} s "
                  f"| {r['query_p50_ms']:.2f} ms | {r['query_p95_ms']:.2f} ms "
                  f"| {r['ask_rss_mb']:.0f} MB | {r['rank_bm25_ms']:.1f} ms "
                  f"| {r['rank_bm25_ms'] / r['query_p50_ms']:.0f}x |", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
