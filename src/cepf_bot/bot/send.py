"""What every handler shares: the reader's locale, sending a reply safely."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError

from cepf_bot.bot.state import BotContext
from cepf_bot.reply.compose import interface_html, plain_interface
from cepf_bot.reply.locale import reply_locale
from cepf_bot.types import Locale

log = logging.getLogger("cepf_bot.bot")

SEND_ATTEMPTS = 3
_COMMAND_PREFIX = re.compile(r"^/\w+(@\w+)?\s*")


def locale_of(update: Update, question: str = "") -> Locale:
    user = update.effective_user
    return reply_locale(question, user.language_code if user else None)


async def say(update: Update, context: BotContext, message: Message, key: str,
               question: str = "", *, reply_markup: InlineKeyboardMarkup | None = None,
               **kwargs: object) -> Message | None:
    """Reply with one interface text, in the reader's language and script."""
    html = interface_html(key, locale_of(update, question),
                          context.bot_data.engine.searcher.traditional, **kwargs)
    return await send(message, html, reply_markup=reply_markup)


async def toast(update: Update, context: BotContext, key: str) -> None:
    """Answer a button press with a short notice, in the presser's language and script."""
    if update.callback_query is None:
        return
    text = plain_interface(key, locale_of(update), context.bot_data.engine.searcher.traditional)
    await cosmetic("answering a button", update.callback_query.answer(text))


def question_of(message: Message | None, username: str) -> str:
    """The question in a message: its text without a leading command or a mention of the bot."""
    if message is None or not message.text:
        return ""
    question = _COMMAND_PREFIX.sub("", message.text, count=1)
    if username:
        question = re.sub(rf"@{re.escape(username)}\b", " ", question, flags=re.IGNORECASE)
    return question.strip()


async def send(message: Message, html: str, *,
               reply_markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Reply to `message` in HTML, retrying network failures (flood control is retried by the
    rate limiter); a message Telegram refuses is logged, never raised."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            # HTML and no link previews: the Application's Defaults
            return await message.reply_text(html, do_quote=True, reply_markup=reply_markup)
        except BadRequest as e:
            log.warning("Telegram refused a reply in chat %s: %s", message.chat_id, e)
            return None
        except NetworkError as e:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("sending failed (%s: %s); retry %d of %d", type(e).__name__, e,
                        attempt, SEND_ATTEMPTS - 1)
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))
    return None


async def cosmetic(what: str, call: Awaitable[object]) -> None:
    """Run a call whose failure must not stop an answer (a chat action, a menu, a markup)."""
    try:
        await call
    except TelegramError as e:
        log.warning("%s failed: %s", what, e)
