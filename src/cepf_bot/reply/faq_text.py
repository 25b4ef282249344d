"""The staff's answers as a person reads them: the FAQ block of a reply, the notice to an
asker, an admin's preview and the list of pairs. The staff's text is escaped, never read as
HTML, and shown as typed (not converted to another script: it is quoted, like a passage)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cepf_bot.analysis.english_forms import MONTHS
from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.reply.render import escape, linked, split_messages, terminal_hit
from cepf_bot.reply.texts import ui_text
from cepf_bot.types import FaqPair, Lang, Locale, Results

LIST_QUESTION_CHARS = 60  # a longer question is cut in /faq's list (…)


def faq_date(iso: str, lang: Lang) -> str:
    """A pair's date as a person reads it: 2026年12月1日, 1 December 2026 ("" when none)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return ""
    if lang == Lang.ZH:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def faq_html(pair: FaqPair, locale: Locale, convert: TraditionalConverter) -> str:
    """「常见问题 · 2026年12月1日」 in bold (a link to the pair's source when it has one), then
    the staff's answer verbatim, escaped."""
    when = faq_date(pair.date, locale.lang)
    label = ui_text("faq_label", locale.lang) + (f" · {when}" if when else "")
    head = convert.convert(f"<b>{linked(escape(label), pair.source)}</b>", locale.script)
    return f"{head}\n{escape(pair.answer)}"


def faq_terminal(results: Results, *, color: bool, locale: Locale,
                 convert: TraditionalConverter) -> str:
    """A reply with a staff's answer as plain text for `cepf-bot ask`: the label and date, the
    answer as typed, its link, then the passages that add to it."""
    assert results.faq is not None
    pair = results.faq
    when = faq_date(pair.date, locale.lang)
    label = convert.convert(ui_text("faq_label", locale.lang), locale.script)
    block = (label + (f" · {when}" if when else "") + f"\n{pair.answer}"
             + (f"\n{pair.source}" if pair.source else ""))
    hits = [convert.convert(terminal_hit(h, color, locale.lang), locale.script)
            for h in results.hits]
    return "\n\n".join([block, *hits])


def notice_html(question: str, pair: FaqPair, locale: Locale,
                convert: TraditionalConverter) -> list[str]:
    """What an asker who pressed "Tell me when staff answer" gets: their question, then the
    staff's answer."""
    head = filled("faq_notified", locale, convert, question=question)
    return split_messages([head, faq_html(pair, locale, convert)])


def filled(key: str, locale: Locale, convert: TraditionalConverter, **values: object) -> str:
    """An interface string in the reader's script with `values` put in as typed, escaped:
    a person's own words are never converted to another script."""
    template = convert.convert(escape(ui_text(key, locale.lang)), locale.script)
    return template.format(**{k: escape(str(v)) for k, v in values.items()})


def preview_html(question: str, answer: str, wordings: Sequence[str], locale: Locale,
                 convert: TraditionalConverter) -> list[str]:
    """An admin's preview: asked as …, the bot will answer: …, with the wordings it matches."""
    return split_messages([filled("faq_preview", locale, convert, question=question,
                                  answer=answer, wordings=" / ".join(wordings))])


def faq_list_html(pairs: Sequence[FaqPair], locale: Locale,
                  convert: TraditionalConverter) -> str:
    """/faq's head line: how many pairs (each pair is one button below it)."""
    key = "faq_list_head" if pairs else "faq_list_none"
    return filled(key, locale, convert, count=len(pairs))


def pair_label(pair: FaqPair) -> str:
    """A pair's question as a button shows it."""
    question = pair.question
    return question if len(question) <= LIST_QUESTION_CHARS else \
        question[:LIST_QUESTION_CHARS - 1] + "…"


def faq_list_text(pairs: Sequence[FaqPair], folder: object) -> str:
    """`cepf-bot faq list`: each pair's id, question, file and line, date, wordings, link, and
    its answer's first line."""
    if not pairs:
        return f"no questions and answers in {folder} (faq.md, *.faq.md)"
    lines = []
    for pair in pairs:
        lines.append(f"[{pair.id}] {pair.question}  ({pair.file}:{pair.line}, "
                     f"{pair.date or 'no date'})")
        lines += [f"    also: {wording}" for wording in pair.also]
        lines += [f"    source: {pair.source}"] if pair.source else []
        first = pair.answer.splitlines()[0]
        cut = len(first) > LIST_QUESTION_CHARS * 2 or "\n" in pair.answer
        lines.append(f"    {first[:LIST_QUESTION_CHARS * 2]}{'…' if cut else ''}")
    return "\n".join(lines)
