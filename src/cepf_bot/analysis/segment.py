"""Text -> tokens, one pipeline for passages and queries.

Normalisation (NFKC, lower case, digit-group commas removed, Chinese numerals and 万/亿 as
digits), then numbers and ASCII words are cut out whole (27103400.95, icc-4, iucn), a measure
word after a number stands alone (2900余人 -> 2900 / 余 / 人), and every run of Han characters
goes to jieba with the corpus's user dictionary. A number also gives its approximate tokens
(~2e3, ~29e2). The foundation's names (绿会, 我会, 中国绿发会 …) become one term. Stopwords are
dropped.

`groups(text)` keeps each plain word with the search-mode tokens it gave (jieba's
`cut_for_search` emits a word's known 2- and 3-character parts, then the word): what deciding
whether a question is answered needs.

An English word also gives its Snowball stem (PyStemmer), so that "planting" finds "planted"
in an English document.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cepf_bot.analysis import prefix_dictionary
from cepf_bot.analysis.english_stems import english_stem
from cepf_bot.analysis.learnt import MAX_CHARS, MAX_SPAN
from cepf_bot.analysis.numerals import approximate_tokens, normalise_numbers
from cepf_bot.analysis.script import HAN, HAN_RUN
from cepf_bot.analysis.vocabulary import Vocabulary


def _import_jieba() -> Any:  # jieba ships no types
    """Import jieba without pkg_resources, which it uses only to find its own data files and
    which costs ~90 ms of every cold start; without it jieba opens those files directly."""
    if "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


if TYPE_CHECKING:
    import jieba
else:
    jieba = _import_jieba()

# Bump when a change to this module changes the tokens of the same text: indexes rebuild then.
SEGMENTER_VERSION = 9  # 4: a year in English text has no approximate tokens; 5: British
# spellings stemmed as American ones; 6: words learnt from each document (analysis.learnt);
# 7: a lone 副 joined to the title after it (副秘书长); 8: rough Chinese figures (二千几万,
# 两千出头) as numbers; 9: Greek plurals in -ses stemmed as their singular (crises -> crisi)


# A bound prefix that makes another holder of the title after it: a 副秘书长 (deputy
# secretary-general) is not the 秘书长. jieba's dictionary holds 副主席 and 副部长 whole, but cuts
# a title it lacks as 副 / 秘书长.
DEPUTY = "副"


def _deputies_joined(run: list[Group]) -> list[Group]:
    """A run of Chinese with each lone 副 joined to the word after it, as one term: 副 / 秘书长
    -> 副秘书长, which a question about the 秘书长 does not match."""
    if not any(g.word == DEPUTY for g in run):
        return run
    out: list[Group] = []
    i = 0
    while i < len(run):
        group = run[i]
        following = run[i + 1] if i + 1 < len(run) else None
        if group.word == DEPUTY and following is not None and len(following.word) > 1:
            word = DEPUTY + following.word
            out.append(Group(word, (word,), group.kind))
            i += 2
        else:
            out.append(group)
            i += 1
    return out


log = logging.getLogger("cepf_bot.segment")

_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PIECES = re.compile(
    r"(?P<num>\d+(?:\.\d+)*%?)"
    r"|(?<=\d)(?P<unit>左右|[余多个人次年月日天场项家位名轮条所届倍元份])"
    r"|(?P<word>[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)"
    rf"|(?P<han>[{HAN}]+)"
)


def normalise(text: str) -> str:
    """NFKC (full-width forms to ASCII), lower case, and 27,103,400.95 -> 27103400.95."""
    return _DIGIT_GROUPS.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Group:
    """One plain word of a text and the index terms it gives (search-mode parts, the word or
    its canonical name, approximate number tokens; stopwords dropped). `kind` is how it was
    cut: num, unit, word (ASCII) or han."""

    word: str
    tokens: tuple[str, ...]
    kind: str

    @property
    def key(self) -> str | None:
        """What expansion rules match: the word (its one name, for the foundation's), or None
        for a stopword. Never a search-mode part: 计划 inside 开发计划署 is not 计划."""
        if not self.tokens:
            return None
        return self.tokens[0] if self.kind == "num" or len(self.tokens) == 1 else self.word


def usable_cache_dir(preferred: Path | None) -> Path | None:
    """A folder jieba may write its cache in: the preferred one, else a private temporary one,
    removed when the process exits (16 MB each: a test run made seventy)."""
    if preferred is not None:
        try:
            preferred.mkdir(parents=True, exist_ok=True)
            if os.access(preferred, os.W_OK | os.X_OK):
                return preferred
        except OSError:
            pass
    try:
        private = tempfile.mkdtemp(prefix="cepf-bot-jieba-")
    except OSError:
        return None
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return Path(private)


class Segmenter:
    """jieba with the corpus's dictionary and stopwords; `tokens(text)` is the whole pipeline."""

    def __init__(
        self,
        *,
        user_words: Iterable[str] = (),
        stopwords: Iterable[str] = (),
        aliases: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        search_mode: bool = True,
    ) -> None:
        self.user_words = tuple(user_words)
        self.stopwords = frozenset(normalise(w) for w in stopwords)
        # name -> the one term all the foundation's names become
        self.aliases = {normalise(k): normalise(v) for k, v in (aliases or {}).items()}
        self.canonical_names = frozenset(self.aliases.values())
        self.background_frequency: dict[str, int] = {}  # user words' jieba frequency before
        self.total_frequency = 1
        self.search_mode = search_mode
        self._cache_dir = cache_dir
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        # words learnt from the index's documents (`learn`): jieba's words they span are joined
        self.learnt_words: frozenset[str] = frozenset()

    def learn(self, words: Iterable[str]) -> None:
        """Read text with the words an index learnt from its documents from now on (set once,
        before the segmenter reads questions)."""
        self.learnt_words = frozenset(words)

    @classmethod
    def for_vocabulary(cls, vocabulary: Vocabulary, *, cache_dir: Path | None = None
                       ) -> Segmenter:
        """The segmenter a corpus's word files configure: its dictionary (and the Chinese words
        of its synonyms and glossary, so that they stay whole) and its stopwords."""
        return cls(user_words=vocabulary.user_words, stopwords=vocabulary.stopwords,
                   aliases=vocabulary.aliases, cache_dir=cache_dir)

    @classmethod
    def from_settings(cls, settings: dict[str, object], *, cache_dir: Path | None = None
                      ) -> Segmenter:
        """The segmenter an index was built with, from the settings stored in its metadata."""
        if settings.get("segmenter_version") != SEGMENTER_VERSION:
            raise ValueError(f"segmenter version {settings.get('segmenter_version')!r}")
        return cls(
            user_words=list(settings["user_words"]),  # type: ignore[call-overload]
            stopwords=list(settings["stopwords"]),  # type: ignore[call-overload]
            aliases=dict(settings["aliases"]),  # type: ignore[call-overload]
            cache_dir=cache_dir,
            search_mode=settings["mode"] == "cut_for_search",
        )

    def settings(self) -> dict[str, object]:
        """Everything that decides the tokens, stored in the index metadata."""
        return {
            "segmenter_version": SEGMENTER_VERSION,
            "jieba": jieba.__version__,
            "mode": "cut_for_search" if self.search_mode else "cut",
            "hmm": True,
            "user_words": list(self.user_words),
            "stopwords": sorted(self.stopwords),
            "aliases": dict(sorted(self.aliases.items())),
        }

    def _tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                # jieba logs every load at DEBUG and a failed cache write with a traceback.
                jieba.setLogLevel(logging.CRITICAL)
                tokenizer = jieba.Tokenizer()
                folder = usable_cache_dir(self._cache_dir)
                if folder is None:
                    log.warning("no writable folder for jieba's cache; every start will be slower")
                tokenizer.tmp_dir = str(folder) if folder else None
                words = [(normalise(parts[0]),
                          int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None)
                         for parts in (line.split() for line in self.user_words)]
                background = prefix_dictionary.initialize(tokenizer, jieba, folder, words)
                self.total_frequency = background.total
                self.background_frequency = background.frequency
                self._jieba = tokenizer
            return self._jieba

    def warm_up(self) -> None:
        """Load jieba's whole dictionary now (a bot, a reindex), rather than the parts each
        question needs as it comes (a one-off `ask`)."""
        prefix_dictionary.complete(self._tokenizer())

    def frequency(self, word: str) -> int:
        """How often jieba's own dictionary saw `word` (0: never), before the corpus's words
        were added to it."""
        tokenizer = self._tokenizer()
        if word in self.background_frequency:
            return self.background_frequency[word]
        return tokenizer.FREQ.get(word) or 0

    def knows(self, word: str) -> bool:
        """Whether jieba's dictionary (with the corpus's words) has `word`, rather than its
        HMM having guessed it from unknown characters."""
        return bool(self._tokenizer().FREQ.get(word))

    def _search_parts(self, word: str, freq: dict[str, int]) -> list[str]:
        """jieba's `cut_for_search` for one word of `cut`: its known 2- and 3-character parts,
        then the word."""
        if not self.search_mode:
            return [word]
        parts = []
        if len(word) > 2:
            parts += [word[i : i + 2] for i in range(len(word) - 1) if freq.get(word[i : i + 2])]
        if len(word) > 3:
            parts += [word[i : i + 3] for i in range(len(word) - 2) if freq.get(word[i : i + 3])]
        return [*parts, word]

    def groups(self, text: str) -> list[Group]:
        """Each plain word of `text` with its index terms, in order."""
        return self.join(self.pieces(text), self.learnt_words)

    def pieces(self, text: str) -> list[list[Group]]:
        """`text` normalised, as its pieces (a run of Chinese, a number, an ASCII word), each
        as its groups: a run of Chinese as jieba's words, the others one group each."""
        out: list[list[Group]] = []
        normal = normalise_numbers(normalise(text))
        tokenizer = None
        for m in _PIECES.finditer(normal):
            piece, kind = m.group(), m.lastgroup or ""
            if kind == "han":
                tokenizer = tokenizer or self._tokenizer()
                run = []
                for word in tokenizer.cut(piece):
                    if word in self.aliases:
                        run.append(Group(word, (self.aliases[word],), kind))
                    else:
                        parts = self._search_parts(word, tokenizer.FREQ)
                        run.append(Group(word, tuple(t for t in parts if t not in self.stopwords),
                                         kind))
                out.append(_deputies_joined(run))
            elif kind == "num":
                following = normal[m.end() : m.end() + 2]
                out.append([Group(piece, (piece, *approximate_tokens(piece, following)), kind)])
            elif piece in self.aliases:
                out.append([Group(piece, (self.aliases[piece],), kind)])
            elif piece in self.stopwords:
                out.append([Group(piece, (), kind)])
            else:
                stem = english_stem(piece)
                out.append([Group(piece, (piece, stem) if stem != piece else (piece,), kind)])
        return out

    @staticmethod
    def join(pieces: list[list[Group]], learnt: frozenset[str] | set[str]) -> list[Group]:
        """The pieces' groups in order, jieba's words that together spell a learnt word joined
        into one group: its terms are theirs, then the word (as a long word's search-mode parts
        come before it). Only whole words are joined: 郑大 is never made of 郑 and 大学's 大."""
        if not learnt:
            return [g for piece in pieces for g in piece]
        out: list[Group] = []
        for piece in pieces:
            i, n = 0, len(piece)
            while i < n:
                best, spelled = i, piece[i].word
                for j in range(i + 1, min(n, i + MAX_SPAN)):
                    spelled += piece[j].word
                    if len(spelled) > MAX_CHARS:
                        break
                    if spelled in learnt:
                        best = j
                if best == i:
                    out.append(piece[i])
                else:
                    word = "".join(g.word for g in piece[i : best + 1])
                    tokens = tuple(t for g in piece[i : best + 1] for t in g.tokens)
                    out.append(Group(word, (*tokens, word), "han"))
                i = best + 1
        return out

    def may_have_words(self, text: str, words: Iterable[str]) -> bool:
        """False only when none of `words` can be a plain word of `text` (a key or a last
        token of `groups(text)`), so that the caller need not segment it. Exact, not a guess:
        every Chinese token `pieces` makes is a substring of the normalised text, except the
        one name an alias becomes; any other word (a number, an English word or stem, an
        approximate token) answers True."""
        normal = None
        for word in words:
            if word in self.canonical_names or not HAN_RUN.fullmatch(word):
                return True
            normal = normal if normal is not None else normalise_numbers(normalise(text))
            if word in normal:
                return True
        return False

    def dictionary_groups(self, word: str) -> list[Group]:
        """`word` cut by jieba's dictionary alone (no HMM guesses), as groups."""
        tokenizer = self._tokenizer()
        return [Group(w, tuple(t for t in self._search_parts(w, tokenizer.FREQ)
                               if t not in self.stopwords), "han")
                for w in tokenizer.cut(word, HMM=False)]

    def words(self, text: str) -> list[str]:
        """jieba's words of a Chinese text as written (no normalisation, nothing dropped)."""
        return [w for w in self._tokenizer().cut(text, HMM=False) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
        return [t for group in self.groups(text) for t in group.tokens]
