"""What the bot sends, composed without sending: a page of an answer, /about, an inline result.

Pure functions of a Searcher (or IndexInfo) and a Locale; no Telegram types, so they are tested
without a bot and the handlers in `bot` only send what these return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chinese_script import TraditionalConverter
from .engine import IndexInfo
from .render import escape, excerpt, localise, passage_html, source_html, split_messages
from .search import Searcher
from .types import Hit, Lang, Locale, Results
from .ui_text import read_as_text, ui_text

PAGE = 2  # passages a reply shows: short on a phone; more behind a button
EXCERPT = 200  # characters of a passage a reply shows around its matched sentences
ABOUT_DOCUMENTS = 30  # documents /about lists by title


@dataclass(frozen=True)
class Reply:
    """A page of an answer: its hits, the HTML messages that show them (or the no-answer
    text), whether a next page exists, and the question it answered (for a follow-up, the
    previous one it was read with)."""

    hits: list[Hit]
    messages: list[str]
    more: bool
    subject: str


def compose_reply(searcher: Searcher, question: str, locale: Locale, offset: int = 0,
                  after: str | None = None) -> Reply:
    """The page of the answer to `question` that starts at `offset`: on the first page the
    answer sentence first, then the passages, each trimmed around its matched sentences.
    `after`: the asker's previous question, for a follow-up."""
    results = searcher.ask(question, k=PAGE + 1, offset=offset, with_answer=offset == 0,
                           after=after, english=locale.lang == Lang.EN)
    subject = results.read_with or question
    more, hits = len(results.hits) > PAGE, results.hits[:PAGE]
    convert = searcher.traditional
    if not hits:
        key = "no_more" if offset else "no_answer"
        return Reply([], [localise(ui_text(key, locale.lang), locale, convert)], False, subject)
    blocks = [localise(passage_html(h, budget=EXCERPT, english_title=english_title(
        searcher, h, locale)), locale, convert) for h in hits]
    if results.answer is not None:
        blocks.insert(0, localise(answer_html(searcher, results, locale), locale, convert))
    return Reply(hits, split_messages(blocks), more, subject)


def english_title(searcher: Searcher, hit: Hit, locale: Locale) -> str:
    """The passage title's English, for a reader of English ("" for others, or when the
    title is English already: a gloss is of Chinese)."""
    return searcher.gloss(hit.passage.title) if locale.lang == Lang.EN else ""


def answer_html(searcher: Searcher, results: Results, locale: Locale) -> str:
    """The answer sentence with its label, after how mistyped words were read (if they were);
    under it, for a reader of English, its English gloss."""
    assert results.answer is not None
    html = f"<b>{ui_text('answer', locale.lang)}</b>{escape(results.answer.text)}"
    gloss = searcher.gloss(results.answer.text) if locale.lang == Lang.EN else ""
    if gloss:
        html += f"\n<i>{escape(ui_text('gloss', locale.lang))}{escape(gloss)}</i>"
    if results.read_as:
        html = f"<i>{escape(read_as_text(results.read_as, locale.lang))}</i>\n{html}"
    return html


def full_passage_html(searcher: Searcher, key: str, locale: Locale) -> list[str]:
    """The messages that show a passage whole (the "full text" button), found by the hash
    its id ends with; none when it is gone (the corpus changed)."""
    # the hash of the id, and "-2", "-3" for a repeat of the same text in one document
    if not re.fullmatch(r"[0-9a-f]{1,16}(?:-[0-9]{1,5})?", key):
        return []
    passages = searcher.index.passages
    at = next((i for i, p in enumerate(passages) if p.id.endswith(f"#{key}")), None)
    if at is None:
        return []
    found = passages[at]
    # an item of a list paragraph is shown with the rest of its paragraph
    text = "".join(passages[i].text for i in searcher.paragraph_of(at))
    html = f"<b>{escape(found.title)}</b>\n{escape(text)}\n{source_html(found)}"
    return split_messages([localise(html, locale, searcher.traditional)])


def interface_html(key: str, locale: Locale, convert: TraditionalConverter,
                   **values: object) -> str:
    """One interface text as the reader should see it."""
    return localise(ui_text(key, locale.lang, **values), locale, convert)


def about_html(info: IndexInfo, locale: Locale, convert: TraditionalConverter) -> str:
    """/about: how many documents and passages, when built, and the documents' titles."""
    lines = [ui_text("about", locale.lang, documents=len(info.documents),
                     passages=info.passages, built_at=info.built_at)]
    lines += [f"• {d.title} ({d.passages})" for d in info.documents[:ABOUT_DOCUMENTS]]
    return localise(escape("\n".join(lines)), locale, convert)


def snippet(hit: Hit, chars: int = 100) -> str:
    """A one-line preview of a hit, for an inline result's description."""
    spans = excerpt(hit.passage.text, hit.terms, chars)
    return " … ".join(hit.passage.text[a:b].strip() for a, b in spans)[:chars]


@dataclass(frozen=True)
class InlineAnswer:
    """One inline result: a title, a one-line preview, and the message it sends."""

    id: str
    title: str
    description: str
    html: str


def compose_inline(searcher: Searcher, question: str, locale: Locale,
                   k: int = 5) -> list[InlineAnswer]:
    """Inline results ranked as in a chat, in the reader's script with readable figures; the
    first one starts with the answer sentence."""
    results = searcher.ask(question, k=k, english=locale.lang == Lang.EN)
    convert = searcher.traditional
    answers = []
    for hit in results.hits:
        english = english_title(searcher, hit, locale)
        html = passage_html(hit, number=False, english_title=english)
        if hit.rank == 1 and results.answer is not None:
            html = f"{answer_html(searcher, results, locale)}\n\n{html}"
        answers.append(InlineAnswer(
            id=str(hit.rank),
            title=(convert.convert(hit.passage.title, locale.script)
                   + (f" · {english}" if english else ""))[:100],
            description=localise(snippet(hit), locale, convert)[:200],
            html=localise(html, locale, convert)))
    return answers
