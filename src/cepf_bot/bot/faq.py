"""Staff answer from Telegram what the documents don't.

In /stats an admin presses **Answer** under a question nobody got an answer to ("fa:<token>"),
sends the answer's text, and gets a preview — asked as …, the bot will answer: …, the wordings
it matches — with **Add** and **Cancel** ("fq:add:<token>", "fq:no:<token>"). Add writes the
pair into `corpus/faq.md` whole and reindexes (`Engine.add_faq`, under the writer lock), takes
the question off the unanswered list and tells everyone who pressed **Tell me when staff
answer** ("nt") under a question the new pair answers. /faq lists the pairs with a **Remove**
button each ("fr:<id>"). Only admins; an answer waits, and a preview waits for its button,
`preview_seconds` (CEPF_PREVIEW_SECONDS).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from cepf_bot.bot.access import require_admin, require_admin_press
from cepf_bot.bot.send import cosmetic, locale_of, question_of, say, send, toast
from cepf_bot.bot.state import BotContext, FaqDraft
from cepf_bot.corpus.faq import MAX_ANSWER_CHARS, pair_id, utf16_length
from cepf_bot.errors import CorpusError, os_error_line
from cepf_bot.querylog import LogSummary
from cepf_bot.reply.compose import plain_interface
from cepf_bot.reply.faq_text import faq_list_html, filled, notice_html, pair_label, preview_html
from cepf_bot.reply.render import escape
from cepf_bot.types import FaqPair, Lang, Locale, Script, Verdict

log = logging.getLogger("cepf_bot.bot")

MAX_OFFERED = 200  # questions /stats offered an Answer button for, kept by token
MAX_DRAFTS = 8
BUTTON_QUESTION_CHARS = 40  # a question on a button is cut (…)


def _short(text: str, chars: int = BUTTON_QUESTION_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def answer_buttons(context: BotContext, summary: LogSummary,
                   locale: Locale) -> InlineKeyboardMarkup | None:
    """An **Answer** button for each unanswered or closest-only question of /stats (callback:
    a short token the bot keeps with the question)."""
    offered = context.bot_data.faq_questions
    convert = context.bot_data.engine.searcher.traditional
    label = plain_interface("faq_answer", locale, convert)
    rows = []
    for missing in [*summary.unanswered, *summary.closest]:
        token = pair_id(missing.question)
        offered[token] = missing.question
        offered.move_to_end(token)
        rows.append([InlineKeyboardButton(f"{label}: {_short(missing.question)}",
                                          callback_data=f"fa:{token}")])
    while len(offered) > MAX_OFFERED:
        offered.popitem(last=False)
    return InlineKeyboardMarkup(rows) if rows else None


def _expired(context: BotContext, at: float) -> bool:
    return time.monotonic() - at > context.bot_data.settings.preview_seconds


async def answer_button(update: Update, context: BotContext) -> None:
    """"fa:<token>": an admin starts answering a question; the next text they send is it."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if not await require_admin_press(update, context, "an FAQ answer button"):
        return
    question = context.bot_data.faq_questions.get((query.data or "").partition(":")[2])
    message = query.message if isinstance(query.message, Message) else None
    if question is None or message is None:
        await toast(update, context, "expired")
        return
    await cosmetic("answering a button", query.answer())
    context.bot_data.faq_awaiting[user.id] = FaqDraft(user.id, question, time.monotonic())
    minutes = round(context.bot_data.settings.preview_seconds / 60)
    await send(message, filled("faq_prompt", locale_of(update),
                               context.bot_data.engine.searcher.traditional,
                               question=question, minutes=minutes))


async def take_answer(update: Update, context: BotContext) -> bool:
    """An admin's text while they answer a question: the preview with Add and Cancel.
    False when the text is not an answer (a question, to be answered as usual)."""
    message, user = update.effective_message, update.effective_user
    state = context.bot_data
    if message is None or user is None or user.id not in state.settings.admin_ids:
        return False
    draft = state.faq_awaiting.pop(user.id, None)
    if draft is None:
        return False
    if _expired(context, draft.at):
        await say(update, context, message, "expired")
        return True
    text = (message.text or "").strip()
    if utf16_length(text) > MAX_ANSWER_CHARS:
        state.faq_awaiting[user.id] = draft  # send it again, shorter
        await say(update, context, message, "faq_too_long", length=utf16_length(text),
                  limit=MAX_ANSWER_CHARS)
        return True
    drafts = state.faq_drafts
    for token in [t for t, d in drafts.items() if _expired(context, d.at)]:
        drafts.pop(token)
    while len(drafts) >= MAX_DRAFTS:
        drafts.popitem(last=False)
    token = secrets.token_hex(6)
    drafts[token] = FaqDraft(user.id, draft.question, time.monotonic(), text)
    locale = locale_of(update)
    convert = state.engine.searcher.traditional
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(plain_interface("faq_add", locale, convert),
                             callback_data=f"fq:add:{token}"),
        InlineKeyboardButton(plain_interface("faq_cancel", locale, convert),
                             callback_data=f"fq:no:{token}")]])
    parts = preview_html(draft.question, text, [draft.question], locale, convert)
    for i, part in enumerate(parts):
        await send(message, part, reply_markup=buttons if i == len(parts) - 1 else None)
    return True


async def cancel_command(update: Update, context: BotContext) -> None:
    """/cancel: stop answering a question (nothing is written)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    context.bot_data.faq_awaiting.pop(user.id, None)
    await say(update, context, message, "faq_cancelled")


async def preview_button(update: Update, context: BotContext) -> None:
    """"fq:add:<token>" or "fq:no:<token>": only the admin who wrote the answer decides."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if not await require_admin_press(update, context, "an FAQ preview button"):
        return
    parts = (query.data or "").split(":")
    action, token = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    drafts = context.bot_data.faq_drafts
    draft = drafts.get(token)
    message = query.message if isinstance(query.message, Message) else None
    if (draft is None or message is None or action not in ("add", "no")
            or _expired(context, draft.at)):
        drafts.pop(token, None)
        await toast(update, context, "expired")
        return
    if user.id != draft.user_id:
        await toast(update, context, "faq_not_yours")
        return
    drafts.pop(token)
    await cosmetic("answering a button", query.answer())
    await cosmetic("removing the buttons", message.edit_reply_markup(None))
    if action == "no":
        await say(update, context, message, "faq_cancelled")
        return
    await _add(update, context, message, draft)


async def _add(update: Update, context: BotContext, message: Message,
               draft: FaqDraft) -> None:
    state = context.bot_data
    pair = FaqPair(pair_id(draft.question), draft.question, (), draft.answer,
                   date=datetime.now(UTC).date().isoformat())
    await cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    try:  # written whole and reindexed under the writer lock; put back on any failure
        await asyncio.to_thread(state.engine.add_faq, pair)
    except (CorpusError, OSError) as e:
        error = os_error_line(e) if isinstance(e, OSError) else str(e)
        log.warning("FAQ answer by admin %s not added: %s", draft.user_id, error)
        await say(update, context, message, "faq_failed", error=escape(error))
        return
    if state.query_log is not None:
        await asyncio.to_thread(state.query_log.answered_by, draft.question, pair.id)
    notified = await tell_waiting(context, pair)
    log.info("FAQ pair %s added by admin %s; %d askers told", pair.id, draft.user_id, notified)
    await say(update, context, message, "faq_added", notified=notified)


async def tell_waiting(context: BotContext, pair: FaqPair) -> int:
    """Send the new pair's answer to everyone waiting for a question it answers, then forget
    them; how many were told."""
    waiting = context.bot_data.waiting
    if waiting is None:
        return 0
    searcher = context.bot_data.engine.searcher
    rows = await asyncio.to_thread(waiting.pending)
    told = []
    for row in rows:
        results = await asyncio.to_thread(searcher.ask, row.question)
        if results.faq is None or results.faq.id != pair.id:
            continue
        locale = _locale(row.locale)
        try:
            for part in notice_html(row.question, pair, locale, searcher.traditional):
                await context.bot.send_message(row.chat_id, part)
        except TelegramError as e:  # blocked the bot, left: forgotten all the same
            log.warning("could not tell a waiting asker: %s", e)
        told.append(row.id)
    await asyncio.to_thread(waiting.forget, told)
    return len(told)


def _locale(text: str) -> Locale:
    lang, _, script = text.partition(":")
    try:
        return Locale(Lang(lang), Script(script))
    except ValueError:
        return Locale()


def notify_button(context: BotContext, locale: Locale,
                  verdict: Verdict) -> list[InlineKeyboardButton]:
    """**Tell me when staff answer**, under a `closest` or `none` reply (none when the list
    is off)."""
    if context.bot_data.waiting is None or verdict == Verdict.ANSWER:
        return []
    convert = context.bot_data.engine.searcher.traditional
    return [InlineKeyboardButton(plain_interface("faq_notify", locale, convert),
                                 callback_data=f"nt:{locale.lang}:{locale.script}")]


async def notify_pressed(update: Update, context: BotContext) -> None:
    """"nt:<lang>:<script>": keep the chat with the question the reply above answered."""
    query = update.callback_query
    state = context.bot_data
    message = query.message if query is not None and isinstance(query.message, Message) \
        else None
    if query is None or message is None or state.waiting is None:
        return
    # the question the reply answered; the reply quotes it (the memory of sent answers may not
    # have it yet: the button can be pressed before the answer's last message is noted)
    question = state.answered.recall((message.chat_id, message.message_id)) or question_of(
        message.reply_to_message, context.bot.username or "")
    if not question:
        await toast(update, context, "expired")
        return
    await asyncio.to_thread(state.waiting.add, message.chat_id, question,
                            (query.data or "").partition(":")[2])
    await toast(update, context, "faq_notify_ok")


async def faq_command(update: Update, context: BotContext) -> None:
    """/faq (admins): the pairs, each with a **Remove** button."""
    message = update.effective_message
    if message is None:
        return
    if not await require_admin(update, context, "/faq"):
        return
    await _send_list(update, context, message)


async def _send_list(update: Update, context: BotContext, message: Message) -> None:
    engine = context.bot_data.engine
    locale = locale_of(update)
    pairs = engine.faq
    label = plain_interface("faq_remove", locale, engine.searcher.traditional)
    rows = [[InlineKeyboardButton(f"{label}: {_short(pair_label(p))}",
                                  callback_data=f"fr:{p.id}")] for p in pairs]
    await send(message, faq_list_html(pairs, locale, engine.searcher.traditional),
               reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def remove_button(update: Update, context: BotContext) -> None:
    """"fr:<id>": an admin removes a pair; the file is written whole and reindexed."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    if not await require_admin_press(update, context, "an FAQ remove button"):
        return
    wanted = (query.data or "").partition(":")[2]
    pair = next((p for p in context.bot_data.engine.faq if p.id == wanted), None)
    if pair is None or message is None:
        await toast(update, context, "expired")
        return
    await cosmetic("answering a button", query.answer())
    await cosmetic("removing the buttons", message.edit_reply_markup(None))
    try:
        await asyncio.to_thread(context.bot_data.engine.remove_faq, pair.id)
    except (CorpusError, OSError) as e:
        error = os_error_line(e) if isinstance(e, OSError) else str(e)
        await say(update, context, message, "faq_failed", error=escape(error))
        return
    log.info("FAQ pair %s removed by admin %s", pair.id, user.id)
    await send(message, filled("faq_removed", locale_of(update),
                               context.bot_data.engine.searcher.traditional,
                               question=pair.question))
