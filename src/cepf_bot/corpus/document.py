"""A corpus file's text, whatever its format: title, link, and blocks of lines under sections.

What every reader (`read_markdown`, `read_html`, `read_docx`, `read_pdf`) gives, and the two
ways one can fail. The text stays the foundation's: readers only choose which text belongs to
the document (not a site's menu, not a page number) and where passages begin; they never
rewrite it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from cepf_bot.analysis.script import HAN_CHARACTER

# A paragraph this long with at least LIST_ITEMS items separated by semicolons is a list:
# each sentence or item becomes a passage of its own (under the paragraph's title).
LIST_PARAGRAPH_CHARS = 300
LIST_ITEMS = 3
_UNIT_END = re.compile(r"(?<=[。；;！？!?])")
# A passage longer than this is cut at sentence ends (else clause marks, else spaces) into
# pieces no longer: BM25 divides a term's weight by the passage's length against the average,
# so a 1,500-character paragraph in a corpus of 200-character ones scores under the verdict's
# floor of 1 for any question, and a multi-MB one can never be answered at all.
MAX_PASSAGE_CHARS = 600
_BREAKS = ("。！？!?\n", "；;", "，,、：:", " \t")
# an English sentence's full stop: before a space (after a closing quote or bracket, if any)
_FULL_STOP = re.compile(r"\.[\"'”’)]*(?=\s)")
# a full stop that ends a title or an initial, not a sentence: Dr. Zhou, Mr. Li, J. Smith
ABBREVIATION = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|Mt|Jr|Sr|No|vs|etc|e\.g|i\.e)"
                          r"|(?<![A-Za-z])[A-Z])\.$")


@dataclass
class Block:
    """Lines that make one passage (or a list of them), under `section`, on `page` (0: none)."""

    lines: list[str]
    section: str | None = None
    page: int = 0


@dataclass
class DocumentText:
    """What a reader found in a file. `title` None: the file has none (an error for Markdown)."""

    title: str | None
    blocks: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    url: str = ""
    format: str = "md"


def list_units(paragraph: str) -> list[str]:
    """A long list paragraph as its sentences and items (each verbatim); any other paragraph
    as itself. Short units are scored on their own, so a list item is found by what it says,
    not drowned by the rest of the list."""
    items = sum(paragraph.count(c) for c in ";；")
    if len(paragraph) < LIST_PARAGRAPH_CHARS or items < LIST_ITEMS - 1:
        return [paragraph]
    bounds = [0, *(m.start() for m in _UNIT_END.finditer(paragraph)), len(paragraph)]
    units = [paragraph[a:b].strip() for a, b in itertools.pairwise(bounds)]
    return [u for u in units if u]


# A line that is only a picture's file name: the picture was left out, its name is no text.
_PICTURE_NAME = re.compile(r"^\S{0,80}\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)$", re.IGNORECASE)
_NOT_CONTENT = re.compile(r"https?://\S+|www\.\S+|[\d\W_]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SENTENCE_END = re.compile(r"[。！？!?；;]|[.](?:\s|$)")
# A block of less than this is slight (a dateline, a credit, a label, a heading line): it is
# read with its neighbour, never a passage that wins by its shortness. An English word counts
# as two Chinese characters.
SLIGHT_CONTENT = 12
SLIGHT_LINE = 24


def content_size(text: str) -> int:
    """What of `text` says something: its Han characters, and two for each English word, with
    links, numbers, dates and punctuation left out."""
    rest = _NOT_CONTENT.sub(" ", text)
    latin = _LATIN_WORD.findall(rest)
    return len(HAN_CHARACTER.findall(rest)) + 2 * len(latin)


# A page's date stamp: 2017/9/13 21:47:00, 2023-11-07 17:05, 2019年3月14日
_DATE_STAMP = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                         r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def is_dateline(text: str) -> bool:
    """A dateline: a date stamp with little else (本站, 作者:中国绿会 | 我要投稿), the page's
    when and who, not what it says."""
    stamp = _DATE_STAMP.search(text)
    return stamp is not None and content_size(_DATE_STAMP.sub(" ", text)) < SLIGHT_CONTENT


def is_heading_line(line: str) -> bool:
    """A line that reads as a heading: short, with no sentence in it, and no dateline."""
    size = content_size(line)
    return size > 0 and _short_plain(line, size) and not is_dateline(line)


def _short_plain(line: str, size: int) -> bool:
    """A line of `size` content (`content_size`) short enough for a heading or a label, with
    no sentence in it."""
    return size <= SLIGHT_LINE and not _SENTENCE_END.search(line)


def is_slight(block: Block) -> bool:
    """A block too slight to be a passage: little content (a dateline, a byline, a link), or
    only short lines with no sentence in them (a heading or a label written as a paragraph)."""
    return _Slightness().add(block.lines).slight


class _Slightness:
    """`is_slight` of lines added a few at a time, in time linear in all of them: a document of
    100,000 short lines, each slight, is one block joined line by line."""

    def __init__(self) -> None:
        self.content = 0  # content_size is a sum over lines: joined by newlines, nothing merges
        self.only_short_lines = True

    def add(self, lines: list[str]) -> _Slightness:
        for line in lines:
            size = content_size(line)
            self.content += size
            self.only_short_lines = self.only_short_lines and _short_plain(line, size)
        return self

    @property
    def slight(self) -> bool:
        return self.content < SLIGHT_CONTENT or self.only_short_lines


def join_slight(blocks: list[Block]) -> list[Block]:
    """Blocks as passages read them: a picture's file name left out, and each slight block
    joined to the next block of its section (to the previous one at a section's end), so a
    heading line is read with its paragraph and a dateline with the article's first one."""
    joined: list[Block] = []
    pending: Block | None = None  # the slight lines so far, joined to what comes next
    slightness = _Slightness()
    for block in blocks:
        lines = [line for line in block.lines if not _PICTURE_NAME.match(line)]
        if not lines:
            continue
        if pending is not None and (pending.section != block.section or (
                pending.page and block.page and pending.page != block.page)):
            _append(joined, pending)
            pending = None
        if pending is None:
            pending, slightness = Block([], block.section, block.page), _Slightness()
        pending.lines += lines  # in place: never copied again, however many join
        pending.page = pending.page or block.page
        if not slightness.add(lines).slight:
            joined.append(pending)
            pending = None
    if pending is not None:
        _append(joined, pending)
    return joined


def _append(joined: list[Block], slight: Block) -> None:
    """A slight block at its section's end: joined to the block before it in that section."""
    if joined and joined[-1].section == slight.section and (
            not joined[-1].page or not slight.page or joined[-1].page == slight.page):
        joined[-1] = replace(joined[-1], lines=joined[-1].lines + slight.lines)
    else:
        joined.append(slight)


def _sentence_cut(wide: str, reach: int) -> int | None:
    """Where to end a piece of `wide` (the next `limit` characters) at a sentence's end: the
    last one in the second half of `reach`, else the first one after it (a sentence longer
    than an equal share stays whole while it fits); None when no sentence ends there. An
    English full stop after an initial or a title (Dr.) ends none."""
    ends = [i + 1 for i, ch in enumerate(wide) if ch in _BREAKS[0]]
    ends += [m.end() for m in _FULL_STOP.finditer(wide)
             if not ABBREVIATION.search(wide, max(0, m.start() - 5), m.start() + 1)]
    within = [e for e in ends if reach // 2 < e <= reach]
    if within:
        return max(within)
    beyond = [e for e in ends if e > reach]
    return min(beyond) if beyond else None


def _mark_cut(window: str) -> int:
    """Where to end a piece of `window` that no sentence end serves: after the last clause
    mark in its second half, else the last space there, else at its end."""
    for marks in _BREAKS[1:]:
        found = max(window.rfind(mark) for mark in marks) + 1
        if found > len(window) // 2:
            return found
    return len(window)


def bounded_pieces(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """`text` as itself when it has at most `limit` characters, else as consecutive verbatim
    pieces of at most `limit` and of about equal length, each ending where a sentence ends
    (。, ！, a line's end, an English full stop) when one does in the second half of its
    reach or after it within `limit` (else at a clause mark, else a space, else at the
    reach). Linear in the text: each piece looks at most `limit` characters ahead."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        rest = len(text) - start
        target = -(-rest // -(-rest // limit))  # the rest in equal pieces of at most `limit`
        reach = min(limit, target + target // 8)
        cut = _sentence_cut(text[start : start + limit], reach)
        if cut is None:
            cut = _mark_cut(text[start : start + reach])
        pieces.append(text[start : start + cut].strip())
        start += cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]
