"""The command menu and the bot's descriptions.

At start-up: one menu per language Telegram can tell apart — its `language_code` is two
letters, so "zh" is every Chinese user and gets simplified — with the admin commands in each
admin's private chat (BotCommandScopeChat). A traditional reader would see that simplified
menu, so a private chat whose user writes traditional, or whose Telegram language is zh-Hant,
zh-TW or zh-HK (`from.language_code` carries the region), gets its own menu in its script,
once: the chats set are remembered (the last CHAT_MENUS). Every call is cosmetic: Telegram's
refusal is one log line and answering goes on."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import ExtBot

from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.bot.send import cosmetic, question_of
from cepf_bot.bot.state import BotContext, BotState
from cepf_bot.reply.locale import reply_script
from cepf_bot.reply.texts import commands, ui_text
from cepf_bot.types import Lang, Script

log = logging.getLogger("cepf_bot.application")

# Telegram's language_code for menus and descriptions is two letters: "zh" covers every
# Chinese user (the menu is simplified); any other language gets the default, English.
MENU_LANGUAGES = {"": Lang.EN, "zh": Lang.ZH}
CHAT_MENUS = 10_000  # private chats remembered as having their own menu


def menu(lang: Lang, script: Script, convert: TraditionalConverter, *,
         admin: bool = False) -> list[BotCommand]:
    """The command menu in `lang` and `script`."""
    return [BotCommand(c, convert.convert(d, script) if lang == Lang.ZH else d)
            for c, d in commands(lang, admin=admin)]


async def set_menus(bot: ExtBot[int], state: BotState) -> None:
    """The command menu in each language, with the admin commands in each admin's private chat
    only, and the bot's description and short description (all cosmetic: a failure is
    logged and answering goes on)."""
    convert = state.engine.searcher.traditional
    for code, lang in MENU_LANGUAGES.items():
        public = menu(lang, Script.SIMPLIFIED, convert)
        admin = menu(lang, Script.SIMPLIFIED, convert, admin=True)
        await cosmetic("setting the command menu", bot.set_my_commands(
            public, language_code=code or None))
        for admin_id in sorted(state.settings.admin_ids):
            await cosmetic("setting the admins' command menu", bot.set_my_commands(
                admin, scope=BotCommandScopeChat(admin_id), language_code=code or None))
        await cosmetic("setting the description", bot.set_my_description(
            ui_text("bot_description", lang), language_code=code or None))
        await cosmetic("setting the short description", bot.set_my_short_description(
            ui_text("bot_short_description", lang), language_code=code or None))


def chat_script(text: str, language_code: str | None) -> Script | None:
    """The traditional script a private chat's menu should be in, or None (simplified and
    English readers have theirs from start-up)."""
    code = (language_code or "").lower().replace("_", "-")
    if not code.startswith("zh") and not text:
        return None
    script = reply_script(text, language_code)
    return None if script == Script.SIMPLIFIED else script


async def chat_menu(update: Update, context: BotContext) -> None:
    """Give a traditional reader's private chat the menu in their script, once (runs beside
    the handler that answers, never in its way)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != "private":
        return
    state = context.bot_data
    chat_id = message.chat_id
    if chat_id in state.chat_menus:
        return
    script = chat_script(question_of(message, context.bot.username or ""), user.language_code)
    if script is None:
        return
    state.chat_menus[chat_id] = script  # before the call: a second message does not repeat it
    while len(state.chat_menus) > CHAT_MENUS:
        state.chat_menus.popitem(last=False)
    admin = user.id in state.settings.admin_ids
    commands_ = menu(Lang.ZH, script, state.engine.searcher.traditional, admin=admin)
    scope = BotCommandScopeChat(chat_id)
    await cosmetic("setting a chat's command menu", context.bot.set_my_commands(
        commands_, scope=scope))
    if admin:  # the admin's own zh menu from start-up would win over a menu for any language
        await cosmetic("setting a chat's command menu", context.bot.set_my_commands(
            commands_, scope=scope, language_code="zh"))
