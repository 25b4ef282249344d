"""Words a document itself marks, learnt when it is indexed.

jieba knows general words; a new document's own names and terms it may cut into pieces, and a
question may be cut differently from the passage. What a document marks as one thing becomes
one word of the index (the pieces still match too, as a long word's search-mode parts do):

    titles       《野生动物保护法》, “绿色发展”, 「…」, 『…』: the Chinese inside the marks
    headings     a passage's short Chinese title
    expansions   郑州大学（郑大）: the abbreviation, and the name it abbreviates; 世界自然保护联盟
                 （IUCN）: the words before an acronym, as many as it has letters at most
    recurring    a string of characters jieba cuts into single characters, met at least twice
                 in the document (郑大 … 郑大)

Only strings jieba's dictionary does not already hold count. Linear in the document's text;
at most MAX_PER_DOCUMENT words a document, marked ones first.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence

from cepf_bot.analysis.script import HAN, HAN_RUN

MAX_PER_DOCUMENT = 50  # words learnt from one document
MAX_PER_INDEX = 20_000  # words learnt for one index (questions are read with these)
MIN_CHARS, MAX_CHARS = 2, 16
MAX_TERM_CHARS = 10  # a quoted term or a heading; longer, it is a sentence
MAX_SPAN = 8  # a learnt word covers at most this many of jieba's words
MIN_RECURRING = 2
MAX_BRACKETS = 200  # bracketed abbreviations read in one document (each a scan of it)

# a title may be long; a quoted term is short (a longer quotation is a sentence)
_MARKED = re.compile(r"《([^《》\n]{2,40})》|“([^“”\n]{2,10})”|「([^「」\n]{2,10})」"
                     r"|『([^『』\n]{2,10})』")
_BRACKETED = re.compile(rf"([{HAN}]{{2,}})[(（]\s*([{HAN}]{{2,4}}|[A-Za-z]{{2,10}})\s*[)）]")


def _han_word(text: str) -> str | None:
    """`text` if it is all Chinese characters of a learnable length, else None."""
    if MIN_CHARS <= len(text) <= MAX_CHARS and HAN_RUN.fullmatch(text):
        return text
    return None


def marked_words(text: str) -> list[str]:
    """The Chinese titles and quoted terms of `text` (《…》, “…”, 「…」, 『…』)."""
    found = []
    for m in _MARKED.finditer(text):
        inside = next(g for g in m.groups() if g is not None)
        found += [w for piece in HAN_RUN.findall(inside) if (w := _han_word(piece))]
    return found


def expansion_words(text: str, cut: Callable[[str], Sequence[str]]) -> list[str]:
    """A bracketed abbreviation and what it abbreviates: 郑州大学（郑大） gives 郑大 and 郑州大学
    (from the last 郑 before it whose run holds 大 after it); an acronym (世界自然保护联盟
    （IUCN）) the longest run of the words just before it (two at least, at most as many as its
    letters) that `text` holds once more elsewhere. `cut` splits a run into words."""
    found = []
    for m in itertools.islice(_BRACKETED.finditer(text), MAX_BRACKETS):
        run, short = m.group(1)[-MAX_CHARS:], m.group(2)
        if short.isascii():
            words = list(cut(run))
            for n in range(min(len(short), len(words)), 1, -1):
                name = "".join(words[-n:])
                if _han_word(name) and text.count(name) >= 2:
                    found.append(name)
                    break
            continue
        start = _abbreviated_from(run, short)
        if start is not None and (w := _han_word(run[start:])) and len(w) > len(short):
            found += [short, w]
    return found


def _abbreviated_from(run: str, short: str) -> int | None:
    """Where in `run` the name `short` abbreviates starts: the last place from which `short`'s
    characters all follow in order, beginning with its first; None when there is none."""
    for start in range(len(run) - len(short), -1, -1):
        if run[start] != short[0]:
            continue
        at = start
        for ch in short[1:]:
            at = run.find(ch, at + 1)
            if at < 0:
                break
        else:
            return start
    return None


def recurring_words(pieces: Sequence[Sequence[tuple[str, bool]]]) -> list[str]:
    """Strings jieba cut into single characters, met at least MIN_RECURRING times. `pieces`:
    each run of Chinese text as its words, each with whether it is a stopword."""
    counts: Counter[str] = Counter()
    for words in pieces:
        run: list[str] = []
        for word, stop in [*words, ("", True)]:
            if len(word) == 1 and not stop:
                run.append(word)
                continue
            if MIN_CHARS <= len(run) <= 4:
                counts["".join(run)] += 1
            run = []
    return [w for w, n in counts.most_common() if n >= MIN_RECURRING and _han_word(w)]


def document_words(texts: Sequence[str], titles: Sequence[str],
                   pieces: Sequence[Sequence[Sequence[tuple[str, bool]]]],
                   known: Callable[[str], bool], cut: Callable[[str], Sequence[str]]
                   ) -> list[str]:
    """The words one document teaches, marked ones first: `texts` its passages (normalised as
    the segmenter reads them), `titles` their headings, `pieces` each passage's runs of Chinese
    as jieba cut them; `known` whether jieba's dictionary holds a word whole."""
    candidates: list[str] = []
    for text in texts:
        candidates += marked_words(text)
    joined = "\n".join(texts)
    candidates += expansion_words(joined, cut)
    candidates += [w for title in titles
                   if len(title.strip()) <= MAX_TERM_CHARS and (w := _han_word(title.strip()))]
    candidates += recurring_words([run for passage in pieces for run in passage])
    return choose(candidates, known)


def choose(candidates: Sequence[str], known: Callable[[str], bool],
           limit: int = MAX_PER_DOCUMENT) -> list[str]:
    """The first `limit` distinct candidates jieba's dictionary does not hold whole."""
    chosen: dict[str, None] = {}
    for word in candidates:
        if word not in chosen and not known(word):
            chosen[word] = None
            if len(chosen) >= limit:
                break
    return list(chosen)
