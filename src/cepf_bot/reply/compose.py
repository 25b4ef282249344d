"""What the bot sends, composed without sending: a page of an answer, /about, an inline result.

Pure functions of a Searcher (or IndexInfo) and a Locale; no Telegram types, so they are tested
without a bot and the handlers in `bot` only send what these return.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.reply.answer_text import AnswerText, answer_text
from cepf_bot.reply.faq_text import faq_html
from cepf_bot.reply.render import (
    escape,
    excerpt,
    localise,
    passage_html,
    source_html,
    split_messages,
    term_spans,
)
from cepf_bot.reply.texts import read_as_text, ui_text
from cepf_bot.search.conversation import small_talk, suggestions
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import FaqPair, Hit, Lang, Locale, Results, Verdict

PAGE = 2  # passages a reply shows: short on a phone; more behind a button
EXCERPT = 120  # characters of a passage a reply shows around its matched sentences


@dataclass(frozen=True)
class Reply:
    """A page of an answer: its hits, the HTML messages that show them (or the no-answer
    text), whether a next page exists, the question it answered (for a follow-up, the
    previous one it was read with), and the verdict. A turn of a conversation also says
    whether it was small talk (its kind) and which example questions to offer (their
    positions in the examples it was given)."""

    hits: list[Hit]
    messages: list[str]
    more: bool
    subject: str
    verdict: Verdict = Verdict.ANSWER
    small_talk: str = ""
    suggested: tuple[int, ...] = ()
    faq: FaqPair | None = None  # the staff's pair that answers it


GREETING_EXAMPLES = (0, 1, 2)  # the example questions small talk offers


def compose_turn(searcher: Searcher, question: str, locale: Locale, *,
                 examples: Sequence[str], after: str | None = None, offset: int = 0) -> Reply:
    """One message of a conversation, in one call: small talk gets its short reply (and the
    first examples), a question its page at `offset`; a page without passages also the
    `examples` closest to it. What a private chat, a group and the terminal chat send."""
    if offset == 0 and (kind := small_talk(searcher, question)):
        html = interface_html(f"chat_{kind}", locale, searcher.traditional)
        return Reply([], [html], False, question, Verdict.NONE, small_talk=str(kind),
                     suggested=GREETING_EXAMPLES[:len(examples)])
    page = compose_reply(searcher, question, locale, offset, after)
    if page.hits or page.faq:
        return page
    return replace(page, suggested=tuple(suggestions(searcher, page.subject, examples)))


def compose_reply(searcher: Searcher, question: str, locale: Locale, offset: int = 0,
                  after: str | None = None) -> Reply:
    """The page of the answer to `question` that starts at `offset`: on the first page the
    answer first (for `closest`, one line that says the text has no exact answer), then the
    passages, each trimmed around its matched sentences, the best one underlined.
    `after`: the asker's previous question, for a follow-up."""
    results = searcher.ask(question, k=PAGE + 1, offset=offset, with_answer=offset == 0,
                           after=after, english=locale.lang == Lang.EN)
    subject = results.read_with or question
    more, hits = len(results.hits) > PAGE, results.hits[:PAGE]
    convert = searcher.traditional
    if results.faq is not None and offset == 0:  # the staff's answer first
        blocks = [faq_html(results.faq, locale, convert)]
        blocks += [localise(passage_html(h, budget=EXCERPT, english_title=english_title(
            results, h, locale)), locale, convert) for h in hits]
        return Reply(hits, split_messages(blocks), more, subject, results.verdict,
                     faq=results.faq)
    if not hits:
        key = "no_more" if offset else "no_answer"
        return Reply([], [localise(ui_text(key, locale.lang), locale, convert)], False, subject,
                     results.verdict)
    answer = results.answer if results.verdict == Verdict.ANSWER else None
    closest = results.answer if results.verdict == Verdict.CLOSEST else None
    blocks = []
    for hit in hits:
        h = hit
        if answer is not None and h.passage.id == answer.passage_id:
            rest = without_answer(h, answer.text)  # the answer is not shown twice
            if rest is None:
                continue
            h = rest
        # the closest sentence is shown, underlined, in its passage
        sentence = closest.text if closest and h.passage.id == closest.passage_id else ""
        blocks.append(localise(passage_html(h, budget=EXCERPT, english_title=english_title(
            results, h, locale), sentence=sentence), locale, convert))
    if offset == 0 and results.verdict == Verdict.CLOSEST:
        blocks.insert(0, interface_html("closest", locale, convert))
    elif answer is not None:
        blocks.insert(0, answer_html(searcher, results, locale))
    return Reply(hits, split_messages(blocks), more, subject, results.verdict)


MIN_REST_CHARS = 12  # less of a passage than this beside its answer sentence is not shown


def without_answer(hit: Hit, sentence: str) -> Hit | None:
    """The hit with its answer sentence taken out of its text (what else the passage says),
    or None when little else is left, or nothing else the question asks about."""
    p = hit.passage
    at = p.text.find(sentence)
    if at < 0:
        return hit
    rest = (p.text[:at].rstrip() + ("\n" if at else "") + p.text[at + len(sentence):].lstrip())
    if len(rest.strip(" \n•·-*")) < MIN_REST_CHARS or not term_spans(rest, hit.terms):
        return None
    return replace(hit, passage=replace(p, text=rest.strip()))


ENGLISH_TITLE_CHARS = 70  # a longer gloss of a title is left out: the phone shows the title


def english_title(results: Results, hit: Hit, locale: Locale) -> str:
    """The passage title's English, for a reader of English ("" for others, when the title is
    English already — a gloss is of Chinese — or when the gloss would be long)."""
    title = results.english.get(hit.passage.title, "") if locale.lang == Lang.EN else ""
    return title if len(title) <= ENGLISH_TITLE_CHARS else ""


def answer_lines(searcher: Searcher, results: Results, locale: Locale) -> AnswerText:
    """The answer's lines for this reader (the fact first, its quote, the English line)."""
    assert results.answer is not None
    terms = results.hits[0].terms if results.hits else ()
    return answer_text(results.answer, locale.lang, terms=terms,
                       gloss=lambda text: results.english.get(text, ""),
                       renderings=searcher.index.meta.renderings)


def answer_html(searcher: Searcher, results: Results, locale: Locale) -> str:
    """The fact with its label, then the sentence it is from in quotes and, when the answer's
    passage says nothing else, its source; after how mistyped words were read (if they were);
    for a reader of English, the English line. Localised already: readable figures on the
    first line only (the quote is as published)."""
    assert results.answer is not None
    convert = searcher.traditional
    lines = answer_lines(searcher, results, locale)
    label = ui_text("answer", locale.lang)
    if lines.quote:
        html = localise(f"<b>{escape(label + lines.first)}</b>", locale, convert)
        html += "\n" + convert.convert(f"「{escape(lines.quote)}」", locale.script)
    else:
        html = localise(f"<b>{escape(label)}</b>{escape(lines.first)}", locale, convert)
    answered = next((h for h in results.hits if h.passage.id == results.answer.passage_id),
                    None)
    if answered is not None and without_answer(answered, results.answer.text) is None:
        html += "\n" + convert.convert(source_html(answered.passage), locale.script)
    if lines.english:
        html += f"\n<i>{escape(lines.english)}</i>"
    if results.read_as:
        read_as = localise(escape(read_as_text(results.read_as, locale.lang)), locale, convert)
        html = f"<i>{read_as}</i>\n{html}"
    return html


def full_passage_html(searcher: Searcher, key: str, locale: Locale) -> list[str]:
    """The messages that show a passage whole (the "full text" button), found by the hash
    its id ends with; none when it is gone (the corpus changed)."""
    # the hash of the id, and "-2", "-3" for a repeat of the same text in one document
    if not re.fullmatch(r"[0-9a-f]{1,16}(?:-[0-9]{1,5})?", key):
        return []
    passages = searcher.index.passages
    at = searcher.passage_keys.get(key)
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


def plain_interface(key: str, locale: Locale, convert: TraditionalConverter,
                    **values: object) -> str:
    """One interface text with no markup (a toast, a button), in the reader's script."""
    return convert.convert(ui_text(key, locale.lang, **values), locale.script)


_BOUNDARY = set("。！？!?；;，,、：:\n ()（）《》“”")


def _word_start(text: str, at: int, reach: int = 30) -> int:
    """`at`, moved to where a sentence, clause or word starts: back to the nearest boundary
    within `reach` characters, else on to the next one."""
    if at <= 0 or text[at - 1] in _BOUNDARY:
        return max(at, 0)
    for back in range(at - 1, max(at - reach, 0) - 1, -1):
        if back == 0 or text[back - 1] in _BOUNDARY:
            return back
    return next((i + 1 for i in range(at, len(text)) if text[i] in _BOUNDARY), at)


def snippet(hit: Hit, chars: int = 100) -> str:
    """A one-line preview of a hit, for an inline result's description: its best sentences,
    each starting at a sentence, clause or word boundary, cut at one (…)."""
    text = hit.passage.text
    pieces = [text[_word_start(text, a):b].strip() for a, b in excerpt(text, hit.terms, chars)]
    line = " … ".join(p for p in pieces if p)
    if len(line) > chars:
        cut = max((i for i in range(chars // 2, chars) if line[i] in _BOUNDARY), default=chars)
        line = line[:cut].rstrip(" ,，、") + "…"
    return line


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
    first one starts with the answer (for `closest`, the line that says the text has no exact
    answer)."""
    results = searcher.ask(question, k=k, english=locale.lang == Lang.EN)
    convert = searcher.traditional
    answers = []
    answer = results.answer if results.verdict == Verdict.ANSWER else None
    for hit in results.hits:
        english = english_title(results, hit, locale)
        shown: Hit | None = hit
        if answer is not None and hit.rank == 1 and hit.passage.id == answer.passage_id:
            shown = without_answer(hit, answer.text)  # the answer is not sent twice
        html = localise(passage_html(shown, number=False, english_title=english), locale,
                        convert) if shown is not None else ""
        if hit.rank == 1 and results.verdict == Verdict.CLOSEST:
            html = f"{interface_html('closest', locale, convert)}\n\n{html}"
        elif hit.rank == 1 and answer is not None:
            html = "\n\n".join(p for p in (answer_html(searcher, results, locale), html) if p)
        answers.append(InlineAnswer(
            id=str(hit.rank),
            title=(convert.convert(hit.passage.title, locale.script)
                   + (f" · {english}" if english else ""))[:100],
            description=localise(snippet(hit), locale, convert)[:200],
            html=html))
    return answers
