"""Admin and information commands: /about, /reindex, /stats (with an Answer button for each
question: `faq`), /documents."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.constants import ChatAction

from cepf_bot.bot.access import require_admin
from cepf_bot.bot.faq import answer_buttons
from cepf_bot.bot.send import cosmetic, locale_of, say, send
from cepf_bot.bot.state import BotContext
from cepf_bot.errors import CepfError, os_error_line
from cepf_bot.reply.render import escape
from cepf_bot.reply.screens import about_html, documents_html, stats_html

log = logging.getLogger("cepf_bot.bot")


async def about(update: Update, context: BotContext) -> None:
    """What the bot knows: documents, passages, when the index was built."""
    message = update.effective_message
    if message is None:
        return
    engine = context.bot_data.engine
    await send(message, about_html(engine.info(), locale_of(update),
                                                     engine.searcher.traditional))


async def reindex_command(update: Update, context: BotContext) -> None:
    """Admins only: rebuild from the corpus folder and swap the index in without a restart."""
    state = context.bot_data
    user = update.effective_user
    message = update.effective_message
    if not await require_admin(update, context, "/reindex") or user is None or message is None:
        return
    await cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    started = time.perf_counter()
    try:
        info = await asyncio.to_thread(state.engine.reindex, warm_up=True)
    except (CepfError, OSError) as e:  # a bad corpus; an index of a newer cepf-bot
        error = os_error_line(e) if isinstance(e, OSError) else str(e)
        log.warning("reindex by admin %s failed: %s", user.id, error)
        await say(update, context, message, "reindex_failed", error=escape(error))
        return
    seconds = time.perf_counter() - started
    log.info("reindexed by admin %s: %d documents, %d passages in %.2fs", user.id,
             len(info.documents), info.passages, seconds)
    await say(update, context, message, "reindex_ok", documents=len(info.documents),
              passages=info.passages, seconds=seconds,
              formats=info.by_format().upper())


async def documents(update: Update, context: BotContext) -> None:
    """Admins only: every document with its format, passage count and link."""
    message = update.effective_message
    if not await require_admin(update, context, "/documents") or message is None:
        return
    engine = context.bot_data.engine
    for part in documents_html(engine.info(), locale_of(update), engine.searcher.traditional):
        await send(message, part)


async def stats(update: Update, context: BotContext) -> None:
    """Admins only: unanswered and down-voted questions, most frequent first."""
    state = context.bot_data
    message = update.effective_message
    if not await require_admin(update, context, "/stats") or message is None:
        return
    if state.query_log is None:
        await say(update, context, message, "stats_off")
        return
    summary = await asyncio.to_thread(state.query_log.summary, 10)
    parts = stats_html(summary, locale_of(update), state.engine.searcher.traditional)
    for i, part in enumerate(parts):  # the last with an Answer button for each question
        await send(message, part, reply_markup=answer_buttons(context, summary, locale_of(
            update)) if i == len(parts) - 1 else None)
