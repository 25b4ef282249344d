"""The Telegram bot's conversation handlers: questions, follow-ups, small talk, buttons,
inline queries. Nothing about ranking or files lives here; `application` registers them and
`admin` has the admin commands."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from cepf_bot.bot.send import cosmetic, locale_of, question_of, say, send, state_of
from cepf_bot.reply.compose import PAGE, compose_inline, compose_reply, full_passage_html
from cepf_bot.reply.locale import reply_locale
from cepf_bot.reply.texts import ui_text
from cepf_bot.search.conversation import small_talk, suggestions
from cepf_bot.types import Lang, Script

log = logging.getLogger("cepf_bot.bot")

INLINE_RESULTS = 5
INLINE_CACHE_SECONDS = 10  # short, so that a reindex shows up soon


def _examples(context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> list[str]:
    return state_of(context).engine.examples.get(lang, [])


def _example_buttons(context: ContextTypes.DEFAULT_TYPE, lang: Lang, script: Script,
                     chosen: list[int]) -> list[list[InlineKeyboardButton]]:
    """A button per example question, labelled with the whole question (callback: its id)."""
    examples = _examples(context, lang)
    convert = state_of(context).engine.searcher.traditional.convert
    return [[InlineKeyboardButton(convert(examples[i], script),
                                  callback_data=f"ex:{lang}:{i}")]
            for i in chosen if i < len(examples)]


def _keyboard(lang: Lang, *, more_offset: int | None, source: str, log_row: int | None,
              full: str | None) -> InlineKeyboardMarkup | None:
    rows = []
    if log_row is not None:
        rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{log_row}:+"),
                     InlineKeyboardButton("👎", callback_data=f"fb:{log_row}:-")])
    more = []
    if full is not None:  # the top passage in full: its id's hash is enough to find it
        more.append(InlineKeyboardButton(ui_text("full", lang), callback_data=f"full:{full}"))
    if more_offset is not None:
        more.append(InlineKeyboardButton(ui_text("more", lang),
                                         callback_data=f"more:{more_offset}:{source}"))
    if more:
        rows.append(more)
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
    state = state_of(context)
    started = time.perf_counter()
    user = update.effective_user
    locale = locale_of(update, question)
    if user is not None:
        allowed, notify = state.limiter.allow(user.id)
        if not allowed:
            log.info("rate-limited user in chat type %s", reply_to.chat.type)
            if notify:
                await say(update, context, reply_to, "rate_limited", question)
            return
    searcher = state.engine.searcher
    chat, who = reply_to.chat_id, user.id if user else 0
    if offset == 0 and (kind := await asyncio.to_thread(small_talk, searcher, question)):
        examples = _example_buttons(context, locale.lang, locale.script, [0, 1, 2])
        await say(update, context, reply_to, f"chat_{kind}", question,
                  reply_markup=InlineKeyboardMarkup(examples))
        log.info("small talk (%s) chat=%s", kind, reply_to.chat.type)
        return
    # a reply to one of the bot's answers is read with that answer's question; any other
    # message with the asker's last question in this chat (if it is a follow-up)
    replied = reply_to.reply_to_message
    after = (state.answered.recall((chat, replied.message_id)) if replied is not None
             else None) or state.asked.recall((chat, who))
    reply = await asyncio.to_thread(compose_reply, searcher, question, locale, offset, after)
    log_row = None
    if state.query_log is not None and offset == 0 and user is not None:
        log_row = await asyncio.to_thread(  # 0: over the user's daily cap, no buttons
            state.query_log.record, question=question,
            lang=locale.script if locale.lang == Lang.ZH else locale.lang,
            chat_type=reply_to.chat.type, user_id=user.id, hits=reply.hits) or None
    if reply.hits and offset == 0:  # before sending: the asker's next message may come at once
        state.asked.remember((chat, who), reply.subject)
    sent: list[Message | None] = []
    if not reply.hits:
        chosen = await asyncio.to_thread(suggestions, searcher, reply.subject,
                                         _examples(context, locale.lang))
        buttons = _example_buttons(context, locale.lang, locale.script, chosen)
        sent.append(await send(reply_to, reply.messages[0],
                               reply_markup=InlineKeyboardMarkup(buttons) if buttons else None))
    else:
        full = reply.hits[0].passage.id.rpartition("#")[2] if offset == 0 else None
        for i, html in enumerate(reply.messages):
            last = i == len(reply.messages) - 1
            markup = _keyboard(locale.lang, more_offset=offset + PAGE if reply.more else None,
                               source=source, log_row=log_row, full=full) if last else None
            sent.append(await send(reply_to, html, reply_markup=markup))
    for message in sent:
        if message is not None:
            state.answered.remember((chat, message.message_id), reply.subject)
    log.info("answered chat=%s latency=%.1fms passages=%d offset=%d follow_up=%s",
             reply_to.chat.type, (time.perf_counter() - started) * 1000, len(reply.hits),
             offset, reply.subject != question)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, with example questions as buttons that ask them."""
    message = update.effective_message
    if message is None:
        return
    locale = locale_of(update)
    keyboard = _example_buttons(context, locale.lang, locale.script, [0, 1, 2, 3])
    await say(update, context, message, "start",
              reply_markup=InlineKeyboardMarkup(keyboard))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask in private chats, groups and inline."""
    if update.effective_message is None:
        return
    await say(update, context, update.effective_message, "help", username=context.bot.username)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = question_of(message, context.bot.username)
    if not question:
        await say(update, context, message, "ask_usage")
        return
    await answer(update, context, question, reply_to=message)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat every text message is a question."""
    message = update.effective_message
    if message is None:
        return
    await answer(update, context, message.text or "", reply_to=message)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer mentions of the bot and replies to its messages, ignore the rest."""
    message = update.effective_message
    if message is None:
        return
    username = context.bot.username or ""
    # the whole username: @cepf_bot is not mentioned by @cepf_bot_evil
    mentioned = bool(username) and re.search(rf"@{re.escape(username)}(?![A-Za-z0-9_])",
                                             message.text or "", re.IGNORECASE) is not None
    replied = (message.reply_to_message is not None
               and message.reply_to_message.from_user is not None
               and message.reply_to_message.from_user.id == context.bot.id)
    if not (mentioned or replied):
        return
    await answer(update, context, question_of(message, username), reply_to=message)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat: how to ask."""
    await help_command(update, context)


def _over_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Inline queries and button presses count against the asker's rate like messages."""
    user = update.effective_user
    return user is not None and not state_of(context).limiter.allow(user.id)[0]


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons: an example question, or the next page of an answer."""
    query = update.callback_query
    if query is None:
        return
    if _over_limit(update, context):
        await cosmetic("answering a button", query.answer(
            ui_text("rate_limited", locale_of(update).lang)))
        return
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    kind, _, rest = data.partition(":")
    if kind == "fb":
        await feedback(update, context, rest, message)
        return
    await cosmetic("answering a button", query.answer())
    if message is None:
        return
    if kind == "ex" and (question := _example(context, rest)):
        await answer(update, context, question, reply_to=message, source=f"ex{rest}")
        return
    if kind == "full" and (html := full_passage_html(state_of(context).engine.searcher, rest,
                                                     locale_of(update))):
        for part in html:
            await send(message, part)
        return
    if kind == "more":
        offset_text, _, source = rest.partition(":")
        if source == "q":  # the answer quotes the question it answers
            question = question_of(message.reply_to_message, context.bot.username)
            target = message.reply_to_message
        else:
            question = _example(context, source.removeprefix("ex"))
            target = message
        # a real "more" button pages on (offset > 0): "more:0" would log the question again
        if offset_text.isdigit() and len(offset_text) <= 4 and int(offset_text) > 0 \
                and question and target is not None:
            await cosmetic("removing the button", message.edit_reply_markup(None))
            await answer(update, context, question, reply_to=target, offset=int(offset_text),
                         source=source)
            return
    await say(update, context, message, "expired")


def _example(context: ContextTypes.DEFAULT_TYPE, key: str) -> str:
    """The example question a button's "zh:3" names, or "" (forged, or the file changed)."""
    lang, _, number = key.partition(":")
    if lang not in (Lang.ZH, Lang.EN) or not number.isdigit() or len(number) > 4:
        return ""
    examples = _examples(context, Lang(lang))
    return examples[int(number)] if int(number) < len(examples) else ""


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str,
                   message: Message | None) -> None:
    """👍/👎: recorded (a second press changes the vote), thanked with a toast, and shown on
    the buttons."""
    query = update.callback_query
    if query is None:
        return
    row, _, vote = rest.partition(":")
    state = state_of(context)
    lang = locale_of(update).lang
    if state.query_log is None or not row.isdigit() or len(row) > 18 or vote not in ("+", "-"):
        await cosmetic("answering a button", query.answer())
        return
    user = update.effective_user
    counted = await asyncio.to_thread(state.query_log.feedback, int(row),
                                      1 if vote == "+" else -1,
                                      user_id=user.id if user else -1)
    if not counted:  # someone else's answer (a group), or a row gone: no vote
        await cosmetic("answering a button", query.answer(ui_text("only_asker", lang)))
        return
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
    if query is None:
        return
    question = query.query.strip()
    locale = reply_locale(question, query.from_user.language_code)
    found = []
    if question and not _over_limit(update, context):
        found = await asyncio.to_thread(compose_inline, state_of(context).engine.searcher,
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
            ui_text("apology", locale_of(update).lang)))
