"""Who may do what: admin commands and admin buttons check CEPF_ADMIN_IDS here, and a refusal
is a polite reply (or toast) and one log line."""

from __future__ import annotations

import logging

from telegram import Update

from cepf_bot.bot.send import say, toast
from cepf_bot.bot.state import BotContext

log = logging.getLogger("cepf_bot.bot")


def _is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_ids


async def require_admin(update: Update, context: BotContext, command: str) -> bool:
    """Whether the user is in CEPF_ADMIN_IDS; if not, a polite refusal and a log line."""
    if _is_admin(update, context):
        return True
    user = update.effective_user
    log.warning("refused %s from user %s (not in CEPF_ADMIN_IDS)", command,
                user.id if user else "?")
    if update.effective_message is not None:
        await say(update, context, update.effective_message, "not_admin")
    return False


async def require_admin_press(update: Update, context: BotContext, button: str) -> bool:
    """As `require_admin`, for a button: the refusal is a toast."""
    if _is_admin(update, context):
        return True
    user = update.effective_user
    log.warning("refused %s from user %s (not in CEPF_ADMIN_IDS)", button,
                user.id if user else "?")
    await toast(update, context, "not_admin")
    return False
