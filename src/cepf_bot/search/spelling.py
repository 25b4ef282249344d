"""Forgiving typing: a word typed the way a pinyin keyboard or a slip of the finger makes it.

Chinese: a run of the question's characters that sounds like exactly one corpus term
(the same pinyin, tones ignored: 绿法会 -> 绿发会, 秘书张 -> 秘书长, 济洲岛 -> 济州岛); the
corpus terms are the dictionary's, the names and the index's own words; two characters of
words everyday Chinese uses often are typed as meant (知道 is not 指导), and a stretch never
cuts a word of jieba's dictionary (写一篇 is not 协议篇). Latin: a word of four or more
letters, unknown to the corpus, its rules and everyday English, one edit (or one swap of
neighbours) away from exactly one acronym the corpus uses, glossary word or common English
word whose stem the corpus can match (IUNC -> IUCN, expendature -> expenditure). The search
uses a correction only when the corrected question gets a better verdict; the reply says so.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from cepf_bot.analysis.bilingual import Bridge
from cepf_bot.analysis.english_forms import load_pinyin
from cepf_bot.analysis.english_stems import english_stem
from cepf_bot.analysis.lexicon import chinese_weight, common_english_words, is_english_word
from cepf_bot.analysis.script import HAN_RUN
from cepf_bot.analysis.segment import Group, Segmenter, normalise
from cepf_bot.search.support import EVERYDAY
from cepf_bot.types import Correction

MIN_LATIN_LETTERS = 4
MAX_TERM_CHARS = 8  # the longest stretch read as one term
MAX_RUN_CHARS = 200  # of a question's Han text, looked at for mistyped terms (all runs together)
MAX_LATIN_WORDS = 20  # of a question's Latin words, looked at for slips
SPELLED_HAN_CHARS = 3  # an index word this long or longer is a spelling the corrector knows
# (two characters are too often a homophone of two others: 猫一 is not 贸易)


@functools.lru_cache(maxsize=4096)
def sound(text: str) -> str:
    """Toneless pinyin: what a pinyin keyboard was given (绿发会 -> lv fa hui). Han text a
    character at a time, each looked up once (pypinyin reads it so without its phrase tables,
    at 0.1 ms a call: a question's thousand stretches cost 0.2 s)."""
    if HAN_RUN.fullmatch(text):
        return " ".join(map(_character_sound, text))
    return " ".join(load_pinyin()(text))


@functools.lru_cache(maxsize=1 << 16)
def _character_sound(character: str) -> str:
    return " ".join(load_pinyin()(character))


def one_edit_apart(a: str, b: str) -> bool:
    """Whether one substitution, insertion, deletion or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _deletions(word: str) -> set[str]:
    """The word and every word one letter shorter."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    """Corrections against one corpus's terms."""

    def __init__(self, chinese_terms: Iterable[str], latin_terms: Iterable[str],
                 is_known: Callable[[str], bool], is_english: Callable[[str], bool],
                 is_dictionary_word: Callable[[str], bool] = lambda word: False,
                 is_everyday: Callable[[str], bool] = lambda word: False) -> None:
        """`chinese_terms` and `latin_terms` may be large (a whole index's vocabulary): both
        are read once, on the first question that has a word to correct.
        `is_dictionary_word`: a Chinese word of everyday text (jieba's dictionary);
        `is_everyday`: … and a frequent one."""
        self._chinese_terms = chinese_terms
        self._latin_terms = latin_terms
        self._is_known = is_known
        self._is_english = is_english
        self._is_dictionary_word = is_dictionary_word
        self._is_everyday = is_everyday

    @functools.cached_property
    def _chinese(self) -> list[str]:
        return sorted({t for t in self._chinese_terms if len(t) > 1})

    @functools.cached_property
    def _latin(self) -> dict[str, set[str]]:
        """Each Latin term by itself and by each of its one-letter deletions: a word one edit
        from a term shares one of these keys with it (checked exactly after)."""
        table: dict[str, set[str]] = defaultdict(set)
        for term in {t for t in self._latin_terms if len(t) >= MIN_LATIN_LETTERS - 1}:
            for key in _deletions(term):
                table[key].add(term)
        return table

    @functools.cached_property
    def _by_sound(self) -> dict[str, set[str]]:
        table: dict[str, set[str]] = defaultdict(set)
        for term in self._chinese:
            table[sound(term)].add(term)
        return table

    def corrections(self, groups: list[Group]) -> list[Correction]:
        """Corrections for the question's words (as the segmenter cut them), left to right."""
        out: list[Correction] = []
        run: list[Group] = []
        # one budget per question, not per run: runs cut short by a Latin letter each would
        # otherwise cost a pinyin look-up per character and stretch
        han_left, latin_left = MAX_RUN_CHARS, MAX_LATIN_WORDS
        for group in [*groups, Group("", (), "end")]:
            if group.kind == "han":
                run.append(group)
                continue
            if run and han_left > 0:
                out += self._chinese_corrections(run, han_left)
                han_left -= sum(len(g.word) for g in run)
            run = []
            if group.kind == "word" and latin_left > 0:
                latin_left -= 1
                if found := self._latin_correction(group.word):
                    out.append(found)
        return out

    def _latin_correction(self, word: str) -> Correction | None:
        if (len(word) < MIN_LATIN_LETTERS or not word.isalpha() or self._is_known(word)
                or self._is_english(word)):
            return None
        candidates = {t for key in _deletions(word) for t in self._latin.get(key, ())}
        near = [t for t in candidates if one_edit_apart(word, t)]
        return Correction(word, near[0]) if len(near) == 1 else None

    def _chinese_corrections(self, run: list[Group], budget: int) -> list[Correction]:
        """In a run of Han words: the longest stretches of characters, each overlapping a word
        the corpus does not know (a stretch of two: one everyday Chinese does not use often
        either), that sound like exactly one corpus term (jieba may have cut a mistyped term
        across words: 秘书张是谁 -> 秘书 / 张是 / 谁)."""
        whole = "".join(g.word for g in run)
        text = whole[:budget]
        unknown: list[bool] = []  # in a word the corpus does not know
        unusual: list[bool] = []  # … nor everyday Chinese often uses
        # where a stretch may start or end: not inside a word the corpus knows (理事会一共 is
        # not 理事 + 会一 -> 会议) or a word of everyday Chinese (写一篇 is not 写一 -> 协议)
        edge = [True] * (len(whole) + 1)
        at = 0
        for group in run:
            known = self._is_known(group.word)
            unknown += [not known] * len(group.word)
            unusual += [not known and not self._is_everyday(group.word)] * len(group.word)
            if known or self._is_dictionary_word(group.word):
                edge[at + 1 : at + len(group.word)] = [False] * (len(group.word) - 1)
            at += len(group.word)
        out: list[Correction] = []
        i = 0
        while i < len(text) - 1:
            for end in range(min(len(text), i + MAX_TERM_CHARS), i + 1, -1):
                typed = text[i:end]
                # a stretch of two holds an unusual word: everyday words are typed as meant
                # (知道 is not a mistyped 指导, 是和 not 适合); a longer one, any unknown word
                # (狂犬并 -> 狂犬病)
                if not (edge[i] and edge[end]) or not any(
                        (unusual if end - i < SPELLED_HAN_CHARS else unknown)[i:end]) \
                        or self._is_known(typed):
                    continue
                terms = self._by_sound.get(sound(typed), set())
                if len(terms) == 1 and typed not in terms:
                    out.append(Correction(typed, next(iter(terms))))
                    i = end - 1
                    break
            i += 1
        return out


def corpus_speller(terms: Mapping[str, int], segmenter: Segmenter,
                   glossary: Mapping[tuple[str, ...], object], bridge: Bridge) -> Speller:
    """The corrector of one index: Chinese against the hand dictionary's words, the names and
    the index's own words of SPELLED_HAN_CHARS or more; Latin against the glossary's words and
    the common English words whose stem the index or its dictionary bridge matches."""
    names = segmenter.aliases
    user_words = [normalise(line.split()[0]) for line in segmenter.user_words
                  if line and not line.isascii()]

    def chinese() -> Iterator[str]:
        yield from user_words
        yield from names
        yield from (t for t in terms if len(t) >= SPELLED_HAN_CHARS and HAN_RUN.fullmatch(t))

    def latin() -> Iterator[str]:
        yield from (key[0] for key in glossary if len(key) == 1
                    and key[0].isascii() and key[0].isalpha())
        stems = {key[0] for key in bridge.english if len(key) == 1}
        yield from (w for w in common_english_words()
                    if english_stem(w) in stems or english_stem(w) in terms)

    def known(word: str) -> bool:
        return word in terms or word in names or (word,) in glossary

    def everyday(word: str) -> bool:
        return chinese_weight(segmenter.frequency(word), segmenter.total_frequency) < EVERYDAY

    return Speller(chinese(), latin(), known, is_english_word,
                   lambda word: segmenter.frequency(word) > 0, everyday)
