"""General language knowledge, the same for every corpus: function words by class, written
Cantonese mapped to Mandarin, and how informative a word is in general text.

The word lists live in `data/lexicon/*.txt` and say where they come from. A word's
background weight is its self-information, -ln p(word), in general text: from jieba's own
dictionary frequencies for Chinese and from wordfreq's English list for English. Everyday words
weigh little (写 8.2, capital 9.2), rare names a lot (阿拉善 13.7, WWF 13.5).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cepf_bot.analysis.script import HAN_CHARACTER, to_simplified

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"
# A word never seen in general text weighs as much as one seen about 50 times in jieba's
# 60-million-word corpus: as much as a rare name, no more (an unknown chat word is no name).
UNSEEN_WEIGHT = 14.0
_ZIPF_NATS = math.log(10)  # wordfreq's Zipf scale is log10 of frequency per billion words
POINTING = "这那此该"  # demonstratives: with a measure word (那次, 这场) a determiner


def _read(name: str) -> list[str]:
    lines = []
    for line in (LEXICON_DIR / name).read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _normal(word: str) -> str:
    return to_simplified(word.strip().lower())


@dataclass(frozen=True)
class GeneralLexicon:
    """Function words by class (`zh.particles`, `yue.function_words`, `en.stopwords` …), all
    lower-cased and in simplified script, and the Cantonese -> Mandarin table."""

    classes: dict[str, frozenset[str]]
    cantonese: tuple[tuple[str, str], ...]  # longest first
    cantonese_markers: frozenset[str]
    measure_words: frozenset[str] = frozenset()  # classifiers and time units (CC-CEDICT)

    @functools.cached_property
    def function_words(self) -> frozenset[str]:
        return frozenset().union(*self.classes.values())

    @functools.cached_property
    def _kinds(self) -> dict[str, frozenset[str]]:
        kinds: dict[str, set[str]] = {}
        for name, words in self.classes.items():
            kinds.setdefault(name.partition(".")[2], set()).update(words)
        return {kind: frozenset(words) for kind, words in kinds.items()}

    def of_kind(self, kind: str) -> frozenset[str]:
        """The words of every language's class of that kind (`question_words`: zh, en)."""
        return self._kinds.get(kind, frozenset())

    def is_function_word(self, word: str) -> bool:
        """A listed function word, or a demonstrative and a measure word (那次, 这场, 该项:
        a determiner that points, it names nothing), unless it names what is asked."""
        pointing = len(word) == 2 and word[0] in POINTING and word[1] in self.measure_words
        return (word in self.function_words or pointing) and not self.is_asked_for(word)

    def is_asked_for(self, word: str) -> bool:
        """A word that names the kind of answer wanted (名字, 金额, figures, title), or a
        question word glued to a measure word (几期, 哪天)."""
        return word in self.of_kind("asked_for") or bool(self.measure_asked(word))

    def measure_asked(self, word: str) -> str:
        """The measure word a question word is glued to (几期 -> 期, 多少份 -> 份, 哪天 -> 天):
        what is asked is a count or a date of that unit. "" for any other word (几乎, 哪怕,
        and the question words the lexicon lists whole, 几个)."""
        unit, head = word[-1:], word[:-1]
        if (len(word) < 2 or unit not in self.measure_words or word in self.function_words
                or head not in self.of_kind("question_words")):
            return ""
        return unit

    def to_mandarin(self, question: str) -> str:
        """A question in written Cantonese, in Mandarin words; other text unchanged. Runs
        before the script conversion: the table's keys are as Hong Kong writes them."""
        if not any(c in self.cantonese_markers for c in question):
            return question
        for cantonese, mandarin in self.cantonese:
            question = question.replace(cantonese, mandarin)
        return question


@functools.cache
def general_lexicon() -> GeneralLexicon:
    """The lexicon shipped with the package (read once per process)."""
    classes: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in _read("function_words.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = classes.setdefault(line[1:-1], set())
        elif current is not None:
            current.update(_normal(w) for w in line.split())
    table, markers = [], ""
    for line in _read("cantonese.txt"):
        key, _, value = (part.strip() for part in line.partition("="))
        if key == "markers":
            markers = value
        else:
            table.append((key, value))  # as written: 係 simplified is Mandarin's 系
    table.sort(key=lambda pair: -len(pair[0]))
    measures = frozenset("".join(_read("measure_words.txt")))
    return GeneralLexicon({k: frozenset(v) for k, v in classes.items()}, tuple(table),
                          frozenset(markers.split()), measures)


COMMON_ENGLISH_WORDS = 50_000  # what a mistyped English word is read against


class _ZipfFrequency(Protocol):
    def __call__(self, word: str, lang: str, wordlist: str = ..., minimum: float = ...
                 ) -> float: ...


@functools.cache
def _english_zipf() -> _ZipfFrequency:
    from wordfreq import zipf_frequency  # imported on the first English word: ~0.15 s

    return zipf_frequency  # the small list: words of 1 per million and more, 4 MB in memory


def english_weight(word: str) -> float:
    """-ln p(word) in general English text (wordfreq), at most UNSEEN_WEIGHT."""
    zipf = _english_zipf()(word, "en", wordlist="small")
    return UNSEEN_WEIGHT if zipf <= 0 else min(UNSEEN_WEIGHT, (9 - zipf) * _ZIPF_NATS)


def english_zipf(word: str) -> float:
    """wordfreq's Zipf frequency of `word` in English (0: not in the small list)."""
    return _english_zipf()(word, "en", wordlist="small")


def common_english_words(count: int = COMMON_ENGLISH_WORDS) -> list[str]:
    """wordfreq's `count` most frequent English words that are plain letters, most frequent
    first."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", count, wordlist="small") if w.isascii() and w.isalpha()]


def is_english_word(word: str) -> bool:
    """Whether `word` is in wordfreq's small English list (one in a million words or more)."""
    if word.isascii() and word.isalpha() and word.islower():
        return word in _english_words()  # what wordfreq looks such a word up in
    return english_zipf(word) > 0


@functools.cache
def _english_words() -> Container[str]:
    from wordfreq import get_frequency_dict

    words: Container[str] = get_frequency_dict("en", "small")
    return words


def chinese_weight(frequency: int, total: int) -> float:
    """-ln p(word) from a jieba dictionary frequency, at most UNSEEN_WEIGHT."""
    return UNSEEN_WEIGHT if frequency <= 0 else min(UNSEEN_WEIGHT, math.log(total / frequency))


def is_chinese(word: str) -> bool:
    return bool(HAN_CHARACTER.search(word))


def is_question_word(word: str) -> bool:
    """什么, 哪些, 多少, which, how … (the lexicon's question-word classes)."""
    return word in general_lexicon().of_kind("question_words")


def refers_back(word: str) -> bool:
    """它, 他们, 那…呢, they, it, and …: a word that leans on what was asked before."""
    return word in general_lexicon().of_kind("anaphora")


def asks_for_other(word: str) -> bool:
    """else, other, 其他, 另外 …: a follow-up that asks beyond what the previous one named."""
    return word in general_lexicon().of_kind("other")


# Questions about the bot itself (small talk, never a question for the corpus), by kind.
_ABOUT_THE_BOT = [
    ("identity", re.compile(r"你是谁|你是什么|你叫什么|你系边个|你係邊個|who are you"
                            r"|what are you|are you a bot", re.IGNORECASE)),
    ("capability", re.compile(r"你(?:能|会|可以)(?:做|干)?些?(?:什么|啥)|有什么用"
                              r"|what can you do|what do you do|how do you work|what can i ask",
                              re.IGNORECASE)),
]


def about_the_bot(question: str) -> str | None:
    """"identity" (who are you) or "capability" (what can you do) when the question asks about
    the bot itself, else None. Written Cantonese is read in Mandarin words first (你識做咩 ->
    你会做什么)."""
    text = to_simplified(general_lexicon().to_mandarin(question))
    return next((kind for kind, pattern in _ABOUT_THE_BOT if pattern.search(text)), None)
