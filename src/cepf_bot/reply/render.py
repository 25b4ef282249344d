"""Hits -> text for a person: terminal text now, Telegram HTML in `telegram_html`."""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from cepf_bot.analysis.english_forms import grouped_figure
from cepf_bot.analysis.numerals import figure_value
from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.reply.answer_text import fact_phrase
from cepf_bot.reply.texts import read_as_text, ui_text
from cepf_bot.types import Hit, Lang, Locale, Passage, Results, Verdict


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """`text` normalised as the segmenter does (NFKC, lower case), and each normalised
    character's index in `text`."""
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text):  # the usual case: one character for one
        return whole, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        n = unicodedata.normalize("NFKC", c).lower()
        chars.append(n)
        origin.extend([i] * len(n))
    return "".join(chars), origin


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the (normalised) terms occur in `text`, as merged, sorted [start, end) spans."""
    normal, origin = _normalised_with_map(text)
    spans = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = normal.find(term)
        while start >= 0:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = normal.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(
    text: str,
    terms: Iterable[str],
    *,
    before: str,
    after: str,
    escape: Callable[[str], str] = lambda s: s,
) -> str:
    """`text` with every occurrence of the terms wrapped in `before` … `after`."""
    out = []
    pos = 0
    for start, end in term_spans(text, terms):
        out += [escape(text[pos:start]), before, escape(text[start:end]), after]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def terminal(results: Results, *, color: bool, locale: Locale | None = None,
             convert: TraditionalConverter | None = None, suggested: Sequence[str] = (),
             gloss: str | None = None, english: Callable[[str], str] = lambda s: "") -> str:
    """The fact and the answer sentence (for `closest`, the line that says there is no exact
    answer), then the hits, as plain text for `cepf-bot ask`, in the asker's language and
    script; matched terms in bold on a terminal, else 【…】. With no answer, the `suggested`
    questions to try. `english`: a Chinese phrase's English, for the fact shown to a reader of
    English."""
    locale = locale or Locale(Lang.EN)
    convert = convert or TraditionalConverter()
    if not results.hits:
        lines = [ui_text("no_answer", locale.lang), *(f"  • {q}" for q in suggested)]
        return convert.convert("\n".join(lines), locale.script)
    blocks = []
    if results.read_as:
        blocks.append(read_as_text(results.read_as, locale.lang))
    if results.verdict == Verdict.CLOSEST:
        blocks.append(ui_text("closest", locale.lang))
    elif results.answer is not None:
        fact = results.answer.fact
        first = (readable_figures(fact_phrase(fact, locale.lang, english), locale.lang)
                 + f"\n「{results.answer.text}」") if fact else readable_figures(
                     results.answer.text, locale.lang)
        blocks.append(ui_text("answer", locale.lang) + first
                      + (f"\n{ui_text('gloss', locale.lang)}{gloss}" if gloss else ""))
    blocks += [terminal_hit(hit, color, locale.lang) for hit in results.hits]
    return convert.convert("\n\n".join(blocks), locale.script)


def terminal_hit(hit: Hit, color: bool, lang: Lang = Lang.ZH) -> str:
    """One passage for the terminal: rank, title, source, id, score, then its marked text."""
    before, after = ("\x1b[1m", "\x1b[0m") if color else ("【", "】")
    p = hit.passage
    return (f"{hit.rank}. {p.title}  [{p.source} · {p.id} · {hit.score:.2f}]\n"
            + readable_figures(mark(p.text, hit.terms, before=before, after=after), lang)
            + (f"\n{p.url}" if p.url else ""))


# --- Telegram HTML -------------------------------------------------------------------------

TELEGRAM_LIMIT = 4096  # characters of a message, counted in UTF-16 code units
EXCERPT_CHARS = 360  # how much of a passage a reply shows around its best sentences
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.,%\-_]")


def telegram_length(text: str) -> int:
    """A message's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Text safe inside Telegram HTML: only &, < and > need escaping there."""
    return html.escape(text, quote=False)


def linked(text_html: str, url: str) -> str:
    """`text_html` as a link to `url` (an http(s) link, as the readers keep), or as it is."""
    return f'<a href="{html.escape(url, quote=True)}">{text_html}</a>' if url else text_html


def source_html(p: Passage) -> str:
    """"— section · document · p. 3", the document's title a link to it when it has one."""
    parts = [escape(p.section)] if p.section and p.section != p.document else []
    parts.append(linked(escape(p.document), p.url))
    if p.page:
        parts.append(f"p. {p.page}")
    return f"<i>— {' · '.join(parts)}</i>"


def _safe_cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so that it does not cut a number or an ASCII word in two."""
    while 0 < start < len(text) and _ASCII_RUN.match(text[start - 1]) and _ASCII_RUN.match(
        text[start]
    ):
        start -= 1
    while 0 < end < len(text) and _ASCII_RUN.match(text[end - 1]) and _ASCII_RUN.match(text[end]):
        end += 1
    return start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """The [start, end) spans of the text's sentences (and lines)."""
    bounds = [0, *(m.start() for m in _SENTENCE_END.finditer(text)), len(text)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def _matched(text: str, span: tuple[int, int], terms: list[str]) -> int:
    return sum(e - s for s, e in term_spans(text[span[0] : span[1]], terms))


def excerpt(text: str, terms: Iterable[str], budget: int = EXCERPT_CHARS) -> list[tuple[int, int]]:
    """The spans of `text` to show: its best-matching sentences (most matched characters
    first, then earliest), in text order, within about `budget` characters."""
    terms = [t for t in terms if t]
    if len(text) <= budget:
        return [(0, len(text))]
    candidates = sentences(text)
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda s: (-_matched(text, s, terms), s[0]))
    chosen: list[tuple[int, int]] = []
    used = 0
    for start, end in ranked:
        if chosen and (used + end - start > budget or _matched(text, (start, end), terms) == 0):
            break
        if end - start > budget:  # one very long sentence: a window around its first match
            spans = term_spans(text[start:end], terms)
            first = start + spans[0][0] if spans else start
            lo = max(start, first - budget // 3)
            start, end = _safe_cut(text, lo, min(end, lo + budget))
        chosen.append((start, end))
        used += end - start
    return sorted(chosen)


def best_sentence(text: str, terms: Iterable[str]) -> tuple[int, int] | None:
    """The sentence with the most matched characters (the earliest of equals), if any match."""
    terms = [t for t in terms if t]
    scored = [(_matched(text, s, terms), -s[0], s) for s in sentences(text)]
    best = max(scored, default=None)
    return best[2] if best and best[0] > 0 else None


def _marked(text: str, start: int, end: int, terms: tuple[str, ...],
            best: tuple[int, int] | None) -> str:
    """text[start:end] in HTML: terms bold, the part inside the best sentence underlined."""
    def piece(a: int, b: int) -> str:
        return mark(text[a:b], terms, before="<b>", after="</b>", escape=escape) if a < b else ""

    if best is None or best[1] <= start or best[0] >= end:
        return piece(start, end)
    lo, hi = max(start, best[0]), min(end, best[1])
    inner = text[lo:hi]
    stripped = inner.rstrip()  # keep a line break outside the underline
    return (piece(start, lo) + f"<u>{piece(lo, lo + len(stripped))}</u>"
            + piece(lo + len(stripped), end))


def passage_html(hit: Hit, *, budget: int = EXCERPT_CHARS, number: bool = True,
                 english_title: str = "", sentence: str = "") -> str:
    """One passage for Telegram: bold title; an excerpt with the matched terms bold and the
    best-matching sentence underlined (`sentence`, when given and in the passage: that one,
    the excerpt around it); its document."""
    p = hit.passage
    parts = []
    at = p.text.find(sentence) if sentence else -1
    if at >= 0:
        best: tuple[int, int] | None = (at, at + len(sentence))
        spans = [_safe_cut(p.text, at, min(at + len(sentence), at + budget))]
    else:
        spans = excerpt(p.text, hit.terms, budget)
        best = best_sentence(p.text, hit.terms)
    for i, (start, end) in enumerate(spans):
        if (i == 0 and start > 0) or (i > 0 and start > spans[i - 1][1]):
            parts.append("…")
        parts.append(_marked(p.text, start, end, hit.terms, best))
    if spans and spans[-1][1] < len(p.text.rstrip()):
        parts.append("…")
    prefix = f"{hit.rank}. " if number else ""
    body = "".join(parts).strip()
    title = f"<b>{escape(p.title)}</b>"
    if english_title:
        title += f" · <i>{escape(english_title)}</i>"
    return f"{prefix}{title}\n{body}\n{source_html(p)}"


_AMOUNT = re.compile(r"(?<![\d.])(\d{5,}(?:\.\d+)?)((?:</b>)?)元")


def _readable_amount(value: float, lang: Lang) -> str:
    grouped = grouped_figure(value)
    if lang == Lang.EN:
        scale = f"about {value / 1e6:.1f} million" if value >= 1e6 else f"about {value:,.0f}"
        return f" ({grouped} yuan, {scale} yuan)"
    if value >= 1e8:
        return f"（{grouped} 元，约 {value / 1e8:.2f} 亿元）"
    return f"（{grouped} 元，约 {value / 1e4:.0f} 万元）"


def readable_figures(text: str, lang: Lang = Lang.ZH) -> str:
    """Next to every amount of 10,000 元 or more, a readable form; the exact figure stays as
    published: 27103400.95元 -> 27103400.95元（27,103,400.95 元，约 2710 万元）."""
    def readable(m: re.Match[str]) -> str:
        value = figure_value(m.group(1))
        return m.group() if value is None else \
            f"{m.group(1)}{m.group(2)}元{_readable_amount(value, lang)}"

    return _AMOUNT.sub(readable, text)


_MARKUP = re.compile(r"<(/?)([a-z]+)[^<>]*>|&#?\w+;")
_TAGS_ROOM = 200  # what closing and reopening the tags at a cut may add


def _outside_markup(line: str, cut: int) -> int:
    """`cut`, moved back so that it falls outside any tag (<a href=…>) or entity (&amp;)."""
    for m in _MARKUP.finditer(line, max(0, cut - 1000), cut + 1000):
        if m.start() < cut < m.end():
            return m.start()
    return max(cut, 1)


def _open_tags(html: str) -> list[tuple[str, str]]:
    """The tags still open at the end of `html`: (name, the opening tag as written)."""
    opened: list[tuple[str, str]] = []
    for m in _MARKUP.finditer(html):
        if not m.group(2):
            continue
        if m.group(1):
            for i in range(len(opened) - 1, -1, -1):
                if opened[i][0] == m.group(2):
                    del opened[i]
                    break
        else:
            opened.append((m.group(2), m.group()))
    return opened


def _fit(block: str, limit: int) -> list[str]:
    """A block too long for one message, cut at line ends (a line too long at a sentence end,
    else anywhere), each cut marked with …."""
    if telegram_length(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        while telegram_length(line) > limit - 1:
            room = limit - 1 - _TAGS_ROOM
            cut = max((m.end() for m in _SENTENCE_END.finditer(line, 0, room)), default=0)
            cut = _outside_markup(line, cut or room)
            while telegram_length(line[:cut]) > room:
                cut = _outside_markup(line, cut - 1)
            opened = _open_tags(line[:cut])
            pieces.append(line[:cut] + "…" + "".join(f"</{name}>" for name, _ in
                                                    reversed(opened)))
            line = "".join(tag for _, tag in opened) + line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if current and telegram_length(candidate) > limit - 1:
            pieces.append(current + "…")
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def split_messages(blocks: list[str], *, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join blocks with blank lines into as few messages as fit `limit`; a block too long for
    one message is cut at line or sentence ends (marked …)."""
    messages: list[str] = []
    current = ""
    for block in (piece for b in blocks for piece in _fit(b, limit)):
        candidate = f"{current}\n\n{block}" if current else block
        if current and telegram_length(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def localise(html: str, locale: Locale, convert: TraditionalConverter) -> str:
    """A reply as the reader should see it: readable figures in their language, Chinese in
    their script (with the corpus's corrections)."""
    return convert.convert(readable_figures(html, locale.lang), locale.script)
