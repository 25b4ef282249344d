"""Cold `cepf-bot ask` wall time and in-process query latency on the embedded corpus.

    python benchmarks/ask_latency.py [--runs 10] [--questions ../shared/eval/dev_questions.jsonl]

Targets (issue 2): cold ask <= 1.0 s with the index already built; a query <= 5 ms.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--questions", default=str(ROOT.parent / "shared/eval/dev_questions.jsonl"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cepf-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # the index and caches it made
    env = dict(os.environ, CEPF_INDEX_PATH=str(work / "index"), CEPF_CACHE_DIR=str(work / "cache"),
               CEPF_CORPUS_DIR=str(ROOT / "corpus"))
    cli = [sys.executable, "-m", "cepf_bot"]
    subprocess.run([*cli, "reindex"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "ask", "收入总额"], env=env, check=True, capture_output=True)

    cold = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([*cli, "ask", "绿发会的收入总额是多少？"], env=env, check=True,
                       capture_output=True)
        cold.append(time.perf_counter() - started)

    os.environ.update(env)
    from cepf_bot.config import resolve_paths
    from cepf_bot.engine import Engine

    searcher = Engine.open(resolve_paths()).searcher
    searcher.segmenter.warm_up()  # jieba's whole dictionary, as a serving bot has it
    questions = [json.loads(line)["q"] for line in Path(args.questions).read_text().splitlines()
                 if line.strip()]
    for q in questions:  # warm up jieba
        searcher.search(q)
    per_query = []
    for _ in range(20):
        for q in questions:
            started = time.perf_counter()
            searcher.search(q)
            per_query.append((time.perf_counter() - started) * 1000)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.platform()}")
    print(f"cold `cepf-bot ask` (index built), {args.runs} runs: "
          f"median {statistics.median(cold):.3f} s, max {max(cold):.3f} s")
    print(f"query in process, {len(per_query)} queries: p50 {percentile(per_query, 50):.2f} ms, "
          f"p95 {percentile(per_query, 95):.2f} ms, max {max(per_query):.2f} ms")


if __name__ == "__main__":
    main()
