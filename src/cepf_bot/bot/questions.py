"""The Telegram bot's conversation handlers: questions, follow-ups, small talk, inline
queries. Nothing about ranking or files lives here; `application` registers them, `buttons`
has the inline buttons and `admin` the admin commands."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)

from cepf_bot.bot.faq import notify_button, take_answer
from cepf_bot.bot.send import cosmetic, locale_of, question_of, say, send
from cepf_bot.bot.state import BotContext
from cepf_bot.reply.compose import (
    PAGE,
    compose_inline,
    compose_turn,
    interface_html,
    plain_interface,
)
from cepf_bot.reply.locale import reply_locale
from cepf_bot.types import Lang, Locale, Script

log = logging.getLogger("cepf_bot.bot")

INLINE_RESULTS = 5
INLINE_CACHE_SECONDS = 10  # short, so that a reindex shows up soon


def examples_for(context: BotContext, lang: Lang) -> list[str]:
    """The example questions in `lang` (the corpus's, else the shipped ones)."""
    return context.bot_data.engine.examples.get(lang, [])


def _example_buttons(context: BotContext, lang: Lang, script: Script,
                     chosen: Sequence[int]) -> list[list[InlineKeyboardButton]]:
    """A button per example question, labelled with the whole question in the reader's
    script (callback: its id and that script, so that pressing it answers in the script)."""
    examples = examples_for(context, lang)
    convert = context.bot_data.engine.searcher.traditional.convert
    return [[InlineKeyboardButton(convert(examples[i], script),
                                  callback_data=f"ex:{lang}:{i}:{script}")]
            for i in chosen if i < len(examples)]


def _keyboard(context: BotContext, locale: Locale, *, more_offset: int | None,
              source: str, log_row: int | None, full: str | None,
              notify: Sequence[InlineKeyboardButton] = ()) -> InlineKeyboardMarkup | None:
    rows = []
    convert = context.bot_data.engine.searcher.traditional
    if log_row is not None:
        rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{log_row}:+"),
                     InlineKeyboardButton("👎", callback_data=f"fb:{log_row}:-")])
    more = []
    if full is not None:  # the top passage in full: its id's hash is enough to find it
        more.append(InlineKeyboardButton(plain_interface("full", locale, convert),
                                         callback_data=f"full:{full}:{locale.script}"))
    if more_offset is not None:
        more.append(InlineKeyboardButton(plain_interface("more", locale, convert),
                                         callback_data=f"more:{more_offset}:{source}"))
    if more:
        rows.append(more)
    if notify:  # under a closest reply: tell me when staff answer
        rows.append(list(notify))
    return InlineKeyboardMarkup(rows) if rows else None


async def answer(
    update: Update,
    context: BotContext,
    question: str,
    *,
    reply_to: Message,
    offset: int = 0,
    source: str = "q",
    locale: Locale | None = None,
) -> None:
    """Search and reply with a page of passages, or with the no-answer text. `locale`: the
    reply's, when a button says it (an example offered in 繁體 is answered in 繁體)."""
    state = context.bot_data
    started = time.perf_counter()
    user = update.effective_user
    locale = locale or locale_of(update, question)
    if user is not None:
        allowed, notify = state.limiter.allow(user.id)
        if not allowed:
            log.info("rate-limited user in chat type %s", reply_to.chat.type)
            if notify:
                await send(reply_to, interface_html("rate_limited", locale,
                                                    state.engine.searcher.traditional))
            return
    searcher = state.engine.searcher
    chat, who = reply_to.chat_id, user.id if user else 0
    # a reply to one of the bot's answers is read with that answer's question; any other
    # message with the asker's last question in this chat (if it is a follow-up)
    replied = reply_to.reply_to_message
    after = (state.answered.recall((chat, replied.message_id)) if replied is not None
             else None) or state.asked.recall((chat, who))
    # one call: small talk, the page and the examples to offer
    reply = await asyncio.to_thread(lambda: compose_turn(
        searcher, question, locale, examples=examples_for(context, locale.lang), after=after,
        offset=offset))
    if reply.small_talk:
        examples = _example_buttons(context, locale.lang, locale.script, reply.suggested)
        await send(reply_to, reply.messages[0], reply_markup=InlineKeyboardMarkup(examples))
        log.info("small talk (%s) chat=%s", reply.small_talk, reply_to.chat.type)
        return
    log_row = None
    if state.query_log is not None and offset == 0 and user is not None:
        log_row = state.query_log.record_soon(  # 0: over the daily cap, no buttons; no wait
            question=question,
            lang=locale.script if locale.lang == Lang.ZH else locale.lang,
            chat_type=reply_to.chat.type, user_id=user.id, hits=reply.hits,
            verdict=reply.verdict, faq=reply.faq.id if reply.faq else "") or None
    if reply.hits and offset == 0:  # before sending: the asker's next message may come at once
        state.asked.remember((chat, who), reply.subject)
    sent: list[Message | None] = []
    tell_me = notify_button(context, locale, reply.verdict) if offset == 0 else []
    if not reply.hits and reply.faq is None:
        buttons = _example_buttons(context, locale.lang, locale.script, reply.suggested)
        buttons += [tell_me] if tell_me else []
        sent.append(await send(reply_to, reply.messages[0],
                               reply_markup=InlineKeyboardMarkup(buttons) if buttons else None))
    elif not reply.hits:  # a staff's answer alone
        for i, html in enumerate(reply.messages):
            last = i == len(reply.messages) - 1
            sent.append(await send(reply_to, html, reply_markup=_keyboard(
                context, locale, more_offset=None, source=source, log_row=log_row,
                full=None) if last else None))
    else:
        full = reply.hits[0].passage.id.rpartition("#")[2] if offset == 0 else None
        for i, html in enumerate(reply.messages):
            last = i == len(reply.messages) - 1
            markup = _keyboard(context, locale,
                               more_offset=offset + PAGE if reply.more else None,
                               source=source, log_row=log_row, full=full,
                               notify=tell_me) if last else None
            sent.append(await send(reply_to, html, reply_markup=markup))
    for message in sent:
        if message is not None:
            state.answered.remember((chat, message.message_id), reply.subject)
    log.info("answered chat=%s latency=%.1fms verdict=%s passages=%d offset=%d follow_up=%s",
             reply_to.chat.type, (time.perf_counter() - started) * 1000, reply.verdict,
             len(reply.hits), offset, reply.subject != question)


async def start(update: Update, context: BotContext) -> None:
    """Greet, with example questions as buttons that ask them; `/start help` (the inline
    "how to ask" link) opens the help."""
    if context.args and context.args[0] == "help":
        await help_command(update, context)
        return
    message = update.effective_message
    if message is None:
        return
    locale = locale_of(update)
    keyboard = _example_buttons(context, locale.lang, locale.script, [0, 1, 2, 3])
    await say(update, context, message, "start",
              reply_markup=InlineKeyboardMarkup(keyboard))


async def help_command(update: Update, context: BotContext) -> None:
    """Explain how to ask in private chats, groups and inline; to an admin, the admin
    commands too."""
    user, message = update.effective_user, update.effective_message
    if message is None:
        return
    admin = user is not None and user.id in context.bot_data.settings.admin_ids
    await say(update, context, message, "help_admin" if admin else "help",
              username=context.bot.username)


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = question_of(message, context.bot.username)
    if not question:
        await say(update, context, message, "ask_usage")
        return
    await answer(update, context, question, reply_to=message)


async def private_text(update: Update, context: BotContext) -> None:
    """In a private chat every text message is a question."""
    message = update.effective_message
    if message is None or await take_answer(update, context):  # an admin's FAQ answer
        return
    await answer(update, context, message.text or "", reply_to=message)


async def group_text(update: Update, context: BotContext) -> None:
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


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have, in a private chat: how to ask."""
    await help_command(update, context)


def over_limit(update: Update, context: BotContext) -> bool:
    """Inline queries and button presses count against the asker's rate like messages."""
    user = update.effective_user
    return user is not None and not context.bot_data.limiter.allow(user.id)[0]


async def inline_query(update: Update, context: BotContext) -> None:
    """@bot question: the top passages as articles to send into any chat."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    locale = reply_locale(question, query.from_user.language_code)
    found = []
    if question and not over_limit(update, context):
        found = await asyncio.to_thread(compose_inline, context.bot_data.engine.searcher,
                                        question, locale, INLINE_RESULTS)
    results = [
        InlineQueryResultArticle(
            id=a.id, title=a.title, description=a.description,
            # HTML and no link preview: the Application's Defaults
            input_message_content=InputTextMessageContent(a.html),
        )
        for a in found
    ]
    button_ = None if found or not question else InlineQueryResultsButton(
        text=plain_interface("inline_none", locale, context.bot_data.engine.searcher.traditional),
        start_parameter="help")
    # personal: the results are in the asker's script
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True,
                       button=button_)
    log.info("answered chat=inline passages=%d", len(found))


async def error_handler(update: object, context: BotContext) -> None:
    """Log every error with its update in one line; tell the person, briefly."""
    error = context.error
    if update is None:  # polling itself: Telegram unreachable, a conflict, a timeout
        log.warning("Telegram: %s: %s", type(error).__name__, error)
        return
    update_id = update.update_id if isinstance(update, Update) else "?"
    log.error("update %s failed: %s: %s", update_id, type(error).__name__, error)
    log.debug("traceback of update %s", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        await cosmetic("the apology", update.effective_message.reply_text(plain_interface(
            "apology", locale_of(update), context.bot_data.engine.searcher.traditional),
            parse_mode=None))  # plain text, whatever the Defaults say
