"""Text -> tokens, one pipeline for passages and queries.

Normalisation (NFKC, lower case, digit-group commas removed), then numbers and ASCII words are
cut out whole (27103400.95, icc-4, iucn) and every run of Han characters goes to jieba with the
corpus's user dictionary. Stopwords (function words, question words) are dropped.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .vocabulary import Vocabulary


def _import_jieba():  # type: ignore[no-untyped-def]
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


jieba = _import_jieba()

# Bump when a change to this module changes the tokens of the same text: indexes rebuild then.
SEGMENTER_VERSION = 1

log = logging.getLogger(__name__)

_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PIECES = re.compile(
    r"(?P<num>\d+(?:\.\d+)*%?)"
    r"|(?P<word>[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)


def normalise(text: str) -> str:
    """NFKC (full-width forms to ASCII), lower case, and 27,103,400.95 -> 27103400.95."""
    return _DIGIT_GROUPS.sub("", unicodedata.normalize("NFKC", text).lower())


def usable_cache_dir(preferred: Path | None) -> Path | None:
    """A folder jieba may write its cache in: the preferred one, else a private temporary one."""
    if preferred is not None:
        try:
            preferred.mkdir(parents=True, exist_ok=True)
            if os.access(preferred, os.W_OK | os.X_OK):
                return preferred
        except OSError:
            pass
    try:
        return Path(tempfile.mkdtemp(prefix="cepf-bot-jieba-"))
    except OSError:
        return None


class Segmenter:
    """jieba with the corpus's dictionary and stopwords; `tokens(text)` is the whole pipeline."""

    def __init__(
        self,
        *,
        user_words: Iterable[str] = (),
        stopwords: Iterable[str] = (),
        cache_dir: Path | None = None,
        search_mode: bool = True,
    ) -> None:
        self.user_words = tuple(user_words)
        self.stopwords = frozenset(normalise(w) for w in stopwords)
        self.search_mode = search_mode
        self._cache_dir = cache_dir
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_vocabulary(cls, vocabulary: Vocabulary, *, cache_dir: Path | None = None
                       ) -> Segmenter:
        """The segmenter a corpus's word files configure: its dictionary (and the Chinese words
        of its synonyms and glossary, so that they stay whole) and its stopwords."""
        return cls(user_words=vocabulary.user_words, stopwords=vocabulary.stopwords,
                   cache_dir=cache_dir)

    @classmethod
    def from_settings(cls, settings: dict[str, object], *, cache_dir: Path | None = None
                      ) -> Segmenter:
        """The segmenter an index was built with, from the settings stored in its metadata."""
        if settings.get("segmenter_version") != SEGMENTER_VERSION:
            raise ValueError(f"segmenter version {settings.get('segmenter_version')!r}")
        return cls(
            user_words=list(settings["user_words"]),  # type: ignore[call-overload]
            stopwords=list(settings["stopwords"]),  # type: ignore[call-overload]
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
                tokenizer.initialize()
                for line in self.user_words:
                    parts = line.split()
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                    tokenizer.add_word(normalise(parts[0]), freq)
                self._jieba = tokenizer
            return self._jieba

    def warm_up(self) -> None:
        """Load jieba's dictionary now rather than at the first question."""
        self._tokenizer()

    def tokens(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
        out: list[str] = []
        cut = None
        for m in _PIECES.finditer(normalise(text)):
            piece = m.group()
            if m.lastgroup == "han":
                cut = cut or (
                    self._tokenizer().cut_for_search if self.search_mode else self._tokenizer().cut
                )
                out.extend(t for t in cut(piece) if t not in self.stopwords)
            elif piece not in self.stopwords:
                out.append(piece)
        return out
