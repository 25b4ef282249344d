"""Inline buttons, one handler per kind of callback data (`application` registers each with
its `pattern=`): an example question, the full text of a passage, the next page, 👍/👎, and
whatever else (forged, or stale) as expired."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from cepf_bot.bot.questions import answer, examples_for, over_limit
from cepf_bot.bot.send import cosmetic, locale_of, question_of, say, send, toast
from cepf_bot.bot.state import BotContext
from cepf_bot.reply.compose import full_passage_html
from cepf_bot.types import Lang, Locale, Script

log = logging.getLogger("cepf_bot.bot")


async def _pressed(update: Update, context: BotContext,
                   acknowledge: bool = True) -> tuple[CallbackQuery, str, Message | None] | None:
    """A button press: the query, its data after the kind ("ex:zh:3" -> "zh:3") and the
    message the button is on; None (told with a toast) when the presser is over their rate.
    `acknowledge`: answer the press now, with no notice."""
    query = update.callback_query
    if query is None:
        return None
    if over_limit(update, context):
        await toast(update, context, "rate_limited")
        return None
    if acknowledge:
        await cosmetic("answering a button", query.answer())
    message = query.message if isinstance(query.message, Message) else None
    return query, (query.data or "").partition(":")[2], message


async def _pressed_on(update: Update, context: BotContext) -> tuple[str, Message] | None:
    """A press acknowledged: its data after the kind and the message its button is on; None
    when the presser is over their rate or the message is gone."""
    if (pressed := await _pressed(update, context)) is None:
        return None
    _, rest, message = pressed
    return None if message is None else (rest, message)


async def example_button(update: Update, context: BotContext) -> None:
    """"ex:<lang>:<n>[:<script>]": ask the example question, in the script it was shown in."""
    if (pressed := await _pressed_on(update, context)) is None:
        return
    rest, message = pressed
    if question := _example(context, rest):
        await answer(update, context, question, reply_to=message, source=f"ex{rest}",
                     locale=_pressed_locale(update, rest))
        return
    await say(update, context, message, "expired")


async def full_text_button(update: Update, context: BotContext) -> None:
    """"full:<key>:<script>": the top passage whole, found by its key off the event loop."""
    if (pressed := await _pressed_on(update, context)) is None:
        return
    rest, message = pressed
    key, _, script = rest.partition(":")
    html = await asyncio.to_thread(full_passage_html, context.bot_data.engine.searcher, key,
                                   _pressed_locale(update, f"::{script}"))
    if not html:
        await say(update, context, message, "expired")
        return
    for part in html:
        await send(message, part)


async def more_button(update: Update, context: BotContext) -> None:
    """"more:<offset>:<source>": the next page of an answer (source "q": the question the
    answer quotes; "ex<lang>:<n>": an example question)."""
    if (pressed := await _pressed_on(update, context)) is None:
        return
    rest, message = pressed
    offset_text, _, source = rest.partition(":")
    locale = None
    if source == "q":  # the answer quotes the question it answers
        question = question_of(message.reply_to_message, context.bot.username)
        target = message.reply_to_message
    else:
        question = _example(context, source.removeprefix("ex"))
        locale = _pressed_locale(update, source.removeprefix("ex"))
        target = message
    # a real "more" button pages on (offset > 0): "more:0" would log the question again
    if _small_number(offset_text) and int(offset_text) > 0 and question and target is not None:
        # the first page keeps its 👍/👎 and Full text; only "More results" goes
        await cosmetic("removing the button", message.edit_reply_markup(
            without_more(message.reply_markup)))
        await answer(update, context, question, reply_to=target, offset=int(offset_text),
                     source=source, locale=locale)
        return
    await say(update, context, message, "expired")


async def stale_button(update: Update, context: BotContext) -> None:
    """Any other button (forged data, or one from an older version of the bot): expired."""
    if (pressed := await _pressed_on(update, context)) is None:
        return
    await say(update, context, pressed[1], "expired")


def without_more(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """A page's buttons once its "More results" is pressed: the others stay."""
    if markup is None:
        return None
    rows = [[b for b in row if not str(b.callback_data or "").startswith("more:")]
            for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _pressed_locale(update: Update, key: str) -> Locale:
    """The locale a button was made for ("zh:3:zh-tw": an example's language and script),
    else the presser's."""
    lang_text, _, rest = key.partition(":")
    script = rest.partition(":")[2]
    presser = locale_of(update)
    lang = Lang(lang_text) if lang_text in (Lang.ZH, Lang.EN) else presser.lang
    scripts = {s.value for s in Script}
    return Locale(lang, Script(script) if script in scripts else presser.script)


def _small_number(text: str, digits: int = 4) -> bool:
    """ASCII digits only, at most `digits` of them: forged button data ("²", "٣") is no
    number, never a ValueError."""
    return text.isascii() and text.isdigit() and len(text) <= digits


def _example(context: BotContext, key: str) -> str:
    """The example question a button's "zh:3" (or "zh:3:zh-tw") names, or "" (forged, or the
    file changed)."""
    lang, _, number = key.partition(":")
    number = number.partition(":")[0]
    if lang not in (Lang.ZH, Lang.EN) or not _small_number(number):
        return ""
    examples = examples_for(context, Lang(lang))
    return examples[int(number)] if int(number) < len(examples) else ""


async def feedback_button(update: Update, context: BotContext) -> None:
    """"fb:<row>:<+|->", 👍/👎: recorded (a second press changes the vote), thanked with a
    toast, and shown on the buttons."""
    if (pressed := await _pressed(update, context, acknowledge=False)) is None:
        return
    query, rest, message = pressed
    row, _, vote = rest.partition(":")
    state = context.bot_data
    if state.query_log is None or not _small_number(row, 18) or vote not in ("+", "-"):
        await cosmetic("answering a button", query.answer())
        return
    user = update.effective_user
    counted = await asyncio.to_thread(state.query_log.feedback, int(row),
                                      1 if vote == "+" else -1,
                                      user_id=user.id if user else -1)
    if not counted:  # someone else's answer (a group), or a row gone: no vote
        await toast(update, context, "only_asker")
        return
    log.info("feedback %s on logged answer %s", vote, row)
    await toast(update, context, "thanks_up" if vote == "+" else "thanks_down")
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
