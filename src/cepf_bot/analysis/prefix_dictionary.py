"""jieba's prefix dictionary (every word and word prefix with its frequency, ~500,000
entries) with the corpus's own words added, from a cache read a first character at a time.

jieba caches its dictionary with `marshal`: one C call that holds the interpreter lock for the
whole load (0.9 s on a slow machine), so a bot loading it in a thread answers nothing
meanwhile, and a one-off `ask` spends most of its time on it; then each of the corpus's words
is added (jieba's `add_word`). This cache holds the result as JSON lines, one line per first
character (all the words and prefixes that start with it), after a header that names the
jieba release, dictionary file and added words it was made from, and where each line lies.
A question reads the lines of its own characters only (`Frequencies`); `complete` reads the
rest, a line at a time, the lock free between lines, for a bot or a reindex. Nothing in the
cache can run code. Any other cache, or a damaged one, is ignored with one line, jieba's own
load used (its marshal cache or the dictionary itself), and this cache written again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cepf_bot.files import place_file

log = logging.getLogger(__name__)

CACHE_NAME = "jieba-prefix-dictionary.jsonl"
FORMAT = 3
# A corpus of more text than this has the whole dictionary read before its index is built
# (0.4 s here): below it, only where the text's characters need it, as lookups in the
# part-read dictionary cost ~2 µs a character more: the two meet near 180,000 characters
# (measured on the seed text). The whole corpus counts, not the files to segment: building
# also looks up the words of unchanged files.
COMPLETE_DICTIONARY_CHARS = 150_000

Words = Sequence[tuple[str, int | None]]  # words to add, each with its frequency or None


@dataclass(frozen=True)
class Background:
    """jieba's own dictionary before the corpus's words were added: its total, and each added
    word's frequency in it (0: jieba did not know it)."""

    total: int
    frequency: dict[str, int]


class Frequencies(dict[str, int]):
    """jieba's FREQ, filled a first character at a time from the cache: each lookup or store
    of a word first reads the line of its first character, once."""

    def __init__(self, body: bytes, lines: dict[str, tuple[int, int]]) -> None:
        super().__init__()
        self._body = body
        self._unread = lines  # first character -> (start, end) in body; read ones removed
        self._lock = threading.Lock()

    def _read(self, word: str) -> None:
        if word and word[0] in self._unread:
            with self._lock:
                span = self._unread.get(word[0])
                if span is not None:
                    dict.update(self, json.loads(self._body[span[0] : span[1]]))
                    del self._unread[word[0]]

    def __contains__(self, word: object) -> bool:
        if isinstance(word, str):
            self._read(word)
        return dict.__contains__(self, word)

    def __getitem__(self, word: str) -> int:
        self._read(word)
        return dict.__getitem__(self, word)

    def get(self, word: str, default: Any = None) -> Any:
        self._read(word)
        return dict.get(self, word, default)

    def __setitem__(self, word: str, freq: int) -> None:
        self._read(word)
        dict.__setitem__(self, word, freq)

    def complete(self) -> dict[str, int]:
        """Every entry, as a plain dict (lookups at C speed): the unread lines read one at a
        time, other threads free to run between them."""
        for first in list(self._unread):
            self._read(first)
        self._body = b""
        return dict(self)


def _source(jieba: Any, words: Words) -> dict[str, Any]:
    """What a cache must have been made from: this jieba, its default dictionary file, and
    the words added to it."""
    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = dictionary.stat()
    added = hashlib.sha256(json.dumps(list(words), ensure_ascii=False).encode()).hexdigest()
    return {"format": FORMAT, "jieba": jieba.__version__, "dictionary": str(dictionary),
            "dictionary_bytes": stat.st_size, "dictionary_mtime_ns": stat.st_mtime_ns,
            "added_words": added}


def _open(path: Path, source: dict[str, Any]) -> tuple[Frequencies, int, Background] | None:
    """The dictionary at `path`, unread, its total and what it was before the words were
    added; None when it was made from something else or is damaged."""
    try:
        data = path.read_bytes()
        end = data.index(b"\n") + 1
        header = json.loads(data[:end])
        if not isinstance(header, dict) or {k: header.get(k) for k in source} != source:
            return None
        body = data[end:]
        lines = {str(first): (int(start), int(stop))
                 for first, (start, stop) in header["lines"].items()}
        background = Background(int(header["background_total"]),
                                {str(k): int(v) for k, v in header["background"].items()})
        if not isinstance(header["total"], int) or \
                max((stop for _, stop in lines.values()), default=0) != len(body):
            raise ValueError("not the length its header says")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        why = str(e).splitlines()[0] if str(e) else type(e).__name__
        log.warning("jieba's dictionary cache %s is unusable (%s); loading it again", path, why)
        return None
    return Frequencies(body, lines), header["total"], background


def _write(path: Path, source: dict[str, Any], freq: dict[str, int], total: int,
           background: Background) -> None:
    by_first: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        by_first.setdefault(word[:1], {})[word] = count
    body, lines, at = [], {}, 0
    for first, entries in by_first.items():
        line = (json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        lines[first] = (at, at + len(line))
        body.append(line)
        at += len(line)
    header = json.dumps({**source, "entries": len(freq), "total": total, "lines": lines,
                         "background_total": background.total,
                         "background": background.frequency}, ensure_ascii=False)
    try:
        place_file(path, header.encode() + b"\n" + b"".join(body), overwrite=True, mode=0o644)
    except OSError as e:
        log.warning("cannot write jieba's dictionary cache %s (%s); every start will be slower",
                    path, e)


def _add(tokenizer: Any, words: Words) -> Background:
    """jieba's `add_word` for each word (None: the frequency jieba suggests)."""
    before: dict[str, int] = {}
    total = tokenizer.total
    for word, freq in words:
        before.setdefault(word, tokenizer.FREQ.get(word) or 0)
        tokenizer.add_word(word, freq)
    return Background(total, before)


def initialize(tokenizer: Any, jieba: Any, folder: Path | None, words: Words = ()
               ) -> Background:
    """Give `tokenizer` (a new jieba.Tokenizer on the default dictionary) its prefix dictionary
    with `words` added: from this cache in `folder` when it is current (read as lookups need
    it), else by jieba and `add_word`, and the cache written. What it was before the words."""
    if folder is None:
        tokenizer.initialize()
        return _add(tokenizer, words)
    path = folder / CACHE_NAME
    source = _source(jieba, words)
    cached = _open(path, source) if path.exists() else None
    if cached is None:
        tokenizer.initialize()
        background = _add(tokenizer, words)
        _write(path, source, tokenizer.FREQ, tokenizer.total, background)
        return background
    tokenizer.FREQ, tokenizer.total, background = cached
    tokenizer.initialized = True
    return background


def complete(tokenizer: Any) -> None:
    """Read the whole dictionary now, if it is still being read as lookups need it."""
    if isinstance(tokenizer.FREQ, Frequencies):
        tokenizer.FREQ = tokenizer.FREQ.complete()
