"""What every handler shares: the bot's state, the reader's locale, sending a reply safely."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from cepf_bot.bot.rate_limit import UserRateLimiter
from cepf_bot.config import BotSettings
from cepf_bot.engine import Engine
from cepf_bot.querylog import QueryLog
from cepf_bot.reply.compose import interface_html, plain_interface
from cepf_bot.reply.locale import reply_locale
from cepf_bot.search.conversation import Memory
from cepf_bot.types import Locale

log = logging.getLogger("cepf_bot.bot")

SEND_ATTEMPTS = 3
SENT_SECONDS = 86_400  # a reply to one of the bot's answers is read with its question this long
_COMMAND_PREFIX = re.compile(r"^/\w+(@\w+)?\s*")


@dataclass
class BotState:
    """What the handlers share, kept in `application.bot_data["state"]`."""

    engine: Engine
    settings: BotSettings
    limiter: UserRateLimiter
    query_log: QueryLog | None = None
    # each user's last question in each chat (for follow-ups), and the question each answer
    # the bot sent was for (for a reply to it): bounded, forgetting the oldest
    asked: Memory = field(default_factory=Memory)
    answered: Memory = field(default_factory=lambda: Memory(seconds=SENT_SECONDS))


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    state: BotState = context.bot_data["state"]
    return state


def locale_of(update: Update, question: str = "") -> Locale:
    user = update.effective_user
    return reply_locale(question, user.language_code if user else None)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, key: str,
               question: str = "", *, reply_markup: InlineKeyboardMarkup | None = None,
               **kwargs: object) -> Message | None:
    """Reply with one interface text, in the reader's language and script."""
    html = interface_html(key, locale_of(update, question),
                          state_of(context).engine.searcher.traditional, **kwargs)
    return await send(message, html, reply_markup=reply_markup)


async def toast(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """Answer a button press with a short notice, in the presser's language and script."""
    text = plain_interface(key, locale_of(update), state_of(context).engine.searcher.traditional)
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
            return await message.reply_html(html, do_quote=True,
                                            disable_web_page_preview=True,
                                            reply_markup=reply_markup)
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
