"""The python-telegram-bot Application: connection settings, start-up work, handlers."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeAlias

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from cepf_bot.bot.admin import about, documents, reindex_command, stats
from cepf_bot.bot.buttons import (
    example_button,
    feedback_button,
    full_text_button,
    more_button,
    stale_button,
)
from cepf_bot.bot.faq import (
    answer_button,
    cancel_command,
    faq_command,
    notify_pressed,
    preview_button,
    remove_button,
)
from cepf_bot.bot.menus import chat_menu, set_menus
from cepf_bot.bot.questions import (
    ask_command,
    error_handler,
    group_text,
    help_command,
    inline_query,
    private_text,
    start,
    unknown_command,
)
from cepf_bot.bot.rate_limit import UserRateLimiter
from cepf_bot.bot.state import BotContext, BotState
from cepf_bot.bot.upload import (
    discard_pending,
    document_upload,
    remove_stale_uploads,
    upload_button,
)
from cepf_bot.bot.waiting import WaitingList
from cepf_bot.config import BotSettings
from cepf_bot.engine import Engine
from cepf_bot.querylog import QueryLog

log = logging.getLogger("cepf_bot.application")

# What `build_application` builds: the bot's context (`BotContext`: AIORateLimiter's bot,
# the bot's state as bot_data) and PTB's default user and chat data; the job queue (unused)
# keeps the type PTB's builder gives it, as `context_types` does not retype it.
BotApplication: TypeAlias = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], BotState,
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

CONNECTIONS = 16
CONCURRENT_UPDATES = 32

async def post_init(application: BotApplication) -> None:
    """Start-up work: the downloads killed bots left behind removed; the rest settles in
    while the bot already answers (see `settle_in`)."""
    if removed := await asyncio.to_thread(remove_stale_uploads):
        log.info("removed %d upload folder(s) a stopped bot left in the temporary folder",
                 removed)
    state = application.bot_data
    state.settling = asyncio.create_task(settle_in(application))


async def settle_in(application: BotApplication) -> None:
    """jieba's dictionary loaded off the event loop, and the menus (cosmetic), while updates
    are already fetched: /start and small talk need neither, and a question asked meanwhile
    waits on the segmenter's lock for the dictionary, as it would have at start-up."""
    state = application.bot_data
    try:
        await asyncio.gather(asyncio.to_thread(state.engine.searcher.segmenter.warm_up),
                             set_menus(application.bot, state))
    except Exception as e:  # one line; the first question loads the dictionary again
        log.warning("start-up work failed (%s: %s); answering goes on", type(e).__name__, e)
        return
    info = state.engine.info()
    log.info("serving @%s: %d documents, %d passages (index built %s)",
             application.bot.username, len(info.documents), info.passages, info.built_at)


async def post_shutdown(application: BotApplication) -> None:
    """Shut-down work: the waiting previews' downloads removed (SIGTERM, SIGINT)."""
    discard_pending(application.bot_data)


def build_application(settings: BotSettings, engine: Engine,
                      query_log: QueryLog | None = None) -> BotApplication:
    """The configured python-telegram-bot Application with every handler registered."""
    timeout = settings.timeout
    limiter = AIORateLimiter(
        overall_max_rate=settings.flood_rate, group_max_rate=settings.group_flood_rate,
        max_retries=3,
    )

    # who asked to be told when staff answer: beside the query log, off with it
    waiting = WaitingList.beside(query_log.path) if query_log is not None else None

    class State(BotState):
        """This bot's state: PTB makes `bot_data` by calling its type with no arguments."""

        def __init__(self) -> None:
            super().__init__(engine=engine, settings=settings,
                             limiter=UserRateLimiter(settings.user_rate, settings.user_burst),
                             query_log=query_log, waiting=waiting)

    context_types: ContextTypes[BotContext, dict[Any, Any], dict[Any, Any], BotState] = \
        ContextTypes(context=BotContext, bot_data=State)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(context_types)
        # every message and inline result is HTML without link previews
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_url.replace("/bot", "/file/bot", 1))
        .rate_limiter(limiter)
        # Updates are handled concurrently, but not 256 at once (PTB's default): an answer
        # takes about a millisecond of CPU, and every request queued for a connection makes
        # httpcore's pool bookkeeping slower for all the others.
        .concurrent_updates(CONCURRENT_UPDATES)
        # httpcore scans its whole pool for every request: PTB's default of 256 connections
        # costs more CPU than the answers themselves. Requests queue for a free connection.
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(timeout * 3)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .get_updates_read_timeout(timeout + 30)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    messages = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    # a traditional reader's chat gets its menu in their script, beside the answer
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE,
                                           chat_menu, block=False), group=-1)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("ask", ask_command))
    application.add_handler(CommandHandler("about", about))
    application.add_handler(CommandHandler("reindex", reindex_command))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(CommandHandler("documents", documents))
    application.add_handler(CommandHandler("faq", faq_command))
    application.add_handler(CommandHandler("cancel", cancel_command))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE,
                                           document_upload))
    application.add_handler(MessageHandler(messages & filters.ChatType.PRIVATE, private_text))
    application.add_handler(MessageHandler(messages & filters.ChatType.GROUPS, group_text))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE,
                                           unknown_command))
    # one handler per kind of button; the last takes whatever data none of them knows
    application.add_handler(CallbackQueryHandler(upload_button, pattern=r"^up:"))
    application.add_handler(CallbackQueryHandler(answer_button, pattern=r"^fa:"))
    application.add_handler(CallbackQueryHandler(preview_button, pattern=r"^fq:"))
    application.add_handler(CallbackQueryHandler(remove_button, pattern=r"^fr:"))
    application.add_handler(CallbackQueryHandler(notify_pressed, pattern=r"^nt:"))
    application.add_handler(CallbackQueryHandler(example_button, pattern=r"^ex:"))
    application.add_handler(CallbackQueryHandler(full_text_button, pattern=r"^full:"))
    application.add_handler(CallbackQueryHandler(more_button, pattern=r"^more:"))
    application.add_handler(CallbackQueryHandler(feedback_button, pattern=r"^fb:"))
    application.add_handler(CallbackQueryHandler(stale_button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(error_handler)
    return application
