"""The information and admin screens for a phone, in the reader's language and script:
/about (with a readable date), /documents, /stats (short lines: count · question · verdict).

Telegram HTML, composed without sending and without Telegram types; the handlers in `admin`
send what these return.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from cepf_bot.analysis.english_forms import MONTHS
from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.querylog import LogSummary
from cepf_bot.reply.render import escape, linked, localise, split_messages
from cepf_bot.reply.reports import printable
from cepf_bot.reply.texts import ui_text
from cepf_bot.types import IndexInfo, Lang, Locale

ABOUT_DOCUMENTS = 10  # documents /about lists by title, then how many more
ABOUT_TITLE_CHARS = 60  # a longer title is cut on /about (…): the screen stays phone-sized
STATS_QUESTION_CHARS = 60  # a longer logged question is cut on /stats (…)
CHINA = timezone(timedelta(hours=8), "UTC+8")  # the foundation's, Taiwan's and Hong Kong's time


def readable_date(iso: str, lang: Lang) -> str:
    """An index's ISO time as a person reads it: 2026年12月1日 12:08（UTC+8）for a reader of
    Chinese, 1 December 2026, 04:08 UTC for a reader of English; as given when unreadable."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if lang == Lang.ZH:
        local = when.astimezone(CHINA)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（UTC+8）"
    utc = when.astimezone(UTC)
    return f"{utc.day} {MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M} UTC"


def about_html(info: IndexInfo, locale: Locale, convert: TraditionalConverter) -> str:
    """/about: how many documents and passages, when built, and the first documents' titles
    (cut short), then how many more: one short message whatever the corpus (35 documents of
    long titles made 4,476 characters, over Telegram's 4,096)."""
    lines = [ui_text("about", locale.lang, documents=len(info.documents),
                     passages=info.passages, built_at=readable_date(info.built_at, locale.lang))]
    for d in info.documents[:ABOUT_DOCUMENTS]:
        title = d.title if len(d.title) <= ABOUT_TITLE_CHARS else (
            d.title[: ABOUT_TITLE_CHARS - 1] + "…")
        lines.append(f"• {title} ({d.passages})")
    if (more := len(info.documents) - ABOUT_DOCUMENTS) > 0:
        lines.append(ui_text("about_more", locale.lang, more=more))
    return localise(escape("\n".join(lines)), locale, convert)


def documents_html(info: IndexInfo, locale: Locale, convert: TraditionalConverter) -> list[str]:
    """/documents: every document — its title (a link when it has one), format and passage
    count — one short line each."""
    lang = locale.lang
    head = ui_text("documents_head", lang, documents=len(info.documents),
                   passages=info.passages)
    lines = [f"<b>{escape(head)}</b>"]
    lines += ["• " + linked(escape(d.title), d.url) + " · " + escape(ui_text(
        "documents_line", lang, format=d.format.upper(), passages=d.passages))
        for d in info.documents]
    return [convert.convert(part, locale.script) for part in split_messages(lines)]


def stats_html(summary: LogSummary, locale: Locale,
               convert: TraditionalConverter) -> list[str]:
    """/stats: the totals, then one short line per question — how often · the question · what
    went wrong (unanswered, only the closest passages, or voted 👎) — most frequent first; no
    columns, no passage ids."""
    lang = locale.lang
    share = f"{summary.answered / summary.questions:.0%}" if summary.questions else "–"
    lines = [escape(ui_text("stats_head", lang, questions=summary.questions, share=share,
                            up=summary.thumbs_up, down=summary.thumbs_down))]
    rows = [(m, "stats_unanswered") for m in summary.unanswered]
    rows += [(m, "stats_closest") for m in summary.closest]
    rows += [(m, "stats_down_voted") for m in summary.down_voted]
    rows.sort(key=lambda row: (-row[0].count, -row[0].last_at))
    if not rows:
        lines.append(escape(ui_text("stats_none", lang)))
    for missing, verdict in rows:
        question = printable(missing.question)
        if len(question) > STATS_QUESTION_CHARS:
            question = question[:STATS_QUESTION_CHARS] + "…"
        lines.append(f"{missing.count}× · {escape(question)} · {ui_text(verdict, lang)}")
    return [convert.convert(part, locale.script) for part in split_messages(["\n".join(lines)])]
