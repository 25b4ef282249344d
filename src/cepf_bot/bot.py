"""The Telegram bot's handlers. Nothing about ranking or files lives here; `application`
registers them."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from .config import BotSettings
from .corpus import CorpusError
from .engine import Engine
from .querylog import QueryLog, format_summary
from .rate_limit import UserRateLimiter
from .render import escape, split_messages
from .replies import PAGE, about_html, compose_inline, compose_reply, interface_html
from .reply_locale import reply_locale
from .types import Lang, Locale
from .ui_text import EXAMPLES, ui_text

log = logging.getLogger(__name__)

INLINE_RESULTS = 5
INLINE_CACHE_SECONDS = 10  # short, so that a reindex shows up soon
SEND_ATTEMPTS = 3
_COMMAND_PREFIX = re.compile(r"^/\w+(@\w+)?\s*")


@dataclass
class BotState:
    """What the handlers share, kept in `application.bot_data["state"]`."""

    engine: Engine
    settings: BotSettings
    limiter: UserRateLimiter
    query_log: QueryLog | None = None


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data["state"]


def _locale(update: Update, question: str = "") -> Locale:
    user = update.effective_user
    return reply_locale(question, user.language_code if user else None)


async def _say(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, key: str,
               question: str = "", **kwargs: object) -> Message | None:
    """Reply with one interface text, in the reader's language and script."""
    markup = kwargs.pop("reply_markup", None)
    html = interface_html(key, _locale(update, question),
                          _state(context).engine.searcher.traditional, **kwargs)
    return await _send(message, html, reply_markup=markup)


def question_of(message: Message | None, username: str) -> str:
    """The question in a message: its text without a leading command or a mention of the bot."""
    if message is None or not message.text:
        return ""
    question = _COMMAND_PREFIX.sub("", message.text, count=1)
    if username:
        question = re.sub(rf"@{re.escape(username)}\b", " ", question, flags=re.IGNORECASE)
    return question.strip()


async def _send(message: Message, html: str, **kwargs: object) -> Message | None:
    """Reply to `message` in HTML, retrying network failures (flood control is retried by the
    rate limiter); a message Telegram refuses is logged, never raised."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await message.reply_html(html, do_quote=True,
                                            disable_web_page_preview=True, **kwargs)
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


async def cosmetic(what: str, call) -> None:  # type: ignore[no-untyped-def]
    """Run a call whose failure must not stop an answer (a chat action, a menu, a markup)."""
    try:
        await call
    except TelegramError as e:
        log.warning("%s failed: %s", what, e)


def _keyboard(lang: Lang, *, more_offset: int | None, source: str,
              log_row: int | None) -> InlineKeyboardMarkup | None:
    rows = []
    if log_row is not None:
        rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{log_row}:+"),
                     InlineKeyboardButton("👎", callback_data=f"fb:{log_row}:-")])
    if more_offset is not None:
        rows.append([InlineKeyboardButton(ui_text("more", lang),
                                          callback_data=f"more:{more_offset}:{source}")])
    return InlineKeyboardMarkup(rows) if rows else None


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    question: str,
    *,
    reply_to: Message,
    offset: int = 0,
    source: str = "q",
) -> None:
    """Search and reply with a page of passages, or with the no-answer text."""
    state = _state(context)
    started = time.perf_counter()
    user = update.effective_user
    locale = _locale(update, question)
    if user is not None:
        allowed, notify = state.limiter.allow(user.id)
        if not allowed:
            log.info("rate-limited user in chat type %s", reply_to.chat.type)
            if notify:
                await _say(update, context, reply_to, "rate_limited", question)
            return
    reply = await asyncio.to_thread(compose_reply, state.engine.searcher, question, locale,
                                    offset)
    log_row = None
    if state.query_log is not None and offset == 0 and user is not None:
        log_row = await asyncio.to_thread(
            state.query_log.record, question=question,
            lang=locale.script if locale.lang == Lang.ZH else locale.lang,
            chat_type=reply_to.chat.type, user_id=user.id, hits=reply.hits)
    if not reply.hits:
        await _send(reply_to, reply.messages[0])
    else:
        for i, html in enumerate(reply.messages):
            last = i == len(reply.messages) - 1
            markup = _keyboard(locale.lang, more_offset=offset + PAGE if reply.more else None,
                               source=source, log_row=log_row) if last else None
            await _send(reply_to, html, reply_markup=markup)
    log.info("answered chat=%s latency=%.1fms passages=%d offset=%d", reply_to.chat.type,
             (time.perf_counter() - started) * 1000, len(reply.hits), offset)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, with example questions as buttons that ask them."""
    locale = _locale(update)
    convert = _state(context).engine.searcher.traditional.convert
    keyboard = [[InlineKeyboardButton(convert(q, locale.script), callback_data=f"ex:{i}")]
                for i, q in enumerate(EXAMPLES[locale.lang])]
    await _say(update, context, update.effective_message, "start",
               reply_markup=InlineKeyboardMarkup(keyboard))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask in private chats, groups and inline."""
    await _say(update, context, update.effective_message, "help", username=context.bot.username)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    question = question_of(message, context.bot.username)
    if not question:
        await _say(update, context, message, "ask_usage")
        return
    await answer(update, context, question, reply_to=message)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot knows: documents, passages, when the index was built."""
    engine = _state(context).engine
    await _send(update.effective_message, about_html(engine.info(), _locale(update),
                                                     engine.searcher.traditional))


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> bool:
    """Whether the user is in CEPF_ADMIN_IDS; if not, a polite refusal and a log line."""
    user = update.effective_user
    if user is not None and user.id in _state(context).settings.admin_ids:
        return True
    log.warning("refused %s from user %s (not in CEPF_ADMIN_IDS)", command,
                user.id if user else "?")
    await _say(update, context, update.effective_message, "not_admin")
    return False


async def reindex_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: rebuild from the corpus folder and swap the index in without a restart."""
    state = _state(context)
    user = update.effective_user
    message = update.effective_message
    if not await _admin(update, context, "/reindex"):
        return
    await cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    started = time.perf_counter()
    try:
        info = await asyncio.to_thread(state.engine.reindex, warm_up=True)
    except (CorpusError, OSError) as e:
        log.warning("reindex by admin %s failed: %s", user.id, e)
        await _say(update, context, message, "reindex_failed", error=escape(str(e)))
        return
    seconds = time.perf_counter() - started
    log.info("reindexed by admin %s: %d documents, %d passages in %.2fs", user.id,
             len(info.documents), info.passages, seconds)
    await _say(update, context, message, "reindex_ok", documents=len(info.documents),
               passages=info.passages, seconds=seconds)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: unanswered and down-voted questions, most frequent first."""
    state = _state(context)
    message = update.effective_message
    if not await _admin(update, context, "/stats"):
        return
    if state.query_log is None:
        await _send(message, "The query log is off (CEPF_QUERY_LOG=off).")
        return
    summary = await asyncio.to_thread(state.query_log.summary, 10)
    for html in split_messages([escape(format_summary(summary))]):
        await _send(message, html)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat every text message is a question."""
    message = update.effective_message
    await answer(update, context, message.text or "", reply_to=message)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer mentions of the bot and replies to its messages, ignore the rest."""
    message = update.effective_message
    username = context.bot.username or ""
    mentioned = bool(username) and f"@{username.lower()}" in (message.text or "").lower()
    replied = (message.reply_to_message is not None
               and message.reply_to_message.from_user is not None
               and message.reply_to_message.from_user.id == context.bot.id)
    if not (mentioned or replied):
        return
    await answer(update, context, question_of(message, username), reply_to=message)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons: an example question, or the next page of an answer."""
    query = update.callback_query
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    kind, _, rest = data.partition(":")
    lang = _locale(update).lang
    if kind == "fb":
        await feedback(update, context, rest, message)
        return
    await cosmetic("answering a button", query.answer())
    if message is None:
        return
    if kind == "ex" and rest.isdigit() and int(rest) < len(EXAMPLES[lang]):
        example = int(rest)
        await answer(update, context, EXAMPLES[lang][example], reply_to=message,
                     source=f"ex{example}")
        return
    if kind == "more":
        offset_text, _, source = rest.partition(":")
        if source == "q":  # the answer quotes the question it answers
            question = question_of(message.reply_to_message, context.bot.username)
            target = message.reply_to_message
        else:
            number = source.removeprefix("ex")
            examples = EXAMPLES[lang]
            question = examples[int(number)] if number.isdigit() and int(number) < len(
                examples) else ""
            target = message
        if offset_text.isdigit() and question and target is not None:
            await cosmetic("removing the button", message.edit_reply_markup(None))
            await answer(update, context, question, reply_to=target, offset=int(offset_text),
                         source=source)
            return
    await _say(update, context, message, "expired")


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str,
                   message: Message | None) -> None:
    """👍/👎: recorded (a second press changes the vote), thanked with a toast, and shown on
    the buttons."""
    query = update.callback_query
    row, _, vote = rest.partition(":")
    state = _state(context)
    lang = _locale(update).lang
    if state.query_log is None or not row.isdigit() or len(row) > 18 or vote not in ("+", "-"):
        await cosmetic("answering a button", query.answer())
        return
    await asyncio.to_thread(state.query_log.feedback, int(row), 1 if vote == "+" else -1)
    log.info("feedback %s on logged answer %s", vote, row)
    await cosmetic("answering a button", query.answer(ui_text(
        "thanks_up" if vote == "+" else "thanks_down", lang)))
    if message is not None and message.reply_markup is not None:
        await cosmetic("showing the vote", message.edit_reply_markup(
            voted(message.reply_markup, vote)))


def voted(markup: InlineKeyboardMarkup, vote: str) -> InlineKeyboardMarkup:
    """The same buttons, the chosen vote marked ✓ (both stay: pressing the other changes it)."""
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for b in row:
            data = b.callback_data if isinstance(b.callback_data, str) else ""
            if data.startswith("fb:"):
                mark = data.endswith(":" + vote)
                face = "👍" if data.endswith(":+") else "👎"
                buttons.append(InlineKeyboardButton(f"{face} ✓" if mark else face,
                                                    callback_data=data))
            else:
                buttons.append(b)
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question: the top passages as articles to send into any chat."""
    query = update.inline_query
    question = query.query.strip()
    locale = reply_locale(question, query.from_user.language_code)
    found = []
    if question:
        found = await asyncio.to_thread(compose_inline, _state(context).engine.searcher,
                                        question, locale, INLINE_RESULTS)
    results = [
        InlineQueryResultArticle(
            id=a.id, title=a.title, description=a.description,
            input_message_content=InputTextMessageContent(
                a.html, parse_mode=ParseMode.HTML, link_preview_options=None),
        )
        for a in found
    ]
    button_ = None if found or not question else InlineQueryResultsButton(
        text=ui_text("inline_none", locale.lang), start_parameter="help")
    # personal: the results are in the asker's script
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True,
                       button=button_)
    log.info("answered chat=inline passages=%d", len(found))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error with its update in one line; tell the person, briefly."""
    error = context.error
    if update is None:  # polling itself: Telegram unreachable, a conflict, a timeout
        log.warning("Telegram: %s: %s", type(error).__name__, error)
        return
    update_id = update.update_id if isinstance(update, Update) else "?"
    log.error("update %s failed: %s: %s", update_id, type(error).__name__, error)
    log.debug("traceback of update %s", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        await cosmetic("the apology", update.effective_message.reply_text(
            ui_text("apology", _locale(update).lang)))
