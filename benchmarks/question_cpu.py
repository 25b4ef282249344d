"""CPU time of hostile questions, as the bot handles a message: small talk, the reply (the
search, its spelling re-read, the verdict, the answer) and the suggestions when nothing is found.

    python benchmarks/question_cpu.py [--runs 3]

Target (issue 26): no question more than 50 ms of CPU. Per case its first run (the text never
seen: what a hostile sender gets, new text each time) and the best of `--runs` (the searcher's
analysis and gloss caches cleared before each), on the embedded corpus; the worst of the first
runs is the figure.
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMON = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得"
          "里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第"
          "样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分"
          "爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感")


def cases(seed: int = 5) -> dict[str, str]:
    r = random.Random(seed)
    spelling = ""
    while len(spelling) < 1000:  # runs of unknown Han each ended by a Latin letter
        spelling += "".join(r.choice(COMMON) for _ in range(199)) + "a"
    latin = "abcdefghijklmnopqrstuvwxyz"
    return {
        "4,096 random Han": "".join(r.choice(COMMON) for _ in range(4096)),
        "spelling worst case": spelling[:1000],
        "4,096 Chinese numerals": "一" * 4096,
        "1,000 digits": "1" * 1000,
        "400 digits then 亿": "捐款" + "9" * 400 + "亿元",
        "2,048 emoji": "😀" * 2048,
        "HTML injection": "<b>绿发会</b><a href='tg://x'>x</a>&amp;<i>" * 100,
        "700 unknown Latin words": " ".join("".join(r.choice(latin) for _ in range(5))
                                            for _ in range(700)),
        "one 4,096-letter word": "".join(r.choice(latin) for _ in range(4096)),
        "a normal question": "绿发会的收入总额是多少",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cepf-qcpu-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # the index and caches it made
    os.environ.update(HOME=str(work), XDG_DATA_HOME=str(work / "d"),
                      XDG_CACHE_HOME=str(work / "c"), CEPF_QUERY_LOG="off")
    from cepf_bot.config import resolve_paths
    from cepf_bot.engine import Engine
    from cepf_bot.reply.compose import compose_reply
    from cepf_bot.reply.locale import reply_locale
    from cepf_bot.search.conversation import small_talk, suggestions

    engine = Engine.open(resolve_paths(corpus=str(ROOT / "corpus"), index=str(work / "index")))
    searcher = engine.searcher
    # warm: jieba, wordfreq, the speller's vocabularies (loaded once, by the first word that needs
    # them)
    for warm in ("绿发会的收入总额是多少", "who is the secretary general", "绿法会是什么",
                 "xqzvw expendature"):
        compose_reply(searcher, warm, reply_locale(warm))
        small_talk(searcher, warm)
    worst = 0.0
    for name, question in cases().items():
        for language in ("zh-hans", "en"):
            best, first = float("inf"), None
            for _ in range(args.runs):
                searcher.analyse.cache_clear()
                searcher.gloss.cache_clear()
                start = time.process_time()
                locale = reply_locale(question, language)
                small_talk(searcher, question)
                reply = compose_reply(searcher, question, locale)
                if not reply.hits:
                    suggestions(searcher, reply.subject, engine.examples.get(locale.lang, []))
                took = time.process_time() - start
                best, first = min(best, took), took if first is None else first
            assert first is not None
            worst = max(worst, first)
            flag = "  <-- over 50 ms" if first > 0.05 else ""
            print(f"{name:26} {language:8} first {first * 1000:6.1f} ms, best "
                  f"{best * 1000:6.1f} ms CPU{flag}")
    print(f"worst first run: {worst * 1000:.1f} ms CPU")


if __name__ == "__main__":
    main()
